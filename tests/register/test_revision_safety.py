"""A revision that would throw away a site's spaces is refused unless forced; a dry run
reports without changing anything; a site is not created from a model without spaces."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from site_manager import register
from site_manager.errors import RegisterError, ValidationError
from tests.conftest import MODELS

from .conftest import make_model

SITE = "textile_mill"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_manager.cli", *args],
                          capture_output=True, text=True, timeout=300)  # fmt: skip


@pytest.fixture
def mill(tmp_path: Path) -> tuple[object, str]:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    engine = register.open_register(url)
    register.load_sample(engine, SITE)
    return engine, url


def _snapshot(engine: object) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    f = register.frames(engine, SITE)
    return f.spaces.drop(columns=["footprint_wkt"]), f.leases, register.get_revision(engine)


def test_another_building_is_refused_naming_what_it_would_remove(mill) -> None:
    engine, _ = mill
    frames = register.frames(engine, SITE)
    live = int((~frames.spaces["removed"]).sum())
    # every lease of a unit made of the mill's spaces would be touched
    leases = frames.leases["lease_id"].nunique()
    before = _snapshot(engine)
    with pytest.raises(RegisterError) as refused:
        register.revise_site(engine, MODELS / "engineering_works.ifc", site=SITE)
    message = str(refused.value)
    assert f"matches only 0 of the site's {live} spaces" in message
    assert f"remove {live} spaces" in message and f"touch {leases} lease(s)" in message
    after = _snapshot(engine)
    pd.testing.assert_frame_equal(after[0], before[0])
    pd.testing.assert_frame_equal(after[1], before[1])
    assert after[2] == before[2]


def test_forced_it_is_applied_and_every_space_is_flagged_removed(mill) -> None:
    engine, _ = mill
    report = register.revise_site(engine, MODELS / "engineering_works.ifc", site=SITE,
                                  force=True)  # fmt: skip
    assert report.applied and report.spaces_matched == 0
    spaces = register.frames(engine, SITE).spaces
    assert spaces.loc[spaces["global_id"].isin(report.removed["global_id"]), "removed"].all()


def test_a_model_without_spaces_is_refused_for_a_revision_and_for_a_new_site(mill) -> None:
    engine, _ = mill
    empty = make_model([], path="structure.ifc")
    with pytest.raises(RegisterError, match=r"structure\.ifc: has no spaces"):
        register.revise_site(engine, empty, site=SITE)
    with pytest.raises(ValidationError, match=r"structure\.ifc: the model has no spaces"):
        register.create_site(engine, empty, name="Steel frame")
    assert list(register.list_sites(engine)["site_id"]) == [SITE]
    assert register.create_site(engine, empty, name="Steel frame", allow_empty=True)
    assert "steel_frame" in set(register.list_sites(engine)["site_id"])


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_a_dry_run_reports_the_share_matched_and_changes_nothing(mill) -> None:
    engine, url = mill
    before = _snapshot(engine)
    same = _cli("site", "revise", str(MODELS / f"{SITE}.ifc"), "--dry-run", "--site", SITE,
                "--db", url)  # fmt: skip
    assert same.returncode == 0, same.stderr
    live = int((~before[0]["removed"]).sum())
    assert f"{live} of {live} spaces matched (100%)" in same.stdout
    assert "not applied (dry run)" in same.stdout
    other = _cli("site", "revise", str(MODELS / "engineering_works.ifc"), "--dry-run",
                 "--site", SITE, "--db", url)  # fmt: skip
    assert other.returncode == 0, other.stderr  # a dry run reports, whatever it finds
    assert f"0 of {live} spaces matched (0%)" in other.stdout
    refused = _cli("site", "revise", str(MODELS / "engineering_works.ifc"), "--site", SITE,
                   "--db", url)  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "--force" in refused.stderr and "Traceback" not in refused.stderr
    after = _snapshot(engine)
    pd.testing.assert_frame_equal(after[0], before[0])
    assert after[2] == before[2]


def test_ending_a_lease_on_the_last_day_it_has_writes_no_audit_entry(mill) -> None:
    engine, _ = mill
    lease = register.list_leases(engine, SITE).iloc[0]
    entries = len(register.get_audit(engine, SITE))
    revision = register.get_revision(engine)
    register.end_lease(engine, lease["lease_id"], on=lease["end"], site=SITE)
    assert len(register.get_audit(engine, SITE)) == entries  # was one no-op entry
    assert register.get_revision(engine) == revision
    day_before = lease["end"] - pd.Timedelta(days=1)
    register.end_lease(engine, lease["lease_id"], on=day_before, site=SITE)
    audit = register.get_audit(engine, SITE, limit=1).iloc[0]
    assert (audit["verb"], audit["record"]) == ("end_lease", lease["lease_id"])
