"""A register made by the previous release upgrades in place when the current code opens it.

The previous release is commit ``d51490c`` (register schema 0001). The honest register of
that release is one its own loader filled: the commit is extracted from git into a temporary
folder and its ``site-manager sample load textile_mill`` runs in a subprocess on a database
the current code migrated to 0001 only. A second test fills a 0001 register by plain inserts
into the reflected 0001 tables, for clones without that commit.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, func, insert, inspect, select

from site_manager import register
from site_manager.assumptions import energy_assumptions
from site_manager.register.engine import (
    create_register_engine,
    current_revision,
    head_revision,
    migrate,
)
from site_manager.register.schema import Base

from ._releases import dump, release_tree
from .test_audit_chain import _assert_chained

ROOT = Path(__file__).resolve().parents[2]
#: The previous release: the last commit whose register schema was 0001.
OLD_RELEASE = "d51490c"
EPW = ROOT / "sample_sites/weather/ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw"


@pytest.fixture(scope="module")
def old_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The previous release's source tree, extracted from git (skips without the commit)."""
    folder = release_tree(tmp_path_factory, OLD_RELEASE)
    assert (folder / "site_manager/register/migrations/versions/0001_initial_register.py").is_file()
    assert not list((folder / "site_manager/register/migrations/versions").glob("0002*"))
    return folder


def _at_0001(url: str) -> None:
    engine = create_register_engine(url)
    try:
        migrate(engine, "0001")
        assert current_revision(engine) == "0001"
    finally:
        engine.dispose()


def _same_columns(dump: dict, table: str, columns: list[str]) -> list[tuple[Any, ...]]:
    cols, rows = dump[table]
    index = [cols.index(c) for c in columns]
    return sorted((tuple(r[i] for i in index) for r in rows), key=repr)


def _check_upgrade(url: str, site_id: str) -> dict[str, int]:
    """Open the 0001 register with the current code and check it; returns the row counts."""
    plain = create_register_engine(url)
    try:
        assert current_revision(plain) == "0001"
        before = dump(plain)
    finally:
        plain.dispose()
    engine = register.open_register(url)
    try:
        assert current_revision(engine) == head_revision()
        after = dump(engine)
        # every row of every old table is still there, every old column unchanged
        for table, (cols, rows) in before.items():
            if table == "alembic_version":
                continue
            assert len(after[table][1]) == len(rows), table
            assert _same_columns(after, table, cols) == rows, table
        # the columns the upgrade added to old rows are empty
        sites_cols, sites_rows = after["sites"]
        for row in sites_rows:
            new = dict(zip(sites_cols, row, strict=True))
            assert (new["latitude_deg"], new["longitude_deg"], new["time_zone"],
                    new["climate_source"]) == (None, None, None, "")  # fmt: skip
        # the new tables exist, hold nothing of the site, and one revision row
        new_tables = set(after) - set(before)
        assert new_tables == set(Base.metadata.tables) - set(before)
        assert {"fabric_elements", "climate_hours", "tariffs", "register_revision"} <= new_tables
        site_pk = next(r[sites_cols.index("id")] for r in sites_rows
                       if r[sites_cols.index("site_id")] == site_id)  # fmt: skip
        for table in sorted(new_tables - {"register_revision"}):
            cols, rows = after[table]
            assert [r for r in rows if r[cols.index("site_pk")] == site_pk] == [], table
        assert after["register_revision"][1] == [(1, 0)]
        assert len(_assert_chained(url)) == len(before["audit"][1])  # old entries chained
        # the register works: lists, frames, assumptions, a new lease, a new setting
        counts = {t: len(rows) for t, (_c, rows) in before.items()}
        lease_ids = {r[0] for r in _same_columns(before, "leases", ["lease_id"])}
        assert set(register.list_leases(engine, site_id)["lease_id"]) == lease_ids
        assert len(register.list_units(engine, site_id)) == counts["units"]
        assert len(register.list_tenants(engine, site_id)) == counts["tenants"]
        f = register.frames(engine, site_id)
        assert len(f.fabric) == 0 and len(f.climate_hourly) == 0 and f.tariffs == {}
        assert {"climate", "fabric", "latitude"} <= {a.topic for a in energy_assumptions(f)}
        unit = sorted(register.list_units(engine, site_id)["unit_id"])[0]
        tenant = sorted(register.list_tenants(engine, site_id)["tenant_id"])[0]
        revision = register.get_revision(engine)
        assert revision == 0
        lease = register.sign_lease(
            engine, unit_id=unit, tenant_id=tenant, start="2090-01-01", end="2090-12-31",
            rent_eur_per_month=500, site=site_id,
        )  # fmt: skip
        assert register.get_revision(engine) == revision + 1
        assert lease in set(register.list_leases(engine, site_id)["lease_id"])
        register.set_climate(engine, EPW, site=site_id)
        assert register.get_revision(engine) == revision + 2
        with engine.connect() as conn:
            from site_manager.register.schema import ClimateHour

            hours = conn.scalar(select(func.count()).where(ClimateHour.site_pk == site_pk))
        assert hours == 8760
    finally:
        engine.dispose()
    return counts


