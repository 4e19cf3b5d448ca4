"""On PostgreSQL who may write is the database's own roles: the grants docs/register.md gives.

A read-only role reads the register (the CLI's lists, the frames) and every write it tries
is refused by the database with one line; a read-write role that does not own the tables
writes, and cannot touch the audit trail (tests/register/test_audit_chain.py).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy.engine import make_url

from site_manager import register
from site_manager.errors import SiteManagerError
from tests.register.conftest import raw_sql


def test_a_read_only_role_reads_the_register_and_every_write_is_refused_in_one_line(
    db_url: str,
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's roles")
    pg_url = db_url
    engine = register.open_register(pg_url)
    register.load_sample(engine, "textile_mill")
    tenants = register.list_tenants(engine)
    engine.dispose()
    role = f"reader_{make_url(pg_url).database}"
    # docs/register.md, "Who may write on PostgreSQL": the read-only role
    raw_sql(pg_url, f'CREATE ROLE "{role}" LOGIN',
         f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')  # fmt: skip
    reader = make_url(pg_url).set(username=role).render_as_string(hide_password=False)
    try:
        engine = register.open_register(reader)  # at head: opening writes nothing
        assert register.list_tenants(engine).equals(tenants)
        assert len(register.frames(engine).spaces) > 0
        with pytest.raises(SiteManagerError, match="permission denied") as refused:
            register.add_tenant(engine, "T999", name="Nobody")
        assert "\n" not in str(refused.value)
        engine.dispose()
        cli = [sys.executable, "-m", "site_manager.cli"]
        listed = subprocess.run([*cli, "tenant", "list", "--db", reader],
                                capture_output=True, text=True, timeout=120)  # fmt: skip
        assert listed.returncode == 0, listed.stderr
        assert str(tenants["name"].iloc[0]) in listed.stdout
        added = subprocess.run([*cli, "tenant", "add", "T999", "--name", "Nobody", "--db",
                                reader], capture_output=True, text=True, timeout=120)  # fmt: skip
        assert added.returncode == 2
        assert added.stderr.count("\n") == 1 and "permission denied" in added.stderr
        assert "Traceback" not in added.stderr
    finally:
        raw_sql(pg_url, f'DROP OWNED BY "{role}"', f'DROP ROLE "{role}"')
