"""The Layout lab's community rules under AppTest: shown, loaded as TOML text, refused whole.

The engineering works sample is loaded once with the register's own verb (with its own
rules file). Expected values come from the rules text written here, from the units' areas
and from the engine run directly on the problem built from the register, not from the
page's code.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from site_manager.app import state

from .conftest import shown
from .test_page_layout import _optimise, _problem
from .test_pages import no_exception, page_app

TINY = """\
[[rule]]
id = "tiny"
kind = "max_tenant_area"
max_m2 = 1
strength = "hard"
text = "tiny lets only"
"""


@pytest.fixture(scope="module")
def works_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from site_manager import register

    path = tmp_path_factory.mktemp("rules") / "works.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    register.load_sample(engine, "engineering_works")
    engine.dispose()
    return path


@pytest.fixture
def works(works_template: Path, tmp_path: Path) -> str:
    shutil.copy(works_template, tmp_path / "r.sqlite")
    return f"sqlite:///{tmp_path / 'r.sqlite'}"


def _stored(url: str) -> tuple[dict | None, int]:
    from site_manager import register
    from site_manager.register.community_rules import rules_record

    engine = register.open_register(url)
    try:
        return rules_record(engine), register.get_revision(engine)
    finally:
        engine.dispose()


def _load(app: AppTest, text: str) -> AppTest:
    app.text_area(key="lab_rules_text").set_value(text)
    app.button(key="lab_rules_load").click().run()
    return app


def _frame(app: AppTest, column: str):
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_the_stored_rules_show_as_a_table_and_their_text_is_in_the_editor(works: str) -> None:
    source = (Path(__file__).parents[2] / "sample_sites" / "engineering_works"
              / "community_rules.toml").read_text(encoding="utf-8")  # fmt: skip
    app = page_app("page_layout", works)
    app.run()
    no_exception(app)
    assert app.text_area(key="lab_rules_text").value == source
    table = _frame(app, "strength")
    # the sample's file: four rules, by hand from its text
    ids = ["mixed-community", "quiet-offices", "hazards-apart", "room-for-all"]
    assert list(table["id"]) == ids
    assert list(table["strength"]) == ["hard", "soft", "hard", "hard"]
    assert table.set_index("id").loc["mixed-community", "rule"] == (
        "at most 20 % of units to smart factories"
    )


def test_a_loaded_rule_leaves_applicants_out_and_says_which_rule(works: str) -> None:
    from site_manager.layout import solve

    before = solve(_problem(works), time_limit=30)  # the sample's rules: some are placed
    assert before.assignment
    smallest = min(u.area for u in _problem(works).units)
    assert smallest > 1  # so no let keeps the rule below
    app = page_app("page_layout", works)
    app.run()
    _load(app, TINY)
    no_exception(app)
    record, _ = _stored(works)
    assert record is not None and record["source_text"] == TINY
    assert [r["id"] for r in record["rules"]] == ["tiny"]
    assert list(_frame(app, "strength")["id"]) == ["tiny"]
    assert any("Loaded 1 community rules (1 hard, 0 soft)" in shown(s.value) for s in app.success)
    _optimise(app)
    assert app.session_state[state.LAB_RESULT]["assignment"] == {}
    left = _frame(app, "reason").set_index("applicant_id")
    for aid in before.assignment:  # each had a let that fits: only the rule keeps it out now
        assert left.loc[aid, "code"] == "community_rule", left.loc[aid, "reason"]
        assert "tiny lets only" in left.loc[aid, "reason"]


def test_a_rule_loaded_after_optimising_lists_what_the_layout_breaks(works: str) -> None:
    app = page_app("page_layout", works)
    app.run()
    _optimise(app)
    lets = _frame(app, "rent_eur_per_month")
    largest = float(lets["area_m2"].max())
    cap = largest - 1.0  # breaks the largest let (and any other over it), by construction
    over = sorted(lets.loc[lets["area_m2"] > cap, "applicant_id"])
    _load(app, f'[[rule]]\nid = "cap"\nkind = "max_tenant_area"\nmax_m2 = {cap}\n'
          'strength = "soft"\ntext = "keep lets small"\n')  # fmt: skip
    assert [e.value for e in app.exception] == []
    assert [e.value for e in app.error] == []
    table = _frame(app, "what to do")
    assert list(table["strength"]) == ["soft"] * len(over)
    assert set(table["rule"]) == {"keep lets small"}
    names = {a.id: a.name or a.id for a in _problem(works).applicants}
    for aid, tenants in zip(over, sorted(table["tenants"]), strict=True):
        assert aid in tenants and names[aid] in tenants
    assert any("breaks" in w.value and "all soft" in w.value for w in app.warning)


def test_a_bad_rule_is_refused_under_the_text_area_and_nothing_is_stored(works: str) -> None:
    record, revision = _stored(works)
    app = page_app("page_layout", works)
    app.run()
    _load(app, '[[rule]]\nid = "odd"\nkind = "max_floors"\nmax_pct = 5\nstrength = "hard"\n')
    errors = [shown(e.value) for e in app.error]
    assert len(errors) == 1 and "rule 'odd'" in errors[0] and "is not a rule kind" in errors[0]
    assert _stored(works) == (record, revision)
    # a path typed as the text is not read as a file on the server
    _load(app, str(Path(__file__).parents[2] / "sample_sites" / "engineering_works"
                   / "community_rules.toml"))  # fmt: skip
    errors = [shown(e.value) for e in app.error]
    assert len(errors) == 1 and errors[0].startswith("rules text: not valid TOML"), errors
    assert _stored(works) == (record, revision)
