"""The database itself refuses what must never be stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from site_manager import register
from site_manager.errors import NotFoundError, RegisterError, ValidationError
from site_manager.register.engine import current_revision, head_revision
from site_manager.register.schema import Base, Lease, Tenant, Unit


@pytest.fixture
def engine(db_url: str, small_model) -> Engine:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.define_unit(engine, "U2", ["SP-G02", "SP-G03"])
    register.add_tenant(engine, "T1", name="Acme")
    register.add_tenant(engine, "T2", name="Bolt")
    yield engine
    engine.dispose()


def _pks(engine: Engine) -> tuple[int, int, int, int]:
    with engine.connect() as c:
        site_pk = c.execute(text("SELECT id FROM sites")).scalar_one()
        unit_pk = c.execute(select(Unit.id).where(Unit.unit_id == "U1")).scalar_one()
        t_pk = c.execute(select(Tenant.id).where(Tenant.tenant_id == "T1")).scalar_one()
        c.rollback()
    return site_pk, unit_pk, t_pk, 0


def _raw_lease(engine: Engine, lease_id: str, start: str, end: str, rent: float = 100.0,
               unit_pk: int | None = None, tenant_pk: int | None = None) -> None:  # fmt: skip
    site_pk, u, t, _ = _pks(engine)
    with engine.begin() as c:
        c.execute(insert(Lease).values(
            site_pk=site_pk, lease_id=lease_id, unit_pk=unit_pk or u, tenant_pk=tenant_pk or t,
            start_date=dt.date.fromisoformat(start), end_date=dt.date.fromisoformat(end),
            rent_eur_per_month=rent, common_cost_share=0.0, space_removed=False, notes="",
        ))  # fmt: skip


def test_the_migrations_bring_an_empty_database_to_the_newest_revision(
    empty_db_url: str,
) -> None:
    engine = register.open_register(empty_db_url)
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as c:
            tables = set(c.dialect.get_table_names(c))
        assert set(Base.metadata.tables) <= tables
        register.open_register(empty_db_url).dispose()  # opening again is harmless
    finally:
        engine.dispose()


def test_the_schema_of_the_models_matches_the_migrations(empty_db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = register.open_register(empty_db_url)
    try:
        with engine.connect() as c:
            diff = compare_metadata(MigrationContext.configure(c), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_the_database_refuses_an_overlapping_lease_inserted_behind_pythons_back(
    engine: Engine,
) -> None:
    _raw_lease(engine, "A", "2026-01-01", "2026-06-30")
    with pytest.raises(IntegrityError, match="overlap"):
        _raw_lease(engine, "B", "2026-06-30", "2026-12-31")


def test_the_database_allows_back_to_back_leases(engine: Engine) -> None:
    _raw_lease(engine, "A", "2026-01-01", "2026-06-30")
    _raw_lease(engine, "B", "2026-07-01", "2026-12-31")
    assert len(register.list_leases(engine)) == 2


def test_the_database_refuses_an_update_that_makes_leases_overlap(engine: Engine) -> None:
    _raw_lease(engine, "A", "2026-01-01", "2026-06-30")
    _raw_lease(engine, "B", "2026-07-01", "2026-12-31")
    with pytest.raises(IntegrityError, match="overlap"), engine.begin() as c:
        c.execute(update(Lease).where(Lease.lease_id == "A")
                  .values(end_date=dt.date(2026, 7, 1)))  # fmt: skip


@pytest.mark.parametrize(
    ("start", "end", "rent", "constraint"),
    [("2026-05-01", "2026-04-30", 100.0, "end_after_start"),
     ("2026-01-01", "2026-12-31", -1.0, "rent_not_negative")],
)  # fmt: skip
def test_the_database_checks_lease_dates_and_rent(
    engine: Engine, start: str, end: str, rent: float, constraint: str
) -> None:
    with pytest.raises(IntegrityError, match=constraint):
        _raw_lease(engine, "A", start, end, rent)


def test_the_database_refuses_a_lease_of_an_unknown_tenant_or_unit(engine: Engine) -> None:
    with pytest.raises(IntegrityError):
        _raw_lease(engine, "A", "2026-01-01", "2026-02-01", tenant_pk=9999)
    with pytest.raises(IntegrityError):
        _raw_lease(engine, "B", "2026-01-01", "2026-02-01", unit_pk=9999)


def test_signing_an_overlapping_lease_names_the_unit_and_the_conflicting_lease(
    engine: Engine,
) -> None:
    first = register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                                end="2026-12-31", rent_eur_per_month=900)  # fmt: skip
    with pytest.raises(RegisterError) as info:
        register.sign_lease(engine, unit_id="U1", tenant_id="T2", start="2026-12-31",
                            end="2027-03-31", rent_eur_per_month=900)  # fmt: skip
    message = str(info.value)
    assert "unit U1" in message and first in message and "2026-12-31" in message
    # back to back is fine
    register.sign_lease(engine, unit_id="U1", tenant_id="T2", start="2027-01-01",
                        end="2027-03-31", rent_eur_per_month=900)  # fmt: skip
    assert sorted(register.list_leases(engine)["tenant_id"]) == ["T1", "T2"]


def test_signing_refuses_unknown_units_and_tenants_and_bad_values(engine: Engine) -> None:
    ok = {"unit_id": "U1", "tenant_id": "T1", "start": "2026-01-01", "end": "2026-12-31",
          "rent_eur_per_month": 10}  # fmt: skip
    with pytest.raises(NotFoundError, match="unit 'U9'"):
        register.sign_lease(engine, **(ok | {"unit_id": "U9"}))
    with pytest.raises(NotFoundError, match="tenant 'T9'"):
        register.sign_lease(engine, **(ok | {"tenant_id": "T9"}))
    with pytest.raises(ValidationError, match="not a date"):
        register.sign_lease(engine, **(ok | {"start": "2026-13-01"}))
    with pytest.raises(ValidationError, match="before start"):
        register.sign_lease(engine, **(ok | {"end": "2025-12-31"}))
    with pytest.raises(ValidationError, match="below 0"):
        register.sign_lease(engine, **(ok | {"rent_eur_per_month": -5}))
    assert len(register.list_leases(engine)) == 0


def test_ending_a_lease_changes_its_last_day_and_is_audited(engine: Engine) -> None:
    lid = register.sign_lease(engine, unit_id="U2", tenant_id="T1", start="2026-01-01",
                              end="2026-12-31", rent_eur_per_month=500, actor="alice")  # fmt: skip
    register.end_lease(engine, lid, on="2026-03-31", actor="bob")
    leases = register.list_leases(engine)
    assert leases.loc[0, "end"] == dt.date(2026, 3, 31)
    audit = register.get_audit(engine)
    last = audit.iloc[0]
    assert (last["actor"], last["verb"], last["record"]) == ("bob", "end_lease", lid)
    assert '"end_date": "2026-12-31"' in last["before"]
    assert '"end_date": "2026-03-31"' in last["after"]
    assert audit.iloc[1]["actor"] == "alice"
    with pytest.raises(ValidationError, match="already ends"):
        register.end_lease(engine, lid, on="2027-01-01")


def test_a_verb_inside_a_callers_transaction_fails_alone(engine: Engine) -> None:
    with register.transaction(engine) as s:
        register.sign_lease(s, unit_id="U1", tenant_id="T1", start="2026-01-01",
                            end="2026-12-31", rent_eur_per_month=1)  # fmt: skip
        with pytest.raises(RegisterError):
            register.sign_lease(s, unit_id="U1", tenant_id="T2", start="2026-02-01",
                                end="2026-02-28", rent_eur_per_month=1)  # fmt: skip
    assert list(register.list_leases(engine)["tenant_id"]) == ["T1"]


def test_a_database_with_several_sites_needs_the_site_named(engine: Engine, small_model) -> None:
    register.create_site(engine, small_model, site_id="other", name="Other")
    with pytest.raises(NotFoundError, match="--site"):
        register.list_units(engine)
    assert list(register.list_units(engine, "small")["unit_id"]) == ["U1", "U2"]
    assert len(register.list_units(engine, "other")) == 0


def test_a_writer_that_loses_a_race_is_refused_with_the_winners_lease(engine: Engine) -> None:
    """The first writer has inserted but not committed when the second one tries.

    The second waits for the first to commit (SQLite: at ``BEGIN IMMEDIATE``; PostgreSQL: at
    the audit chain's advisory lock, which every write transaction takes first) and then
    sees the first lease: the refusal names the winner's lease, on both backends alike. The
    database's own refusal (exclusion constraint, triggers) stays the backstop for a writer
    that goes around site-manager (tested above with plain inserts).
    """
    import threading

    inserted, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def first() -> None:
        with register.transaction(engine) as s:
            register.sign_lease(s, unit_id="U1", tenant_id="T1", start="2026-01-01",
                                end="2026-12-31", rent_eur_per_month=1, lease_id="WIN")  # fmt: skip
            inserted.set()
            release.wait(30)

    def second() -> None:
        try:
            register.sign_lease(engine, unit_id="U1", tenant_id="T2", start="2026-06-01",
                                end="2027-05-31", rent_eur_per_month=1,
                                lease_id="LOSE")  # fmt: skip
            outcome["result"] = "signed"
        except RegisterError as exc:
            outcome["result"] = str(exc)

    t1 = threading.Thread(target=first)
    t1.start()
    assert inserted.wait(30)
    t2 = threading.Thread(target=second)
    t2.start()
    t2.join(1.0)
    assert t2.is_alive(), "the second writer should wait for the first"
    release.set()
    t1.join(30)
    t2.join(30)
    message = str(outcome["result"])
    assert message.startswith("unit U1 is already leased from 2026-01-01 to 2026-12-31 by "
                              "lease WIN (tenant T1)")  # fmt: skip
    assert message.endswith("choose dates that do not overlap it")  # the Python check's
    assert list(register.list_leases(engine)["lease_id"]) == ["WIN"]


def test_readers_are_not_blocked_by_a_writer_on_sqlite(sqlite_url: str, small_model) -> None:
    engine = register.open_register(sqlite_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    other = register.open_register(sqlite_url)
    try:
        with register.transaction(engine) as s:  # holds the write lock (BEGIN IMMEDIATE)
            register.add_tenant(s, "T1", name="Acme")
            assert len(register.list_tenants(other)) == 0  # a reader still reads, at once
        assert len(register.list_tenants(other)) == 1
    finally:
        other.dispose()
        engine.dispose()


def test_space_attributes_default_from_the_pset_and_can_be_overridden(engine: Engine) -> None:
    spaces = register.frames(engine).spaces.set_index("global_id")
    # SP-G01 carries Pset_MultifactorySpace; SP-G02 falls back to its height (4 m)
    assert spaces.loc["SP-G01", ["clear_height_m", "floor_load_kn_m2", "board_id"]].tolist() == [
        6.5, 20.0, "DB-G"]  # fmt: skip
    assert bool(spaces.loc["SP-G01", "extraction"]) is True
    assert spaces.loc["SP-G02", "clear_height_m"] == 4.0
    register.set_space_attributes(engine, "SP-G02", floor_load_kn_m2=7.5, daylight=True)
    spaces = register.frames(engine).spaces.set_index("global_id")
    assert spaces.loc["SP-G02", "floor_load_kn_m2"] == 7.5 and bool(
        spaces.loc["SP-G02", "daylight"]
    )
    with pytest.raises(ValidationError, match="unknown space attributes colour"):
        register.set_space_attributes(engine, "SP-G02", colour="red")
    with pytest.raises(ValidationError, match="below 0"):
        register.set_space_attributes(engine, "SP-G02", floor_load_kn_m2=-1)


def test_the_power_of_a_space_is_set_audited_cleared_and_refused_below_zero(
    engine: Engine,
) -> None:
    """``space set --power-kw``: the register's contract reads it, the audit trail keeps the
    value before and after, ``None`` clears it, and a negative power is refused at its field
    with nothing written."""
    import json

    import pandas as pd

    from site_manager.register import rules

    def power() -> object:
        return register.frames(engine).spaces.set_index("global_id").loc["SP-G02", "power_kw"]

    assert pd.isna(power())  # the model gives none
    register.set_space_attributes(engine, "SP-G02", power_kw="25")
    assert power() == 25.0
    audit = register.get_audit(engine)
    (entry,) = [r for _, r in audit.iterrows() if r["verb"] == "set_space_attributes"]
    assert entry["record"] == "SP-G02"
    before, after = json.loads(entry["before"]), json.loads(entry["after"])
    assert (before["power_kw"], after["power_kw"]) == (None, 25.0)
    revision = register.get_revision(engine)
    with pytest.raises(ValidationError) as refused:
        register.set_space_attributes(engine, "SP-G02", power_kw=-1)
    assert [p.field for p in rules.problems_of(refused.value)] == ["power_kw"]
    assert register.get_revision(engine) == revision
    register.set_space_attributes(engine, "SP-G02", power_kw=None)
    assert pd.isna(power())
