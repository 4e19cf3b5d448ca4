"""The everyday verbs of a site imported from its own model: units, tenants, equipment, skills.

The site is created from ``models/engineering_works.ifc`` with ``register.create_site`` (no
units, no tenants). A refused verb leaves the register as it was: its frames, its revision
and its audit trail are compared before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from site_manager import register
from site_manager.cli import main
from site_manager.errors import NotFoundError, RegisterError, SiteManagerError, ValidationError
from site_manager.register import rules
from site_manager.register.schema import Unit

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "engineering_works.ifc"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register file with the engineering works created from its model, and nothing else."""
    path = tmp_path_factory.mktemp("verbs") / "template.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    register.create_site(engine, MODEL, site_id="ew", name="Engineering works")
    engine.dispose()
    return path


@pytest.fixture
def url(template: Path, tmp_path: Path) -> str:
    copy = tmp_path / "r.sqlite"
    shutil.copy(template, copy)
    return f"sqlite:///{copy}"


@pytest.fixture
def engine(url: str) -> Any:
    e = register.open_register(url)
    yield e
    e.dispose()


def _gids(engine: Any) -> list[str]:
    """The live spaces' GlobalIds, in the register's order."""
    spaces = register.frames(engine).spaces
    return spaces.loc[~spaces["removed"], "global_id"].tolist()


def _snapshot(engine: Any) -> dict[str, Any]:
    """What a refusal must not change: the records, the revision, the audit trail."""
    f = register.frames(engine)
    with register.transaction(engine, readonly=True) as s:
        retired = sorted((u, str(d)) for u, d in s.execute(select(Unit.unit_id, Unit.retired)))
    return {name: getattr(f, name).astype(str).to_dict("records") for name in
            ("units", "unit_spaces", "tenants", "leases", "equipment", "skills")} | {
        "retired": retired, "revision": register.get_revision(engine),
        "audit": len(register.get_audit(engine, limit=10_000))}  # fmt: skip


def _refused(engine: Any, error: type[SiteManagerError], call: Callable[[], Any]) -> list[Any]:
    """Run ``call``, expect ``error``, check nothing changed; the problems it carried."""
    before = _snapshot(engine)
    with pytest.raises(error) as caught:
        call()
    assert _snapshot(engine) == before
    return rules.problems_of(caught.value)


def _last_entry(engine: Any) -> dict[str, Any]:
    return register.get_audit(engine, limit=1).iloc[0].to_dict()


# ---------------------------------------------------------------- units


def test_define_rename_retire_a_unit_each_written_to_the_audit_trail(engine: Any) -> None:
    g = _gids(engine)
    register.define_unit(engine, "U1", g[:2], name="Bay 1")
    register.rename_unit(engine, "U1", name="Bay one", actor="alice")
    entry = _last_entry(engine)
    assert (entry["verb"], entry["record"], entry["actor"]) == ("rename_unit", "U1", "alice")
    assert (json.loads(entry["before"])["name"], json.loads(entry["after"])["name"]) == (
        "Bay 1", "Bay one")  # fmt: skip
    assert register.list_units(engine).set_index("unit_id").loc["U1", "name"] == "Bay one"
    day = register.retire_unit(engine, "U1", on="2027-03-01")
    assert day == dt.date(2027, 3, 1)
    entry = _last_entry(engine)
    assert (entry["verb"], json.loads(entry["after"])["retired"]) == ("retire_unit", "2027-03-01")
    # retired, not deleted: the unit is still listed
    assert "U1" in register.list_units(engine)["unit_id"].tolist()


def test_a_space_already_in_a_live_unit_is_refused_unless_the_unit_gives_its_own_area(
    engine: Any,
) -> None:
    g = _gids(engine)
    register.define_unit(engine, "U1", g[:2])
    problems = _refused(engine, RegisterError, lambda: register.define_unit(engine, "U2", g[1:3]))
    assert [(p.field, p.kind) for p in problems] == [("space_global_ids", "conflict")]
    assert g[1] in problems[0].message and "U1" in problems[0].message
    # part of a hall: its own lettable area
    register.define_unit(engine, "U2", g[1:3], area_m2=40.0)
    assert register.list_units(engine).set_index("unit_id").loc["U2", "area_m2"] == 40.0


