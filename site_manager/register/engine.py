"""Opening the register: engines, the SQLite recipe, migrations and transactions.

SQLite (the default) is opened in WAL mode with foreign keys on and a busy timeout
(SQLAlchemy's documented pysqlite recipe: the driver's own BEGIN is turned off and ours is
emitted in a ``begin`` event). A write transaction (:func:`transaction`) starts with
``BEGIN IMMEDIATE``: a second writer waits for the first instead of failing later with
"database is locked", and then sees what the first wrote. Everything else (the schema check
of :func:`open_register`, every query, the dashboard's reads) starts with a plain deferred
``BEGIN``: in WAL mode a reader reads the last committed state and never waits for a
writer, however long the writer holds its lock. PostgreSQL is reached with psycopg 3
(``postgresql+psycopg://``); its readers never wait for writers either, its writers queue
at the audit chain's advisory lock (:mod:`site_manager.register.audit_chain`), and its
overlap rule is an exclusion constraint.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session

from site_manager.errors import RegisterError, SiteManagerError
from site_manager.register import access
from site_manager.register.access import Principal

log = logging.getLogger(__name__)

#: The SQLite file used when no URL is given (same as the CLI's default).
DEFAULT_DB_FILE = "site_manager.sqlite"
#: How long a writer waits for another writer's transaction on SQLite. [s]
SQLITE_BUSY_TIMEOUT_S = 60.0
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The database backends the register runs on (URL schemes, with or without ``+driver``).
SUPPORTED_SCHEMES = ("sqlite", "postgresql")


def default_url() -> str:
    """``$SITE_MANAGER_DB``, else an SQLite file in the working folder."""
    return os.environ.get("SITE_MANAGER_DB") or f"sqlite:///{Path.cwd() / DEFAULT_DB_FILE}"


def get_actor(actor: str | None = None) -> Principal:
    """Who is making a change: :func:`site_manager.register.access.current`.

    The logged-in user in the dashboard; on the CLI and in the library the OS user (or the
    name a library caller gives), with full rights.
    """
    return access.current(actor)


def _sqlite_recipe(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # turn off pysqlite's own BEGIN (and its COMMIT before DDL); we emit BEGIN below
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        # a write asks for IMMEDIATE (see transaction and migrate); a read never waits
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def create_register_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for the register at ``url`` (see :func:`default_url`), not yet migrated.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; ``postgresql://`` is taken to mean psycopg 3.
    **kwargs
        Passed to :func:`sqlalchemy.create_engine`.
    """
    url = url or default_url()
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SiteManagerError(
            f"database URL {url!r} is not an SQLAlchemy URL; give e.g. sqlite:///site.sqlite "
            "or postgresql+psycopg://user@host/db"
        ) from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in SUPPORTED_SCHEMES:
        raise SiteManagerError(
            f"database URL scheme {parsed.drivername!r} is not supported; the register runs on "
            f"{' and '.join(SUPPORTED_SCHEMES)}: give e.g. sqlite:///site.sqlite or "
            "postgresql://user@host/db"
        )
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            folder = Path(parsed.database).expanduser().resolve().parent
            if not folder.is_dir():
                raise SiteManagerError(
                    f"database folder {folder} does not exist; create it or give another --db"
                )
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_S)
        engine = create_engine(parsed, connect_args=connect_args, **kwargs)
        _sqlite_recipe(engine)
    else:
        try:
            engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
        except (NoSuchModuleError, ModuleNotFoundError) as exc:
            raise SiteManagerError(
                f"database driver {parsed.drivername!r} is not installed ({exc}); give "
                "postgresql:// (psycopg 3, installed with site-manager)"
            ) from None
    return engine


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the register's schema to ``revision`` with the Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.execution_options(sqlite_begin="IMMEDIATE").connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()


