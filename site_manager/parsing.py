"""The one reader of yes/no values and of dates, for files, forms, property sets and flags.

Every boundary that turns text into a boolean or a date (CSV and Excel imports, the sample
folders, ``Pset_MultifactorySpace``, layout problem files, CLI options, dashboard forms)
calls these, so "yes" means the same everywhere.

Examples
--------
>>> parse_bool("Yes"), parse_bool(".F."), parse_bool(1)
(True, False, True)
>>> parse_date("2027-03-31")
datetime.date(2027, 3, 31)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from site_manager.errors import ValidationError

#: Words read as true and as false (case and surrounding spaces ignored). IFC writes
#: ``.T.``/``.F.``; spreadsheets in the sample cities write ja/oui/sì/nein/non.
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "ja", "oui", "si", "sì", ".t."})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "nein", "non", ".f."})

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_bool(value: Any, *, what: str = "value") -> bool:
    """A boolean from ``True``/``False``, 0/1, or one of :data:`TRUE_WORDS`/:data:`FALSE_WORDS`.

    Raises
    ------
    ValidationError
        Naming ``what`` and the value, and the words accepted.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    prefix = f"{what} " if what else ""
    raise ValidationError(f"{prefix}{str(value).strip()!r} is not yes or no")


def parse_date(value: Any, *, what: str = "date") -> dt.date:
    """A date from a ``date``/``datetime`` or a ``YYYY-MM-DD`` string.

    Raises
    ------
    ValidationError
        Naming ``what`` and the value, and the expected form.

    Examples
    --------
    >>> parse_date("2026-02-28")
    datetime.date(2026, 2, 28)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if _DATE.match(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise ValidationError(f"{what} {text!r} is not a date YYYY-MM-DD")


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)$")


def parse_time(value: Any, *, what: str = "time") -> dt.time:
    """A time of day from a ``time`` or ``HH:MM`` (``HH:MM:SS``) text.

    Examples
    --------
    >>> parse_time("8:30"), parse_time("17:00:00")
    (datetime.time(8, 30), datetime.time(17, 0))
    """
    if isinstance(value, dt.time):
        return value
    text = str(value).strip()
    m = _TIME.match(text)
    if m:
        try:
            return dt.time(int(m.group(1)), int(m.group(2)), int(m.group(3) or 0))
        except ValueError:
            pass
    raise ValidationError(f"{what} {text!r} is not a time of day HH:MM")


def parse_local_datetime(value: Any, *, what: str = "time") -> dt.datetime:
    """A wall-clock time (naive) from a naive ``datetime`` or ``YYYY-MM-DDTHH:MM`` text.

    A time with a zone or offset is refused: local times are read in the site's time zone.

    Examples
    --------
    >>> parse_local_datetime("2027-03-01T09:30")
    datetime.datetime(2027, 3, 1, 9, 30)
    """
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value
    text = str(value).strip()
    m = _DATETIME.match(text)
    if m:
        try:
            return dt.datetime.combine(dt.date.fromisoformat(m.group(1)), parse_time(m.group(2)))
        except (ValueError, ValidationError):
            pass
    raise ValidationError(f"{what} {text!r} is not a local time YYYY-MM-DDTHH:MM")


def is_missing(value: Any) -> bool:
    """Whether a cell holds nothing: ``None``, NaN or blank text."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def optional_float(value: Any) -> float | None:
    """A finite number, or ``None`` where the cell is empty or holds no number.

    For values read from files the user did not type for us (IFC property sets, model
    geometry): an unreadable value is unknown, not an error.

    Examples
    --------
    >>> [optional_float(v) for v in ("6.5", "", "n/a", float("inf"))]
    [6.5, None, None, None]
    """
    if is_missing(value):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


__all__ = [
    "FALSE_WORDS",
    "TRUE_WORDS",
    "is_missing",
    "optional_float",
    "parse_bool",
    "parse_date",
]