def test_a_retired_units_spaces_are_free_again(engine: Any) -> None:
    g = _gids(engine)
    register.define_unit(engine, "U1", g[:1])
    register.retire_unit(engine, "U1", on="2020-01-01")
    register.define_unit(engine, "U2", g[:1])
    assert register.list_units(engine).set_index("unit_id").loc["U2", "space_global_ids"] == g[:1]


def test_unknown_and_removed_spaces_and_a_retired_unit_are_refused_at_their_fields(
    engine: Any,
) -> None:
    g = _gids(engine)
    problems = _refused(engine, NotFoundError,
                        lambda: register.define_unit(engine, "U1", [g[0], "nope"]))  # fmt: skip
    assert [(p.field, p.kind) for p in problems] == [("space_global_ids", "unknown")]
    with register.transaction(engine) as s:  # a space the model no longer has
        from site_manager.register.schema import Space

        s.scalars(select(Space).where(Space.global_id == g[1])).one().removed = True
    problems = _refused(engine, ValidationError, lambda: register.define_unit(engine, "U1", g[1:2]))
    assert [p.field for p in problems] == ["space_global_ids"] and g[1] in problems[0].message
    register.define_unit(engine, "U1", g[:1])
    register.retire_unit(engine, "U1", on="2020-01-01")
    problems = _refused(engine, RegisterError, lambda: register.define_unit(engine, "U1", g[2:3]))
    assert [p.field for p in problems] == ["unit_id"]


def test_a_retired_unit_cannot_be_let_from_its_day_but_earlier_leases_may_be_recorded(
    engine: Any,
) -> None:
    g = _gids(engine)
    register.define_unit(engine, "U1", g[:1])
    register.add_tenant(engine, "T1", name="Acme")
    register.retire_unit(engine, "U1", on="2026-06-01")
    problems = _refused(engine, ValidationError, lambda: register.sign_lease(
        engine, unit_id="U1", tenant_id="T1", start="2026-05-01", end="2026-06-01",
        rent_eur_per_month=100))  # fmt: skip
    assert [p.field for p in problems] == ["unit_id"] and "2026-06-01" in problems[0].message
    # a past lease ending the day before is history, not a let of the retired unit
    lid = register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                              end="2026-05-31", rent_eur_per_month=100)  # fmt: skip
    assert register.list_leases(engine)["lease_id"].tolist() == [lid]


@pytest.mark.parametrize(("start", "end", "word"), [
    ("2026-01-01", "2026-12-31", "runs"),   # running on the day
    ("2027-01-01", "2027-12-31", "starts"),  # starting after it
])  # fmt: skip
def test_a_unit_with_a_running_or_future_lease_cannot_be_retired(
    engine: Any, start: str, end: str, word: str
) -> None:
    g = _gids(engine)
    register.define_unit(engine, "U1", g[:1])
    register.add_tenant(engine, "T1", name="Acme")
    lid = register.sign_lease(engine, unit_id="U1", tenant_id="T1", start=start, end=end,
                              rent_eur_per_month=100)  # fmt: skip
    problems = _refused(engine, RegisterError,
                        lambda: register.retire_unit(engine, "U1", on="2026-06-01"))  # fmt: skip
    assert [(p.field, p.kind) for p in problems] == [("on", "conflict")]
    assert lid in problems[0].message and word in problems[0].message
    # the day after the lease's last day it may be retired
    after = dt.date.fromisoformat(end) + dt.timedelta(days=1)
    assert register.retire_unit(engine, "U1", on=after) == after


def test_retiring_twice_an_unknown_unit_or_a_bad_day_is_refused(engine: Any) -> None:
    register.define_unit(engine, "U1", _gids(engine)[:1])
    assert [p.field for p in _refused(engine, ValidationError, lambda: register.retire_unit(
        engine, "U1", on="2026-13-01"))] == ["on"]  # fmt: skip
    assert [p.kind for p in _refused(engine, NotFoundError, lambda: register.retire_unit(
        engine, "U9"))] == ["unknown"]  # fmt: skip
    assert register.retire_unit(engine, "U1") == dt.date.today()
    _refused(engine, RegisterError, lambda: register.retire_unit(engine, "U1"))


