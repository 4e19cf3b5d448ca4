"""The machines' operating hours as a site setting: the verb, ``site set --noise-hours``, who
may set them, the samples' ``[impact.hours]`` and the migration that adds their table.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, insert, inspect, select

from site_manager import register
from site_manager.cli import main
from site_manager.errors import ValidationError
from site_manager.register import access
from site_manager.register.access import AccessDenied, Principal, Role
from site_manager.register.engine import create_register_engine, current_revision, head_revision
from site_manager.register.engine import migrate as migrate_to
from site_manager.register.schema import AuditEntry

from ._releases import dump

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ws(tmp_path: Path, migrated_templates: dict, small_model: Any) -> Iterator[tuple[Any, str]]:
    """The small workshop as site ``ws`` on SQLite."""
    target = tmp_path / "register.sqlite"
    shutil.copyfile(migrated_templates["sqlite"], target)
    url = f"sqlite:///{target}"
    engine = register.open_register(url)
    register.create_site(engine, small_model, site_id="ws", name="Workshop")
    yield engine, url
    engine.dispose()


def test_hours_are_set_by_kind_kept_per_kind_reset_to_the_default_and_audited(ws) -> None:
    engine, _ = ws
    assert register.frames(engine).noise_hours == {}
    done = register.set_noise_hours(engine, {"smart_factory": ("16", 6), "shared": (9, 0.5)})
    assert done == {"smart_factory": (16.0, 6.0), "shared": (9.0, 0.5)}
    register.set_noise_hours(engine, {"sme": (12, 2)})  # the others keep theirs
    assert register.frames(engine).noise_hours == {
        "shared": (9.0, 0.5), "smart_factory": (16.0, 6.0), "sme": (12.0, 2.0)}  # fmt: skip
    assert register.set_noise_hours(engine, {}, reset=["shared"]) == {"shared": None}
    assert set(register.frames(engine).noise_hours) == {"smart_factory", "sme"}
    with engine.connect() as conn:
        entries = conn.execute(select(AuditEntry.verb, AuditEntry.table_name)
                               .where(AuditEntry.verb == "set_noise_hours")).all()  # fmt: skip
    assert entries == [("set_noise_hours", "site_noise_hours")] * 3


@pytest.mark.parametrize(
    ("hours", "match"),
    [
        ({"robot": (1, 1)}, "kind 'robot' is not one of freelancer, solopreneur"),
        ({"sme": (17, 0)}, "sme hours by day .h. 17 is above 16"),
        ({"sme": (8, 9)}, "sme hours at night .h. 9 is above 8"),
        ({"sme": (-1, 0)}, "below 0"),
        ({"sme": ("x", 0)}, "is not a number"),
        ({"sme": (8,)}, "give two numbers"),
    ],
)
def test_a_bad_value_is_refused_and_changes_nothing(ws, hours, match) -> None:
    engine, _ = ws
    register.set_noise_hours(engine, {"artisan": (5, 0)})
    before = dump(engine)
    with pytest.raises(ValidationError, match=match):
        register.set_noise_hours(engine, {"artisan": (7, 0), **hours})
    assert dump(engine) == before


def test_who_may_set_them_is_who_may_set_the_sites_settings(ws) -> None:
    engine, _ = ws
    assert access.roles_for("set_noise_hours") == access.roles_for("set_site_settings")
    for role in (Role.PLANNER, Role.LANDLORD):
        with access.acting_as(Principal("ann", role)):
            register.set_noise_hours(engine, {"sme": (10, 0)})
    for who in (Principal("mo", Role.MUNICIPALITY), Principal("ten", Role.TENANT, "T1")):
        with access.acting_as(who), pytest.raises(AccessDenied, match="may not set noise hours"):
            register.set_noise_hours(engine, {"sme": (1, 0)})
    assert register.frames(engine).noise_hours == {"sme": (10.0, 0.0)}


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_site_set_noise_hours_from_the_command_line(ws, capsys) -> None:
    engine, url = ws
    code, out, err = _run(capsys, "site", "set", "--noise-hours", "smart_factory=16,6",
                          "--noise-hours", " artisan = 7.5 , 0 ", "--db", url)  # fmt: skip
    assert (code, err) == (0, "")
    assert out == ("set smart_factory hours [h day, night] = 16, 6, artisan hours "
                   "[h day, night] = 7.5, 0\n")  # fmt: skip
    code, out, _ = _run(capsys, "site", "set", "--noise-hours", "artisan=default", "--db", url)
    assert (code, out) == (0, "set artisan hours [h day, night] = default\n")
    assert register.frames(engine).noise_hours == {"smart_factory": (16.0, 6.0)}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("smart_factory=16", "--noise-hours 'smart_factory=16' is not KIND=DAY,NIGHT"),
        ("16,6", "--noise-hours '16,6' is not KIND=DAY,NIGHT"),
        (
            "robot=1,1",
            "operating hours: kind 'robot' is not one of freelancer, solopreneur, "
            "artist, artisan, sme, smart_factory, shared\n",
        ),
        ("sme=17,0", "sme hours by day [h] '17' is above 16; give at most 16\n"),
        ("sme=8,9", "sme hours at night [h] '9' is above 8; give at most 8\n"),
    ],
)
def test_a_bad_noise_hours_value_is_one_error_line_and_exit_2(ws, capsys, value, message) -> None:
    engine, url = ws
    before = dump(engine)
    code, out, err = _run(capsys, "site", "set", "--latitude", "45", "--noise-hours", value,
                          "--db", url)  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(f"error: {message}") and err.count("\n") == 1, err
    assert dump(engine) == before  # the latitude given with it is not set either


def test_the_samples_hours_are_read_from_site_toml_as_site_set_reads_them(tmp_path) -> None:
    from site_manager import sites
    from site_manager.register.samples import _sample_noise_hours

    for name in ("textile_mill", "engineering_works", "brewery_complex"):
        folder = ROOT / "sample_sites" / name
        raw = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))["impact"]["hours"]
        got = _sample_noise_hours(folder, sites.read_site_toml(folder))
        assert got == {k: (float(d), float(n)) for k, (d, n) in raw.items()}
    # the textile mill's smart factory runs a night shift
    mill = ROOT / "sample_sites" / "textile_mill"
    assert _sample_noise_hours(mill, sites.read_site_toml(mill))["smart_factory"][1] == 8.0
    bad = {"impact": {"hours": {"sme": [20, 0]}}}
    with pytest.raises(ValidationError, match=r"\[impact.hours\] sme hours by day .h. 20 is above"):
        _sample_noise_hours(tmp_path, bad)


def test_a_0012_register_upgrades_in_place_and_takes_noise_hours(empty_db_url: str) -> None:
    engine = create_register_engine(empty_db_url)
    try:
        migrate_to(engine, "0012_site_retired")
        assert "site_noise_hours" not in inspect(engine).get_table_names()
        meta = MetaData()
        meta.reflect(engine)  # the 0012 tables as the database has them
        now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        with engine.begin() as conn:
            conn.execute(insert(meta.tables["sites"]), {
                "site_id": "old", "name": "Old mill", "city": "Prato", "country": "IT",
                "crs": "EPSG:25832", "model_path": "old.ifc", "model_schema": "IFC4",
                "currency": "EUR", "created_at": now, "noise_limit_day_dba": 60.0,
            })  # fmt: skip
            before = [dict(r) for r in conn.execute(select(meta.tables["sites"])).mappings()]
    finally:
        engine.dispose()
    engine = register.open_register(empty_db_url)  # upgrades to the head
    try:
        assert current_revision(engine) == head_revision()
        now_meta = MetaData()
        now_meta.reflect(engine, only=["sites", "site_noise_hours"])
        with engine.connect() as conn:
            after = [dict(r) for r in conn.execute(select(now_meta.tables["sites"])).mappings()]
            assert conn.execute(select(now_meta.tables["site_noise_hours"])).all() == []
        assert after == before  # every column the 0012 register held, unchanged
        f = register.frames(engine, "old")
        assert f.noise_hours == {} and f.site["noise_limit_day_dba"] == 60.0
        register.set_noise_hours(engine, {"sme": (14, 1)}, site="old")
        assert register.frames(engine, "old").noise_hours == {"sme": (14.0, 1.0)}
    finally:
        engine.dispose()
