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