def test_renaming_an_unknown_unit_or_to_a_too_long_name_is_refused(engine: Any) -> None:
    register.define_unit(engine, "U1", _gids(engine)[:1], name="A")
    _refused(engine, NotFoundError, lambda: register.rename_unit(engine, "U9", name="B"))
    problems = _refused(engine, ValidationError,
                        lambda: register.rename_unit(engine, "U1", name="x" * 201))  # fmt: skip
    assert [p.field for p in problems] == ["name"]


# ---------------------------------------------------------------- tenants, equipment, skills


def test_edit_tenant_changes_only_the_fields_given(engine: Any) -> None:
    register.add_tenant(engine, "T1", name="Acme", sector="metal", headcount=3)
    after = register.edit_tenant(engine, "T1", headcount=5, joined="2026-02-01")
    row = register.list_tenants(engine).set_index("tenant_id").loc["T1"]
    assert (row["name"], row["sector"], row["headcount"]) == ("Acme", "metal", 5)
    assert row["joined"] == dt.date(2026, 2, 1) == after["joined"]
    entry = _last_entry(engine)
    before = json.loads(entry["before"])
    assert (entry["verb"], before["headcount"], json.loads(entry["after"])["headcount"]) == (
        "edit_tenant", 3, 5)  # fmt: skip


def test_edit_tenant_refuses_bad_values_unknown_fields_and_unknown_tenants(engine: Any) -> None:
    register.add_tenant(engine, "T1", name="Acme")
    problems = _refused(engine, ValidationError, lambda: register.edit_tenant(
        engine, "T1", headcount=-1, kind="giant"))  # fmt: skip
    assert sorted(p.field for p in problems) == ["headcount", "kind"]
    assert [p.field for p in _refused(engine, ValidationError, lambda: register.edit_tenant(
        engine, "T1", colour="red"))] == ["colour"]  # fmt: skip
    _refused(engine, ValidationError, lambda: register.edit_tenant(engine, "T1", name=None))
    _refused(engine, NotFoundError, lambda: register.edit_tenant(engine, "T9", name="X"))


def test_add_and_edit_equipment_with_its_owner_and_space(engine: Any) -> None:
    g = _gids(engine)
    register.add_tenant(engine, "T1", name="Acme")
    register.add_equipment(engine, "E1", name="Lathe", owner_tenant_id="T1",
                           space_global_id=g[0], power_kw="3.5", shared="yes")  # fmt: skip
    row = register.list_equipment(engine).set_index("equipment_id").loc["E1"]
    assert (row["owner_tenant_id"], row["space_global_id"], row["power_kw"], row["shared"]) == (
        "T1", g[0], 3.5, True)  # fmt: skip
    assert _last_entry(engine)["verb"] == "add_equipment"
    register.edit_equipment(engine, "E1", space_global_id=g[1], owner_tenant_id=None)
    row = register.list_equipment(engine).set_index("equipment_id").loc["E1"]
    assert (row["space_global_id"], row["power_kw"], row["name"]) == (g[1], 3.5, "Lathe")
    assert row["owner_tenant_id"] is None or row["owner_tenant_id"] != row["owner_tenant_id"]
    assert _last_entry(engine)["verb"] == "edit_equipment"


def test_equipment_naming_unknown_records_or_an_existing_id_is_refused(engine: Any) -> None:
    register.add_equipment(engine, "E1", name="Saw")
    problems = _refused(engine, NotFoundError, lambda: register.add_equipment(
        engine, "E2", owner_tenant_id="T9", space_global_id="nope"))  # fmt: skip
    assert sorted(p.field for p in problems) == ["owner_tenant_id", "space_global_id"]
    problems = _refused(engine, RegisterError, lambda: register.add_equipment(engine, "E1"))
    assert [p.field for p in problems] == ["equipment_id"]
    _refused(engine, NotFoundError, lambda: register.edit_equipment(engine, "E9", power_kw=1))
    problems = _refused(engine, ValidationError,
                        lambda: register.edit_equipment(engine, "E1", power_kw=-1))  # fmt: skip
    assert [p.field for p in problems] == ["power_kw"]


