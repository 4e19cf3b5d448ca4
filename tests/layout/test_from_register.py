"""A layout problem built from a site in the register (sample sites loaded with
``register.load_sample``), checked against what the site's files and its IFC model's
property sets give by another path, then solved.

Each sample is loaded once per module into a temporary SQLite file (``conftest.py``); the
CLI writes the engineering works' problem once and the tests read the JSON it wrote.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from shapely.geometry import Point
from shapely.ops import unary_union

from site_manager import register
from site_manager.assumptions import DEFAULT_FLOOR_LOAD_KN_M2, DEFAULT_POWER_KW
from site_manager.cli import main
from site_manager.layout import problem_from_register, read_problem, solve
from site_manager.layout.from_site import grid_bays
from site_manager.layout.problem import problem_to_dict, read_applicants_table

from .checker import check
from .conftest import Loaded

DAY = "2026-11-01"
PSET = "Pset_MultifactorySpace."
LETTABLE = ("private_production", "storage")


@pytest.fixture(scope="module")
def works(sample_register) -> Loaded:
    return sample_register("engineering_works")


@pytest.fixture(scope="module")
def mill(sample_register) -> Loaded:
    return sample_register("textile_mill")


def _frames(loaded: Loaded):
    engine = register.open_register(loaded.url)
    try:
        return register.frames(engine, loaded.name)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def problem_json(works: Loaded, tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("layout") / "ew.json"
    argv = ["layout", "problem", "--site", "engineering_works", "--db", works.url]
    assert main([*argv, "--bay-area", "150", "--date", DAY, "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _rows(loaded: Loaded, name: str) -> list[dict[str, str]]:
    with open(loaded.folder / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _lettable_units(loaded: Loaded) -> dict[str, dict[str, str]]:
    """units.csv rows whose spaces are all zoned private production or storage."""
    uses = {r["space_global_id"]: r["use"] for r in _rows(loaded, "zoning.csv")}
    return {
        r["unit_id"]: r
        for r in _rows(loaded, "units.csv")
        if all(uses.get(g) in LETTABLE for g in r["space_global_ids"].split(";"))
    }


def test_units_are_the_lettable_units_of_the_site_and_big_halls_become_bays(
    works: Loaded, problem_json: dict
) -> None:
    lettable = {uid: float(r["area_m2"]) for uid, r in _lettable_units(works).items()}
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


def test_existing_tenants_are_the_running_leases(works: Loaded, problem_json: dict) -> None:
    units = {u["id"] for u in problem_json["units"]}
    running = {
        (r["tenant_id"], r["unit_id"])
        for r in _rows(works, "leases.csv")
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
    works: Loaded, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.json"
    argv = ["layout", "problem", "--site", "no_such_site", "--db", works.url, "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no_such_site" in err and err.count("\n") == 1
    assert not out.exists()


# --------------------------------------- the mill: register against model psets and files


def _edges(polygon):
    pts = list(polygon.exterior.coords)
    return list(zip(pts, pts[1:], strict=False))


def _wall_between(a, b) -> float:
    """Length of wall two rectilinear rooms share across a gap of at most 0.7 m. [m]

    Summed over pairs of parallel edges, one of each room, at most 0.7 m apart: the length
    over which the two edges run side by side.
    """
    total = 0.0
    for p0, p1 in _edges(a):
        for q0, q1 in _edges(b):
            for axis in (0, 1):  # edges along x (constant y), then along y (constant x)
                across = 1 - axis
                if p0[across] != p1[across] or q0[across] != q1[across]:
                    continue
                if abs(p0[across] - q0[across]) > 0.7:
                    continue
                lo = max(min(p0[axis], p1[axis]), min(q0[axis], q1[axis]))
                hi = min(max(p0[axis], p1[axis]), max(q0[axis], q1[axis]))
                total += max(0.0, hi - lo)
    return total


def test_the_mill_problem_is_what_its_model_psets_and_files_give(mill: Loaded) -> None:
    """Every number by the old path: the IFC's Pset_MultifactorySpace and the CSV files."""
    problem = problem_from_register(_frames(mill), on_date=dt.date.fromisoformat(DAY))
    spaces = mill.model.spaces.set_index("global_id")
    lettable = _lettable_units(mill)

    def ps(gid: str, name: str, default=None):
        value = (spaces.at[gid, "psets"] or {}).get(PSET + name, default)
        return default if value is None else value

    gids = {uid: r["space_global_ids"].split(";") for uid, r in lettable.items()}
    board_area: dict[str, float] = {}
    board_cap: dict[str, float] = {}
    for g in (g for gs in gids.values() for g in gs):
        board = ps(g, "DistributionBoard")
        board_area[board] = board_area.get(board, 0.0) + float(spaces.at[g, "area_m2"])
        board_cap[board] = float(ps(g, "ElectricalCapacity"))
    expected = {}
    for uid, row in lettable.items():
        g = gids[uid]
        power = sum(
            board_cap[ps(x, "DistributionBoard")]
            * float(spaces.at[x, "area_m2"])
            / board_area[ps(x, "DistributionBoard")]
            for x in g
        )
        expected[uid] = {
            "area": float(row["area_m2"]),
            "storey": row["storey"],
            "height": min(float(ps(x, "ClearHeight", spaces.at[x, "height_m"])) for x in g),
            "load": min(float(ps(x, "FloorLoadCapacity", DEFAULT_FLOOR_LOAD_KN_M2)) for x in g),
            "power": round(power, 1),
            "extraction": any(bool(ps(x, "Extraction", False)) for x in g),
            "daylight": any(bool(ps(x, "Daylight", False)) for x in g),
            "access": any(
                ps(x, "LoadingAccess") in ("ground", "goods_lift") or bool(ps(x, "GroundAccess"))
                for x in g
            ),
        }
    got = {u.id: {k: getattr(u, k) for k in expected[u.id]} for u in problem.units}
    assert got == expected
    assert len(got) == 17  # the README: 17 units, every one of them workshops or storage

    # adjacency: the rooms' walls all run along x or y here, so shared walls are read off
    # their parallel edges
    shape = {uid: unary_union([spaces.at[x, "geometry"] for x in g]) for uid, g in gids.items()}
    assert all(p[0] == q[0] or p[1] == q[1] for s in shape.values() for p, q in _edges(s))
    walls = {
        frozenset((a, b))
        for a in shape
        for b in shape
        if a < b
        and lettable[a]["storey"] == lettable[b]["storey"]
        and _wall_between(shape[a], shape[b]) >= 1.0
    }
    assert {frozenset(p) for p in problem.adjacency} == walls
    assert len(walls) == 11

    # applicants: the table the register imported, read the user-file way
    table = read_applicants_table(mill.folder / "applicants.csv")
    assert {a.id: a for a in problem.applicants} == {a.id: a for a in table}
    assert len(table) == 18

    # existing tenants: leases running on DAY, noise/hazard/provides from equipment and skills
    held: dict[str, set[str]] = {}
    for r in _rows(mill, "leases.csv"):
        if r["start"] <= DAY <= r["end"] and r["unit_id"] in lettable:
            held.setdefault(r["tenant_id"], set()).add(r["unit_id"])
    equipment = _rows(mill, "equipment.csv")
    skills = _rows(mill, "skills.csv")
    want = {}
    for tid, units in held.items():
        own = [e for e in equipment if e["owner_tenant_id"] == tid]
        hazards = {h for e in own for h in e["hazards"].split(";")}
        provides = {e["type"] for e in own if e["shared"] == "yes"}
        provides |= {re.sub(r"[^a-z0-9]+", "_", s["skill"].lower()) for s in skills
                     if s["tenant_id"] == tid}  # fmt: skip
        want[tid] = (
            units,
            max([float(e["noise_db"]) for e in own if e["noise_db"]], default=0.0),
            int(bool(hazards & {"fire", "chemical"})),
            tuple(sorted(provides)),
        )
    have = {e.id: (set(e.units), e.noise_db, e.hazard, e.provides) for e in problem.existing}
    assert have == want
    # 13 tenants in lettable units before the mill's planning situation, less T024 (2.05) and
    # T013 (3.01), whose leases ended on 31 October 2026 (sample_sites/sample_planning.py)
    assert len(have) == 11 and not {"T013", "T024"} & set(have)


