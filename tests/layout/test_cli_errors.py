"""Bad layout problems give exactly one line ``error: <file>: <record/field>: <problem>``.

Each expected line is written out in full here: the file name once, then the record, then
what is wrong and what to do, and exit code 2 (before, top-level problems repeated the file
name: ``error: p.json: 1 problem(s): p.json: field 'units' is missing``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from site_manager.cli import main

from .builders import applicant, problem, unit
from .conftest import copy_register

FIX = "(fix the records named and try again)"


def small() -> dict:
    return problem(
        [unit("U1", 50), unit("U2", 45)], [applicant("A", 45, 50, 12)], adjacency=[("U1", "U2")]
    )


def _edit(change):
    data = small()
    change(data)
    return json.dumps(data)


CASES = [
    (
        "negative area",
        _edit(lambda d: d["units"][0].update(area=-5)),
        f"p.json: units[0] ('U1'): field 'area' (floor area [m²]) is negative: -5 {FIX}",
    ),
    (
        "area_min above area_max",
        _edit(lambda d: d["applicants"][0].update(area_min=60)),
        f"p.json: applicants[0] ('A'): field 'area_min' 60 is greater than area_max 50 {FIX}",
    ),
    (
        "unknown unit in adjacency",
        _edit(lambda d: d["adjacency"].append(["U1", "U9"])),
        f"p.json: adjacency[1]: unknown unit 'U9' (not in 'units') {FIX}",
    ),
    (
        "a text where a number belongs",
        _edit(lambda d: d["units"][1].update(area="big")),
        f"p.json: units[1] ('U2'): field 'area' (floor area [m²]): 'big' is not a finite number "
        f"{FIX}",
    ),
    (
        "units not a list",
        _edit(lambda d: d.update(units="U1")),
        f"p.json: units: expected a list, found str {FIX}",
    ),
    (
        "units missing",
        _edit(lambda d: d.pop("units")),
        f"p.json: units: missing; give a list of unit objects {FIX}",
    ),
    (
        "unknown top-level field",
        _edit(lambda d: d.update(tenants=[])),
        "p.json: 'tenants': unknown top-level field "
        f"(known: adjacency, applicants, existing, parameters, rules, units) {FIX}",
    ),
    (
        "a list at the top level",
        "[1, 2]",
        "p.json: top level: expected a JSON object with 'units' and 'applicants', found list",
    ),
    (
        "bad JSON",
        '{"units": [}',
        "p.json: line 1 column 12: not valid JSON (Expecting value); write the problem as JSON",
    ),
    (
        "two problems",
        _edit(lambda d: (d["units"][0].update(area=0), d["adjacency"].append(["U2", "U2"]))),
        "p.json: units[0] ('U1'): field 'area' must be greater than 0; "
        "adjacency[1]: unit 'U2' is paired with itself "
        "(2 problem(s); fix the records named and try again)",
    ),
]


@pytest.mark.parametrize(("case", "text", "line"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_problem_is_one_error_line_naming_the_file_once_and_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: str,
    text: str,
    line: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("p.json").write_text(text, encoding="utf-8")
    assert main(["layout", "solve", "p.json", "--greedy"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"error: {line}\n"
    assert captured.err.count("p.json") == 1


def test_the_installed_command_prints_the_same_single_line(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(_edit(lambda d: d.pop("units")), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "site_manager.cli", "layout", "check", "p.json", "s.json"],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr == f"error: p.json: units: missing; give a list of unit objects {FIX}\n"


def test_an_applicants_table_without_ids_names_its_heading_row_once(
    sample_register,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = copy_register(sample_register("textile_mill"), tmp_path / "mill.sqlite")
    monkeypatch.chdir(tmp_path)
    Path("apps.csv").write_text("name,area\nX,50\n", encoding="utf-8")
    code = main(["layout", "problem", "--site", "textile_mill", "--db", db,
                 "--applicants", "apps.csv", "-o", "out.json"])  # fmt: skip
    assert code == 2
    assert capsys.readouterr().err == (
        f"error: apps.csv: row 1: no 'id' column (found name, area) {FIX}\n"
    )
    assert not Path("out.json").exists()


def test_layout_check_given_a_binary_solution_is_one_error_line(tmp_path: Path, capsys) -> None:
    p = tmp_path / "p.json"
    p.write_text(json.dumps(small()), encoding="utf-8")
    picture = tmp_path / "solution.json"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(128, 256)) * 8)
    code = main(["layout", "check", str(p), str(picture)])
    err = capsys.readouterr().err
    assert code == 2  # was a UnicodeDecodeError traceback, exit 1
    assert err.count("\n") == 1 and err.startswith("error: ") and "solution.json" in err
