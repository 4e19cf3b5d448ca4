"""The Layout lab page under AppTest: optimise, read the lets, move a let, the edge cases.

The engineering works sample is loaded once with the register's own verb; a site created from
a real IFC file (AC20-FZK-Haus) has no applicants. Expected values come from the engine run
directly on a problem built from the register (the CLI's path), and from the problem's
adjacency and the existing tenants' hazard classes, not from the page's code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from site_manager.app import state

from .conftest import shown
from .test_pages import metric, no_exception, page_app

WAIT_S = 60


@pytest.fixture(scope="module")
def works_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from site_manager import register

    path = tmp_path_factory.mktemp("lab") / "works.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    register.load_sample(engine, "engineering_works")
    engine.dispose()
    return path


@pytest.fixture
def works(works_template: Path, tmp_path: Path) -> str:
    shutil.copy(works_template, tmp_path / "r.sqlite")
    return f"sqlite:///{tmp_path / 'r.sqlite'}"


def _problem(url: str, bay_area_m2: float | None = 150.0, on: dt.date | None = None) -> Any:
    """The site's problem as the page builds it by default (bays of 150 m², pairs, 85 dB,
    planned for the first of next month).
    """
    from site_manager import register
    from site_manager.layout import problem_from_register

    engine = register.open_register(url)
    try:
        return problem_from_register(register.frames(engine), bay_area_m2=bay_area_m2,
                                     on_date=on or next_month_first())  # fmt: skip
    finally:
        engine.dispose()


def next_month_first() -> dt.date:
    """The first day of next month, by hand (the page's default "plan for" day)."""
    today = dt.date.today()
    return dt.date(today.year + 1, 1, 1) if today.month == 12 else today.replace(
        month=today.month + 1, day=1)  # fmt: skip


def _optimise(app: AppTest) -> AppTest:
    app.button(key="lab_optimise").click().run()
    run = app.session_state[state.LAB_RUN]
    if run is not None:  # still running when the page was drawn: wait, then draw again
        assert run.wait(WAIT_S).done
        app.run()
    assert app.session_state[state.LAB_RESULT]["source"] == "optimum"
    return app


def test_optimise_shows_the_engines_layout_its_lets_and_every_applicant_left_out(
    works: str,
) -> None:
    from site_manager.layout import solve

    app = page_app("page_layout", works)
    app.run()
    no_exception(app)
    _optimise(app)
    no_exception(app)
    expected = solve(_problem(works), time_limit=30)
    assert expected.status == "OPTIMAL"
    assert metric(app, "Objective [€/month]") == f"{expected.objective:,.0f}"
    assert metric(app, "Applicants placed") == str(len(expected.assignment))
    lets = app.session_state[state.LAB_RESULT]["assignment"]
    shown = [d.value for d in app.dataframe]
    lets_df = next(d for d in shown if "rent_eur_per_month" in d.columns)
    left_df = next(d for d in shown if "reason" in d.columns)
    assert sorted(lets_df["applicant_id"]) == sorted(lets)
    every = {a.id for a in _problem(works).applicants}
    assert set(lets_df["applicant_id"]) | set(left_df["applicant_id"]) == every
    assert not set(lets_df["applicant_id"]) & set(left_df["applicant_id"])
    assert len(app.get("plotly_chart")) == 1
    assert "proven optimal" in " ".join(h.value for h in app.subheader)
    assert app.date_input(key="lab_on").value == next_month_first()


def _breaking_move(problem: Any) -> tuple[str, str, str]:
    """A hazardous applicant, a vacant unit beside a hazardous existing tenant, that tenant."""
    nb = problem.neighbours()
    hazardous = {u: e.id for e in problem.existing if e.hazard > 0 for u in e.units}
    held = {u for e in problem.existing for u in e.units}
    app = next(a.id for a in problem.applicants if a.hazard > 0)
    for u in problem.units:
        if u.id not in held:
            for v in sorted(nb[u.id]):
                if v in hazardous:
                    return app, u.id, hazardous[v]
    raise AssertionError("no vacant unit beside a hazardous tenant")


def test_moving_an_applicant_beside_a_hazardous_tenant_names_the_rule_and_the_neighbour(
    works: str,
) -> None:
    app = page_app("page_layout", works)
    app.run()
    _optimise(app)
    who, unit, neighbour = _breaking_move(_problem(works))
    app.selectbox(key="lab_edit_app").set_value(who)
    app.multiselect(key="lab_edit_units").set_value([unit]).run()
    app.button(key="lab_move").click().run()
    assert [e.value for e in app.exception] == []
    messages = [shown(e.value) for e in app.error]  # names are escaped on the page
    mine = [m for m in messages if neighbour in m]
    assert mine, messages
    assert "hazard" in mine[0] and unit in mine[0] and who in mine[0]
    assert app.session_state[state.LAB_RESULT]["assignment"][who] == [unit]
    assert metric(app, "Rules broken") != "0"
    # removing the let clears the breach
    app.button(key="lab_remove").click().run()
    assert [e.value for e in app.error] == []
    assert who not in app.session_state[state.LAB_RESULT]["assignment"]


def test_greedy_is_one_click_away_with_both_layouts_figures_side_by_side(works: str) -> None:
    from site_manager.layout import evaluate, solve

    app = page_app("page_layout", works)
    app.run()
    app.button(key="lab_greedy").click().run()
    no_exception(app)
    greedy = solve(_problem(works), use_greedy_only=True)
    value = float(evaluate(_problem(works), greedy.assignment).objective)
    assert metric(app, "Objective [€/month]") == f"{value:,.0f}"
    compare = next(d.value for d in app.dataframe if "greedy" in d.value.columns)
    row = compare.set_index("figure").loc["Objective [€/month]"]
    assert row["greedy"] == row["this layout"] == greedy.greedy_objective


def test_a_fully_let_hall_says_there_is_no_vacant_unit(works: str) -> None:
    problem = _problem(works)
    held = {u for e in problem.existing for u in e.units}
    let_hall = next(u.hall for u in problem.units if u.id in held)
    app = page_app("page_layout", works)
    app.run()
    app.multiselect(key="lab_halls").set_value([let_hall]).run()
    no_exception(app)
    assert any("No vacant unit in play" in i.value for i in app.info)
    assert len(app.get("plotly_chart")) == 0


def test_applicants_are_added_and_edited_on_the_page(works: str) -> None:
    from site_manager import register

    app = page_app("page_layout", works)
    app.run()
    app.text_input(key="lab_app_➕ new applicant_id").set_value("Z01")
    app.number_input(key="lab_app_➕ new applicant_lo").set_value(60.0)
    app.number_input(key="lab_app_➕ new applicant_hi").set_value(40.0)  # below the minimum
    app.button[[b.label for b in app.button].index("Add applicant")].click().run()
    assert any("below the minimum" in e.value for e in app.error)
    app.number_input(key="lab_app_➕ new applicant_hi").set_value(90.0)
    app.button[[b.label for b in app.button].index("Add applicant")].click().run()
    no_exception(app)
    engine = register.open_register(works)
    row = register.list_applicants(engine).set_index("applicant_id").loc["Z01"]
    assert (row["area_min_m2"], row["area_max_m2"]) == (60.0, 90.0)
    app.selectbox(key="lab_app_pick").set_value("Z01").run()
    app.number_input(key="lab_app_Z01_rent").set_value(12.5)
    app.button[[b.label for b in app.button].index("Save Z01")].click().run()
    no_exception(app)
    row = register.list_applicants(engine).set_index("applicant_id").loc["Z01"]
    assert (row["rent_eur_per_m2_month"], row["area_max_m2"]) == (12.5, 90.0)
    engine.dispose()


@pytest.mark.slow
def test_a_site_from_a_real_ifc_file_without_applicants_says_so_then_optimises(
    shared_ifc_dir: Path, tmp_path: Path
) -> None:
    from site_manager import register

    model = shared_ifc_dir / "AC20-FZK-Haus.ifc"
    if not model.is_file():
        pytest.skip(f"{model} not found")
    url = f"sqlite:///{tmp_path / 'haus.sqlite'}"
    engine = register.open_register(url)
    register.create_site(engine, model, site_id="haus", name="FZK-Haus")
    app = page_app("page_layout", url)
    app.run()
    no_exception(app)
    assert any("No applicant in play" in i.value for i in app.info)
    register.add_applicant(engine, "P1", area_min_m2=5, area_max_m2=60,
                           rent_eur_per_m2_month=10)  # fmt: skip
    engine.dispose()
    app.run()
    _optimise(app)
    no_exception(app)
    assert metric(app, "Applicants placed") == "1"
    assert len(app.get("plotly_chart")) == 1


@pytest.mark.slow
def test_while_the_engine_runs_the_page_shows_its_progress_then_the_layout(works: str) -> None:
    from site_manager.layout import lab
    from site_manager.layout.synthetic import random_problem

    problem = random_problem(50, 20, seed=2)  # proven in 4–10 s: the run is still going
    run = lab.LabRun(problem, time_limit=10)
    app = page_app("page_layout", works, **{state.LAB_RUN: run})
    app.run()
    no_exception(app)
    labels = [m.label for m in app.metric]
    assert {"Running", "Elapsed", "Best [€/month]", "Bound [€/month]", "Gap"} <= set(labels)
    final = run.wait(WAIT_S)
    app.run()
    no_exception(app)
    assert app.session_state[state.LAB_RUN] is None
    assert metric(app, "Objective [€/month]") == f"{final.objective:,.0f}"
    assert metric(app, "Proven bound [€/month]") == f"{final.bound:,.0f}"


def test_storeys_are_offered_lowest_first(works: str) -> None:
    app = page_app("page_layout", works)
    app.run()
    from site_manager import register

    engine = register.open_register(works)
    storeys = register.frames(engine).storeys.sort_values("elevation_m")["name"].tolist()
    engine.dispose()
    assert app.multiselect(key="lab_storeys").options == storeys