def test_a_user_applicants_file_replaces_the_registers(mill: Loaded, tmp_path: Path) -> None:
    path = tmp_path / "apps.csv"
    path.write_text(
        "id,area_min,area_max,rent_per_m2,needs\nZ1,50,90,9.5,loom;kiln\n", encoding="utf-8"
    )
    problem = problem_from_register(_frames(mill), applicants=path)
    assert [(a.id, a.area_min, a.area_max, a.rent_per_m2, a.needs) for a in problem.applicants] == [
        ("Z1", 50.0, 90.0, 9.5, ("loom", "kiln"))
    ]


def test_a_boards_capacity_is_shared_by_area_among_its_lettable_units(mill: Loaded) -> None:
    frames = _frames(mill)
    units = frames.units.set_index("unit_id")
    spaces = frames.spaces.set_index("global_id")
    (gid,) = units.at["TM-1.02", "space_global_ids"]
    board = spaces.at[gid, "board_id"]
    served = {  # the lettable units on that board and their spaces' area
        uid: float(sum(spaces.at[g, "area_m2"] for g in row["space_global_ids"]))
        for uid, row in units.iterrows()
        if all(spaces.at[g, "board_id"] == board for g in row["space_global_ids"])
    }
    assert len(served) == 7  # the first floor's workshops
    total = sum(served.values())

    def powers(**changes):
        sp = frames.spaces.copy()
        for col, (where, value) in changes.items():
            sp.loc[sp["global_id"].isin(where), col] = value
        problem = problem_from_register(dataclasses.replace(frames, spaces=sp))
        return {u.id: u.power for u in problem.units if u.id in served}

    on_board = list(spaces.index[spaces["board_id"] == board])
    # the register's capacity, whatever the model said
    assert powers(board_capacity_kw=(on_board, 130.0)) == {
        u: round(130.0 * a / total, 1) for u, a in served.items()
    }
    # the spaces of one board disagree: the lowest capacity is taken
    capacity = float(spaces.at[gid, "board_capacity_kw"])
    assert powers(board_capacity_kw=([gid], capacity + 70)) == {
        u: round(capacity * a / total, 1) for u, a in served.items()
    }
    # a space without a board id is a board of its own; the others share the board
    alone = powers(board_id=([gid], None), board_capacity_kw=([gid], 40.0))
    rest = total - served["TM-1.02"]
    assert alone == {"TM-1.02": 40.0} | {
        u: round(capacity * a / rest, 1) for u, a in served.items() if u != "TM-1.02"
    }
    # nobody gave the capacity: the default
    assert powers(board_capacity_kw=(on_board, None)) == {
        u: round(DEFAULT_POWER_KW * a / total, 1) for u, a in served.items()
    }


