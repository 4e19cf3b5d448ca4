"""The audit trail's hash chain: every entry sealed to the one before it, and the check.

Each row of ``audit`` carries ``prev_hash``, the ``entry_hash`` of the entry before it (by
``id``; :data:`GENESIS`, 64 zeros, for the first) and its own ``entry_hash``: the SHA-256
(lower-case hex) of :func:`canonical` over ``prev_hash`` and the entry's columns. Changing
any column of an entry changes its hash; recomputing the hash to hide that breaks the next
entry's ``prev_hash``; removing an entry breaks the link of the one after it.
:func:`verify_audit` walks the trail in ``id`` order and reports the first broken link.

The serialisation is a frozen contract (migration ``0010_audit_chain`` chained the rows that
existed before it with it): the JSON array ::

    [prev_hash, id, site_pk, at, actor, verb, table_name, record, action,
     before_json, after_json]

written by ``json.dumps(fields, ensure_ascii=True, separators=(",", ":"))`` and encoded as
ASCII, where ``at`` is the entry's time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` (a
time stored without zone, as SQLite does, is UTC) and a missing value is ``null``.

Who chains: every write of the register commits through
:class:`~site_manager.register.engine.RegisterSession`, whose ``before_commit`` hook calls
:func:`chain_pending` after the last flush: it seals, in ``id`` order, the entries written
after the chain's last sealed one. So ORM adds (``Audit.note``), bulk Core inserts
(``BulkUpsert.finish``) and ``audit.record_event`` are chained alike, from the values as
the database stores them. The database lets an entry be updated exactly once, from no hash
to its hash with no other column changed; every other UPDATE, and every DELETE, is refused
by triggers (see the migration). Concurrency: on SQLite writers are serialised by
``BEGIN IMMEDIATE``; on PostgreSQL every write transaction takes the transaction-level
advisory lock :data:`CHAIN_LOCK` when it begins (``engine.transaction``), so entry ids are
handed out in commit order and no two writers chain onto the same entry.

What the chain cannot show: entries removed from the end of the trail (there is no entry
after them to break) and entries appended by someone who computes the hashes. Note the
count and last hash that ``site-manager audit verify`` prints somewhere else to detect
the former.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    Integer,
    String,
    Text,
    bindparam,
    column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.orm import Session

#: ``prev_hash`` of the first entry.
GENESIS = "0" * 64
#: PostgreSQL advisory lock key of the chain (held by each write transaction).
CHAIN_LOCK = 74110018
#: Entries read or sealed per statement.
BATCH = 2000

#: The columns the hash covers, in the order of the serialisation (after ``prev_hash``).
HASHED = ("id", "site_pk", "at", "actor", "verb", "table_name", "record", "action",
          "before_json", "after_json")  # fmt: skip

#: The audit table as the chain sees it (its own definition: frozen with the serialisation).
AUDIT = table(
    "audit",
    column("id", Integer),
    column("site_pk", Integer),
    column("at", DateTime(timezone=True)),
    column("actor", String),
    column("verb", String),
    column("table_name", String),
    column("record", String),
    column("action", String),
    column("before_json", Text),
    column("after_json", Text),
    column("prev_hash", String),
    column("entry_hash", String),
)


def utc_iso(at: dt.datetime) -> str:
    """An entry's time as hashed: UTC, microseconds, ``+00:00`` (naive means UTC)."""
    at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    return at.isoformat(timespec="microseconds")


def canonical(prev_hash: str, entry: Mapping[Any, Any]) -> bytes:
    """The bytes an entry's hash is taken over (see the module's docstring)."""
    fields: list[Any] = [prev_hash]
    for name in HASHED:
        value = entry[name]
        fields.append(utc_iso(value) if name == "at" and value is not None else value)
    return json.dumps(fields, ensure_ascii=True, separators=(",", ":")).encode("ascii")


def entry_hash(prev_hash: str, entry: Mapping[Any, Any]) -> str:
    """SHA-256 (hex) of :func:`canonical`."""
    return hashlib.sha256(canonical(prev_hash, entry)).hexdigest()


