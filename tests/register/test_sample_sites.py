"""A sample site loads whole, and the landlord figures equal sums done by hand on its CSVs.

The expected values are computed here with the csv module and plain Python from
``sample_sites/<site>/*.csv``, independently of the register and of site_manager.tenancy.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Engine

from site_manager import register, tenancy
from site_manager.errors import RegisterError
from site_manager.register.io import ImportValidationError

ROOT = Path(__file__).resolve().parents[2]
SITE = "textile_mill"
DAYS = [dt.date(2026, 6, 1), dt.date(2027, 3, 15)]


def _rows(name: str, site: str = SITE) -> list[dict[str, str]]:
    with open(ROOT / "sample_sites" / site / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def textile_model():
    from site_manager.ifc import read_model

    path = ROOT / "models" / f"{SITE}.ifc"
    if not path.is_file():
        pytest.skip(f"{path} not generated yet")
    return read_model(path)


@pytest.fixture
def loaded(db_url: str, textile_model) -> Engine:
    engine = register.open_register(db_url)
    register.load_sample(engine, SITE, model=textile_model)
    yield engine
    engine.dispose()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def frames(request, tmp_path_factory, textile_model):
    """The loaded sample's frames, read back from each backend once (the figures only read)."""
    from .conftest import _drop_pg_database, _new_pg_database

    server_url = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'r.sqlite'}"
    else:
        server = request.getfixturevalue("pg_server")
        if server.url is None:
            pytest.skip(f"PostgreSQL tests skipped: {server.reason}")
        server_url = server.url
        url = _new_pg_database(server_url)
    engine = register.open_register(url)
    register.load_sample(engine, SITE, model=textile_model)
    out = register.frames(engine)
    engine.dispose()
    if server_url is not None:
        _drop_pg_database(server_url, url)
    return out


class Hand:
    """The sample site's figures by hand from its CSVs."""

    def __init__(self) -> None:
        self.units = {r["unit_id"]: r for r in _rows("units")}
        self.leases = _rows("leases")
        self.tenants = {r["tenant_id"]: r for r in _rows("tenants")}
        use_of_space = {r["space_global_id"]: r["use"] for r in _rows("zoning")}
        self.use = {}
        for uid, u in self.units.items():
            uses = {use_of_space[g] for g in u["space_global_ids"].split(";")}
            assert len(uses) == 1, f"hand computation assumes one use per unit ({uid})"
            self.use[uid] = uses.pop()

    def running(self, day: dt.date) -> list[dict[str, str]]:
        iso = day.isoformat()
        return [r for r in self.leases if r["start"] <= iso <= r["end"]]

    def occupancy(self, day: dt.date, key: str | None) -> dict[str, tuple]:
        let = {r["unit_id"] for r in self.running(day)}
        out: dict[str, list] = defaultdict(lambda: [0, 0, 0.0, 0.0])
        for uid, u in self.units.items():
            g = "all" if key is None else (self.use[uid] if key == "use" else u["storey"])
            out[g][0] += 1
            out[g][2] += float(u["area_m2"])
            if uid in let:
                out[g][1] += 1
                out[g][3] += float(u["area_m2"])
        return {g: tuple(v) for g, v in out.items()}


def test_loading_a_sample_site_stores_every_row_of_its_files(loaded: Engine) -> None:
    f = register.frames(loaded)
    assert f.site["site_id"] == SITE
    assert sorted(f.units["unit_id"]) == sorted(r["unit_id"] for r in _rows("units"))
    assert sorted(f.tenants["tenant_id"]) == sorted(r["tenant_id"] for r in _rows("tenants"))
    assert sorted(f.leases["lease_id"]) == sorted(r["lease_id"] for r in _rows("leases"))
    assert sorted(f.equipment["equipment_id"]) == sorted(
        r["equipment_id"] for r in _rows("equipment")
    )
    assert len(f.skills) == len(_rows("skills"))
    assert len(f.meters) == len(_rows("meters"))
    assert len(f.boards) == len(_rows("boards"))
    zoned = {r["space_global_id"]: r["use"] for r in _rows("zoning")}
    got = dict(zip(f.spaces["global_id"], f.spaces["use"], strict=True))
    assert {g: got[g] for g in zoned} == zoned
    # the constraint attributes come from Pset_MultifactorySpace of the model
    assert f.spaces["clear_height_m"].notna().all()
    assert f.spaces["board_id"].notna().any()


