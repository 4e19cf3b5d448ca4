"""The register's commands, as scripts and reviewers use them (DESIGN.md §4)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_manager.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A register with the textile mill loaded by ``site-manager sample load``."""
    if not (ROOT / "sample_sites" / "textile_mill" / "site.toml").is_file():
        pytest.skip("sample site textile_mill not generated yet")
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'r.sqlite'}"
    assert main(["sample", "load", "textile_mill", "--db", url]) == 0
    return url


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_lists_carry_the_documented_columns_as_csv_and_json(db: str, capsys) -> None:
    code, out, _ = _run(capsys, "unit", "list", "--db", db, "--format", "csv")
    units = _csv(out)
    assert code == 0 and len(units) == 17 and "unit_id" in units[0]
    code, out, _ = _run(capsys, "tenant", "list", "--db", db, "--format", "json")
    tenants = json.loads(out)
    assert code == 0 and len(tenants) == 26 and "tenant_id" in tenants[0]
    code, out, _ = _run(capsys, "lease", "list", "--db", db, "--format", "csv")
    leases = _csv(out)
    expected = _csv((ROOT / "sample_sites/textile_mill/leases.csv").read_text(encoding="utf-8"))
    assert sorted((r["lease_id"], r["unit_id"], r["tenant_id"], r["start"], r["end"])
                  for r in leases) == sorted(
        (r["lease_id"], r["unit_id"], r["tenant_id"], r["start"], r["end"]) for r in expected
    )  # fmt: skip
    code, out, _ = _run(capsys, "lease", "list", "--db", db)
    assert code == 0 and "lease_id" in out.splitlines()[0]


def test_lease_sign_exits_0_when_signed_and_2_with_one_error_line_when_refused(
    db: str, capsys
) -> None:
    vacant = _csv(_run(capsys, "report", "vacancies", "--db", db, "--on", "2031-01-01",
                       "--format", "csv")[1])  # fmt: skip
    unit = vacant[0]["unit_id"]
    args = ["lease", "sign", "--unit", unit, "--tenant", "T001", "--start", "2031-01-01",
            "--end", "2031-12-31", "--rent", "900", "--db", db]  # fmt: skip
    code, out, err = _run(capsys, *args)
    assert (code, err) == (0, "")
    assert f"unit {unit}" in out
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: unit {unit} is already leased")
    code, _, err = _run(capsys, *[a if a != "900" else "-5" for a in args])
    assert code == 2 and "rent" in err and err.count("\n") == 1


def test_a_bad_import_prints_one_line_naming_the_file_and_every_bad_row(
    db: str, capsys, tmp_path: Path
) -> None:
    bad = tmp_path / "leases.csv"
    bad.write_text("Unit,Tenant,Start date,End date,Monthly rent (EUR)\n"
                   "TM-0.01,T001,2032-01-01,2032-12-31,100\n"
                   "TM-0.01,T001,2033-02-30,2033-12-31,100\n"
                   "TM-X,T001,2034-01-01,2034-12-31,100\n")  # fmt: skip
    before = _run(capsys, "lease", "list", "--db", db, "--format", "csv")[1]
    code, _, err = _run(capsys, "lease", "import", str(bad), "--db", db)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"error: {bad}: 2 bad rows: row 3 column start: '2033-02-30' is not a "
                          "date YYYY-MM-DD; row 4 column unit_id: unknown unit 'TM-X'")  # fmt: skip
    assert _run(capsys, "lease", "list", "--db", db, "--format", "csv")[1] == before


def test_reports_print_tables_csv_and_json(db: str, capsys) -> None:
    for figure in ("occupancy", "rent-roll", "expiries", "vacancies"):
        for by in ([], ["--by", "storey"], ["--by", "use"]):
            code, out, _ = _run(capsys, "report", figure, "--on", "2026-06-01", *by, "--db", db,
                                "--format", "json")  # fmt: skip
            assert code == 0
            json.loads(out)
    code, out, _ = _run(capsys, "report", "occupancy", "--on", "2026-06-01", "--db", db)
    assert code == 0 and "occupancy_by_area" in out


def test_the_database_comes_from_the_environment_when_db_is_not_given(
    db: str, tmp_path: Path
) -> None:
    env = os.environ | {"SITE_MANAGER_DB": db, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-m", "site_manager.cli", "unit", "list", "--format",
                           "csv"], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert len(_csv(proc.stdout)) == 17
    # and without either, an SQLite file in the working folder (empty: a clear error)
    env.pop("SITE_MANAGER_DB")
    proc = subprocess.run(
        [sys.executable, "-m", "site_manager.cli", "unit", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: the register holds no site yet")
    assert (tmp_path / "site_manager.sqlite").is_file()


def test_units_zoning_lease_end_and_exports_from_the_command_line(
    db: str, capsys, tmp_path: Path
) -> None:
    spaces = _csv(_run(capsys, "zoning", "list", "--db", db, "--format", "csv")[1])
    corridor = next(s for s in spaces if s["use"] == "circulation")["global_id"]
    code, out, _ = _run(capsys, "zoning", "set", f"{corridor}=shared_service", "--db", db)
    assert code == 0 and "1 space(s) changed" in out
    code, _, err = _run(capsys, "zoning", "set", f"{corridor}=office", "--db", db)
    assert code == 2 and "office" in err and "shared_service" in err
    code, _, _ = _run(capsys, "unit", "define", "X-1", "--spaces", corridor, "--name", "Kiosk",
                      "--area", "12.5", "--db", db)  # fmt: skip
    assert code == 0
    units = {u["unit_id"]: u for u in _csv(_run(capsys, "unit", "list", "--db", db,
                                                "--format", "csv")[1])}  # fmt: skip
    assert (units["X-1"]["area_m2"], units["X-1"]["use"]) == ("12.5", "shared_service")
    code, out, _ = _run(capsys, "lease", "sign", "--unit", "X-1", "--tenant", "T002", "--start",
                        "2030-01-01", "--end", "2030-12-31", "--rent", "100", "--id", "LX",
                        "--db", db)  # fmt: skip
    assert code == 0
    assert _run(capsys, "lease", "end", "LX", "--on", "2030-03-31", "--db", db)[0] == 0
    leases = {r["lease_id"]: r for r in _csv(_run(capsys, "lease", "list", "--db", db,
                                                  "--format", "csv")[1])}  # fmt: skip
    assert leases["LX"]["end"] == "2030-03-31"
    out_file = tmp_path / "tenants.xlsx"
    assert _run(capsys, "tenant", "export", str(out_file), "--db", db)[0] == 0
    code, out, _ = _run(capsys, "tenant", "import", str(out_file), "--db", db)
    assert code == 0 and "0 tenants added, 0 updated, 26 unchanged" in out
    audit = json.loads(_run(capsys, "audit", "--db", db, "--format", "json", "--limit", "3")[1])
    assert [a["verb"] for a in audit] == ["end_lease", "sign_lease", "define_unit"]
