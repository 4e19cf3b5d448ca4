"""The tables of shared equipment: bookings and trainings (SQLAlchemy 2 ORM classes).

Kept apart from :mod:`site_manager.register.schema` (which is near the house limit of 600
lines) on the same :class:`~site_manager.register.schema.Base`, so the metadata holds them.
Created by migration ``0008_bookings``.

A booking holds a machine for the half-open interval ``[start_at, end_at)``: timezone-aware
instants stored in UTC (:class:`UTCDateTime`), read and written in the site's local time
zone (``sites.time_zone``) by :mod:`site_manager.register.bookings`. Two live (not
cancelled) bookings of one machine never overlap: the database holds that rule itself (an
exclusion constraint on PostgreSQL, triggers on SQLite), as it does for leases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from site_manager.register.schema import Base

#: Who may book a shared machine: the site's members (tenants with a running lease), or
#: anyone the register knows (also tenants without a lease: outsiders).
BOOKING_ACCESS = ("members", "anyone")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware instant stored in UTC; read back aware (UTC) on every backend.

    SQLite keeps it as naive UTC text (``YYYY-MM-DD HH:MM:SS.ffffff``, which sorts and
    compares as the instants do: the overlap triggers compare it); PostgreSQL as
    ``timestamp with time zone``. A naive value is refused: its zone would be a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        """UTC (naive on SQLite) from an aware instant."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a booking instant must be timezone-aware")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        """An aware UTC instant."""
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class EquipmentBooking(Base):
    """A tenant's hold on a shared machine from ``start_at`` (included) to ``end_at``."""

    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("site_pk", "booking_id"),
        CheckConstraint("end_at > start_at", name="end_after_start"),
        # the overlap triggers (SQLite) find a machine's latest live booking through it
        Index("ix_bookings_live", "equipment_pk", "start_at",
              sqlite_where=text("cancelled_at IS NULL"),
              postgresql_where=text("cancelled_at IS NULL")),
    )  # fmt: skip
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    booking_id: Mapped[str] = mapped_column(String(64))
    equipment_pk: Mapped[int] = mapped_column(ForeignKey("equipment.id"))
    tenant_pk: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    purpose: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200), default="")
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[str | None] = mapped_column(String(200))


class Training(Base):
    """A tenant's induction on a type of machine: who gave it, when, and until when it holds.

    ``valid_until`` is the last day it is valid (``None``: no end).
    """

    __tablename__ = "trainings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_pk: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), index=True)
    tenant_pk: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    equipment_type: Mapped[str] = mapped_column(String(64))
    granted_by: Mapped[str] = mapped_column(String(200), default="")
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
