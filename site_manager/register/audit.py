"""The audit trail: every change to the register is written through here.

A verb opens an :class:`Audit` for its session, site, actor and verb, then records each
change with one call: :meth:`Audit.added` for a new record, :meth:`Audit.changing` (a
``with`` block) or :meth:`Audit.changed` for an updated one (before and after are the
record's columns, captured by :func:`record_dict`), :meth:`Audit.note` for a change that is
not one record (a file of meter readings, a site's settings). Bulk imports use
:class:`BulkUpsert`, which writes the same entries in a few statements.

The trail is append-only (the database refuses UPDATE and DELETE of an entry) and
hash-chained: the writer's commit seals the entries it wrote, whichever way they were
written (:mod:`site_manager.register.audit_chain`, which also verifies the chain).

Examples
--------
>>> from site_manager import register
>>> from site_manager.register.schema import AuditEntry
>>> engine = register.open_register("sqlite://")
>>> with register.transaction(engine) as s:
...     Audit(s, None, "alice", "example").note("sites", "none", "update", after={"a": 1})
...     s.scalars(select(AuditEntry.after_json)).all()
['{"a": 1}']
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.orm import Session

from site_manager.register import access
from site_manager.register.schema import AuditEntry, Base, Site


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def record_dict(obj: Base) -> dict[str, Any]:
    """A record's column values, JSON-ready (dates ISO)."""
    out: dict[str, Any] = {}
    for col in obj.__table__.columns:  # type: ignore[attr-defined]
        value = getattr(obj, col.key)
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        out[col.key] = value
    return out


#: Column → value of a record, or of a change (``None``: none).
Values = dict[str, Any] | None


def _json(values: Values) -> str | None:
    return None if values is None else json.dumps(values, sort_keys=True, default=str)


@dataclass
class Audit:
    """The audit trail of one verb: the session it writes in, the site, who and which verb."""

    session: Session
    site: Site | None
    actor: str
    verb: str
    at: dt.datetime = field(default_factory=now)

    def __post_init__(self) -> None:
        # the one access check of every write: the verb's name is its action
        self.actor = access.authorize(self.verb, self.actor).name

    def row(
        self, table: str, record: str, action: str, before: Values, after: Values
    ) -> dict[str, Any]:
        """The values of one entry (for a bulk insert)."""
        return {"site_pk": None if self.site is None else self.site.id, "at": self.at,
                "actor": self.actor, "verb": self.verb, "table_name": table, "record": record,
                "action": action, "before_json": _json(before),
                "after_json": _json(after)}  # fmt: skip

    def note(self, table: str, record: str, action: str, *, before: Values = None,
             after: Values = None) -> None:  # fmt: skip
        """Write one entry whose before and after are given (not one record's columns)."""
        self.session.add(AuditEntry(**self.row(table, record, action, before, after)))

    def added(self, obj: Base, *, record: str, extra: dict[str, Any] | None = None) -> None:
        """Add a new record to the session and write its entry (after: its columns)."""
        self.session.add(obj)
        self.session.flush()
        self.note(obj.__tablename__, record, "insert", after=record_dict(obj) | (extra or {}))

    def changed(
        self,
        obj: Base,
        before: dict[str, Any] | None,
        *,
        record: str,
        extra: dict[str, Any] | None = None,
    ) -> None:
        """Write the entry of a record changed since ``before`` (``None``: it is new).

        A record whose columns are all as they were gets no entry: nothing changed (ending a
        lease on the last day it already has, setting a value to what it is).
        """
        self.session.flush()
        after = record_dict(obj)
        if before is not None and after == before:
            return
        self.note(obj.__tablename__, record, "insert" if before is None else "update",
                  before=before, after=after | (extra or {}))  # fmt: skip

    @contextlib.contextmanager
    def changing(
        self, obj: Base, *, record: str, extra: dict[str, Any] | None = None
    ) -> Iterator[Base]:
        """A ``with`` block that changes ``obj``; its entry holds the columns before and after.

        A record not yet in the database (new) is added to the session and written as an
        insert.
        """
        state = inspect(obj)
        before = record_dict(obj) if state.persistent else None
        yield obj
        if state.transient:
            self.session.add(obj)
        self.changed(obj, before, record=record, extra=extra)


class Counts(Protocol):
    """Where :class:`BulkUpsert` counts the records it added, updated and left unchanged."""

    added: int
    updated: int
    unchanged: int


