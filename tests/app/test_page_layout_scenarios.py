"""The Layout lab's scenarios under AppTest: save, compare, show, delete, commit, refusals.

Expected values come from the engine run directly on a problem built from the register, from
the register's own applicants and units (rents rounded half up by hand), and from the
register read back after the page wrote to it.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from site_manager.app import state
from site_manager.register.access import os_user

from .test_page_layout import _optimise, _problem, next_month_first, works, works_template
from .test_pages import no_exception, page_app

__all__ = ["works", "works_template"]  # the fixtures, imported for this module's tests


def _save(app: AppTest, name: str) -> AppTest:
    app.text_input(key="lab_scenario_name").set_value(name)
    app.button(key="lab_save").click().run()
    return app


def _engine(url: str) -> Any:
    from site_manager import register

    return register.open_register(url)


def _frame(app: AppTest, column: str) -> Any:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_saving_the_layout_records_it_with_author_parameters_and_revision(works: str) -> None:
    from site_manager import register
    from site_manager.layout import solve
    from site_manager.layout.scenarios import get_scenario

    engine = _engine(works)
    revision = register.get_revision(engine)
    app = page_app("page_layout", works)
    app.run()
    _optimise(app)
    _save(app, "optimum")
    no_exception(app)
    sc = get_scenario(engine, None, "optimum")
    expected = solve(_problem(works), time_limit=30)
    assert sc.assignment == {a: list(u) for a, u in expected.assignment.items()}
    assert sc.author == os_user()  # no login in this page test: the server's OS user
    assert sc.register_revision == revision
    assert sc.parameters["bay_area_m2"] == 150.0 and sc.parameters["allow_pairs"] is True
    assert sc.parameters["plan_for"] == next_month_first().isoformat()
    assert sc.figures["objective_eur_per_month"] == expected.objective
    assert any("Scenario optimum saved" in s.value for s in app.success)
    # the same name again: refused at the field, nothing stored twice
    _save(app, "optimum")
    assert any("already exists" in e.value for e in app.error), [e.value for e in app.error]
    assert register.get_revision(engine) == revision + 1
    _save(app, "   ")
    assert app.error, "an empty name is refused"
    engine.dispose()


def test_two_scenarios_compare_side_by_side_then_one_is_shown_and_one_deleted(
    works: str,
) -> None:
    from site_manager.layout import evaluate, solve
    from site_manager.layout.scenarios import list_scenarios

    problem = _problem(works)
    best = solve(problem, time_limit=30)
    greedy = solve(problem, use_greedy_only=True)
    app = page_app("page_layout", works)
    app.run()
    _optimise(app)
    _save(app, "optimum")
    app.button(key="lab_show_greedy").click().run()
    _save(app, "greedy")
    no_exception(app)
    assert app.multiselect(key="lab_compare_names").value == ["optimum", "greedy"]
    table = _frame(app, "objective_eur_per_month").set_index("name")
    assert table.loc["optimum", "objective_eur_per_month"] == best.objective
    assert table.loc["greedy", "objective_eur_per_month"] == float(
        evaluate(problem, greedy.assignment).objective
    )
    assert table.loc["optimum", "applicants_placed"] == len(best.assignment)
    assert table.loc["greedy", "applicants_placed"] == len(greedy.assignment)
    assert set(table["author"]) == {os_user()}
    assert {b.key for b in app.get("download_button")} >= {"lab_scenarios_csv",
                                                          "lab_scenarios_xlsx"}  # fmt: skip

    app.selectbox(key="lab_scenario_pick").set_value("optimum")
    app.button(key="lab_scenario_show").click().run()
    no_exception(app)
    result = app.session_state[state.LAB_RESULT]
    assert result["source"] == "scenario optimum"
    assert result["assignment"] == {a: list(u) for a, u in best.assignment.items()}
    assert any("scenario optimum" in h.value for h in app.subheader)
    assert len(app.get("plotly_chart")) == 1

    app.selectbox(key="lab_scenario_pick").set_value("greedy")
    app.button(key="lab_scenario_delete").click().run()
    no_exception(app)
    engine = _engine(works)
    assert list_scenarios(engine)["name"].tolist() == ["optimum"]
    engine.dispose()


def _quiet_day(url: str) -> dt.date:
    """The first of the month after the last lease start of the register (and after
    today): no lease starts later, so every unit vacant that day is free over any term.
    """
    from site_manager import register

    engine = _engine(url)
    starts = register.frames(engine).leases["start"]
    engine.dispose()
    last = max([dt.date.today(), *(dt.date.fromisoformat(str(s)[:10]) for s in starts)])
    return dt.date(last.year + last.month // 12, last.month % 12 + 1, 1)


def _hand_rent(rent_per_m2: float, area_m2: float) -> int:
    return math.floor(Decimal(str(rent_per_m2)) * Decimal(str(area_m2)) + Decimal("0.5"))


def test_commit_shows_the_leases_then_signs_them_and_says_how_many(works: str) -> None:
    from site_manager import register
    from site_manager.layout import solve

    engine = _engine(works)
    frames = register.frames(engine)
    before = set(frames.leases["lease_id"])
    day = _quiet_day(works)
    layout = solve(_problem(works, bay_area_m2=None, on=day), use_greedy_only=True).assignment
    assert layout and all(len(u) == 1 for u in layout.values())  # whole units, one each
    rents = frames.applicants.set_index("applicant_id")["rent_eur_per_m2_month"]
    areas = frames.units.set_index("unit_id")["area_m2"]
    expected = {(u[0], a): _hand_rent(rents[a], areas[u[0]]) for a, u in layout.items()}

    app = page_app("page_layout", works)
    app.run()
    app.toggle(key="lab_bays_on").set_value(False).run()
    app.date_input(key="lab_on").set_value(day).run()
    app.button(key="lab_greedy").click().run()
    _save(app, "whole units")
    assert app.date_input(key="lab_commit_start").value == day
    assert app.number_input(key="lab_commit_years").value == 3
    app.button(key="lab_commit").click().run()
    no_exception(app)
    preview = _frame(app, "Rent [€/month]")
    shown = dict(zip(zip(preview["Unit"], preview["Tenant"], strict=True),
                     preview["Rent [€/month]"], strict=True))  # fmt: skip
    assert shown == expected
    assert list(preview["Area [m²]"]) == [areas[u] for u, _ in shown]
    assert set(register.frames(engine).leases["lease_id"]) == before  # nothing signed yet

    app.button(key="lab_commit_yes").click().run()
    no_exception(app)
    signed_text = f"{len(expected)} lease{'s' if len(expected) > 1 else ''} signed"
    assert any(signed_text in s.value for s in app.success)
    leases = register.frames(engine).leases
    new = leases[~leases["lease_id"].isin(before)]
    got = {(u, t): r for u, t, r in zip(new["unit_id"], new["tenant_id"],
                                        new["rent_eur_per_month"], strict=True)}  # fmt: skip
    assert got == expected
    start = day
    assert set(new["start"].astype(str)) == {start.isoformat()}
    last = dt.date(start.year + 3, start.month, start.day) - dt.timedelta(days=1)
    assert set(new["end"].astype(str)) == {last.isoformat()}
    assert set(layout) <= set(register.frames(engine).tenants["tenant_id"])
    audit = register.get_audit(engine)
    signed = audit[audit["verb"] == "commit_scenario"]
    assert set(signed["actor"]) == {os_user()} and len(signed) > 0
    assert any("committed already" in c.value for c in app.caption)
    engine.dispose()


def test_a_commit_on_bays_makes_units_of_them_and_one_on_a_unit_let_meanwhile_is_refused(
    works: str,
) -> None:
    from site_manager import register

    from .conftest import shown

    engine = _engine(works)
    app = page_app("page_layout", works)
    app.run()
    day = _quiet_day(works)
    app.date_input(key="lab_on").set_value(day).run()
    app.button(key="lab_greedy").click().run()  # bays of 150 m² of the large halls
    _save(app, "bays")
    result = app.session_state[state.LAB_RESULT]
    area = {u.id: u.area for u in result["problem"].units}
    with_bays = {a: us for a, us in result["assignment"].items() if any("/b" in u for u in us)}
    assert with_bays, "greedy on bays of 150 m² lets some bay"
    app.button(key="lab_commit").click().run()
    said = " ".join(shown(i.value) for i in app.info if "New units" in i.value)
    n = len(register.frames(engine).leases)
    app.button(key="lab_commit_yes").click().run()
    assert [e.value for e in app.error] == []
    f = register.frames(engine)
    assert len(f.leases) > n
    units = f.units.set_index("unit_id")
    for applicant, lets in with_bays.items():
        held = f.leases[f.leases["tenant_id"] == applicant]["unit_id"].tolist()
        assert held and all(u not in area for u in held)  # new units, not the bays' ids
        assert all(u in said for u in held)  # named before the commit
        # the bays of one hall became one unit of their area together
        assert sum(units.loc[u, "area_m2"] for u in held) == pytest.approx(
            sum(area[u] for u in lets), abs=0.01)  # fmt: skip
    n = len(f.leases)

    # whole units, then another writer lets one of them from the same day
    day = _quiet_day(works)
    app.date_input(key="lab_on").set_value(day).run()
    app.toggle(key="lab_bays_on").set_value(False).run()
    app.button(key="lab_greedy").click().run()
    _save(app, "whole units")
    layout = app.session_state[state.LAB_RESULT]["assignment"]
    unit = next(iter(layout.values()))[0]
    tenant = register.frames(engine).tenants["tenant_id"].iloc[0]
    start = day
    register.sign_lease(engine, unit_id=unit, tenant_id=tenant, start=start,
                        end=start + dt.timedelta(days=400), rent_eur_per_month=100.0)  # fmt: skip
    app.selectbox(key="lab_scenario_pick").set_value("whole units").run()
    app.button(key="lab_commit").click().run()
    app.button(key="lab_commit_yes").click().run()
    errors = [shown(e.value) for e in app.error]
    assert any(unit in e and "whole units" in e for e in errors), errors
    assert len(register.frames(engine).leases) == n + 1
    engine.dispose()


def test_units_let_from_a_later_day_within_the_term_are_found_bays_by_their_unit() -> None:
    import pandas as pd

    from site_manager.app.layout_scenarios import let_later

    leases = pd.DataFrame({
        "lease_id": ["L1", "L2", "L3", "L4"],
        "unit_id": ["A", "B", "C", "K"],
        "start": ["2027-01-01", "2027-02-01", "2031-01-01", "2027-06-01"],
    })  # fmt: skip
    on, end = dt.date(2027, 1, 1), dt.date(2029, 12, 31)
    # A starts on the day itself (not later), C after the term, D has no lease
    found = let_later(leases, ["A", "B", "C", "D", "K/b2"], on, end)
    assert found["unit_id"].tolist() == ["B", "K"]
    assert found["lease_id"].tolist() == ["L2", "L4"]
    assert let_later(leases, [], on, end).empty
