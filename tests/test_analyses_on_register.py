"""Every analysis reads the register: a change made through one verb reaches all of them.

End to end through the command line on a fresh SQLite register, as a user would: a lease
ended today leaves its unit vacant in the landlord figures, in the layout problem and in the
energy results alike. And every real IFC file that holds spaces, created as a site, goes
through ``energy site``, ``energy loads`` and ``layout problem`` with its defaults listed.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)

#: The real files of ``../shared/ifc`` that hold IfcSpaces (TeklaModell and
#: vectorworks_unicode hold none).
FILES_WITH_SPACES = (
    "AC20-FZK-Haus.ifc",
    "AC90R1-niedriha-V2-2x3.ifc",
    "House.ifc",
    "LargeBuilding.ifc",
    "SampleHouse4.ifc",
    "duplex.ifc",
    "revit_quantities.ifc",
)


def cli(*args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "site_manager.cli", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def csv_of(proc: subprocess.CompletedProcess[str]) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(proc.stdout), keep_default_na=False, dtype=str)


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_an_ended_lease_leaves_its_unit_vacant_in_every_analysis(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'register.sqlite'}"
    site = ("--site", "textile_mill", "--db", db)
    cli("sample", "load", "textile_mill", "--db", db)
    leases = csv_of(cli("lease", "list", *site, "--format", "csv"))
    start = pd.to_datetime(leases["start"]).dt.date
    end = pd.to_datetime(leases["end"]).dt.date
    running = leases[(start < YESTERDAY) & (end >= TODAY)]
    if running.empty:
        pytest.skip(f"no sample lease runs from before yesterday to today ({TODAY})")
    lease = running.iloc[0]
    unit, tenant = lease["unit_id"], lease["tenant_id"]
    units = csv_of(cli("unit", "list", *site, "--format", "csv"))
    unit_spaces = set(units.set_index("unit_id").loc[unit, "space_global_ids"].split(";"))

    def vacant_units() -> set[str]:
        frame = csv_of(cli("report", "vacancies", *site, "--on", TODAY.isoformat(),
                           "--format", "csv"))  # fmt: skip
        return set(frame["unit_id"])

    def holder_in_layout() -> list[str]:
        out = tmp_path / "problem.json"
        cli("layout", "problem", *site, "--date", TODAY.isoformat(), "-o", str(out))
        problem = json.loads(out.read_text(encoding="utf-8"))
        assert unit in {u["id"] for u in problem["units"]}
        return [e["id"] for e in problem["existing"] if unit in e["units"]]

    def tenants_in_energy() -> set[str]:
        frame = csv_of(cli("energy", "site", *site, "--date", TODAY.isoformat(),
                           "--format", "csv"))  # fmt: skip
        rows = frame[frame["space_global_id"].isin(unit_spaces)]
        assert set(rows["unit_id"]) == {unit} and len(rows) == len(unit_spaces)
        return set(rows["tenant_id"])

    assert unit not in vacant_units()
    assert holder_in_layout() == [tenant]
    assert tenants_in_energy() == {tenant}

    cli("lease", "end", lease["lease_id"], "--on", YESTERDAY.isoformat(), *site)

    assert unit in vacant_units()
    assert holder_in_layout() == []
    assert tenants_in_energy() == {""}


@pytest.mark.parametrize(
    # all in the slow run (ten minutes for make test): the default run analyses a site
    # made from AC20-FZK-Haus on the Energy page (tests/app/test_page_energy.py)
    "name",
    [pytest.param(n, marks=pytest.mark.slow) for n in FILES_WITH_SPACES],
)
def test_any_real_ifc_file_created_as_a_site_is_analysable(
    name: str, shared_ifc_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / name
    shutil.copy(shared_ifc_dir / name, copy)
    db = f"sqlite:///{tmp_path / 'register.sqlite'}"
    cli("site", "create", str(copy), "--name", "Real file", "--id", "real", "--db", db)
    copy.unlink()  # the register keeps what the analyses need
    site = ("--site", "real", "--db", db)

    energy = cli("energy", "site", *site, "--format", "csv")
    loads = csv_of(energy)
    assert len(loads) > 0 and (pd.to_numeric(loads["heating_kwh"]) >= 0).all()
    notes = [line for line in energy.stderr.splitlines() if line.startswith("note: ")]
    # none of these files carries a climate; the notes name the command that stores one
    assert any("no climate stored" in n and "site climate" in n for n in notes), energy.stderr
    assert len(notes) == len(set(notes))  # each default is said once

    cli("energy", "loads", *site, "--format", "csv")

    out = tmp_path / "problem.json"
    layout = cli("layout", "problem", *site, "-o", str(out))
    problem = json.loads(out.read_text(encoding="utf-8"))
    layout_notes = [line for line in layout.stderr.splitlines() if line.startswith("note: ")]
    # no units are defined: each lettable or unzoned space with an area is offered alone
    assert any("no units are defined" in n for n in layout_notes), layout.stderr
    assert any("no applicants" in n for n in layout_notes), layout.stderr
    assert 0 < len(problem["units"]) <= len(loads)
