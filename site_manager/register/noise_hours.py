"""A site's operating hours of its machines by kind of tenant, for the noise at the neighbours.

The table (``site_noise_hours``, migration ``0013_noise_hours``; kept apart from
:mod:`site_manager.register.schema`, at the house limit of 600 lines, on the same
:class:`~site_manager.register.schema.Base`), and how its values are checked, written and
read. The verb is :func:`site_manager.register.settings.set_noise_hours`; a kind the site
does not list uses :data:`site_manager.assumptions.NOISE_HOURS`
(:func:`site_manager.assumptions.noise_hours` puts the two together).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, Float, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from site_manager.errors import ValidationError
from site_manager.register.schema import Base, Site
from site_manager.register.values import parse_number


class SiteNoiseHours(Base):
    """The hours a site's machines of one kind of tenant run by day (06–22) and by night
    (22–06). ``kind``: a tenant kind, or ``shared`` for the shared workshops' machines and
    machines of no owner or of an unlisted kind. [h]
    """

    __tablename__ = "site_noise_hours"
    __table_args__ = (
        CheckConstraint("hours_day >= 0 AND hours_day <= 16", name="hours_day"),
        CheckConstraint("hours_night >= 0 AND hours_night <= 8", name="hours_night"),
    )
    site_pk: Mapped[int] = mapped_column(
        ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    hours_day: Mapped[float] = mapped_column(Float)
    hours_night: Mapped[float] = mapped_column(Float)


def check_noise_hours(hours: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """The hours by kind, checked: kind → (day, night) with day in 0–16 and night in 0–8
    (the periods of the noise limits, :data:`site_manager.assumptions.DAY_HOURS` and
    ``NIGHT_HOURS``); a kind is a key of :data:`site_manager.assumptions.NOISE_HOURS` or
    :data:`~site_manager.assumptions.SHARED_NOISE_KIND`. [h]
    """
    from site_manager.assumptions import DAY_HOURS, NIGHT_HOURS, NOISE_HOURS, SHARED_NOISE_KIND

    kinds = (*NOISE_HOURS, SHARED_NOISE_KIND)
    out: dict[str, tuple[float, float]] = {}
    for kind, pair in hours.items():
        if kind not in kinds:
            raise ValidationError(f"operating hours: kind {kind!r} is not one of "
                                  f"{', '.join(kinds)}")  # fmt: skip
        if isinstance(pair, str) or len(pair) != 2:
            raise ValidationError(f"operating hours of {kind}: give two numbers, hours by day "
                                  "and hours at night")  # fmt: skip
        day = parse_number(pair[0], what=f"{kind} hours by day [h]", minimum=0.0,
                           maximum=DAY_HOURS)  # fmt: skip
        night = parse_number(pair[1], what=f"{kind} hours at night [h]", minimum=0.0,
                             maximum=NIGHT_HOURS)  # fmt: skip
        out[kind] = (day, night)
    return out


def write_noise_hours(s: Session, st: Site, hours: dict[str, tuple[float, float]]) -> None:
    """Set the hours the machines of each kind run by day and by night (checked by
    :func:`check_noise_hours`); kinds not given keep theirs. [h]
    """
    for kind, (day, night) in hours.items():
        row = s.get(SiteNoiseHours, (st.id, kind))
        if row is None:
            s.add(SiteNoiseHours(site_pk=st.id, kind=kind, hours_day=day, hours_night=night))
        else:
            row.hours_day, row.hours_night = day, night
    s.flush()


def read_noise_hours(s: Session, st: Site) -> dict[str, tuple[float, float]]:
    """Kind → (hours by day, hours at night) as the site set them. [h]"""
    return {
        h.kind: (float(h.hours_day), float(h.hours_night))
        for h in s.scalars(
            select(SiteNoiseHours).where(SiteNoiseHours.site_pk == st.id)
            .order_by(SiteNoiseHours.kind)
        )
    }  # fmt: skip
