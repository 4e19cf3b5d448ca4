"""``site-manager layout problem --site SITE --db URL`` end to end on fresh SQLite registers.

Each test changes its own copy of a register holding the textile mill (loaded once,
``conftest.py``) the way a user would (a lease signed or ended, a floor load set), or a
new register with a site created from an IFC file that is then deleted, and reads the
problem the command writes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from site_manager import register
from site_manager.assumptions import layout_assumptions
from site_manager.cli import main
from site_manager.errors import ValidationError
from site_manager.layout import problem_from_register

from .conftest import MODELS, Loaded, copy_register

TODAY = dt.date.today()
YESTERDAY = TODAY - dt.timedelta(days=1)


@pytest.fixture
def mill_url(sample_register, tmp_path: Path) -> str:
    """A fresh copy of a register holding the textile mill."""
    return copy_register(sample_register("textile_mill"), tmp_path / "mill.sqlite")


def _problem(
    url: str, out: Path, capsys: pytest.CaptureFixture[str], *extra: str, site: str = "textile_mill"
) -> tuple[dict, str]:
    """Run ``layout problem``; the problem JSON and what the command wrote on stderr."""
    capsys.readouterr()
    code = main(["layout", "problem", "--site", site, "--db", url, *extra, "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    return json.loads(out.read_text(encoding="utf-8")), err


def _holders(problem: dict) -> dict[str, str]:
    """Unit id -> the existing tenant holding it."""
    return {u: e["id"] for e in problem["existing"] for u in e["units"]}


def _vacant_unit(url: str, lettable: set[str]) -> tuple[str, dt.date]:
    """A lettable unit no lease holds yesterday or today, and the last day before its next lease
    (at most a year on)."""
    engine = register.open_register(url)
    try:
        leases = register.frames(engine, "textile_mill").leases
    finally:
        engine.dispose()
    for unit in sorted(lettable):
        own = leases[leases["unit_id"] == unit]
        if any(
            s <= TODAY and e >= YESTERDAY for s, e in zip(own["start"], own["end"], strict=True)
        ):
            continue
        later = [s for s in own["start"] if s > TODAY]
        last = min([TODAY + dt.timedelta(days=365), *(s - dt.timedelta(days=1) for s in later)])
        return unit, last
    pytest.skip(f"every lettable unit of the sample mill is leased on {YESTERDAY} or {TODAY}")


def _add_tenant(url: str, tenant_id: str) -> None:
    engine = register.open_register(url)
    try:
        register.add_tenant(engine, tenant_id, name="Tessitura Nuova", site="textile_mill")
    finally:
        engine.dispose()


def test_a_lease_signed_today_puts_its_tenant_on_its_unit(
    mill_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, _ = _problem(mill_url, tmp_path / "before.json", capsys)
    unit, last = _vacant_unit(mill_url, {u["id"] for u in before["units"]})
    assert unit not in _holders(before)
    _add_tenant(mill_url, "T-NEW")
    argv = ["lease", "sign", "--unit", unit, "--tenant", "T-NEW", "--start", TODAY.isoformat(),
            "--end", last.isoformat(), "--rent", "950", "--db", mill_url]  # fmt: skip
    assert main(argv) == 0
    after, _ = _problem(mill_url, tmp_path / "after.json", capsys)
    new = [e for e in after["existing"] if e["id"] == "T-NEW"]
    assert [e["units"] for e in new] == [[unit]]
    # nobody else moved
    assert {u: t for u, t in _holders(after).items() if u != unit} == _holders(before)


def test_a_lease_ended_yesterday_leaves_its_unit_free_today(
    mill_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, _ = _problem(mill_url, tmp_path / "before.json", capsys)
    unit, last = _vacant_unit(mill_url, {u["id"] for u in before["units"]})
    _add_tenant(mill_url, "T-NEW")
    engine = register.open_register(mill_url)
    try:
        lease = register.sign_lease(
            engine, unit_id=unit, tenant_id="T-NEW", start=YESTERDAY, end=last,
            rent_eur_per_month=950, site="textile_mill",
        )  # fmt: skip
        signed, _ = _problem(mill_url, tmp_path / "signed.json", capsys)
        assert _holders(signed)[unit] == "T-NEW"
        # end_lease keeps the end within the lease: not before its first day
        with pytest.raises(ValidationError, match="end it on or after"):
            register.end_lease(engine, lease, on=YESTERDAY - dt.timedelta(days=1))
        register.end_lease(engine, lease, on=YESTERDAY)
    finally:
        engine.dispose()
    ended, _ = _problem(mill_url, tmp_path / "ended.json", capsys)
    assert unit not in _holders(ended)
    assert "T-NEW" not in {e["id"] for e in ended["existing"]}
    assert _holders(ended) == _holders(before)
    # the last day is included: on yesterday the tenant was still there
    day = ["--date", YESTERDAY.isoformat()]
    then, _ = _problem(mill_url, tmp_path / "then.json", capsys, *day)
    assert _holders(then)[unit] == "T-NEW"


def test_a_floor_load_set_in_the_register_reaches_the_units_load(
    mill_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = register.open_register(mill_url)
    try:
        units = register.frames(engine, "textile_mill").units.set_index("unit_id")
        (single,) = units.at["TM-1.02", "space_global_ids"]
        first, second = units.at["TM-2.03+2.04", "space_global_ids"]
        before, _ = _problem(mill_url, tmp_path / "before.json", capsys)
        loads = {u["id"]: u["load"] for u in before["units"]}
        register.set_space_attributes(engine, single, floor_load_kn_m2=7.25)
        # a unit of two spaces carries the lower of their loads
        register.set_space_attributes(engine, first, floor_load_kn_m2=loads["TM-1.02"] + 4)
        register.set_space_attributes(engine, second, floor_load_kn_m2=2.75)
    finally:
        engine.dispose()
    after, _ = _problem(mill_url, tmp_path / "after.json", capsys)
    got = {u["id"]: u["load"] for u in after["units"]}
    assert got["TM-1.02"] == 7.25 != loads["TM-1.02"]
    assert got["TM-2.03+2.04"] == 2.75
    others = set(got) - {"TM-1.02", "TM-2.03+2.04"}
    assert {u: got[u] for u in others} == {u: loads[u] for u in others}


def test_a_site_created_from_an_ifc_file_offers_each_space_as_a_unit(
    sample_register, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    works: Loaded = sample_register("engineering_works")  # its model, read from the same file
    copy = tmp_path / "works.ifc"
    shutil.copyfile(MODELS / "engineering_works.ifc", copy)
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    engine = register.open_register(url)
    try:
        site = register.create_site(engine, copy, name="Officine Nuove")
        copy.unlink()  # from here on the register is all there is
        frames = register.frames(engine, site)
    finally:
        engine.dispose()
    problem, err = _problem(url, tmp_path / "p.json", capsys, site=site)

    spaces = works.model.spaces
    assert spaces["name"].is_unique and spaces["name"].str.len().min() > 0
    expected = dict(zip(spaces["name"], spaces["area_m2"], strict=True))
    assert {u["id"]: u["area"] for u in problem["units"]} == expected
    storeys = dict(zip(spaces["name"], spaces["storey"], strict=True))
    assert {u["id"]: u["storey"] for u in problem["units"]} == storeys
    assert problem["applicants"] == [] and problem["existing"] == []
    assert problem["adjacency"]
    assert all(storeys[a] == storeys[b] for a, b in problem["adjacency"])

    notes = layout_assumptions(frames)
    assert {"units", "applicants"} <= {a.topic for a in notes}
    assert err.splitlines() == [f"note: {a}" for a in notes]
    assert "no units are defined" in err and "no applicants are stored" in err

    # with the user's applicants file, the note about stored applicants goes
    apps = tmp_path / "apps.csv"
    apps.write_text("id,area_min,area_max,rent_per_m2\nZ1,40,80,9\n", encoding="utf-8")
    problem, err = _problem(url, tmp_path / "q.json", capsys, "--applicants", str(apps), site=site)
    assert [a["id"] for a in problem["applicants"]] == ["Z1"]
    assert err.splitlines() == [f"note: {a}" for a in notes if a.topic != "applicants"]


def test_without_units_spaces_are_named_by_unique_names_else_global_ids(
    sample_register, tmp_path: Path
) -> None:
    works: Loaded = sample_register("engineering_works")
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    engine = register.open_register(url)
    try:
        site = register.create_site(engine, works.model, name="Officine Nuove")
        gids = list(register.frames(engine, site).spaces["global_id"])
        # one space a corridor (not let), one storage (let), the rest unzoned (let)
        register.set_zoning(engine, {gids[0]: "circulation", gids[1]: "storage"}, site=site)
        frames = register.frames(engine, site)
    finally:
        engine.dispose()
    spaces = frames.spaces.copy()
    spaces.loc[spaces["global_id"] == gids[2], "removed"] = True
    spaces.loc[spaces["global_id"] == gids[3], "area_m2"] = float("nan")
    spaces.loc[spaces["global_id"].isin(gids[4:6]), "name"] = "Twin"
    spaces.loc[spaces["global_id"] == gids[6], "name"] = ""
    problem = problem_from_register(dataclasses.replace(frames, spaces=spaces))

    names = dict(zip(spaces["global_id"], spaces["name"], strict=True))
    want = {g: names[g] for g in gids[1:2] + gids[7:]} | {g: g for g in gids[4:7]}
    assert sorted(u.id for u in problem.units) == sorted(want.values())
    areas = dict(zip(spaces["global_id"], pd.to_numeric(spaces["area_m2"]), strict=True))
    assert {u.id: u.area for u in problem.units} == {want[g]: areas[g] for g in want}