def test_a_spaces_own_power_is_used_and_taken_out_of_its_boards_capacity(mill: Loaded) -> None:
    """``power_kw`` (``space set --power-kw``) is what a space has; the board's other spaces
    share what is left of its capacity by area, and a space of its own board keeps it."""
    frames = _frames(mill)
    units = frames.units.set_index("unit_id")
    spaces = frames.spaces.set_index("global_id")
    (gid,) = units.at["TM-1.02", "space_global_ids"]
    board = spaces.at[gid, "board_id"]
    served = {
        uid: float(sum(spaces.at[g, "area_m2"] for g in row["space_global_ids"]))
        for uid, row in units.iterrows()
        if all(spaces.at[g, "board_id"] == board for g in row["space_global_ids"])
    }
    on_board = list(spaces.index[spaces["board_id"] == board])
    rest = sum(served.values()) - served["TM-1.02"]

    def powers(own: float, capacity: float, board_id: object = board) -> dict[str, float]:
        sp = frames.spaces.copy()
        sp.loc[sp["global_id"].isin(on_board), "board_capacity_kw"] = capacity
        sp.loc[sp["global_id"] == gid, ["power_kw", "board_id"]] = [own, board_id]
        problem = problem_from_register(dataclasses.replace(frames, spaces=sp))
        return {u.id: u.power for u in problem.units if u.id in served}

    # 130 kW on the board, 30 kW of them TM-1.02's own: the others share 100 kW by area
    assert powers(30.0, 130.0) == {"TM-1.02": 30.0} | {
        u: round(100.0 * a / rest, 1) for u, a in served.items() if u != "TM-1.02"
    }
    # more of its own than the board has: the others get nothing (never below zero)
    assert powers(150.0, 130.0) == {"TM-1.02": 150.0} | {u: 0.0 for u in served if u != "TM-1.02"}
    # a supply of its own (no board id): the board's 130 kW stay with the others
    assert powers(30.0, 130.0, board_id=None) == {"TM-1.02": 30.0} | {
        u: round(130.0 * a / rest, 1) for u, a in served.items() if u != "TM-1.02"
    }


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


