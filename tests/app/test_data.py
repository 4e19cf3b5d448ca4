"""The dashboard's cache key: the register revision, moved by a write from another process."""

from __future__ import annotations

import os
import subprocess
import sys

from site_manager.app import data

from .conftest import ROOT, Seeded

#: Signs U2 to T2 for 2090 in a process of its own (argv: register URL, site id).
SIGN = """
import sys
from site_manager import register
engine = register.open_register(sys.argv[1])
register.sign_lease(engine, unit_id="U2", tenant_id="T2", start="2090-01-01",
                    end="2090-12-31", rent_eur_per_month=640.0, site=sys.argv[2])
"""


def _u2_t2(leases) -> int:  # type: ignore[no-untyped-def]
    return int(((leases["unit_id"] == "U2") & (leases["tenant_id"] == "T2")).sum())


def test_data_version_moves_with_a_write_from_another_process(seeded: Seeded) -> None:
    before = data.data_version(seeded.url)
    old = data.get_frames(seeded.url, seeded.site, before)
    assert _u2_t2(old.leases) == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", SIGN, seeded.url, seeded.site], check=True, env=env,
                   cwd=ROOT, timeout=120)  # fmt: skip
    after = data.data_version(seeded.url)
    assert after == before + 1  # one verb, one committed transaction
    new = data.get_frames(seeded.url, seeded.site, after)
    assert _u2_t2(new.leases) == 1
    assert new.revision == after  # the frames were read at the revision of their key
    # the frames are cached: the old key still gives the old ones, so it is the new key
    # that brought the lease in
    assert _u2_t2(data.get_frames(seeded.url, seeded.site, before).leases) == 0
