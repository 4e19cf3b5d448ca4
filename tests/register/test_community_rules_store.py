"""A site's community rules in the register: loaded from a file, refused whole when bad,
audited, shown, and carried into the layout problem (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_manager import register
from site_manager.cli import main
from site_manager.errors import ValidationError
from site_manager.layout.community import get_rules, load_rules
from site_manager.layout.from_site import problem_from_register
from site_manager.zoning import shared_private_balance
from tests.layout.test_community_rules import BAD_FILES, GOOD


@pytest.fixture
def site(db_url: str, small_model) -> str:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    engine.dispose()
    return db_url


@pytest.mark.parametrize(("text", "words"), BAD_FILES[:2])
def test_a_bad_file_is_refused_with_one_line_and_exit_2_and_nothing_stored(
    site: str, text: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not site.startswith("sqlite"):  # the commands leave their engine to the process' end
        pytest.skip("the command-line test runs on SQLite (as tests/register/test_cli.py)")
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["layout", "rules", "load", str(path), "--db", site]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: ") and err.count("\n") == 1 and words in err
    engine = register.open_register(site)
    try:
        assert get_rules(engine).rules == ()
        assert "load_rules" not in set(register.get_audit(engine)["verb"])
    finally:
        engine.dispose()


def test_rules_are_stored_audited_shown_and_carried_into_the_problem(
    site: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(GOOD, encoding="utf-8")
    engine = register.open_register(site)
    try:
        if site.startswith("sqlite"):  # the commands leave their engine to the process' end
            assert (
                main(["layout", "rules", "load", str(path), "--db", site, "--site", "small"]) == 0
            )
            assert "loaded 2 rules (1 hard, 1 soft)" in capsys.readouterr().out
            assert main(["layout", "rules", "show", "--db", site, "--format", "json"]) == 0
            shown = json.loads(capsys.readouterr().out)
            assert [(r["id"], r["strength"], r["value"]) for r in shown] == [
                ("artisans", "hard", 30.0), ("quiet", "soft", 2.0)]  # fmt: skip
            assert shown[0]["rule"] == "at most 30 % of units to artisans"
        else:
            load_rules(engine, "small", path)
        load_rules(engine, "small", "", actor="alice")  # an empty file clears them
        assert get_rules(engine, "small").rules == ()
        trail = register.get_audit(engine, "small")
        mine = trail[trail["verb"] == "load_rules"]
        assert list(mine["action"]) == ["update", "insert"]  # newest first
        assert list(mine["actor"])[0] == "alice"
        assert json.loads(list(mine["after"])[0]) == {"rules": []}
        load_rules(engine, "small", GOOD)
        frames = register.frames(engine, "small")
        assert [r["id"] for r in frames.layout_rules] == ["artisans", "quiet"]
        problem = problem_from_register(frames)
        assert problem.rules is not None
        assert [r.id for r in problem.rules.rules] == ["artisans", "quiet"]
        spaces = frames.spaces[~frames.spaces["removed"].astype(bool)]
        expected = round(shared_private_balance(spaces)["shared_m2"], 2)
        assert problem.rules.shared_area == expected

    finally:
        engine.dispose()


def test_a_site_without_rules_gives_a_problem_without_rules(site: str) -> None:
    engine = register.open_register(site)
    try:
        assert problem_from_register(register.frames(engine)).rules is None
    finally:
        engine.dispose()


def test_loading_rules_bumps_the_revision_the_dashboard_caches_key_on(site: str) -> None:
    # a write of ORM adds alone (no query after them) is flushed by the commit after its
    # before_commit hook: the revision must count it all the same
    engine = register.open_register(site)
    try:
        start = register.get_revision(engine)
        load_rules(engine, "small", GOOD)  # the first load inserts the site's row
        assert register.get_revision(engine) == start + 1
        load_rules(engine, "small", "")  # and a later one updates it
        assert register.get_revision(engine) == start + 2
        with pytest.raises(ValidationError):
            load_rules(engine, "small", BAD_FILES[0][0])
        assert register.get_revision(engine) == start + 2
    finally:
        engine.dispose()
