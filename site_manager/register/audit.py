"""The audit trail: every change to the register is written through here.

A verb opens an :class:`Audit` for its session, site, actor and verb, then records each
change with one call: :meth:`Audit.added` for a new record, :meth:`Audit.changing` (a
``with`` block) or :meth:`Audit.changed` for an updated one (before and after are the
record's columns, captured by :func:`record_dict`), :meth:`Audit.note` for a change that is
not one record (a file of meter readings, a site's settings). Bulk imports use
:class:`BulkUpsert`, which writes the same entries in a few statements.

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

from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

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

    Existing records are read once; new records and every entry are inserted in bulk by
    :meth:`finish` (Core ``insert`` with many rows), so a file of thousands of rows is
    written in a few statements. Each call counts in ``counts``.
    """

    def __init__(self, audit: Audit, model: Any, key_col: str, counts: Counts) -> None:
        s, site = audit.session, audit.site
        assert site is not None
        self.audit, self.model, self.key_col, self.counts = audit, model, key_col, counts
        self.existing = {getattr(o, key_col): o for o in s.scalars(
            select(model).where(model.site_pk == site.id))}  # fmt: skip
        self.new_rows: dict[str, dict[str, Any]] = {}
        self.entries: list[dict[str, Any]] = []

    def __call__(
        self, key: str, values: dict[str, Any], *, new_defaults: dict | None = None
    ) -> None:
        """Add record ``key`` with ``values``, or update it to them."""
        obj = self.existing.get(key)
        table = self.model.__tablename__
        if obj is None:
            assert self.audit.site is not None
            row = {"site_pk": self.audit.site.id, self.key_col: key} | (new_defaults or {}) | values
            self.new_rows[key] = row
            after = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in row.items()}
            self.entries.append(self.audit.row(table, key, "insert", None, after))
            self.counts.added += 1
            return
        before = record_dict(obj)
        for k, v in values.items():
            setattr(obj, k, v)
        after = record_dict(obj)
        if after == before:
            self.counts.unchanged += 1
            return
        self.entries.append(self.audit.row(table, key, "update", before, after))
        self.counts.updated += 1

    def finish(self) -> None:
        """Flush the updates, then insert the new rows and the entries in bulk."""
        s = self.audit.session
        s.flush()
        if self.new_rows:
            s.execute(insert(self.model), list(self.new_rows.values()))
        if self.entries:
            s.execute(insert(AuditEntry), self.entries)
