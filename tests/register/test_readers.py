"""Readers never wait for a writer: with another process holding the write lock in an open
transaction, ``lease list``, ``report occupancy`` and ``register.frames`` complete, on SQLite
(WAL, deferred BEGIN for reads) and PostgreSQL, and see the last committed state.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from site_manager import register
from site_manager.register.engine import create_register_engine

ROOT = Path(__file__).resolve().parents[2]
ENV = os.environ | {"PYTHONPATH": str(ROOT)}
#: A writer that holds its transaction (and so SQLite's write lock) open until stdin closes.
HOLDER = """
import sys
from sqlalchemy import text
from site_manager.register.engine import create_register_engine, transaction
engine = create_register_engine(sys.argv[1])
with transaction(engine) as s:
    s.execute(text("UPDATE leases SET rent_eur_per_month = rent_eur_per_month + 1000"))
    s.flush()
    print("locked", flush=True)
    sys.stdin.read()
"""
#: Longest a reader may take here (a CLI start on a busy 2-core machine), far below the
#: 60 s busy timeout a reader queued behind the writer would wait. [s]
READER_LIMIT_S = 30.0


@pytest.fixture
def db(db_url: str, small_model) -> str:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.add_tenant(engine, "T1", name="Tenant One")
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2026-12-31", rent_eur_per_month=900, lease_id="L1")  # fmt: skip
    engine.dispose()
    return db_url


def _write_lock_is_held(url: str) -> bool:
    """Whether a second writer is refused at once (so the holder really holds the lock)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        con = sqlite3.connect(str(parsed.database), timeout=0.2, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            return "locked" in str(exc)
        finally:
            con.close()
        return False
    engine = create_register_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '200ms'"))
            conn.execute(text("SELECT 1 FROM leases FOR UPDATE"))
    except Exception as exc:  # noqa: BLE001 - the lock timeout is the answer
        return "lock" in str(exc)
    finally:
        engine.dispose()
    return False


def _cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "site_manager.cli", *args], capture_output=True,
                          text=True, env=ENV, timeout=120)  # fmt: skip
    return proc, time.perf_counter() - t0


def _read_while_held(db: str) -> None:
    leases, took = _cli("lease", "list", "--db", db, "--format", "csv")
    assert leases.returncode == 0, leases.stderr
    assert took < READER_LIMIT_S
    rows = leases.stdout.splitlines()
    rent = rows[0].split(",").index("rent_eur_per_month")
    assert [r.split(",")[rent] for r in rows[1:]] == ["900.0"]  # committed, not 1900

    occupancy, took = _cli("report", "occupancy", "--on", "2026-06-01", "--db", db,
                           "--format", "csv")  # fmt: skip
    assert occupancy.returncode == 0, occupancy.stderr
    assert took < READER_LIMIT_S and len(occupancy.stdout.splitlines()) >= 2

    t0 = time.perf_counter()
    engine = register.open_register(db)
    try:
        frames = register.frames(engine)
    finally:
        engine.dispose()
    assert time.perf_counter() - t0 < READER_LIMIT_S
    assert frames.leases["rent_eur_per_month"].tolist() == [900.0]


def test_readers_complete_while_another_process_holds_the_write_lock(db: str) -> None:
    with subprocess.Popen([sys.executable, "-c", HOLDER, db], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=ENV) as holder:  # fmt: skip
        assert holder.stdin is not None and holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "locked"
            assert _write_lock_is_held(db)
            _read_while_held(db)
            assert holder.poll() is None and _write_lock_is_held(db)  # held throughout
        finally:
            holder.stdin.close()
            holder.wait(timeout=60)
    assert holder.returncode == 0
    engine = register.open_register(db)  # the writer's change is committed once it ends
    try:
        assert register.frames(engine).leases["rent_eur_per_month"].tolist() == [1900.0]
    finally:
        engine.dispose()
