"""The "Units and members" page under AppTest, on a site created from its own model only.

The site is ``models/engineering_works.ifc`` through ``register.create_site``: no units, no
tenants, no sample CSVs. The page must make it lettable: two units and a tenant from its
forms, then a lease signed with the register's verb.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import shapely
from streamlit.testing.v1 import AppTest

from site_manager import register
from site_manager.app import page_units

from .conftest import MODELS, shown
from .test_pages import no_exception, page_app


@pytest.fixture(scope="module")
def imported_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("units") / "template.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    register.create_site(engine, MODELS / "engineering_works.ifc", site_id="ew", name="Works")
    engine.dispose()
    return path


@pytest.fixture
def url(imported_template: Path, tmp_path: Path) -> str:
    shutil.copy(imported_template, tmp_path / "r.sqlite")
    return f"sqlite:///{tmp_path / 'r.sqlite'}"


def _submit(app: AppTest, label: str) -> None:
    next(b for b in app.get("form_submit_button") if b.proto.label == label).click().run()


def errors_under(app: AppTest, key: str) -> list[str]:
    """The error messages inside the container with widget key ``key`` (its id ends so)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        for child in getattr(node, "children", {}).values():
            if str(getattr(getattr(child, "proto", None), "id", "")).endswith(f"-{key}"):
                found.extend(e.value for e in child.error)
            walk(child)

    walk(app.main)
    return found


def _spaces(url: str) -> Any:
    spaces = register.frames(register.open_register(url), site="ew").spaces
    return spaces[~spaces["removed"]].set_index("global_id")


def test_define_two_units_and_a_tenant_then_a_lease_can_be_signed(url: str) -> None:
    spaces = _spaces(url)
    first, second = spaces.index[:2].tolist(), spaces.index[2:3].tolist()
    app = page_app("page_units", url)
    app.run()
    no_exception(app)
    assert sorted(app.multiselect(key="unit_define_spaces").options) == sorted(
        f"{r.name} · {r.storey} · {r.area_m2:.0f} m²" for r in spaces.itertuples())  # fmt: skip

    app.text_input(key="unit_define_id").input("U1")
    app.text_input(key="unit_define_name").input("Bay *one*")
    app.multiselect(key="unit_define_spaces").set_value(first)
    _submit(app, "Define")
    no_exception(app)
    assert any("Unit U1 defined: 2 space" in shown(s.value) for s in app.success)
    # the spaces of U1 are no longer offered
    offered = app.multiselect(key="unit_define_spaces").options
    assert len(offered) == len(spaces) - 2
    app.text_input(key="unit_define_id").input("U2")
    app.multiselect(key="unit_define_spaces").set_value(second)
    _submit(app, "Define")
    no_exception(app)

    app.text_input(key="tenant_add_id").input("T1")
    app.text_input(key="tenant_add_name").input("Acme Works")
    app.selectbox(key="tenant_add_kind").set_value("sme")
    _submit(app, "Add")
    no_exception(app)

    engine = register.open_register(url)
    units = register.list_units(engine, "ew").set_index("unit_id")
    assert sorted(units.index) == ["U1", "U2"]
    assert units.loc["U1", "name"] == "Bay *one*"  # stored as typed, not as Markdown
    assert sorted(units.loc["U1", "space_global_ids"]) == sorted(first)
    assert units.loc["U1", "area_m2"] == pytest.approx(spaces.loc[first, "area_m2"].sum())
    tenants = register.list_tenants(engine, "ew").set_index("tenant_id")
    assert tenants.loc["T1", ["name", "kind"]].tolist() == ["Acme Works", "sme"]
    lid = register.sign_lease(engine, unit_id="U2", tenant_id="T1", start="2027-01-01",
                              end="2027-12-31", rent_eur_per_month=450, site="ew")  # fmt: skip
    leases = register.list_leases(engine, "ew")
    assert leases[["lease_id", "unit_id", "tenant_id"]].values.tolist() == [[lid, "U2", "T1"]]
    verbs = register.get_audit(engine, "ew")["verb"].tolist()
    assert verbs.count("define_unit") == 2 and "add_tenant" in verbs
    engine.dispose()


def test_a_unit_without_spaces_is_refused_and_nothing_is_written(url: str) -> None:
    engine = register.open_register(url)
    before = register.get_revision(engine)
    app = page_app("page_units", url)
    app.run()
    app.text_input(key="unit_define_id").input("U1")
    _submit(app, "Define")
    assert app.exception == []
    (error,) = app.error
    assert "at least one space" in error.value
    assert errors_under(app, "unit_define_error_space_global_ids") == [error.value]
    assert register.get_revision(engine) == before and register.list_units(engine).empty
    engine.dispose()