def _bays_on_the_grid(loaded: Loaded) -> tuple[dict, object]:
    """Check every split unit of a site against its model's column grid; its bays by unit."""
    problem = problem_from_register(
        _frames(loaded), bay_area_m2=150, on_date=dt.date.fromisoformat(DAY)
    )
    model = loaded.model
    spaces = model.spaces.set_index("global_id")
    cols = model.columns
    units = {u.id: u for u in problem.units}
    bays_by_unit = {}
    for rec in _rows(loaded, "units.csv"):
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
        area = float(rec["area_m2"])
        # the problem's bays are these pieces, in order, with areas in proportion
        assert [units[u].area for u in parts] == pytest.approx(
            [area * b.area / footprint.area for b in bays], abs=0.01
        )
        assert sum(units[u].area for u in parts) == pytest.approx(area, abs=0.05)
        assert sum(b.area for b in bays) == pytest.approx(footprint.area, rel=1e-9)
        assert unary_union(bays).symmetric_difference(footprint).area < 1e-6
        cuts = [s for b in bays for s in _cut_segments(b, footprint)]
        assert cuts, rec["unit_id"]
        for a, b in cuts:  # every cut runs along a line through a column, within 0.3 m
            assert min(_distance_to_line(p, a, b) for p in pts) <= 0.3, (rec["unit_id"], a, b)
    return bays_by_unit, problem


def test_the_works_bays_are_cut_on_the_column_lines_and_add_up_to_their_unit(
    works: Loaded,
) -> None:
    bays, _ = _bays_on_the_grid(works)
    assert len(bays) == 7  # the lettable units over 150 m²
    # the east crane bay (x 40-79.6, y 30-39.6) between the 10 m frames at x = 50, 60, 70
    assert [round(b.area, 2) for b in bays["EW-W.K2"]] == [96.0, 96.0, 96.0, 92.16]
    # a production bay (y 8-30) cut at the hall's column line y = 15: 10 x 7 and 10 x 15 m
    assert sorted(round(b.area, 2) for b in bays["EW-W.B4"]) == [70.0, 150.0]


def test_the_mill_bays_are_its_six_metre_column_bays_and_the_problem_solves(
    mill: Loaded,
) -> None:
    bays, problem = _bays_on_the_grid(mill)
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


def test_a_site_without_stored_columns_gives_equal_bays(works: Loaded) -> None:
    frames = _frames(works)
    bare = dataclasses.replace(frames, columns=frames.columns.iloc[0:0])
    problem = problem_from_register(bare, bay_area_m2=150, on_date=dt.date.fromisoformat(DAY))
    k2 = [u.area for u in problem.units if u.id.startswith("EW-W.K2/b")]
    assert k2 == pytest.approx([380.16 / 3] * 3, abs=0.01)  # round(380.16 / 150) = 3


# ------------------------------------------------------------------------ house rules


