"""A register made by the second release (schema 0002) upgrades in place when opened.

The second release is commit ``7ec998e``, the last commit whose register schema was 0002. Its
own ``site-manager sample load textile_mill`` fills a fresh register in a subprocess (the commit
is extracted from git into a temporary folder); the current code then opens that register,
which must upgrade it to the head revision keeping every row and column it held, and go on
working: listings, frames, a new lease.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_manager import register
from site_manager.register.audit_chain import verify_audit
from site_manager.register.engine import create_register_engine, current_revision, head_revision

from ._releases import dump, release_tree
from .test_audit_chain import _assert_chained

ROOT = Path(__file__).resolve().parents[2]
#: The second release: the last commit whose register schema was 0002.
RELEASE = "7ec998e"


@pytest.fixture(scope="module")
def release_0002(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release's source tree, extracted from git (skips without the commit)."""
    folder = release_tree(tmp_path_factory, RELEASE)
    versions = folder / "site_manager/register/migrations/versions"
    assert sorted(p.name[:4] for p in versions.glob("0*.py")) == ["0001", "0002"]
    return folder


def test_a_register_made_by_the_0002_release_upgrades_in_place(
    empty_db_url: str, release_0002: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_MANAGER_DB", "PYTHONPATH")}
    env["PYTHONPATH"] = str(release_0002)
    done = subprocess.run(
        [sys.executable, "-m", "site_manager.cli", "sample", "load", "textile_mill",
         "--db", empty_db_url],
        cwd=release_0002, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    plain = create_register_engine(empty_db_url)
    try:  # the release wrote it and left it at its own schema
        assert current_revision(plain) == "0002"
        before = dump(plain)
    finally:
        plain.dispose()
    engine = register.open_register(empty_db_url)
    try:
        assert current_revision(engine) == head_revision()
        after = dump(engine)
        for table, (cols, rows) in before.items():
            if table == "alembic_version":
                continue
            got_cols, got_rows = after[table]
            assert set(cols) <= set(got_cols), table
            index = [got_cols.index(c) for c in cols]
            kept = sorted((tuple(r[i] for i in index) for r in got_rows), key=repr)
            assert kept == rows, table
        # the release's audit entries are chained by the upgrade, in id order
        chained = _assert_chained(empty_db_url)
        assert len(chained) == len(before["audit"][1]) > 0
        check = verify_audit(engine)
        assert (check.ok, check.checked) == (True, len(chained))
        # the register works on the upgraded file
        leases = register.list_leases(engine, "textile_mill")
        assert len(leases) == len(before["leases"][1])
        f = register.frames(engine, "textile_mill")
        assert len(f.spaces) == len(before["spaces"][1])
        assert len(f.fabric) == len(before["fabric_elements"][1]) > 0
        revision = register.get_revision(engine)
        unit = sorted(register.list_units(engine, "textile_mill")["unit_id"])[0]
        tenant = sorted(register.list_tenants(engine, "textile_mill")["tenant_id"])[0]
        lease = register.sign_lease(
            engine, unit_id=unit, tenant_id=tenant, start="2090-01-01", end="2090-12-31",
            rent_eur_per_month=500, site="textile_mill",
        )  # fmt: skip
        assert lease in set(register.list_leases(engine, "textile_mill")["lease_id"])
        assert register.get_revision(engine) == revision + 1
        assert len(_assert_chained(empty_db_url)) == len(chained) + 1  # the new lease's entry
    finally:
        engine.dispose()