def test_rename_retire_edit_and_skill_forms_change_the_register(url: str) -> None:
    engine = register.open_register(url)
    gid = _spaces(url).index[0]
    register.define_unit(engine, "U1", [gid], name="Old", site="ew")
    register.add_tenant(engine, "T1", name="Acme", headcount=2, site="ew")
    lid = register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2020-01-01",
                              end="2020-12-31", rent_eur_per_month=1, site="ew")  # fmt: skip
    app = page_app("page_units", url)
    app.run()
    app.selectbox(key="unit_rename_id").set_value("U1")
    app.text_input(key="unit_rename_name").input("New")
    _submit(app, "Rename")
    no_exception(app)
    # retiring on a day of the lease is refused under the day, naming the lease
    app.selectbox(key="unit_retire_id").set_value("U1")
    app.date_input(key="unit_retire_on").set_value(dt.date(2020, 6, 1))
    _submit(app, "Retire")
    (error,) = app.error
    assert lid in shown(error.value) and errors_under(app, "unit_retire_error_on") == [error.value]
    app.date_input(key="unit_retire_on").set_value(dt.date(2021, 1, 1))
    _submit(app, "Retire")
    no_exception(app)
    assert app.selectbox(key="unit_retire_id").options == []  # no live unit is left
    app.selectbox(key="tenant_edit_id").set_value("T1")
    app.number_input(key="tenant_edit_headcount").set_value(7)
    _submit(app, "Save")
    no_exception(app)
    app.selectbox(key="skill_tenant").set_value("T1")
    app.text_input(key="skill_skill").input("welding")
    app.selectbox(key="skill_level").set_value("expert")
    _submit(app, "Add the skill")
    no_exception(app)

    f = register.frames(engine, "ew")
    assert f.units.set_index("unit_id").loc["U1", "name"] == "New"
    assert register.unit_context(engine, "ew").retired == {"U1": dt.date(2021, 1, 1)}
    assert f.tenants.set_index("tenant_id").loc["T1", ["name", "headcount"]].tolist() == [
        "Acme", 7]  # fmt: skip
    assert f.skills[["tenant_id", "skill", "level"]].values.tolist() == [
        ["T1", "welding", "expert"]]  # fmt: skip
    engine.dispose()


def test_names_are_escaped_by_the_one_markdown_escape() -> None:
    from site_manager.app import ui

    text = "*a* _b_ [c](d) #e"
    escaped = ui.text(text)
    assert escaped == r"\*a\* \_b\_ \[c\]\(d\) \#e"
    assert escaped.replace("\\", "") == text


def test_free_spaces_are_listed_from_the_lowest_storey_up() -> None:
    import pandas as pd

    from site_manager.app.page_units import free_spaces

    class Ctx:
        unit_spaces: dict[str, list[str]] = {"U1": ["c"]}
        retired: set[str] = set()

    class Frames:
        spaces = pd.DataFrame({
            "global_id": ["a", "b", "c", "d"], "name": ["7", "1", "2", "3"],
            "storey": ["Dachgeschoss", "Erdgeschoss", "Erdgeschoss", "Erdgeschoss"],
            "storey_elevation_m": [2.7, 0.0, 0.0, 0.0], "area_m2": [107.2, 11.5, 13.0, 12.5],
            "removed": [False, False, False, False],
        })  # fmt: skip

    # alphabetically Dachgeschoss (the attic) came first
    assert free_spaces(Frames(), Ctx())["global_id"].tolist() == ["b", "d", "a"]


def test_a_pick_on_the_plan_adds_free_spaces_and_refuses_one_in_a_unit_by_the_rule(
    url: str,
) -> None:
    """The plan adds what it selects; a space in a live unit is left out, and the message is
    the register's own (the same words the Define button gets from ``define_unit``)."""
    from site_manager.errors import SiteManagerError
    from site_manager.register import rules

    engine = register.open_register(url)
    gids = _spaces(url).index.tolist()
    register.define_unit(engine, "U1", [gids[0]], site="ew")
    ctx = register.unit_context(engine, "ew")
    free = set(gids) - {gids[0]}
    # a box round a space already picked, a new one and one in U1
    picked, refusal = page_units.apply_plan_pick([gids[1], gids[2], gids[0]], [gids[1]],
                                                 free, ctx)  # fmt: skip
    assert picked == [gids[1], gids[2]]
    with pytest.raises(SiteManagerError) as refused:
        register.define_unit(engine, "U2", [gids[0]], site="ew")
    (problem,) = [p for p in rules.problems_of(refused.value) if p.field == "space_global_ids"]
    assert refusal == problem.message and "(unit U1)" in refusal
    # free spaces only: nothing to refuse
    assert page_units.apply_plan_pick([gids[3]], [], free, ctx) == ([gids[3]], None)
    engine.dispose()


def test_the_plan_marks_spaces_in_a_unit_and_outlines_the_picks(url: str) -> None:
    engine = register.open_register(url)
    gids = _spaces(url).index.tolist()
    register.define_unit(engine, "U1", [gids[0]], site="ew")
    frames = register.frames(engine, "ew")
    spaces = frames.spaces_gdf()
    storey = spaces.set_index("global_id").loc[gids[0], "storey"]
    on_storey = spaces[spaces["storey"] == storey]
    other = next(g for g in on_storey["global_id"] if g != gids[0])
    held = page_units.held_by(register.unit_context(engine, "ew"))
    assert held == {gids[0]: "U1"}
    fig = page_units.unit_plan_figure(on_storey, held, [other], frames, storey)
    dots = next(t for t in fig.data if t.name == "spaces")
    symbols = dict(zip(dots.customdata, dots.marker.symbol, strict=True))
    assert symbols[gids[0]] == "x"
    assert {s for g, s in symbols.items() if g != gids[0]} == {"circle"}
    fills = {t.name for t in fig.data if t.fill == "toself"}
    assert {"U1", page_units.FREE} <= fills
    outline = next(t for t in fig.data if t.name == "selected")
    ring = shapely.Polygon([(x, y) for x, y in zip(outline.x, outline.y, strict=True) if x == x])
    footprint = on_storey.set_index("global_id").geometry[other]
    assert ring.symmetric_difference(footprint).area == pytest.approx(0.0, abs=1e-6)
    engine.dispose()
