"""``site-manager layout solve | check | problem`` end to end, in a subprocess and in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from site_manager.cli import main

from .builders import applicant, problem, unit
from .checker import check


def small() -> dict:
    units = [unit("U1", 50), unit("U2", 45), unit("U3", 30, load=2.0)]
    apps = [
        applicant("A", 45, 50, 12),
        applicant("B", 50, 55, 10),
        applicant("C", 30, 35, 9, min_load=5.0),
    ]
    return problem(units, apps, adjacency=[("U1", "U2")])


def test_solve_writes_a_solution_that_the_checker_accepts(tmp_path: Path) -> None:
    pfile, sfile = tmp_path / "p.json", tmp_path / "s.json"
    data = small()
    pfile.write_text(json.dumps(data), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "site_manager.cli", "layout", "solve", str(pfile), "-o", str(sfile),
         "--time-limit", "5"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "OPTIMAL: 2 of 3 applicants placed" in run.stdout
    sol = json.loads(sfile.read_text(encoding="utf-8"))
    assert set(sol) >= {"assignment", "objective", "bound", "status", "seconds", "reasons"}
    assert sol["assignment"] == {"A": ["U2"], "B": ["U1"]}
    violations, value = check(data, sol["assignment"])
    assert violations == [] and Fraction(repr(sol["objective"])) == value == 1240
    assert sol["bound"] == 1240 and sol["status"] == "OPTIMAL"
    assert sol["reasons"]["C"]["code"] == "no_fit"
    # U1 and U2 are too large for C (30-35 m²), U3's floor too weak (2 < 5 kN/m²)
    assert sol["reasons"]["C"]["failing_needs"] == {"area_too_large": 2, "load": 1}
    assert "area too large in 2 of 3 units" in sol["reasons"]["C"]["message"]


def test_greedy_flag_gives_the_baseline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pfile = tmp_path / "p.json"
    pfile.write_text(json.dumps(small()), encoding="utf-8")
    assert main(["layout", "solve", str(pfile), "--greedy"]) == 0
    sol = json.loads(capsys.readouterr().out)
    assert sol["status"] == "GREEDY" and sol["bound"] is None
    assert sol["assignment"] == {"A": ["U1"]}
    assert sol["objective"] == 660
    assert sol["reasons"]["B"]["code"] == "worth_less"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["adjacency"].append(["U1", "U7"]), "unknown unit 'U7'"),
        (lambda d: d["units"][0].update(area=-50), "field 'area' (floor area [m²]) is negative"),
        (lambda d: d["applicants"][1].update(area_min=60), "is greater than area_max 55"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit, expected: str
) -> None:
    data = small()
    edit(data)
    pfile = tmp_path / "p.json"
    pfile.write_text(json.dumps(data), encoding="utf-8")
    assert main(["layout", "solve", str(pfile)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_a_bad_time_limit_and_a_missing_file_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pfile = tmp_path / "p.json"
    pfile.write_text(json.dumps(small()), encoding="utf-8")
    assert main(["layout", "solve", str(pfile), "--time-limit", "0"]) == 2
    assert main(["layout", "solve", str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err
    assert "--time-limit must be positive" in err and "no such problem file" in err


def test_check_recomputes_and_flags_a_broken_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pfile, sfile = tmp_path / "p.json", tmp_path / "s.json"
    pfile.write_text(json.dumps(small()), encoding="utf-8")
    sfile.write_text(json.dumps({"assignment": {"A": ["U2"], "B": ["U1"]}}), encoding="utf-8")
    assert main(["layout", "check", str(pfile), str(sfile)]) == 0
    assert "feasible: objective 1,240.00" in capsys.readouterr().out
    sfile.write_text(json.dumps({"assignment": {"A": ["U1"], "B": ["U1"]}}), encoding="utf-8")
    assert main(["layout", "check", str(pfile), str(sfile)]) == 1
    assert "unit U1 has two tenants" in capsys.readouterr().out
