"""The audit trail is append-only on both backends and hash-chained; ``audit verify``.

Every hash here is recomputed by the test itself (hashlib over the serialisation the
module :mod:`site_manager.register.audit_chain` documents, from rows read with plain SQL),
never by the code under test.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DateTime, Integer, String, Text, column, insert, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from site_manager import register
from site_manager.cli import main
from site_manager.errors import SiteManagerError
from site_manager.register import access, audit
from site_manager.register.access import AccessDenied, Principal, Role
from site_manager.register.audit_chain import verify_audit
from site_manager.register.engine import create_register_engine, migrate
from tests.register.conftest import raw_sql

ZEROS = "0" * 64
COLUMNS = ("id, site_pk, at, actor, verb, table_name, record, action, before_json, "
           "after_json, prev_hash, entry_hash")  # fmt: skip


def _is_pg(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def _rows(url: str) -> list[Any]:
    engine = create_register_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(f"SELECT {COLUMNS} FROM audit ORDER BY id")))
    finally:
        engine.dispose()


def _utc(at: Any) -> str:
    # SQLite holds 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC, no zone); PostgreSQL an aware time
    when = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def _hash(prev: str, r: Any) -> str:
    fields = [prev, r.id, r.site_pk, _utc(r.at), r.actor, r.verb, r.table_name, r.record,
              r.action, r.before_json, r.after_json]  # fmt: skip
    return hashlib.sha256(json.dumps(fields, separators=(",", ":")).encode()).hexdigest()


def _assert_chained(url: str) -> list[Any]:
    """Every entry links to the one before it and holds the hash of its own columns."""
    rows = _rows(url)
    prev = ZEROS
    for r in rows:
        assert r.prev_hash == prev, r.id
        assert r.entry_hash == _hash(prev, r), r.id
        prev = r.entry_hash
    return rows


def _behind_the_triggers_back(url: str, *statements: str) -> None:
    """Run ``statements`` with the triggers off (as the owner/superuser could), then on."""
    engine = create_register_engine(url)
    try:
        with engine.begin() as conn:
            if _is_pg(url):
                conn.execute(text("ALTER TABLE audit DISABLE TRIGGER ALL"))
                for sql in statements:
                    conn.execute(text(sql))
                conn.execute(text("ALTER TABLE audit ENABLE TRIGGER ALL"))
            else:
                triggers = conn.execute(text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name = 'audit'")).all()  # fmt: skip
                assert len(triggers) == 2
                for name, _sql in triggers:
                    conn.execute(text(f"DROP TRIGGER {name}"))
                for sql in statements:
                    conn.execute(text(sql))
                for _name, sql in triggers:
                    conn.execute(text(sql))
    finally:
        engine.dispose()


def _verify(url: str) -> Any:
    engine = create_register_engine(url)
    try:
        return verify_audit(engine)
    finally:
        engine.dispose()


def _events(engine: Any, n: int, actor: str = "bob") -> None:
    for i in range(n):
        audit.record_event(engine, actor=actor, verb="login", action="login", record=f"r{i}",
                           after={"i": i, "name": "Zoë"})  # fmt: skip


@pytest.fixture
def site(db_url: str, small_model: Any) -> str:
    """A register with one small site, a unit, a tenant and a lease."""
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.add_tenant(engine, "T1", name="Tessa Textiles")
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2026-12-31", rent_eur_per_month=900, lease_id="L1")  # fmt: skip
    engine.dispose()
    return db_url


def test_raw_update_delete_and_truncate_of_the_trail_are_refused(site: str) -> None:
    before = _assert_chained(site)
    assert len(before) >= 4
    refused = ["UPDATE audit SET actor = 'mallory'",
               f"UPDATE audit SET actor = 'mallory' WHERE id = {before[-1].id}",
               "DELETE FROM audit",
               f"DELETE FROM audit WHERE id = {before[0].id}",
               # re-sealing an entry (the one UPDATE the triggers let through, but only once)
               f"UPDATE audit SET entry_hash = '{ZEROS}' WHERE id = {before[1].id}",
               "UPDATE audit SET prev_hash = NULL, entry_hash = NULL"]  # fmt: skip
    if _is_pg(site):
        refused.append("TRUNCATE audit")
    for sql in refused:
        with pytest.raises(DBAPIError, match="append-only"):
            raw_sql(site, sql)
    assert _rows(site) == before


def test_a_site_that_entries_point_at_cannot_be_hard_deleted(site: str) -> None:
    engine = register.open_register(site)
    try:
        with (
            pytest.raises(SiteManagerError, match="retired, never deleted"),
            register.transaction(engine) as s,
        ):
            s.execute(text("DELETE FROM sites WHERE site_id = 'small'"))
        assert list(register.list_units(engine, "small")["unit_id"]) == ["U1"]
    finally:
        engine.dispose()
    _assert_chained(site)


def test_an_entry_edited_behind_the_triggers_back_is_found_by_verify(
    site: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _assert_chained(site)
    n = len(rows)
    assert main(["audit", "verify", "--db", site]) == 0
    out = capsys.readouterr().out
    assert out == f"audit trail intact: {n} entries chained, last hash {rows[-1].entry_hash}\n"

    victim = rows[2]
    _behind_the_triggers_back(site, f"UPDATE audit SET actor = 'mallory' WHERE id = {victim.id}")
    check = _verify(site)
    assert (check.ok, check.broken_id, check.problem, check.checked) == (
        False, victim.id, "hash mismatch", 3)  # fmt: skip
    assert main(["audit", "verify", "--db", site]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"audit trail broken at entry {victim.id}: hash mismatch")
    assert out.count("\n") == 1

    # re-hashing the edited entry moves the break to the entry after it
    edited = _rows(site)[2]
    _behind_the_triggers_back(
        site, f"UPDATE audit SET entry_hash = '{_hash(edited.prev_hash, edited)}' "
        f"WHERE id = {victim.id}")  # fmt: skip
    check = _verify(site)
    assert (check.broken_id, check.problem) == (rows[3].id, "prev link mismatch")


def test_a_removed_entry_and_an_unsealed_one_are_found(site: str) -> None:
    rows = _rows(site)
    _behind_the_triggers_back(site, f"DELETE FROM audit WHERE id = {rows[1].id}")
    check = _verify(site)
    assert (check.broken_id, check.problem, check.checked) == (rows[2].id, "prev link mismatch", 2)

    _behind_the_triggers_back(site, f"INSERT INTO audit (id, at, actor, verb, table_name, "
                              f"record, action) VALUES ({rows[1].id}, '2026-01-01 00:00:00', "
                              "'mallory', 'x', 'x', 'x', 'x')")  # fmt: skip
    check = _verify(site)
    assert (check.broken_id, check.problem) == (rows[1].id, "missing")


def test_an_intact_register_after_sample_load_verbs_and_an_import_verifies(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = register.open_register(db_url)
    try:
        register.load_sample(engine, "textile_mill")
        f = register.frames(engine)
        unit, tenant = f.units["unit_id"].iloc[0], f.tenants["tenant_id"].iloc[0]
        register.sign_lease(engine, unit_id=unit, tenant_id=tenant, start="2090-01-01",
                            end="2090-12-31", rent_eur_per_month=500, lease_id="L-NEW")  # fmt: skip
        register.end_lease(engine, "L-NEW", on="2090-06-30")
        register.rename_unit(engine, unit, name="Renamed")
        csv = tmp_path / "tenants.csv"
        csv.write_text("tenant_id,name\nT-NEW1,New One\nT-NEW2,New Two\n" +
                       f"{tenant},Renamed Tenant\n", encoding="utf-8")  # fmt: skip
        result = register.import_table(engine, "tenants", csv)
        assert (result.added, result.updated) == (2, 1)
        rows = _assert_chained(db_url)
        check = verify_audit(engine)
    finally:
        engine.dispose()
    assert len(rows) > 100  # the sample's entries (bulk inserts) and the verbs'
    assert {r.verb for r in rows} >= {"load_sample", "sign_lease", "end_lease", "rename_unit"}
    assert (check.ok, check.checked, check.last_hash) == (True, len(rows), rows[-1].entry_hash)
    assert main(["audit", "verify", "--db", db_url]) == 0
    assert capsys.readouterr().out.startswith(f"audit trail intact: {len(rows)} entries")
    with pytest.raises(SystemExit) as usage:  # a usage error stays exit 2
        main(["audit", "check", "--db", db_url])
    assert usage.value.code == 2
    capsys.readouterr()
    # the listing is as before
    assert main(["audit", "--db", db_url, "--format", "json", "--limit", "2"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [e["verb"] for e in listed] == [rows[-1].verb, rows[-2].verb]


def test_refusals_and_login_events_are_chained(site: str) -> None:
    engine = register.open_register(site)
    try:
        audit.record_event(engine, actor="ann", verb="login", action="login")
        audit.record_event(engine, actor="eve", verb="login", action="login_failed")
        with access.acting_as(Principal("ann", Role.TENANT, "T1")), pytest.raises(AccessDenied):
            register.end_lease(engine, "L1", on="2026-06-30")
    finally:
        engine.dispose()
    rows = _assert_chained(site)
    assert [(r.actor, r.action) for r in rows[-3:]] == [
        ("ann", "login"), ("eve", "login_failed"), ("ann", "refused")]  # fmt: skip


def test_concurrent_writers_chain_one_after_another(db_url: str) -> None:
    """Threads writing at once (one entry, or three in one transaction) keep one chain."""
    engine = register.open_register(db_url)
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(10):
                if i % 2:
                    _events(engine, 1, actor=f"w{k}")
                else:
                    with register.transaction(engine) as s:
                        trail = audit.Audit(s, None, f"w{k}", "load_rules")
                        for j in range(3):
                            trail.note("layout_rules", f"{k}-{i}-{j}", "update", after={"j": j})
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    try:
        assert errors == []
        rows = _assert_chained(db_url)
        assert len(rows) == 6 * (5 * 1 + 5 * 3)
        assert verify_audit(engine).ok
    finally:
        engine.dispose()


_AUDIT_0009 = table("audit", column("site_pk", Integer), column("at", DateTime(timezone=True)),
                    column("actor", String), column("verb", String), column("table_name", String),
                    column("record", String), column("action", String),
                    column("before_json", Text), column("after_json", Text))  # fmt: skip


def test_the_migration_chains_the_entries_a_register_already_held(empty_db_url: str) -> None:
    engine = create_register_engine(empty_db_url)
    try:
        migrate(engine, "0009_impact_settings")
        at = dt.datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=dt.UTC)
        old = [{"site_pk": None, "at": at + dt.timedelta(seconds=i), "actor": f"release-{i}",
                "verb": "create_site", "table_name": "sites", "record": "Zoë's «mill»",
                "action": "insert", "before_json": None if i == 0 else '{"a": 1}',
                "after_json": json.dumps({"i": i})} for i in range(5)]  # fmt: skip
        with engine.begin() as conn:
            conn.execute(insert(_AUDIT_0009), old)
    finally:
        engine.dispose()
    engine = register.open_register(empty_db_url)  # upgrades to the head
    try:
        rows = _assert_chained(empty_db_url)
        assert [r.actor for r in rows] == [f"release-{i}" for i in range(5)]
        assert _utc(rows[0].at) == "2026-03-04T05:06:07.891011+00:00"
        assert verify_audit(engine).checked == 5
        audit.record_event(engine, actor="new", verb="login", action="login")
        assert [r.actor for r in _assert_chained(empty_db_url)][-2:] == ["release-4", "new"]
    finally:
        engine.dispose()
    with pytest.raises(DBAPIError, match="append-only"):
        raw_sql(empty_db_url, "UPDATE audit SET actor = 'mallory' WHERE actor = 'release-0'")


@pytest.mark.postgres
def test_on_postgresql_a_role_that_does_not_own_the_tables_cannot_disable_the_triggers(
    db_url: str,
) -> None:
    """The grants the register documentation gives: the role writes and seals, no more."""
    if not _is_pg(db_url):
        pytest.skip("PostgreSQL roles")
    role = f"app_{make_url(db_url).database}"
    raw_sql(db_url, f'CREATE ROLE "{role}" LOGIN',
         f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"',
         f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
         f'REVOKE UPDATE, DELETE ON audit FROM "{role}"',
         f'GRANT UPDATE (prev_hash, entry_hash) ON audit TO "{role}"')  # fmt: skip
    app_url = make_url(db_url).set(username=role).render_as_string(hide_password=False)
    try:
        engine = register.open_register(app_url)
        try:
            _events(engine, 3, actor="app")
            assert verify_audit(engine).checked == 3
        finally:
            engine.dispose()
        rows = _assert_chained(db_url)
        assert [r.actor for r in rows] == ["app"] * 3
        for sql in ("ALTER TABLE audit DISABLE TRIGGER ALL", "UPDATE audit SET actor = 'x'",
                    "DELETE FROM audit"):  # fmt: skip
            with pytest.raises(DBAPIError, match="must be owner|permission denied"):
                raw_sql(app_url, sql)
        assert _rows(db_url) == rows
    finally:
        raw_sql(db_url, f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')
