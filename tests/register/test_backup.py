"""``site-manager backup`` and ``restore``: a round trip while a writer is busy, on SQLite
(online backup API) and PostgreSQL (pg_dump/pg_restore, skipped without the tools)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from site_manager import register
from site_manager.cli import main

ROOT = Path(__file__).resolve().parents[2]
ENV = os.environ | {"PYTHONPATH": str(ROOT)}
#: A writer adding one tenant per transaction until stdin closes; prints how many it added.
WRITER = """
import sys, threading
from site_manager import register
engine = register.open_register(sys.argv[1])
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
n = 0
print("writing", flush=True)
while not stop.is_set():
    n += 1
    register.add_tenant(engine, f"W{n}", name=f"Writer {n}")
print(n, flush=True)
"""


@pytest.fixture
def db(db_url: str, small_model) -> str:
    if make_url(db_url).get_backend_name() != "sqlite" and not (
        shutil.which("pg_dump") and shutil.which("pg_restore")
    ):
        pytest.skip("pg_dump/pg_restore not installed")
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.add_tenant(engine, "T1", name='The "Best" Co')
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2026-12-31", rent_eur_per_month=900, lease_id="L1")  # fmt: skip
    engine.dispose()
    return db_url


def _contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every table (the schema's own and the register's), sorted."""
    from site_manager.register.engine import create_register_engine

    engine = create_register_engine(url)
    try:
        names = sorted(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {t: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{t}"'))), key=repr)
                    for t in names}  # fmt: skip
    finally:
        engine.dispose()


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_backup_taken_while_a_writer_is_busy_restores_to_the_same_contents(
    capsys, db: str, tmp_path: Path
) -> None:
    backup = tmp_path / "register.backup"
    with subprocess.Popen([sys.executable, "-c", WRITER, db], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env=ENV) as writer:  # fmt: skip
        assert writer.stdin is not None and writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        code, out, err = _run(capsys, "backup", "-o", str(backup), "--db", db)
        writer.stdin.close()
        added = int(writer.stdout.read().strip())
        writer.wait(timeout=60)
    assert (code, err) == (0, ""), err
    assert writer.returncode == 0 and added >= 1
    after = _contents(db)
    assert len(after["tenants"]) == 1 + added  # the writer went on during the backup

    # into a fresh, empty register of the same backend
    parsed = make_url(db)
    if parsed.get_backend_name() == "sqlite":
        fresh = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    else:
        fresh = _empty_pg(db)
    try:
        _restore_and_compare(capsys, backup, fresh, after, added, tmp_path)
    finally:
        if parsed.get_backend_name() != "sqlite":
            from tests.register.conftest import _drop_pg_database

            _drop_pg_database(parsed.set(database="postgres").render_as_string(False), fresh)


def _restore_and_compare(capsys, backup: Path, fresh: str, after: dict, added: int,
                         tmp_path: Path) -> None:  # fmt: skip
    code, out, err = _run(capsys, "restore", str(backup), "--db", fresh)
    assert (code, err) == (0, ""), err
    restored = _contents(fresh)
    # a consistent snapshot: the writer's tenants W1..Wk for some k, each whole
    k = len(restored["tenants"]) - 1
    assert 0 <= k <= added
    ids = sorted(r[2] for r in restored["tenants"])
    assert ids == sorted(["T1", *(f"W{i}" for i in range(1, k + 1))])
    revision = [r for r in after["register_revision"]][0][1]
    assert restored["register_revision"][0][1] == revision - (added - k)
    for table, rows in after.items():  # every other table as in the source
        if table not in ("tenants", "audit", "register_revision"):
            assert restored[table] == rows, table
    expect_tenants = [r for r in after["tenants"] if r[2] in set(ids)]
    assert restored["tenants"] == expect_tenants
    _assert_audit_sealed(fresh, len(restored["audit"]))

    # restore refuses a non-empty register without --force, and a file that is no register
    code, _, err = _run(capsys, "restore", str(backup), "--db", fresh)
    assert code == 2 and "--force" in err and err.count("\n") == 1
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"not a register at all")
    code, _, err = _run(capsys, "restore", str(bogus), "--db", fresh, "--force")
    assert code == 2 and "not a site-manager register backup" in err
    assert _contents(fresh) == restored  # untouched by both refusals
    code, _, err = _run(capsys, "restore", str(backup), "--db", fresh, "--force")
    assert (code, err) == (0, "")
    assert _contents(fresh) == restored
    _assert_audit_sealed(fresh, len(restored["audit"]))


def _assert_audit_sealed(url: str, entries: int) -> None:
    """The restored trail is chained whole and still append-only (its triggers came along)."""
    from sqlalchemy.exc import DBAPIError

    from site_manager.register.engine import create_register_engine

    from .test_audit_chain import _assert_chained

    assert len(_assert_chained(url)) == entries > 0
    engine = create_register_engine(url)
    try:
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("DELETE FROM audit"))
    finally:
        engine.dispose()


def _empty_pg(url: str) -> str:
    from sqlalchemy import create_engine

    parsed = make_url(url)
    name = f"{parsed.database}_r"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)