def lock_chain(conn: Connection) -> None:
    """Take the chain's advisory lock until the transaction ends (PostgreSQL; else nothing)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def _tip(conn: Connection) -> tuple[int, str]:
    """The id and hash of the last sealed entry (``(0, GENESIS)`` when none is)."""
    row = conn.execute(
        select(AUDIT.c.id, AUDIT.c.entry_hash)
        .where(AUDIT.c.entry_hash.is_not(None))
        .order_by(AUDIT.c.id.desc())
        .limit(1)
    ).first()
    return (0, GENESIS) if row is None else (int(row.id), str(row.entry_hash))


def chain_pending(conn: Connection) -> int:
    """Seal, in id order, the entries written after the last sealed one; how many.

    Runs inside the writer's transaction (the session's ``before_commit``, the migration).
    An entry without a hash *below* the last sealed one is left alone: :func:`verify_audit`
    reports it.
    """
    lock_chain(conn)
    last_id, prev = _tip(conn)
    seal = (
        update(AUDIT)
        .where(AUDIT.c.id == bindparam("_id"))
        .values(prev_hash=bindparam("_prev"), entry_hash=bindparam("_hash"))
    )
    done = 0
    while True:
        rows = conn.execute(
            select(*(AUDIT.c[n] for n in HASHED))
            .where(AUDIT.c.id > last_id, AUDIT.c.entry_hash.is_(None))
            .order_by(AUDIT.c.id)
            .limit(BATCH)
        ).mappings().all()  # fmt: skip
        if not rows:
            return done
        params = []
        for row in rows:
            digest = entry_hash(prev, row)
            params.append({"_id": row["id"], "_prev": prev, "_hash": digest})
            prev, last_id = digest, row["id"]
        conn.execute(seal, params)
        done += len(rows)


@dataclass(frozen=True)
class AuditCheck:
    """The result of :func:`verify_audit`.

    Attributes
    ----------
    checked : int
        Entries read (up to and including the first broken one).
    broken_id : int or None
        Id of the first entry whose link is broken (``None``: the trail is intact).
    problem : str
        ``"missing"`` (the entry has no hash: written around the register's code),
        ``"prev link mismatch"`` (its ``prev_hash`` is not the hash of the entry before it:
        an entry before it was removed, or changed and re-hashed), ``"hash mismatch"`` (its
        columns are not those it was sealed with: it was changed); ``""`` when intact.
    last_hash : str
        The hash of the last entry checked (:data:`GENESIS` for an empty trail).
    """

    checked: int
    broken_id: int | None = None
    problem: str = ""
    last_hash: str = GENESIS

    @property
    def ok(self) -> bool:
        """Whether every entry is sealed and linked to the one before it."""
        return self.broken_id is None


def _entries(conn: Connection) -> Iterator[Mapping[Any, Any]]:
    last = None
    cols = [*(AUDIT.c[n] for n in HASHED), AUDIT.c.prev_hash, AUDIT.c.entry_hash]
    while True:
        q = select(*cols).order_by(AUDIT.c.id).limit(BATCH)
        if last is not None:
            q = q.where(AUDIT.c.id > last)
        rows = conn.execute(q).mappings().all()
        if not rows:
            return
        yield from rows
        last = rows[-1]["id"]


def verify_audit(bind: Engine | Session | Connection) -> AuditCheck:
    """Walk the audit trail in id order and find its first broken link.

    Parameters
    ----------
    bind : Engine, Session or Connection
        The register (an engine is read in a read-only transaction: it waits for no writer).

    Returns
    -------
    AuditCheck
        ``ok`` with the count, or the first broken entry's id and what is wrong with it.
    """
    if isinstance(bind, Engine):
        from site_manager.register.engine import transaction

        with transaction(bind, readonly=True) as s:
            return _verify(s.connection())
    if isinstance(bind, Session):
        return _verify(bind.connection())
    return _verify(bind)


def _verify(conn: Connection) -> AuditCheck:
    prev, checked = GENESIS, 0
    for row in _entries(conn):
        checked += 1
        if row["entry_hash"] is None or row["prev_hash"] is None:
            return AuditCheck(checked, int(row["id"]), "missing", prev)
        if row["prev_hash"] != prev:
            return AuditCheck(checked, int(row["id"]), "prev link mismatch", prev)
        if entry_hash(prev, row) != row["entry_hash"]:
            return AuditCheck(checked, int(row["id"]), "hash mismatch", prev)
        prev = row["entry_hash"]
    return AuditCheck(checked, None, "", prev)


#: What to do about each problem (the CLI's advice).
ADVICE = {
    "missing": "the entry was written around site-manager (not sealed)",
    "prev link mismatch": "an entry before it was removed, or changed and re-hashed",
    "hash mismatch": "the entry was changed after it was written",
}


def describe(check: AuditCheck) -> str:
    """One line: intact with the count and last hash, or the first broken entry and advice."""
    if check.ok:
        return (f"audit trail intact: {check.checked} entries chained, last hash "
                f"{check.last_hash}")  # fmt: skip
    return (
        f"audit trail broken at entry {check.broken_id}: {check.problem} "
        f"({ADVICE[check.problem]}); keep this register as evidence, find who could write "
        "to the database, and compare with a backup made before that entry"
    )
