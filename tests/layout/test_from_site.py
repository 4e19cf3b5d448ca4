"""A layout problem built from a sample site (real IFC model + sample data), then solved.

One model read for the module (the importer runs a child process): the CLI writes the
problem, and every test reads the JSON it wrote.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
from fractions import Fraction
from pathlib import Path

import pytest
from shapely.geometry import Point

from site_manager.cli import main
from site_manager.layout import read_problem, solve
from site_manager.layout.from_site import grid_bays, problem_from_site
from site_manager.layout.problem import problem_to_dict

from .checker import check

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "sample_sites" / "engineering_works"
DAY = "2026-11-01"


@pytest.fixture(scope="module")
def problem_json(tmp_path_factory: pytest.TempPathFactory) -> dict:
    if not (SITE / "units.csv").is_file():
        pytest.skip("sample site engineering_works not present")
    out = tmp_path_factory.mktemp("layout") / "ew.json"
    argv = ["layout", "problem", "--site", "engineering_works", "--bay-area", "150"]
    assert main([*argv, "--date", DAY, "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _rows(name: str) -> list[dict[str, str]]:
    with open(SITE / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_units_are_the_lettable_units_of_the_site_and_big_halls_become_bays(
    problem_json: dict,
) -> None:
    uses = {r["space_global_id"]: r["use"] for r in _rows("zoning.csv")}
    lettable = {
        r["unit_id"]: float(r["area_m2"])
        for r in _rows("units.csv")
        if all(
            uses[g] in ("private_production", "storage") for g in r["space_global_ids"].split(";")
        )
    }
    units = {u["id"]: u for u in problem_json["units"]}
    base_ids = {uid.split("/b")[0] for uid in units}
    assert base_ids == set(lettable)
    for base, area in lettable.items():
        parts = [u for uid, u in units.items() if uid.split("/b")[0] == base]
        assert sum(u["area"] for u in parts) == pytest.approx(area, abs=0.05)
        if area > 150:  # cut into bays of the column grid, at least two, all connected
            assert len(parts) >= 2
            ids = {f"{base}/b{k}" for k in range(1, len(parts) + 1)}
            assert {u["id"] for u in parts} == ids
            inner = [set(p) for p in problem_json["adjacency"] if set(p) <= ids]
            reached = {f"{base}/b1"}
            for _ in ids:
                reached |= {x for p in inner if p & reached for x in p}
            assert reached == ids
        else:
            assert len(parts) == 1


def test_adjacency_follows_shared_walls_on_one_storey(problem_json: dict) -> None:
    units = {u["id"]: u for u in problem_json["units"]}
    pairs = {frozenset(p) for p in problem_json["adjacency"]}
    # offices along the south wall, side by side; mezzanine studios in a row above them
    assert frozenset({"EW-W.O1", "EW-W.O2"}) in pairs
    assert frozenset({"EW-M.1", "EW-M.2"}) in pairs
    assert frozenset({"EW-W.O1", "EW-W.O3"}) not in pairs  # not side by side
    for a, b in problem_json["adjacency"]:
        assert units[a]["storey"] == units[b]["storey"]
    assert all(len([p for p in pairs if uid in p]) >= 2 or True for uid in units)


def test_existing_tenants_are_the_running_leases(problem_json: dict) -> None:
    units = {u["id"] for u in problem_json["units"]}
    running = {
        (r["tenant_id"], r["unit_id"])
        for r in _rows("leases.csv")
        if r["start"] <= DAY <= r["end"] and r["unit_id"] in {u.split("/b")[0] for u in units}
    }
    got = {(e["id"], uid.split("/b")[0]) for e in problem_json["existing"] for uid in e["units"]}
    assert got == running


def test_the_site_problem_solves_and_the_checker_agrees(problem_json: dict, tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(problem_json), encoding="utf-8")
    sol = solve(read_problem(path), time_limit=5.0)
    violations, value = check(problem_json, sol.assignment)
    assert violations == []
    assert Fraction(repr(sol.objective)) == value
    left_out = {a["id"] for a in problem_json["applicants"]} - set(sol.assignment)
    assert set(sol.reasons) == left_out
    assert sol.objective >= sol.greedy_objective


def test_the_problem_command_rejects_an_unknown_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["layout", "problem", "--site", "no_such_site", "-o", str(tmp_path / "p.json")])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: ")


# ------------------------------------------------------------------- bays on the column grid


def test_a_hall_is_cut_on_its_column_lines_whatever_its_orientation() -> None:
    from shapely import affinity
    from shapely.geometry import box

    # a 30 x 12 m hall, columns on x = 10, 20 at both long walls, turned by 33° about (5, 5)
    hall = box(0, 0, 30, 12)
    cols = [(x, y) for x in (10.0, 20.1) for y in (0.0, 12.0)]  # one line 0.1 m off
    turn = affinity.rotate(hall, 33, origin=(5, 5))
    pts = [affinity.rotate(Point(p), 33, origin=(5, 5)).coords[0] for p in cols]
    bays = grid_bays(turn, pts, min_bay_m2=50)
    assert bays is not None
    flat = [affinity.rotate(b, -33, origin=(5, 5)) for b in bays]
    got = sorted(tuple(round(v, 6) for v in b.bounds) for b in flat)
    # the cut at x = 20.1 is the one line the two columns there stand on
    assert got == [(0, 0, 10, 12), (10, 0, 20.1, 12), (20.1, 0, 30, 12)]
    assert sum(b.area for b in bays) == pytest.approx(360.0)


def test_a_sliver_between_a_column_line_and_the_wall_joins_its_neighbour() -> None:
    from shapely.geometry import box

    # columns 1 m inside the east wall and on a 10 m line: the 1 x 12 m strip (12 m²) is a
    # sliver under 50 m² and joins the bay it shares its 12 m edge with
    hall = box(0, 0, 30, 12)
    bays = grid_bays(hall, [(10, 0), (10, 12), (29, 0), (29, 12)], min_bay_m2=50)
    assert bays is not None
    assert sorted(round(b.area, 6) for b in bays) == [120.0, 240.0]


def test_no_grid_line_across_a_hall_means_no_grid_bays() -> None:
    from shapely.geometry import box

    hall = box(0, 0, 30, 12)
    assert grid_bays(hall, [], min_bay_m2=50) is None
    # columns only in the corners: every line runs along a wall
    assert grid_bays(hall, [(0, 0), (30, 0), (0, 12), (30, 12)], min_bay_m2=50) is None
    # one line, but the merging leaves one piece
    assert grid_bays(hall, [(2, 0), (2, 12)], min_bay_m2=50) is None


def _site_and_model(name: str):
    from site_manager.ifc import read_model
    from site_manager.sites import read_site

    folder_path = ROOT / "sample_sites" / name
    if not (folder_path / "units.csv").is_file():
        pytest.skip(f"sample site {name} not present")
    folder = read_site(folder_path)
    return folder, read_model(folder.model_path, extras=("columns",))


@pytest.fixture(scope="module")
def works():
    return _site_and_model("engineering_works")


@pytest.fixture(scope="module")
def mill():
    return _site_and_model("textile_mill")


def _cut_segments(bay, footprint):
    """Straight pieces of a bay's outline that are not on the unit's own outline."""
    inner = bay.boundary.difference(footprint.boundary.buffer(1e-3))
    for line in getattr(inner, "geoms", [inner]):
        pts = list(line.coords)
        for a, b in zip(pts, pts[1:], strict=False):
            if math.dist(a, b) > 0.05:
                yield a, b


def _distance_to_line(p, a, b) -> float:
    (ax, ay), (bx, by) = a, b
    return abs((bx - ax) * (p[1] - ay) - (by - ay) * (p[0] - ax)) / math.dist(a, b)


def _bays_on_the_grid(folder, model) -> tuple[dict, object]:
    """Check every split unit of a site against its column grid; its bays by unit."""
    from shapely.ops import unary_union

    problem = problem_from_site(
        folder.folder, bay_area_m2=150, model=model, on_date=dt.date.fromisoformat(DAY)
    )
    spaces = model.spaces.set_index("global_id")
    cols = model.extra["columns"]
    units = {u.id: u for u in problem.units}
    bays_by_unit = {}
    for rec in folder.units.to_dict(orient="records"):
        parts = sorted(u for u in units if u.startswith(rec["unit_id"] + "/b"))
        if not parts:
            continue
        gids = rec["space_global_ids"].split(";")
        footprint = unary_union([spaces.loc[g, "geometry"] for g in gids])
        on_storey = cols[cols["storey"] == rec["storey"]]
        pts = list(zip(on_storey["x_m"], on_storey["y_m"], strict=True))
        # the columns in the unit or in its walls
        near = [p for p in pts if footprint.buffer(0.7).contains(Point(p))]
        bays = grid_bays(footprint, near, min_bay_m2=50)
        assert bays is not None, rec["unit_id"]
        bays_by_unit[rec["unit_id"]] = bays
        # the problem's bays are these pieces, in order, with areas in proportion
        assert [units[u].area for u in parts] == pytest.approx(
            [float(rec["area_m2"]) * b.area / footprint.area for b in bays], abs=0.01
        )
        assert sum(units[u].area for u in parts) == pytest.approx(rec["area_m2"], abs=0.05)
        assert sum(b.area for b in bays) == pytest.approx(footprint.area, rel=1e-9)
        assert unary_union(bays).symmetric_difference(footprint).area < 1e-6
        cuts = [s for b in bays for s in _cut_segments(b, footprint)]
        assert cuts, rec["unit_id"]
        for a, b in cuts:  # every cut runs along a line through a column, within 0.3 m
            assert min(_distance_to_line(p, a, b) for p in pts) <= 0.3, (rec["unit_id"], a, b)
    return bays_by_unit, problem


def test_the_works_bays_are_cut_on_the_column_lines_and_add_up_to_their_unit(works) -> None:
    bays, _ = _bays_on_the_grid(*works)
    assert len(bays) == 7  # the lettable units over 150 m²
    # the east crane bay (x 40-79.6, y 30-39.6) between the 10 m frames at x = 50, 60, 70
    assert [round(b.area, 2) for b in bays["EW-W.K2"]] == [96.0, 96.0, 96.0, 92.16]
    # a production bay (y 8-30) cut at the hall's column line y = 15: 10 x 7 and 10 x 15 m
    assert sorted(round(b.area, 2) for b in bays["EW-W.B4"]) == [70.0, 150.0]


def test_the_mill_bays_are_its_six_metre_column_bays_and_the_problem_solves(mill) -> None:
    bays, problem = _bays_on_the_grid(*mill)
    # the 12 x 13.8 m workshops (x 24-36 for 0.03, y 0.6-14.4) split at the column line
    # x = 30 into two 6 m bays; the lines y = 6 and 12 leave 5.4, 6 and 2.4 m strips, which
    # are under a third of 150 m² and join the bay they share a 6 m edge with
    assert len(bays) == 5
    for unit, pieces in bays.items():
        assert [round(b.area, 2) for b in pieces] == [82.8, 82.8], unit
    flat = sorted(tuple(round(v, 6) for v in b.bounds) for b in bays["TM-0.03"])
    assert flat == [(24, 0.6, 30, 14.4), (30, 0.6, 36, 14.4)]
    data = json.loads(json.dumps(problem_to_dict(problem)))
    sol = solve(problem, time_limit=5.0)
    violations, value = check(data, sol.assignment)
    assert violations == []
    assert Fraction(repr(sol.objective)) == value


def test_a_model_read_without_its_columns_gives_equal_bays(works) -> None:
    folder, model = works
    bare = dataclasses.replace(model, extra={})
    problem = problem_from_site(
        SITE, bay_area_m2=150, model=bare, on_date=dt.date.fromisoformat(DAY)
    )
    k2 = [u.area for u in problem.units if u.id.startswith("EW-W.K2/b")]
    assert k2 == pytest.approx([380.16 / 3] * 3, abs=0.01)  # round(380.16 / 150) = 3