def test_add_skill_once_per_tenant_with_a_known_level(engine: Any) -> None:
    register.add_tenant(engine, "T1", name="Acme")
    register.add_skill(engine, "T1", "welding", "expert")
    skills = register.frames(engine).skills
    assert skills[["tenant_id", "skill", "level"]].values.tolist() == [["T1", "welding", "expert"]]
    entry = _last_entry(engine)
    assert (entry["verb"], entry["record"]) == ("add_skill", "T1:welding")
    assert [p.field for p in _refused(engine, RegisterError, lambda: register.add_skill(
        engine, "T1", "welding", "basic"))] == ["skill"]  # fmt: skip
    assert [p.field for p in _refused(engine, ValidationError, lambda: register.add_skill(
        engine, "T1", "milling", "wizard"))] == ["level"]  # fmt: skip
    assert [p.field for p in _refused(engine, NotFoundError, lambda: register.add_skill(
        engine, "T9", "milling"))] == ["tenant_id"]  # fmt: skip


# ---------------------------------------------------------------- the commands


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def test_the_commands_exit_0_when_done_and_2_with_one_error_line_naming_the_option(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = register.open_register(url)
    g = _gids(engine)
    db = ("--db", url)
    assert _cli(capsys, "unit", "define", "U1", "--spaces", ";".join(g[:2]), *db)[0] == 0
    assert _cli(capsys, "unit", "rename", "U1", "--name", "Bay one", *db)[0] == 0
    assert _cli(capsys, "tenant", "add", "T1", "--name", "Acme", "--kind", "sme", *db)[0] == 0
    assert _cli(capsys, "tenant", "edit", "T1", "--headcount", "4", *db)[0] == 0
    assert _cli(capsys, "equipment", "add", "E1", "--name", "Lathe", "--owner", "T1",
                "--space", g[0], "--power-kw", "2", *db)[0] == 0  # fmt: skip
    assert _cli(capsys, "equipment", "edit", "E1", "--power-kw", "3", *db)[0] == 0
    assert _cli(capsys, "skill", "add", "--tenant", "T1", "--skill", "welding", "--level",
                "expert", *db)[0] == 0  # fmt: skip
    f = register.frames(engine)
    assert f.units.set_index("unit_id").loc["U1", "name"] == "Bay one"
    assert f.tenants.set_index("tenant_id").loc["T1", ["kind", "headcount"]].tolist() == ["sme", 4]
    assert f.equipment.set_index("equipment_id").loc["E1", "power_kw"] == 3.0
    assert f.skills["skill"].tolist() == ["welding"]
    assert _cli(capsys, "lease", "sign", "--unit", "U1", "--tenant", "T1", "--start",
                "2026-01-01", "--end", "2026-12-31", "--rent", "100", *db)[0] == 0  # fmt: skip

    refusals = [
        (("unit", "define", "U2", "--spaces", g[1]), "--spaces"),
        (("unit", "rename", "U1", "--name", "x" * 201), "--name"),
        (("unit", "retire", "U1", "--on", "2026-06-01"), "--on"),
        (("tenant", "add", "T1", "--name", "Again"), "already exists"),
        (("tenant", "edit", "T1", "--headcount", "-3"), "--headcount"),
        (("tenant", "edit", "T1"), "nothing to change"),
        (("equipment", "add", "E2", "--owner", "T9"), "--owner"),
        (("equipment", "edit", "E1", "--space", "nope"), "--space"),
        (("skill", "add", "--tenant", "T1", "--skill", "welding"), "--skill"),
    ]
    for args, named in refusals:
        before = _snapshot(engine)
        code, out, err = _cli(capsys, *args, *db)
        assert (code, out, len(err)) == (2, "", 1), (args, err)
        assert err[0].startswith("error: ") and named in err[0], (args, err)
        assert _snapshot(engine) == before, args
    code, out, _ = _cli(capsys, "unit", "retire", "U1", "--on", "2027-01-01", *db)
    assert (code, out.strip()) == (0, "unit U1: retired from 2027-01-01")
    engine.dispose()