def test_a_register_made_by_the_previous_release_upgrades_in_place(
    empty_db_url: str, old_release: Path
) -> None:
    _at_0001(empty_db_url)
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_MANAGER_DB", "PYTHONPATH")}
    env["PYTHONPATH"] = str(old_release)
    done = subprocess.run(
        [sys.executable, "-m", "site_manager.cli", "sample", "load", "textile_mill",
         "--db", empty_db_url],
        cwd=old_release, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("loaded sample site textile_mill")
    plain = create_register_engine(empty_db_url)
    try:  # the old code wrote it and left it at its own schema
        assert current_revision(plain) == "0001"
        assert "fabric_elements" not in inspect(plain).get_table_names()
    finally:
        plain.dispose()
    counts = _check_upgrade(empty_db_url, "textile_mill")
    # what the old loader printed is what the upgraded register holds
    printed = done.stdout.split(":", 1)[1]
    for n, word in ((counts["spaces"], "spaces"), (counts["units"], "units"),
                    (counts["tenants"], "tenants"), (counts["leases"], "leases")):  # fmt: skip
        assert f"{n} {word}" in printed


def test_a_0001_register_filled_by_plain_inserts_upgrades_in_place(empty_db_url: str) -> None:
    _at_0001(empty_db_url)
    engine = create_register_engine(empty_db_url)
    meta = MetaData()
    meta.reflect(engine)  # the 0001 tables as the database has them
    now = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    try:
        with engine.begin() as conn:

            def add(table: str, **values: Any) -> Any:
                key = conn.execute(insert(meta.tables[table]), values).inserted_primary_key
                return key[0] if key else None

            site = add(
                "sites",
                site_id="old",
                name="Old mill",
                city="Prato",
                country="IT",
                crs="EPSG:25832",
                model_path="old.ifc",
                model_schema="IFC4",
                currency="EUR",
                created_at=now,
                revised_at=None,
            )
            building = add("buildings", site_pk=site, name="Main")
            storey = add(
                "storeys",
                site_pk=site,
                building_pk=building,
                global_id="ST0",
                name="Ground",
                elevation_m=0.0,
                removed=False,
            )
            spaces = [
                add(
                    "spaces",
                    site_pk=site,
                    storey_pk=storey,
                    global_id=f"SP{i}",
                    name=f"R{i}",
                    long_name="",
                    area_m2=100.0 * i,
                    height_m=4.0,
                    volume_m3=400.0 * i,
                    area_source="geometry",
                    removed=False,
                    footprint_wkt=f"POLYGON ((0 0, {10 * i} 0, {10 * i} 10, 0 10, 0 0))",
                )
                for i in (1, 2)
            ]
            add(
                "space_attributes",
                space_pk=spaces[0],
                clear_height_m=3.5,
                floor_load_kn_m2=5.0,
                board_id="DB1",
                board_capacity_kw=30.0,
                extraction=True,
                daylight=True,
                ground_access=True,
                crane=False,
                crane_capacity_t=None,
                loading_access="ground",
            )
            add("zoning", space_pk=spaces[0], use="private_production")
            add("zoning", space_pk=spaces[1], use="storage")
            unit = add(
                "units",
                site_pk=site,
                unit_id="U1",
                name="Unit 1",
                storey="Ground",
                area_m2=None,
                notes="",
            )
            add("unit_spaces", unit_pk=unit, space_pk=spaces[0])
            tenant = add(
                "tenants",
                site_pk=site,
                tenant_id="T1",
                name="Weaver",
                kind="artisan",
                stage="growing",
                sector="textiles",
                headcount=3,
                contact_name="",
                contact_email="",
                contact_phone="",
                joined=dt.date(2025, 5, 1),
            )
            add(
                "leases",
                site_pk=site,
                lease_id="L1",
                unit_pk=unit,
                tenant_pk=tenant,
                start_date=dt.date(2025, 6, 1),
                end_date=dt.date(2027, 5, 31),
                rent_eur_per_month=800.0,
                common_cost_share=0.1,
                space_removed=False,
                notes="",
            )
            add("audit", site_pk=site, at=now, actor="release-0.1", verb="create_site",
                table_name="sites", record="old", action="insert", before_json=None,
                after_json="{}")  # fmt: skip
    finally:
        engine.dispose()
    counts = _check_upgrade(empty_db_url, "old")
    assert {k: counts[k] for k in ("sites", "spaces", "zoning", "leases", "audit")} == {
        "sites": 1, "spaces": 2, "zoning": 2, "leases": 1, "audit": 1}  # fmt: skip