@pytest.mark.parametrize("day", DAYS, ids=str)
@pytest.mark.parametrize("by", [None, "storey", "use"])
def test_occupancy_equals_the_hand_computed_values(frames, day, by) -> None:
    hand = Hand().occupancy(day, by)
    got = tenancy.occupancy(frames, on=day, by=by)
    key = by or "site"
    assert set(got[key]) == set(hand)
    for row in got.itertuples():
        units, let, area, area_let = hand[getattr(row, key)]
        assert (row.units, row.units_let) == (units, let)
        assert row.area_m2 == pytest.approx(area)
        assert row.area_let_m2 == pytest.approx(area_let)
        assert row.occupancy_by_units == pytest.approx(let / units)
        assert row.occupancy_by_area == pytest.approx(area_let / area)


@pytest.mark.parametrize("day", DAYS, ids=str)
def test_rent_roll_vacancies_and_expiries_equal_the_hand_computed_values(frames, day) -> None:
    hand = Hand()
    f = frames
    running = hand.running(day)
    roll = tenancy.rent_roll(f, on=day)
    assert sorted(roll["lease_id"]) == sorted(r["lease_id"] for r in running)
    assert roll["rent_eur_per_month"].sum() == pytest.approx(
        sum(float(r["rent_eur_per_month"]) for r in running)
    )
    by_storey = tenancy.rent_roll(f, on=day, by="storey").set_index("storey")
    for storey in {hand.units[r["unit_id"]]["storey"] for r in running}:
        expected = sum(float(r["rent_eur_per_month"]) for r in running
                       if hand.units[r["unit_id"]]["storey"] == storey)  # fmt: skip
        assert by_storey.loc[storey, "rent_eur_per_month"] == pytest.approx(expected)
        assert by_storey.loc[storey, "rent_eur_per_year"] == pytest.approx(12 * expected)
    let = {r["unit_id"] for r in running}
    vac = tenancy.vacancies(f, on=day)
    assert sorted(vac["unit_id"]) == sorted(set(hand.units) - let)
    # expiries: last day within [day, day + 12 months)
    stop = day.replace(year=day.year + 1).isoformat()
    expiring = [r for r in hand.leases if day.isoformat() <= r["end"] < stop]
    exp = tenancy.lease_expiries(f, on=day)
    assert sorted(exp["lease_id"]) == sorted(r["lease_id"] for r in expiring)
    assert list(exp["end"]) == sorted(exp["end"])
    by_use = tenancy.lease_expiries(f, on=day, by="use")
    assert by_use["leases_expiring"].sum() == len(expiring)


def test_loading_the_same_sample_twice_is_refused_and_changes_nothing(
    loaded: Engine, textile_model
) -> None:
    before = len(register.get_audit(loaded))
    with pytest.raises(RegisterError, match="already exists"):
        register.load_sample(loaded, SITE, model=textile_model)
    assert len(register.get_audit(loaded)) == before


def test_a_sample_with_bad_rows_in_several_files_is_refused_listing_every_one(
    tmp_path: Path, sqlite_url: str, textile_model
) -> None:
    import shutil

    folder = tmp_path / SITE
    shutil.copytree(ROOT / "sample_sites" / SITE, folder)
    (folder / "site.toml").write_text(
        (folder / "site.toml")
        .read_text()
        .replace("../../models", str(ROOT / "models"))
        .replace("../weather", str(ROOT / "sample_sites" / "weather"))
    )
    leases = (folder / "leases.csv").read_text().splitlines()
    leases[1] = leases[1].replace("2024-09-01", "2024-13-01")  # row 2: bad date
    leases[2] = leases[2].replace("TM-0.03", "TM-9.99", 1)  # row 3: unknown unit
    (folder / "leases.csv").write_text("\n".join(leases) + "\n")
    tenants = (folder / "tenants.csv").read_text().splitlines()
    tenants.append(tenants[1])  # a duplicated tenant on the last row
    (folder / "tenants.csv").write_text("\n".join(tenants) + "\n")
    engine = register.open_register(sqlite_url)
    with pytest.raises(ImportValidationError) as info:
        register.load_sample(engine, folder, model=textile_model)
    where = {(p.file.split("/")[-1], p.row, p.column) for p in info.value.problems}
    assert ("leases.csv", 2, "start") in where
    assert ("leases.csv", 3, "unit_id") in where
    assert ("tenants.csv", len(tenants), "tenant_id") in where
    assert "3 bad rows in 2 files" in str(info.value).splitlines()[0]
    assert len(register.list_sites(engine)) == 0
    engine.dispose()