class BulkUpsert:
    """Insert or update many records of one table by natural key, auditing each change.

    Built in two steps so that a bulk import holds the write lock only to write: calls
    (``upsert(key, values)``) compare each record with the stored one, read once as plain
    rows, and plan the new rows, the changed columns and every audit entry without writing
    anything (this may run in a read transaction); :meth:`finish` then writes the plan in a
    few statements of at most :data:`BATCH` rows (Core ``insert``/``update``, executemany).
    The plan is valid for the register as it was read; a caller that writes it in another
    transaction makes sure nothing was written in between (``register.get_revision``).
    Each call counts in ``counts``.
    """

    #: Rows per INSERT/UPDATE executemany. [-]
    BATCH = 5000

    def __init__(self, audit: Audit, model: Any, key_col: str, counts: Counts) -> None:
        s, site = audit.session, audit.site
        assert site is not None
        self.audit, self.model, self.key_col, self.counts = audit, model, key_col, counts
        self.table = model.__table__
        self.existing = {row[key_col]: dict(row) for row in s.execute(
            select(self.table).where(self.table.c.site_pk == site.id)).mappings()}  # fmt: skip
        self.new_rows: dict[str, dict[str, Any]] = {}
        self.updates: list[dict[str, Any]] = []
        self.entries: list[dict[str, Any]] = []

    def __call__(
        self, key: str, values: dict[str, Any], *, new_defaults: dict | None = None
    ) -> None:
        """Plan record ``key`` with ``values``: added, or updated to them."""
        stored = self.existing.get(key)
        table = self.table.name
        if stored is None:
            assert self.audit.site is not None
            row = {"site_pk": self.audit.site.id, self.key_col: key} | (new_defaults or {}) | values
            self.new_rows[key] = row
            self.entries.append(self.audit.row(table, key, "insert", None, _json_ready(row)))
            self.counts.added += 1
            return
        changed = {k: v for k, v in values.items() if stored[k] != v}
        if not changed:
            self.counts.unchanged += 1
            return
        self.updates.append({"_pk": stored["id"]} | changed)
        self.entries.append(self.audit.row(table, key, "update", _json_ready(stored),
                                           _json_ready(stored | changed)))  # fmt: skip
        self.counts.updated += 1

    def finish(self, session: Session | None = None) -> None:
        """Write the plan in ``session`` (default: the audit's): updates, new rows, entries."""
        s = session or self.audit.session
        s.flush()
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for u in self.updates:  # one UPDATE statement per set of changed columns
            by_columns.setdefault(tuple(sorted(u)), []).append(u)
        for cols, rows in by_columns.items():
            # bind names differ from the columns' (SQLAlchemy reserves those for SET)
            stmt = (update(self.table).where(self.table.c.id == bindparam("_pk"))
                    .values({c: bindparam(f"_v_{c}") for c in cols if c != "_pk"}))  # fmt: skip
            params = [{f"_v_{k}" if k != "_pk" else k: v for k, v in u.items()} for u in rows]
            for batch in _batches(params, self.BATCH):
                s.execute(stmt, batch)
        for batch in _batches(list(self.new_rows.values()), self.BATCH):
            s.execute(insert(self.table), batch)
        for batch in _batches(self.entries, self.BATCH):
            s.execute(insert(AuditEntry.__table__), batch)  # type: ignore[arg-type]
        if self.updates:
            s.expire_all()  # objects the session holds were changed behind its back


def _json_ready(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date | dt.datetime) else v
            for k, v in values.items()}  # fmt: skip


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def record_event(
    bind: Any,
    *,
    actor: str,
    verb: str,
    action: str,
    table: str = "users",
    record: str = "",
    after: Values = None,
    site_pk: int | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Write one entry in a transaction of its own, outside any verb's access check.

    For what is not a change of a record but must be on the trail: a login (``action``
    ``"login"``), a failed login (``"login_failed"``), an action refused (``"refused"``).
    ``bind`` is an engine (a session's bind is used when a session is given); ``at`` the
    time of the event (default: now).
    """
    from site_manager.register.engine import (  # engine records refusals here
        KEEP_REVISION,
        transaction,
    )

    engine: Any = bind.get_bind() if isinstance(bind, Session) else bind
    with transaction(engine) as s:
        s.info[KEEP_REVISION] = True  # an event on the trail: the site's data are unchanged
        entry = AuditEntry(site_pk=site_pk, at=at or now(), actor=actor[:200] or "anonymous",
                           verb=verb[:64], table_name=table[:64], record=record[:200],
                           action=action[:16], before_json=None)  # fmt: skip
        entry.after_json = _json(after)
        s.add(entry)


def record_refusal(bind: Any, error: access.AccessDenied) -> None:
    """Put an :class:`~site_manager.register.access.AccessDenied` on the trail (its own tx)."""
    record_event(bind, actor=error.actor, verb=error.action or "access", action="refused",
                 table="access", record=error.action, after={"message": str(error)})  # fmt: skip
