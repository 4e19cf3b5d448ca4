"""Back up and restore a whole register, while others keep working.

SQLite: the online backup API (:meth:`sqlite3.Connection.backup`) copies a consistent
snapshot page by page while writers go on; the copy is written next to the target and
renamed into place. PostgreSQL: ``pg_dump -Fc`` and ``pg_restore`` (the client tools must
be on ``PATH``). A restore checks first that the file is a register (its schema version is
one of the migrations') and refuses to overwrite a register that holds a site unless
``force``.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from site_manager.errors import NotFoundError, SiteManagerError, ValidationError
from site_manager.register.engine import MIGRATIONS, create_register_engine

log = logging.getLogger(__name__)


def _known_revisions() -> set[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return {r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()}


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise ValidationError("an in-memory register cannot be backed up; give a file --db")
    return Path(parsed.database).expanduser()


def _libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise SiteManagerError(
            f"{name} is not installed; install the PostgreSQL client tools "
            "(postgresql-client) to back up or restore on PostgreSQL"
        )

    return found


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(args, capture_output=True, check=False)
    if proc.returncode != 0:
        first = (proc.stderr.decode(errors="replace").strip().splitlines() or ["?"])[0]
        raise SiteManagerError(f"{Path(args[0]).name} failed: {first}")
    return proc


def backup(url: str, target: str | Path) -> int:
    """Write a consistent copy of the register at ``url`` to ``target``.

    Parameters
    ----------
    url : str
        The register's SQLAlchemy URL.
    target : str or Path
        The file to write (replaced if it exists): an SQLite database, or a ``pg_dump``
        custom-format archive on PostgreSQL.

    Returns
    -------
    int
        Size of the file written. [bytes]
    """
    target = Path(target)
    if not target.parent.is_dir():
        raise NotFoundError(f"folder {target.parent} does not exist; create it first")
    path = _sqlite_path(url)
    partial = target.with_name(target.name + ".partial")
    if path is not None:
        if not path.is_file():
            raise NotFoundError(f"no register at {path}; give the --db of an existing one")
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # a consistent snapshot; writers go on meanwhile (WAL)
        finally:
            dst.close()
            src.close()
    else:
        _run([_tool("pg_dump"), "-Fc", "--no-owner", "-f", str(partial), _libpq_url(url)])
    os.replace(partial, target)
    log.info("backed up %s to %s", make_url(url).render_as_string(hide_password=True), target)
    return target.stat().st_size


def backup_revision(source: str | Path) -> str:
    """The schema version (Alembic revision) of a backup file; refused if not a register."""
    source = Path(source)
    if not source.is_file():
        raise NotFoundError(f"{source} does not exist")
    with source.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"SQLite format 3"):
        con = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            row = None
        finally:
            con.close()
        revision = row[0] if row else None
    elif head.startswith(b"PGDMP"):
        out = _run([_tool("pg_restore"), "-a", "-t", "alembic_version", "-f", "-", str(source)])
        lines = out.stdout.decode(errors="replace").splitlines()
        data = [ln for i, ln in enumerate(lines) if i and lines[i - 1].startswith("COPY ")]
        revision = data[0].strip() if data and data[0].strip() != "\\." else None
    else:
        revision = None
    if revision not in _known_revisions():
        raise ValidationError(f"{source} is not a site-manager register backup (no known schema "
                              "version); nothing was changed")  # fmt: skip
    return str(revision)


def _holds_sites(url: str) -> bool:
    engine = create_register_engine(url)
    try:
        if "sites" not in inspect(engine).get_table_names():
            return False
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT COUNT(*) FROM sites")).scalar())
    finally:
        engine.dispose()


def restore(url: str, source: str | Path, *, force: bool = False) -> str:
    """Replace the register at ``url`` by the backup ``source``.

    Parameters
    ----------
    url : str
        The register to restore into (an SQLite file, created if absent; or a PostgreSQL
        database).
    source : str or Path
        A file written by :func:`backup` on the same backend.
    force : bool
        Overwrite a register that holds a site.

    Returns
    -------
    str
        The schema version of the restored register (later migrations run on next open).
    """
    revision = backup_revision(source)
    is_sqlite = _sqlite_path(url) is not None
    with Path(source).open("rb") as fh:
        if fh.read(15).startswith(b"SQLite format 3") != is_sqlite:
            raise ValidationError(f"{source} is a backup of the other backend; restore it into "
                                  "a register of the same kind")  # fmt: skip
    if not force and _holds_sites(url):
        raise ValidationError("the register holds sites already; give --force to replace it "
                              "by the backup, or restore into an empty one")  # fmt: skip
    path = _sqlite_path(url)
    if path is not None:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(path, timeout=60)
        try:
            src.backup(dst)  # takes the target's write lock; one step, all or nothing
        finally:
            dst.close()
            src.close()
    else:
        _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "-d", _libpq_url(url), str(source)])  # fmt: skip
    return revision
