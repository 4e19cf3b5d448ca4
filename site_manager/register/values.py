"""Reading a value, or a file's headings, by its column's contract.

One reader for every way a value comes in: a cell of a CSV or Excel file, a sample-site
file, a command-line option, a dashboard form, a verb's argument. Yes/no and dates are
read by :mod:`site_manager.parsing`; numbers, text, months, allowed values and lists here;
the limits are the column's (:mod:`site_manager.register.contracts`).

Examples
--------
>>> from site_manager.register.contracts import LEASES
>>> parse_value(LEASES.column("rent_eur_per_month"), "950")
950.0
>>> parse_value(LEASES.column("common_cost_share"), "1.5")
Traceback (most recent call last):
...
site_manager.errors.ValidationError: '1.5' is above 1; give at most 1
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from site_manager.errors import ValidationError
from site_manager.parsing import parse_bool, parse_date, parse_local_datetime, parse_time
from site_manager.register.contracts import TYPE_WORDS, Column, Table


def _prefix(what: str) -> str:
    return f"{what} " if what else ""


def parse_number(
    value: Any,
    *,
    what: str = "",
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
) -> float:
    """A finite number within ``[minimum, maximum]``; a ``ValidationError`` otherwise.

    A comma is refused rather than guessed at (``1,5`` is 1.5 in much of Europe and 15 to a
    thousands separator).

    Examples
    --------
    >>> parse_number(" 12.5 ", what="area", minimum=0)
    12.5
    >>> parse_number(-1, what="rent", minimum=0)
    Traceback (most recent call last):
    ...
    site_manager.errors.ValidationError: rent -1 is below 0; give at least 0
    """
    p = _prefix(what)
    try:
        if isinstance(value, bool):
            raise TypeError
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{p}{shown(value)} is not a number") from None
    if not math.isfinite(number):
        raise ValidationError(f"{p}{shown(value)} is not a finite number")
    if minimum is not None and exclusive_minimum and number <= minimum:
        raise ValidationError(f"{p}{value!r} is not above {minimum:g}; give more than {minimum:g}")
    if minimum is not None and number < minimum:
        raise ValidationError(f"{p}{value!r} is below {minimum:g}; give at least {minimum:g}")
    if maximum is not None and number > maximum:
        raise ValidationError(f"{p}{value!r} is above {maximum:g}; give at most {maximum:g}")
    return number


#: Control characters no text may hold: NUL, the rest of C0 and DEL (free text may hold tab,
#: line feed and carriage return).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_FREE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def shown(value: Any, longest: int = 20) -> str:
    """``value`` as a message shows it: quoted, control characters escaped, shortened.

    Examples
    --------
    >>> print(shown("T-1"), shown("x" * 30))
    'T-1' 'xxxxxxxxxxxxxxxxxxxx…'
    """
    text = str(value)
    return repr(text[:longest] + "…") if len(text) > longest else repr(text)


def text_problem(text: str, *, max_length: int | None = None, free_text: bool = False) -> str:
    r"""What is wrong with ``text`` by a column's limits (``""``: nothing), without the text.

    Parameters
    ----------
    text : str
        The value, stripped.
    max_length : int, optional
        Longest allowed. [characters]
    free_text : bool
        Whether tab, line feed and carriage return are allowed.

    Examples
    --------
    >>> text_problem("n" * 10240, max_length=200)
    '10,240 characters; at most 200 allowed'
    >>> text_problem("T\x00-9")
    'control character U+0000 at character 2; give printable text'
    """
    if max_length is not None and len(text) > max_length:
        return f"{len(text):,} characters; at most {max_length:,} allowed"
    bad = (_CONTROL_IN_FREE_TEXT if free_text else _CONTROL).search(text)
    if bad:
        return (f"control character U+{ord(bad.group()):04X} at character {bad.start() + 1}; "
                "give printable text")  # fmt: skip
    return ""


def parse_text(
    value: Any, *, what: str = "", max_length: int | None = None, free_text: bool = False
) -> str:
    """Text without surrounding spaces, by :func:`text_problem`'s limits.

    Raises
    ------
    ValidationError
        ``"<what>: 10,240 characters; at most 200 allowed"``: the message names the field
        (``what``) and what is wrong, never the value.
    """
    text = str(value).strip()
    problem = text_problem(text, max_length=max_length, free_text=free_text)
    if problem:
        raise ValidationError(f"{what}: {problem}" if what else problem)
    return text


def _choice(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def _not_a(col: Column, value: Any, what: str) -> ValidationError:
    return ValidationError(f"{_prefix(what)}{shown(value)} is not a {TYPE_WORDS[col.type]}")


def parse_value(col: Column, value: Any, *, what: str = "") -> Any:
    """A value of column ``col`` from a cell, an option or a form: typed and checked.

    Text is stripped; an empty value is refused when the column is required and gives
    :attr:`Column.default` otherwise.

    Parameters
    ----------
    col : Column
        The column.
    value : Any
        Text (a cell), or a typed value (a date, a number) given by a verb or a form.
    what : str
        How messages name the value (empty where the caller names the column itself, as a
        file's problems do with ``column ...``).

    Raises
    ------
    ValidationError
        The value breaks the contract; the message says what to give.
    """
    p = _prefix(what)
    if (
        value is None
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, float) and math.isnan(value))
    ):
        if col.required:
            raise ValidationError(f"{p}is empty; fill it in" if p else "empty; fill it in")
        return col.default
    kind = col.type
    if kind in ("number", "integer"):
        number = parse_number(value, what=what, minimum=col.minimum, maximum=col.maximum,
                              exclusive_minimum=col.exclusive_minimum)  # fmt: skip
        if kind == "integer":
            if not number.is_integer():
                raise _not_a(col, value, what)
            return int(number)
        return number
    if kind == "date":
        try:
            return parse_date(value)
        except ValidationError:
            raise _not_a(col, str(value).strip(), what) from None
    if kind in ("time", "datetime"):
        try:
            return parse_time(value) if kind == "time" else parse_local_datetime(value)
        except ValidationError:
            raise _not_a(col, str(value).strip(), what) from None
    if kind == "bool":
        try:
            return parse_bool(value)
        except ValidationError:
            raise _not_a(col, str(value).strip(), what) from None
    if kind == "list":
        text = parse_text(value, what=what, free_text=col.free_text)
        items = [x.strip() for x in re.split(r"[;,]", text) if x.strip()]
        if col.choices:
            items = [_choice(x) for x in items]
            bad = [x for x in items if x not in col.choices]
            if bad:
                raise ValidationError(f"{p}{', '.join(x[:20] for x in bad[:3])}"
                                      f"{' …' if len(bad) > 3 else ''} not allowed; use "
                                      f"{', '.join(col.choices)}")  # fmt: skip
        return parse_text(";".join(items), what=what, max_length=col.max_length)
    text = parse_text(value, what=what, max_length=col.max_length, free_text=col.free_text)
    if kind == "month":
        if not re.match(r"^\d{4}-(0[1-9]|1[0-2])$", text):
            raise _not_a(col, text, what)
        return text
    if kind == "choice":
        if _choice(text) not in col.choices:
            raise ValidationError(f"{p}{shown(text)} is not one of {', '.join(col.choices)}")
        return _choice(text)
    return text


def parse_record(
    table: Table, values: Mapping[str, Any], *, named: bool = True, record: str = ""
) -> tuple[dict[str, Any], dict[str, str]]:
    """Every column of ``table`` from ``values`` (missing ones empty): typed record, problems.

    Parameters
    ----------
    table : Table
        The table whose columns are read.
    values : mapping
        Column → value as given (text, or typed); absent columns are empty.
    named : bool
        Whether each message starts with the column's name (a verb's or form's messages)
        or not (a file's problems name the column apart).
    record : str
        How a named message names the record before the column (``tenant T-9``).

    Returns
    -------
    record : dict
        Column → value; a column whose value was refused is absent.
    problems : dict
        Column → message, for each refused value.
    """
    typed: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for col in table.columns:
        try:
            what = f"{record} {col.name}".strip() if named else ""
            typed[col.name] = parse_value(col, values.get(col.name), what=what)
        except ValidationError as exc:
            problems[col.name] = str(exc)
    return typed, problems


# ---------------------------------------------------------------- headings

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_heading(heading: str) -> str:
    """A heading folded for matching: lower case, letters and digits only.

    Examples
    --------
    >>> normalise_heading(" Monthly rent (EUR) ")
    'monthlyrenteur'
    """
    return _NON_WORD.sub("", str(heading).strip().casefold())


def heading_map(table: Table) -> dict[str, str]:
    """Normalised heading → canonical name (a canonical name always means itself)."""
    mapping: dict[str, str] = {}
    for col in table.columns:
        for heading in col.headings:
            mapping.setdefault(normalise_heading(heading), col.name)
    for col in table.columns:
        mapping[normalise_heading(col.name)] = col.name
    return mapping


def rename_headings(table: Table, headings: list[str]) -> tuple[list[str | None], list[str]]:
    """Canonical names for a file's headings, and the problems found.

    Returns
    -------
    names : list of str or None
        One per heading; ``None`` for a heading that is none of the table's columns (it is
        ignored).
    problems : list of str
        Missing required columns and columns given twice.
    """
    mapping = heading_map(table)
    names: list[str | None] = [mapping.get(normalise_heading(h)) for h in headings]
    problems: list[str] = []
    seen: dict[str, str] = {}
    for heading, name in zip(headings, names, strict=True):
        if name is None:
            continue
        if name in seen:
            problems.append(
                f"columns {seen[name]!r} and {heading!r} both mean {name}; keep one of them"
            )
        seen.setdefault(name, heading)
    for col in table.columns:
        if col.required and col.name not in seen:
            accepted = ", ".join(repr(h) for h in (col.name, *col.headings))
            problems.append(f"no column {col.name} (any of {accepted}); add it")
    return names, problems