def test_no_layout_module_reads_sample_sites_or_imports_the_sites_module() -> None:
    package = Path(__file__).resolve().parents[2] / "site_manager" / "layout"
    pattern = re.compile(r"^\s*(from|import)\s+site_manager\.sites\b|sample_sites", re.M)
    offenders = [p.name for p in package.glob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []


SAMPLES = ["engineering_works", "brewery_complex", "textile_mill", "officina_macrolotto"]


@pytest.mark.parametrize("name", SAMPLES)
def test_each_sample_site_leaves_an_applicant_out_for_a_community_rule(
    sample_register, name: str
) -> None:
    """The sample's community_rules.toml is loaded by ``sample load`` and carried into the
    problem the Layout lab builds (bays of 150 m²); some applicant's reason names a hard rule
    of the file: a kind cap that is full (the mill's artisans, the brewery's artists, the
    officina's freelancers), or the works' hazards kept two steps apart from a hazardous
    tenant the layout places in the vacated saw-tooth hall."""
    import tomllib

    from site_manager.layout.community import check_rules, label

    loaded = sample_register(name)
    problem = problem_from_register(
        _frames(loaded), bay_area_m2=150, on_date=dt.date.fromisoformat(DAY)
    )
    written = tomllib.loads((loaded.folder / "community_rules.toml").read_text("utf-8"))["rule"]
    assert problem.rules is not None
    assert [r.id for r in problem.rules.rules] == [r["id"] for r in written]
    sol = solve(problem, time_limit=10.0)
    assert not [v for v in check_rules(problem, sol.assignment) if v.hard]
    apps = {a.id: a for a in problem.applicants}
    for cap in (r for r in problem.rules.rules if r.kind == "max_kind_share" and r.hard):
        # the cap by hand: units of the problem held by tenants of the kind, over all units
        held = sum(len(e.units) for e in problem.existing if e.kind == cap.tenant_kind)
        allowed = int(cap.value * len(problem.units) // 100)
        placed = sum(len(u) for a, u in sol.assignment.items() if apps[a].kind == cap.tenant_kind)
        assert held + placed <= max(allowed, held)
    ruled = {a: r["message"] for a, r in sol.reasons.items() if r["code"] == "community_rule"}
    assert ruled
    holder = {u: e for e in problem.existing for u in e.units}
    holder |= {u: apps[a] for a, us in sol.assignment.items() for u in us}
    for aid, message in ruled.items():
        rule = next(r for r in problem.rules.rules if f"the rule '{label(r)}'" in message)
        assert rule.hard, message
        if rule.kind == "max_kind_share":
            assert message == f"left out: the rule '{label(rule)}' is full"
            assert apps[aid].kind == rule.tenant_kind
        else:  # "... keeps it from <tenant> in <unit>": that tenant holds that unit
            who, unit = re.fullmatch(r".* keeps it from (\S+) in (\S+)", message).groups()
            assert holder[unit].id == who
            assert rule.kind == "hazard_distance"  # the only distance rule the samples harden
            assert apps[aid].hazard > 0 and holder[unit].hazard > 0


@pytest.mark.parametrize("name", SAMPLES)
def test_on_each_sample_site_the_optimum_beats_greedy_as_the_lab_builds_it(
    sample_register, name: str
) -> None:
    """The Layout lab's default problem (bays of 150 m², two-unit lets): the proven optimum
    is worth more than the greedy layout, so the two layouts differ, and both pass the
    independent checker, which values them."""
    problem = problem_from_register(
        _frames(sample_register(name)), bay_area_m2=150, on_date=dt.date.fromisoformat(DAY)
    )
    data = json.loads(json.dumps(problem_to_dict(problem)))
    sol = solve(problem, time_limit=10.0)
    greedy = solve(problem, use_greedy_only=True, with_reasons=False)
    assert sol.status == "OPTIMAL"
    _, opt_value = check(data, sol.assignment)
    _, greedy_value = check(data, greedy.assignment)
    assert Fraction(repr(sol.greedy_objective)) == greedy_value
    assert opt_value > greedy_value
    assert sol.assignment != greedy.assignment


def test_the_officina_lets_its_vacant_unit_as_computed_by_hand(sample_register) -> None:
    """The Officina Macrolotto's six hand-written applicants (sample_sites/sample_officina.py)
    and its rules (community_rules.toml), worked out by hand.

    On 2026-11-01 the only vacant unit is OM-0.04 (leases.csv: T007 left on 2026-09-30, T006
    starts on 2027-02-01): 56.88 m², clear height 5.2 m, 10 kN/m², no extraction, a loading
    door, between OM-0.03 (T003, a fibre laser: hazardous) and OM-0.05 (T004, quiet). Every
    unit is under 150 m², so there are no bays; no two vacant units are adjacent: no pairs.

    - A01 (freelancer, 7.40 EUR/m²) fits OM-0.04, but the hard rule "at most 20 % of units
      to freelancers" allows floor(20 × 6 / 100) = 1 unit, which T004 already holds.
    - A02 (bike builder, 7.00 EUR/m², 55–75 m², needs the loading door): rent 7.00 × 56.88 =
      398.16 -> 398; fit 100 − 40 × (56.88 − 55) / 20 = 96.24 -> 96; value 494.
    - A03 (3D printing, 7.10 EUR/m², 25–120 m², no loading door needed): rent 7.10 × 56.88 =
      403.848 -> 404; fit 100 − 40 × 31.88 / 95 = 86.58 -> 87, − 15 for the door it does not
      need = 72; value 476.
    - A04 (welder) needs extraction, offered only in OM-0.01..0.03, all let; A05 (sign maker)
      needs 6.0 m, every unit has 5.2 m; A06 (sculptor, hazard 1) would sit beside the
      hazardous laser cutter in OM-0.03, and the other units are let.

    Greedy takes applicants by rent per m²: A01 is barred, A03 (7.10) takes OM-0.04 before
    A02 (7.00): 476. The optimum lets OM-0.04 to A02: 494 (no synergy is set).
    """
    problem = problem_from_register(
        _frames(sample_register("officina_macrolotto")), on_date=dt.date.fromisoformat(DAY)
    )
    sol = solve(problem, time_limit=10.0)
    assert sol.assignment == {"A02": ["OM-0.04"]}
    assert sol.objective == 494 and sol.greedy_objective == 476
    greedy = solve(problem, use_greedy_only=True)
    assert greedy.assignment == {"A03": ["OM-0.04"]}
    codes = {a: r["code"] for a, r in sol.reasons.items()}
    assert codes == {"A01": "community_rule", "A03": "worth_less", "A04": "taken_or_blocked",
                     "A05": "no_fit", "A06": "taken_or_blocked"}  # fmt: skip
    assert sol.reasons["A01"]["message"] == (
        "left out: the rule 'at most 20 % of units to freelancers (desk work)' is full"
    )
    assert "clear height too low in 6 of 6 units" in sol.reasons["A05"]["message"]
    assert any("two hazardous tenants" in o["why"] for o in sol.reasons["A06"]["obstacles"])


def test_the_works_vacated_hall_is_let_by_the_bays_of_its_column_grid(works: Loaded) -> None:
    """The engineering works' planning situation (sample_sites/sample_planning.py): the
    saw-tooth hall's east bays W.B4-W.B8 were vacated on 31 October 2026 (leases.csv: every
    lease there ends by then, none starts later), so on 1 November all ten of their column
    bays are free: each 22 m deep bay is cut at the hall's column line y = 15 into 7 and
    15 m strips, 10 m wide (W.B8: 9.6 m, the hall's east wall at x = 79.6)."""
    hall = [f"EW-W.B{k}" for k in range(4, 9)]
    rows = [r for r in _rows(works, "leases.csv") if r["unit_id"] in hall]
    assert rows and max(r["end"] for r in rows) == "2026-10-31"
    assert max(r["start"] for r in rows) < DAY
    frames = _frames(works)
    day = dt.date.fromisoformat(DAY)
    by_bays = problem_from_register(frames, bay_area_m2=150, on_date=day)
    area = {u.id: u.area for u in by_bays.units}
    expected = {f"{u}/b{k}": a for u in hall[:4] for k, a in ((1, 70.0), (2, 150.0))}
    expected |= {"EW-W.B8/b1": 67.2, "EW-W.B8/b2": 144.0}
    assert {u: area[u] for u in expected} == pytest.approx(expected, abs=0.01)
    held = {u for e in by_bays.existing for u in e.units}
    assert not held & set(expected)
    sol = solve(by_bays, time_limit=10.0)
    in_hall = {a: us for a, us in sol.assignment.items() if set(us) <= set(expected)}
    assert any(len(us) == 2 for us in in_hall.values())  # a two-bay let
    data = json.loads(json.dumps(problem_to_dict(by_bays)))
    assert check(data, sol.assignment)[0] == []
    # the same applicants with the hall let only as whole units: fewer find a place
    whole = solve(problem_from_register(frames, on_date=day), time_limit=10.0)
    assert whole.status == sol.status == "OPTIMAL"
    assert len(sol.assignment) > len(whole.assignment)
