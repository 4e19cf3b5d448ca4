"""A unit from part of a hall on the "Units and members" page, under AppTest.

On the engineering works sample: crane bay W.K1 (shared, in no unit) is the rectangle
x 0.4–40, y 30–39.6 m of the hall floor, and the hall's columns stand on x = 10, 20, 30, 40
(… 70) m along y = 30 m, so its column grid cuts it at x = 10, 20 and 30 into four bays:
0.4–10 (9.6 × 9.6 = 92.16 m²) and three of 10 × 9.6 = 96 m², numbered along x. Crane bay
W.K2 (x 40–79.6) is unit EW-W.K2 whole. These figures are read off the sample model's
coordinates by hand, not from the page's code.
"""

from __future__ import annotations

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from site_manager import register

from .conftest import shown
from .test_page_layout import works, works_template
from .test_page_units import _submit, errors_under
from .test_pages import no_exception, page_app

__all__ = ["works", "works_template"]  # the fixtures, imported for this module's tests

LABEL = "Define from the bays"


def _gid(url: str, name: str) -> str:
    engine = register.open_register(url)
    try:
        spaces = register.frames(engine).spaces
        return str(spaces.loc[spaces["name"] == name, "global_id"].iloc[0])
    finally:
        engine.dispose()


def _pick(app: AppTest, gid: str, bays: list[int]) -> AppTest:
    app.selectbox(key="unit_part_space").set_value(gid).run()
    app.multiselect(key="unit_part_bays").set_value(bays).run()
    return app


def test_two_bays_of_a_crane_bay_become_a_unit_of_their_area_and_polygon(works: str) -> None:
    k1 = _gid(works, "W.K1")
    app = page_app("page_units", works)
    app.run()
    no_exception(app)
    _pick(app, k1, [2, 3])
    labels = app.multiselect(key="unit_part_bays").options
    assert labels == ["bay 1 · 92.2 m²", "bay 2 · 96.0 m²", "bay 3 · 96.0 m²", "bay 4 · 96.0 m²"]
    assert any("192.0 m²" in c.value for c in app.caption)  # 2 × 96
    app.text_input(key="unit_part_id").input("K1-B2+3")
    app.text_input(key="unit_part_name").input("Crane bay west bays 2+3")
    _submit(app, LABEL)
    no_exception(app)
    assert any("Unit K1-B2+3 defined: bays 2+3 of W.K1, 192.0 m²" in shown(s.value)
               for s in app.success)  # fmt: skip
    engine = register.open_register(works)
    try:
        frames = register.frames(engine)
        unit = frames.units.set_index("unit_id").loc["K1-B2+3"]
        assert unit["area_m2"] == pytest.approx(192.0)
        part = frames.unit_spaces.set_index("unit_id").loc["K1-B2+3"]
        assert part["space_global_id"] == k1
        poly = shapely.wkt.loads(part["footprint_wkt"])
        assert poly.area == pytest.approx(192.0)
        assert poly.bounds == pytest.approx((10.0, 30.0, 30.0, 39.6))  # between x = 10 and 30
        assert "define_unit" in set(register.get_audit(engine)["verb"])
    finally:
        engine.dispose()
    # the bays are now held: listed so, and a unit over one of them is refused at the field
    labels = app.multiselect(key="unit_part_bays").options
    assert labels[1] == "bay 2 · 96.0 m² · in K1-B2+3"
    _pick(app, k1, [3, 4])
    app.text_input(key="unit_part_id").input("K1-B3+4")
    _submit(app, LABEL)
    errors = errors_under(app, "unit_part_error_parts")
    assert len(errors) == 1 and "overlaps unit K1-B2+3" in shown(errors[0])


def test_bays_of_a_let_hall_unit_are_not_cut_out_of_it(works: str) -> None:
    # EW-W.K2 takes W.K2 whole and has lease L026 from 2027-02-01 to 2030-01-31 (leases.csv)
    k2 = _gid(works, "W.K2")
    engine = register.open_register(works)
    before = register.get_revision(engine)
    app = page_app("page_units", works)
    app.run()
    _pick(app, k2, [1])
    assert app.multiselect(key="unit_part_bays").options[0] == "bay 1 · 96.0 m² · in EW-W.K2"
    assert any("cut out of it" in shown(c.value) for c in app.caption)
    app.text_input(key="unit_part_id").input("K2-B1")
    _submit(app, LABEL)
    errors = errors_under(app, "unit_part_error_unit_id")
    assert len(errors) == 1 and "unit EW-W.K2 has lease L026" in shown(errors[0]), app.error
    assert register.get_revision(engine) == before
    assert "K2-B1" not in set(register.frames(engine).units["unit_id"])
    engine.dispose()


def test_bays_of_a_vacant_hall_unit_are_cut_out_and_the_unit_keeps_the_rest(works: str) -> None:
    k1 = _gid(works, "W.K1")
    engine = register.open_register(works)
    register.define_unit(engine, "K1-HALL", [k1], name="Crane bay west")  # whole, never let
    app = page_app("page_units", works)
    app.run()
    _pick(app, k1, [3, 4])
    app.text_input(key="unit_part_id").input("K1-B3+4")
    _submit(app, LABEL)
    no_exception(app)
    frames = register.frames(engine)
    units = frames.units.set_index("unit_id")
    # the new unit x 20–40: 20 × 9.6 = 192 m²; the hall keeps x 0.4–20: 19.6 × 9.6 = 188.16 m²
    assert units.at["K1-B3+4", "area_m2"] == pytest.approx(192.0)
    assert units.at["K1-HALL", "area_m2"] == pytest.approx(188.16)
    parts = frames.unit_spaces.set_index("unit_id")
    rest = shapely.wkt.loads(parts.at["K1-HALL", "footprint_wkt"])
    assert rest.bounds == pytest.approx((0.4, 30.0, 20.0, 39.6))
    new = shapely.wkt.loads(parts.at["K1-B3+4", "footprint_wkt"])
    assert new.bounds == pytest.approx((20.0, 30.0, 40.0, 39.6))
    engine.dispose()


def test_no_bay_chosen_is_refused_and_a_space_without_grid_is_not_offered(works: str) -> None:
    app = page_app("page_units", works)
    app.run()
    offered = set(app.selectbox(key="unit_part_space").options)
    engine = register.open_register(works)
    spaces = register.frames(engine).spaces
    engine.dispose()
    # the hall floor's spaces alone have columns in the sample model; the others have none
    others = spaces.loc[spaces["storey"] != "Works 0 Hall floor", "name"]
    assert not any(o.startswith(f"{n} ") for o in offered for n in others)
    app.text_input(key="unit_part_id").input("X1")
    _submit(app, LABEL)
    assert errors_under(app, "unit_part_error_parts") == ["Choose one bay or more."]
