"""Alembic environment of the register: the caller gives the connection or the URL.

``site_manager.register.engine.migrate`` passes an open connection in
``config.attributes["connection"]``; the ``alembic`` command line passes
``-x url=...`` or ``sqlalchemy.url``. Nothing here reads a configuration file of ours.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from site_manager.register.schema import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # two processes opening a fresh database at once must not both create tables
            connection.execute(text("SELECT pg_advisory_xact_lock(74110001)"))
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the caller's connection, else on a new one from the URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit("give the database with -x url=URL")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; give a database URL")
run_migrations_online()
