"""Units made of part of a space: a bay of a hall's column grid let as a unit of its own.

The site is made by hand: one hall H, 30 × 10 m (300 m²) on the ground floor, zoned private
production, with structural columns every 10 m along both long walls (x = 10 and 20), and a
small office O (10 × 10 m) beside it. The expected values are worked out by hand: a bay is
10 × 10 = 100 m², a third of the hall.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
import shapely

from site_manager import register, tenancy
from site_manager.cli import main
from site_manager.errors import SiteManagerError
from site_manager.register import rules

from .conftest import make_model

BAY1 = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"
BAY2 = "POLYGON ((10 0, 20 0, 20 10, 10 10, 10 0))"


def hall_model() -> Any:
    model = make_model(
        [{"global_id": "SP-H", "name": "H", "storey": "Ground", "box": (0, 0, 30, 10),
          "height_m": 8.0},
         {"global_id": "SP-O", "name": "O", "storey": "Ground", "box": (30, 0, 40, 10)}],
        storeys=[("S-G", "Ground", 0.0)],
    )  # fmt: skip
    model.columns = pd.DataFrame(
        [{"global_id": f"C{x}{y}", "name": f"C{x}{y}", "storey": "Ground", "x_m": float(x),
          "y_m": float(y), "z_min_m": 0.0, "z_max_m": 8.0} for x in (10, 20) for y in (0, 10)]
    )  # fmt: skip
    return model


@pytest.fixture
def engine(tmp_path: Any) -> Any:
    e = register.open_register(f"sqlite:///{tmp_path / 'hall.sqlite'}")
    register.create_site(e, hall_model(), site_id="hall", name="Hall")
    register.set_zoning(e, {"SP-H": "private_production", "SP-O": "private_production"})
    yield e
    e.dispose()


def test_a_unit_of_one_bay_has_its_polygon_and_a_third_of_the_hall(engine: Any) -> None:
    register.define_unit(engine, "H-B1", [], parts={"SP-H": BAY1}, name="Hall bay 1")
    frames = register.frames(engine)
    unit = frames.units.set_index("unit_id").loc["H-B1"]
    assert unit["area_m2"] == pytest.approx(10 * 10)
    assert list(unit["space_global_ids"]) == ["SP-H"]
    link = frames.unit_spaces.set_index("unit_id").loc["H-B1"]
    assert shapely.from_wkt(link["footprint_wkt"]).equals(shapely.box(0, 0, 10, 10))
    assert link["area_m2"] == pytest.approx(100.0)
    assert link["share"] == pytest.approx(100 / 300)
    entry = register.get_audit(engine, limit=1).iloc[0]
    assert (entry["verb"], entry["record"]) == ("define_unit", "H-B1")
    assert "SP-H" in entry["after"] and "POLYGON" in entry["after"]


def test_overlapping_parts_and_a_part_of_a_space_let_whole_are_refused(engine: Any) -> None:
    register.define_unit(engine, "H-B1", [], parts={"SP-H": BAY1})
    # 10 x 10 m shifted 5 m: 50 m² shared with H-B1
    with pytest.raises(SiteManagerError) as err:
        register.define_unit(engine, "X", [], parts={"SP-H": "POLYGON ((5 0, 15 0, 15 10, "
                                                           "5 10, 5 0))"})  # fmt: skip
    (problem,) = rules.problems_of(err.value)
    assert problem.field == "parts" and "overlaps unit H-B1" in problem.message
    assert "50.00 m²" in problem.message
    # sharing an edge is not overlapping
    register.define_unit(engine, "H-B2", [], parts={"SP-H": BAY2})
    # a part sticking out of its space
    with pytest.raises(SiteManagerError) as err:
        register.define_unit(engine, "Y", [], parts={"SP-H": "POLYGON ((20 0, 31 0, 31 10, "
                                                           "20 10, 20 0))"})  # fmt: skip
    assert [p.field for p in rules.problems_of(err.value)] == ["parts"]
    assert "10.00 m² lie outside" in str(err.value)
    # a whole-space unit on the office, then a part of it
    register.define_unit(engine, "O", ["SP-O"])
    with pytest.raises(SiteManagerError, match="unit O takes the whole space"):
        register.define_unit(engine, "Z", [], parts={"SP-O": "POLYGON ((30 0, 35 0, 35 10, "
                                                           "30 10, 30 0))"})  # fmt: skip
    # and the whole hall cannot be a unit while parts of it are
    with pytest.raises(SiteManagerError, match="already in another live unit"):
        register.define_unit(engine, "H", ["SP-H"])
    assert set(register.frames(engine).units["unit_id"]) == {"H-B1", "H-B2", "O"}


def test_bad_polygons_are_refused_at_the_field(engine: Any) -> None:
    for wkt in ("POLYGON ((0 0, 10 0", "POINT (1 1)", "POLYGON ((0 0, 10 10, 10 0, 0 10, 0 0))"):
        with pytest.raises(SiteManagerError) as err:
            register.define_unit(engine, "B", [], parts={"SP-H": wkt})
        assert [p.field for p in rules.problems_of(err.value)] == ["parts"], wkt


def test_the_command_line_defines_a_part_and_names_the_option(engine: Any, capsys) -> None:
    url = str(engine.url)
    assert main(["unit", "define", "H-B1", "--space", "SP-H", "--part", BAY1, "--db", url]) == 0
    assert "1 part(s)" in capsys.readouterr().out
    code = main(["unit", "define", "X", "--space", "SP-H", "--part", BAY1, "--db", url])
    assert code == 2
    err = capsys.readouterr().err
    assert "overlaps unit H-B1" in err and "(--part)" in err


def test_occupancy_by_area_counts_the_part(engine: Any) -> None:
    register.define_unit(engine, "H-B1", [], parts={"SP-H": BAY1})
    register.define_unit(engine, "O", ["SP-O"])
    register.add_tenant(engine, "T1", name="Tenant one")
    register.sign_lease(engine, unit_id="H-B1", tenant_id="T1", start="2030-01-01",
                        end="2030-12-31", rent_eur_per_month=900)  # fmt: skip
    occ = tenancy.occupancy(register.frames(engine), on=dt.date(2030, 6, 1))
    # 100 m² let of 100 + 100 m²
    assert float(occ["area_let_m2"].sum()) == pytest.approx(100.0)
    assert float(occ["occupancy_by_area"].iloc[0]) == pytest.approx(100 / 200)


# ---------------------------------------------------------------- a let of bays committed

START = dt.date(2030, 1, 1)


@pytest.fixture
def committed(engine: Any) -> tuple[Any, Any, Any]:
    """Units H (the hall, whole) and O; applicant A (150–250 m², 8 EUR/m²) placed on bays 1
    and 2 of the hall's column grid, the scenario committed from 2030-01-01 for a year.
    """
    from site_manager.layout.from_site import problem_from_register
    from site_manager.layout.scenarios import commit_scenario, save_scenario

    register.define_unit(engine, "H", ["SP-H"], name="Saw-tooth hall")
    register.define_unit(engine, "O", ["SP-O"], name="Office")
    register.add_applicant(engine, "A", name="Alpha", area_min_m2=150, area_max_m2=250,
                           rent_eur_per_m2_month=8.0)  # fmt: skip
    problem = problem_from_register(register.frames(engine), bay_area_m2=100, on_date=START)
    bays = {u.id: u for u in problem.units if u.hall == "H"}
    assert sorted(bays) == ["H/b1", "H/b2", "H/b3"]
    assert shapely.from_wkt(bays["H/b1"].footprint_wkt).equals(shapely.box(0, 0, 10, 10))
    save_scenario(engine, None, "two bays", problem, {"A": ["H/b1", "H/b2"]})
    leases = commit_scenario(engine, None, "two bays", start=START, years=1)
    return engine, register.frames(engine), leases


def test_a_let_of_two_bays_becomes_one_unit_of_200_m2_with_one_lease(committed) -> None:
    engine, frames, leases = committed
    units = frames.units.set_index("unit_id")
    assert units.at["H-B1+2", "area_m2"] == pytest.approx(200.0)
    assert units.at["H-B1+2", "name"] == "Saw-tooth hall bays 1+2"
    assert units.at["H", "area_m2"] == pytest.approx(100.0)  # the hall keeps the third bay
    links = frames.unit_spaces.set_index("unit_id")
    assert shapely.from_wkt(links.at["H-B1+2", "footprint_wkt"]).equals(shapely.box(0, 0, 20, 10))
    assert shapely.from_wkt(links.at["H", "footprint_wkt"]).equals(shapely.box(20, 0, 30, 10))
    # one lease of the whole let: 8 EUR/m² x 200 m²
    assert list(leases["unit_id"]) == ["H-B1+2"]
    lease = frames.leases.set_index("unit_id").loc["H-B1+2"]
    assert (lease["tenant_id"], lease["rent_eur_per_month"]) == ("A", 8.0 * 200)
    assert (lease["start"], lease["end"]) == (START, dt.date(2030, 12, 31))
    verbs = register.get_audit(engine)
    made = verbs[verbs["table"] == "units"]
    assert {"H", "H-B1+2"} <= set(made["record"])
    # occupancy by area: 200 m² let of 200 + 100 (rest of the hall) + 100 (office)
    occ = tenancy.occupancy(frames, on=dt.date(2030, 6, 1))
    assert float(occ["area_let_m2"].sum()) == pytest.approx(200.0)
    assert float(occ["area_m2"].sum()) == pytest.approx(400.0)
    assert float(occ["occupancy_by_area"].iloc[0]) == pytest.approx(200 / 400)
    roll = tenancy.rent_roll(frames, on=dt.date(2030, 6, 1))
    assert float(roll.set_index("unit_id").at["H-B1+2", "area_m2"]) == pytest.approx(200.0)


def test_the_next_problem_cuts_only_the_rest_of_the_hall(committed) -> None:
    from site_manager.layout.from_site import problem_from_register

    _, frames, _ = committed
    problem = problem_from_register(frames, bay_area_m2=100, on_date=dt.date(2030, 6, 1))
    units = {u.id: u for u in problem.units}
    # the let unit (200 m²) is cut into its two bays, held by A; the hall's rest is 100 m²
    assert units["H"].area == pytest.approx(100.0)
    assert sorted(u for u in units if u.startswith("H-B1+2")) == ["H-B1+2/b1", "H-B1+2/b2"]
    held = {e.id: set(e.units) for e in problem.existing}
    assert held == {"A": {"H-B1+2/b1", "H-B1+2/b2"}}
    # the rest of the hall borders the let (a 10 m wall at x = 20)
    assert ("H-B1+2/b2", "H") in {tuple(p) for p in problem.adjacency} | {
        tuple(reversed(p)) for p in problem.adjacency
    }


def test_a_scenario_is_refused_whole_when_its_hall_was_let_meanwhile(engine: Any) -> None:
    from site_manager.layout.from_site import problem_from_register
    from site_manager.layout.scenarios import commit_scenario, save_scenario

    register.define_unit(engine, "H", ["SP-H"])
    register.add_applicant(engine, "A", name="Alpha", area_min_m2=150, area_max_m2=250,
                           rent_eur_per_m2_month=8.0)  # fmt: skip
    problem = problem_from_register(register.frames(engine), bay_area_m2=100, on_date=START)
    save_scenario(engine, None, "s", problem, {"A": ["H/b2", "H/b3"]})
    register.add_tenant(engine, "T", name="Meanwhile")
    register.sign_lease(engine, unit_id="H", tenant_id="T", start="2030-03-01",
                        end="2030-03-31", rent_eur_per_month=1)  # fmt: skip
    before = register.frames(engine)
    with pytest.raises(SiteManagerError, match=r"bays H/b2, H/b3 of unit H: unit H is already "):
        commit_scenario(engine, None, "s", start=START, years=1)
    after = register.frames(engine)
    assert after.units["unit_id"].tolist() == before.units["unit_id"].tolist() == ["H"]
    assert len(after.leases) == 1 and "A" in set(after.applicants["applicant_id"])


def test_the_tenant_of_two_bays_gets_two_thirds_of_the_halls_heat(committed) -> None:
    from site_manager.energy.tenants import VACANT, split_energy

    engine, _, _ = committed
    register.set_tariffs(engine, {"electricity": 0.25, "gas": 0.08})
    frames = register.frames(engine)
    # heating need by hand: the hall 3,000 kWh in January, the office 600 kWh
    heat = pd.DataFrame({m: [3000.0 if m == 1 else 0.0, 600.0 if m == 1 else 0.0]
                         for m in range(1, 13)}, index=["SP-H", "SP-O"])  # fmt: skip
    split = split_energy(frames, ["2030-01"], heat=heat)
    rows = split.tenants.set_index("tenant_id")
    assert rows.at["A", "heat_kwh"] == pytest.approx(3000.0 * 2 / 3)  # 1/3 per bay
    # the rest of the hall (1/3) and the office are vacant: the landlord's
    assert rows.at[VACANT, "heat_kwh"] == pytest.approx(3000.0 / 3 + 600.0)


def test_the_landlord_plan_draws_the_part_polygon_labelled_with_its_unit(committed) -> None:
    from site_manager import figures
    from site_manager.app.data import space_status, unit_parts

    _, frames, _ = committed
    on = dt.date(2030, 6, 1)
    spaces = frames.spaces_gdf()
    rooms = unit_parts(spaces.join(space_status(frames, on)), frames, on)
    let = rooms[rooms["name"] == "H-B1+2"]
    assert len(let) == 1 and let.geometry.iloc[0].equals(shapely.box(0, 0, 20, 10))
    assert (let["vacancy"].iloc[0], let["tenant_id"].iloc[0]) == ("let", "A")
    rest = rooms[rooms["name"] == "H"]
    assert rest.geometry.iloc[0].equals(shapely.box(20, 0, 30, 10))
    assert rest["vacancy"].iloc[0] == "vacant"
    assert sorted(rooms["area_m2"].round(6)) == [100.0, 100.0, 200.0]
    fig = figures.floor_plan_figure(rooms, color_by="vacancy")
    drawn = set()
    for trace in fig.data:
        xs = [] if trace.x is None else list(trace.x)
        ys = [] if trace.y is None else list(trace.y)
        drawn |= {(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None}
    assert {(0.0, 0.0), (20.0, 0.0), (20.0, 10.0), (0.0, 10.0)} <= drawn
    labels = " ".join(str(t) for tr in fig.data if tr.name == "labels" for t in tr.text)
    assert "H-B1+2" in labels


def test_a_hall_all_of_whose_bays_are_let_is_retired(engine: Any) -> None:
    from site_manager.layout.from_site import problem_from_register
    from site_manager.layout.scenarios import commit_scenario, save_scenario

    register.define_unit(engine, "H", ["SP-H"], name="Saw-tooth hall")
    for aid, low, high in (("A", 150, 250), ("B", 50, 150)):
        register.add_applicant(engine, aid, name=aid, area_min_m2=low, area_max_m2=high,
                               rent_eur_per_m2_month=8.0)  # fmt: skip
    problem = problem_from_register(register.frames(engine), bay_area_m2=100, on_date=START)
    save_scenario(engine, None, "all", problem, {"A": ["H/b1", "H/b2"], "B": ["H/b3"]})
    commit_scenario(engine, None, "all", start=START, years=1)
    frames = register.frames(engine)
    units = frames.units.set_index("unit_id")
    assert units.at["H", "retired"] == dt.date.today()  # no lease of H: retired today
    assert units.at["H-B3", "area_m2"] == pytest.approx(100.0)
    occ = tenancy.occupancy(frames, on=START)
    assert float(occ["area_m2"].sum()) == pytest.approx(300.0)  # the hall is not counted twice
    assert float(occ["occupancy_by_area"].iloc[0]) == pytest.approx(1.0)