def current_revision(engine: Engine) -> str | None:
    """The Alembic revision the database is at (``None`` for an empty database).

    A plain read (deferred ``BEGIN`` on SQLite): it does not wait for a writer.
    """
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    """The newest migration's revision id."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def open_register(url: str | None = None, **kwargs: Any) -> Engine:
    """Open (create or migrate) the register at ``url`` and return its engine.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``$SITE_MANAGER_DB``, else ``sqlite:///site_manager.sqlite``
        in the working folder.
    **kwargs
        Passed to :func:`sqlalchemy.create_engine`.

    Returns
    -------
    sqlalchemy.Engine
        Pass it to the verbs and queries of :mod:`site_manager.register`.

    Examples
    --------
    >>> engine = open_register("sqlite://")
    >>> sorted(inspect(engine).get_table_names())[:3]
    ['alembic_version', 'applicants', 'audit']
    """
    if url == "sqlite://":  # one shared in-memory database, for examples and quick tries
        from sqlalchemy.pool import StaticPool

        kwargs.setdefault("poolclass", StaticPool)
    engine = create_register_engine(url, **kwargs)
    try:
        if current_revision(engine) != head_revision():
            migrate(engine)
    except OperationalError as exc:
        engine.dispose()
        raise SiteManagerError(
            f"cannot open the register at {engine.url.render_as_string(hide_password=True)}: "
            f"{_first_line(exc.orig)}"
        ) from None
    return engine


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else "?"


_DB_MESSAGES = (
    (
        re.compile(r"append-only", re.I),
        "the audit trail is append-only: its entries are never changed or deleted, and a site "
        "that audit entries point at is retired, never deleted",
    ),
    (
        re.compile(r"bookings_no_overlap", re.I),
        "the booking overlaps another booking of the same equipment",
    ),
    (re.compile(r"bookings_end_after_start", re.I), "a booking must end after its start"),
    (
        re.compile(r"overlap|leases_no_overlap|conflicting key value violates exclusion", re.I),
        "the lease overlaps another lease of the same unit",
    ),
    (re.compile(r"end_after_start", re.I), "a lease must end on or after its start"),
    (re.compile(r"rent_not_negative", re.I), "a rent must not be negative"),
    (re.compile(r"common_cost_share", re.I), "a share of common costs must be between 0 and 1"),
    (re.compile(r"FOREIGN KEY|foreign key", re.I), "a referenced record does not exist"),
    (re.compile(r"UNIQUE|unique|duplicate key", re.I), "a record with that id already exists"),
)


def database_error(exc: DBAPIError) -> SiteManagerError:
    """A one-line error for a database error that got past the rules, without the values.

    The driver's first line names the constraint or the type (``value too long for type
    character varying(64)``); its ``DETAIL`` lines and the statement's parameters (which
    hold the row's data) are left out.
    """
    if isinstance(exc, IntegrityError):
        return RegisterError(integrity_message(exc))
    if isinstance(exc, DataError):
        return SiteManagerError(f"the database refused a value: {_first_line(exc.orig)}; "
                                "check the lengths and characters of the values given")  # fmt: skip
    return SiteManagerError(f"database error: {_first_line(exc.orig)}")


def integrity_message(exc: DBAPIError) -> str:
    """A one-line reason for a database integrity error (constraint named in words)."""
    text = str(exc.orig)
    for pattern, message in _DB_MESSAGES:
        if pattern.search(text):
            return f"{message} (database: {_first_line(exc.orig)})"
    return f"the database refused the change: {_first_line(exc.orig)}"


#: ``session.info`` key: this transaction writes only the audit trail or users' login
#: counters (a login, a refusal), so its commit does not bump the register revision and the
#: dashboard's caches of the site's data stay valid.
KEEP_REVISION = "keep_revision"


class RegisterSession(Session):
    """A session that seals its audit entries and bumps the register revision on commit.

    Every flush of ORM changes (an attribute set to the value it had is no change) and every
    INSERT, UPDATE or DELETE statement run through it
    marks it as written; its commit then chains the audit entries it wrote
    (:func:`site_manager.register.audit_chain.chain_pending`) and adds one to
    ``register_revision.revision`` in the same transaction. Readers (the dashboard's caches)
    key on that number: it changes with every committed write, from any process, and with
    nothing else.
    """


@event.listens_for(RegisterSession, "before_flush")
def _wrote_by_flush(session: Session, _context: Any, _instances: Any) -> None:
    if (
        session.new
        or session.deleted
        or any(session.is_modified(o, include_collections=False) for o in session.dirty)
    ):
        session.info["wrote"] = True


@event.listens_for(RegisterSession, "do_orm_execute")
def _wrote_by_statement(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


@event.listens_for(RegisterSession, "before_commit")
def _bump_revision(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer commit bumps, once
        return
    if session.new or session.deleted or session.dirty:
        # the commit flushes pending changes only after this hook: flush them here, so
        # that a write made of ORM adds alone (no query after them) bumps the revision too
        session.flush()
    if session.info.pop("wrote", False):
        from sqlalchemy import update

        from site_manager.register.audit_chain import chain_pending
        from site_manager.register.schema import RegisterRevision

        chain_pending(session.connection())
        if session.info.pop(KEEP_REVISION, False):
            return  # the trail and logins only: what the analyses read has not changed
        session.execute(
            update(RegisterRevision)
            .where(RegisterRevision.id == 1)
            .values(revision=RegisterRevision.revision + 1)
        )
        session.info.pop("wrote", None)


def get_revision(bind: Engine | Session) -> int:
    """The register's revision: a number every committed write increases."""
    from sqlalchemy import select

    from site_manager.register.schema import RegisterRevision

    with transaction(bind, readonly=True) as s:
        value = s.scalar(select(RegisterRevision.revision).where(RegisterRevision.id == 1))
    return int(value or 0)


@contextlib.contextmanager
def transaction(bind: Engine | Session, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction on ``bind``: committed at the end, rolled back on any error.

    With an ``Engine`` a new session is opened and committed; with a ``Session`` a
    savepoint of its transaction is used, so a failure undoes only what happened inside.
    Database integrity errors come out as :class:`~site_manager.errors.RegisterError`.
    On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (writers queue, up to
    :data:`SQLITE_BUSY_TIMEOUT_S`); on PostgreSQL it starts by taking the audit chain's
    advisory lock (:func:`site_manager.register.audit_chain.lock_chain`: writers queue too,
    so audit entries get their ids in commit order and chain in that order);
    ``readonly=True`` starts a plain (deferred) ``BEGIN``, which never waits for a writer.
    """
    if isinstance(bind, Session):
        try:
            with bind.begin_nested():
                yield bind
        except (IntegrityError, DataError) as exc:
            raise database_error(exc) from exc
        return
    if not readonly and bind.dialect.name == "sqlite":
        bind = bind.execution_options(sqlite_begin="IMMEDIATE")
    session = RegisterSession(bind=bind, expire_on_commit=False, autoflush=True)
    try:
        with session.begin():
            if not readonly and bind.dialect.name == "postgresql":
                from site_manager.register.audit_chain import lock_chain

                lock_chain(session.connection())
            yield session
    except DBAPIError as exc:
        raise database_error(exc) from exc
    except access.AccessDenied as exc:
        session.close()  # rolled back: the refusal goes on the trail in a transaction of its own
        from site_manager.register.audit import record_refusal

        record_refusal(bind, exc)
        raise
    finally:
        session.close()


def table_names(engine: Engine) -> list[str]:
    """The register's tables present in the database."""
    return sorted(inspect(engine).get_table_names())
