"""An import killed midway (kill -9) leaves the register exactly as it was.

The child runs the real CLI (``site-manager tenant import``) on a file large enough to take
a while; once it is inside its write transaction (SQLite: it holds the write lock;
PostgreSQL: its transaction has written rows) it is killed with SIGKILL. A dump of every
table before and after must be identical, and the register must take the same import
afterwards.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from site_manager import register

ROOT = Path(__file__).resolve().parents[2]
ROWS = 40000


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted (independent of the register's own code)."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, list[tuple]] = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            out[name] = sorted(tuple(map(str, row)) for row in conn.execute(select(table)))
        conn.rollback()
    return out


def _write_tenants(path: Path, n: int) -> None:
    lines = ["tenant_id,name,kind,stage,sector,headcount,joined"]
    lines += [f"X{i:05d},Maker {i},artisan,starting,wood,{i % 9},2025-01-01" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _inside_write_transaction(db_url: str, pid: int) -> bool:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        con = sqlite3.connect(url.database, timeout=0.0, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as exc:  # "database is locked": the child writes
            return "locked" in str(exc)
        finally:
            con.close()
    probe = create_engine(url.set(database="postgres"))
    try:
        with probe.connect() as conn:
            n = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND "
                     "backend_xid IS NOT NULL AND application_name = 'crash-test-child'"),
                {"db": url.database},
            ).scalar_one()  # fmt: skip
    finally:
        probe.dispose()
    return bool(n)


def _kill_import_midway(db_url: str, big: Path) -> bool:
    """Run the CLI import of ``big`` and SIGKILL it inside its write transaction.

    Returns False when the import finished before it could be caught (too small a file).
    """
    child_url = db_url
    if make_url(db_url).get_backend_name() == "postgresql":
        child_url = (
            make_url(db_url)
            .update_query_dict({"application_name": "crash-test-child"})
            .render_as_string(hide_password=False)
        )
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "site_manager.cli", "tenant", "import", str(big), "--db",
         child_url],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _inside_write_transaction(db_url, child.pid):
            if child.poll() is not None:
                return False
            assert time.monotonic() < deadline, "the import never started writing"
            time.sleep(0.02)
        time.sleep(0.1)  # let it write some more rows
        if child.poll() is not None:
            return False
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    return True


def test_a_tenant_import_killed_midway_leaves_the_register_unchanged(
    db_url: str, small_model, tmp_path: Path
) -> None:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.add_tenant(engine, "T1", name="Acme")
    before = dump(engine)
    engine.dispose()
    big = tmp_path / "tenants.csv"
    _write_tenants(big, ROWS)
    assert _kill_import_midway(db_url, big), f"the import of {ROWS} rows ended before the kill"
    engine = register.open_register(db_url)
    assert dump(engine) == before
    # and the register is healthy: an import now goes through
    small = tmp_path / "small.csv"
    _write_tenants(small, 3)
    assert register.import_table(engine, "tenants", small).added == 3
    assert len(register.list_tenants(engine)) == 4
    engine.dispose()


@pytest.mark.parametrize("rows", [3])
def test_the_dump_sees_a_change(db_url: str, small_model, rows: int) -> None:
    """The comparison above could fail: a committed change shows in the dump."""
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    before = dump(engine)
    for i in range(rows):
        register.add_tenant(engine, f"T{i}", name=f"Tenant {i}")
    after = dump(engine)
    assert after != before
    assert len(after["tenants"]) == len(before["tenants"]) + rows
    engine.dispose()
