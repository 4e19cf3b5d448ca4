"""Checking a file before any of it is written: each cell by the contract, each row by the rules.

A file is read whole (:mod:`site_manager.register.files`), every cell converted by its
column's contract (:mod:`site_manager.register.contracts`), every row checked by the rules
(:mod:`site_manager.register.rules`: references, dates, overlapping leases) and duplicated
ids refused. Every problem is collected; :func:`raise_if_problems` then refuses the file
whole with one :class:`ImportValidationError` that lists each bad row with its file, row
number (as a spreadsheet shows it: the heading is row 1), column and what to do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from site_manager.errors import ValidationError
from site_manager.register import contracts, rules
from site_manager.register.files import read_rows
from site_manager.register.values import parse_record, rename_headings


@dataclass(frozen=True)
class Problem:
    """One bad value of a file: where it is and what to do."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return (" ".join(where) + ": " if where else "") + self.message


class ImportValidationError(ValidationError):
    """A file (or a sample site's files) refused whole; ``problems`` lists every bad row."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        files = list(dict.fromkeys(p.file for p in self.problems))
        rows = {(p.file, p.row) for p in self.problems if p.row is not None}
        n = len(rows) or len(self.problems)
        noun = "bad row" if rows else "problem"
        if len(files) == 1:
            head = f"{files[0]}: {n} {noun}{'s' if n != 1 else ''}: "
            body = "; ".join(str(p) for p in self.problems)
        else:
            head = f"{n} {noun}{'s' if n != 1 else ''} in {len(files)} files: "
            body = "; ".join(f"{p.file} {p}" for p in self.problems)
        super().__init__(head + body)


@dataclass
class ParsedFile:
    """A file's rows as typed records of its table (``_row``: the row number; ``_ok``: no
    problem found in it so far).
    """

    kind: str
    file: str
    records: list[dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)

    def add(self, record: dict[str, Any], found: Iterable[rules.Problem]) -> None:
        """Add the problems a rule found in ``record`` (and mark it bad)."""
        for p in found:
            self.problems.append(Problem(self.file, record["_row"], p.field, p.message))
            record["_ok"] = False


def parse_file(
    kind: str, path: Path | str, *, label: str | None = None, delimiter: str | None = None
) -> ParsedFile:
    """Read a file of table ``kind`` and convert its cells; collect every problem.

    Parameters
    ----------
    kind : str
        A table of :data:`~site_manager.register.contracts.TABLES`: ``tenants``, ``leases``,
        ``equipment``, ``applicants`` (landlord headings accepted) or the sample-site tables
        ``zoning``, ``units``, ``skills``, ``boards``, ``meters``.
    path : Path or str
        A ``.csv`` or ``.xlsx`` file.
    label : str, optional
        How the file is named in messages (default: the path as given).
    delimiter : str, optional
        A CSV's delimiter, ``","``, ``";"`` or ``"tab"`` (default: taken from the file).
    """
    path = Path(path)
    label = label or str(path)
    table = contracts.TABLES[kind]
    headings, body = read_rows(path, delimiter=delimiter)
    names, head_problems = rename_headings(table, headings)
    parsed = ParsedFile(kind, label, [])
    parsed.problems += [Problem(label, None, None, p) for p in head_problems]
    if head_problems:
        return parsed
    seen: dict[str, int] = {}
    for rownum, cells in body:
        values = {n: cells[i] if i < len(cells) else "" for i, n in enumerate(names) if n}
        record, bad = parse_record(table, values, named=False)
        record |= {name: None for name in bad} | {"_row": rownum, "_ok": True}
        parsed.add(record, (rules.Problem(name, message) for name, message in bad.items()))
        key = record.get(table.id_column) if table.id_column else None
        if key is not None and key != "" and seen.setdefault(key, rownum) != rownum:
            parsed.add(record, [rules.Problem(table.id_column or "", f"{key!r} is also on row "
                                              f"{seen[key]}; keep one row per id")])  # fmt: skip
        parsed.records.append(record)
    return parsed


def check_file(parsed: ParsedFile, ctx: rules.SiteContext) -> None:
    """Add the problems the rules find in each row of ``parsed``.

    A lease's tenant may be given by its exact name. The leases of a file replace stored
    leases of the same id, and each good lease holds its unit for the rows after it, so a
    file's leases may not overlap each other either. Every check is a look-up in a set or
    dict, or (overlaps) a bisection in the unit's :class:`~site_manager.register.rules.
    Calendar`: a file of n rows is checked in O(n log n).
    """
    calendars: dict[str, rules.Calendar] = {}
    if parsed.kind == "leases":
        replaced = {r["lease_id"] for r in parsed.records if r.get("lease_id")}
        calendars = {u: rules.Calendar(b for lid, b in held.items() if lid not in replaced)
                     for u, held in ctx.bookings.items()}  # fmt: skip
    for rec in parsed.records:
        if parsed.kind == "leases":
            tid = rec.get("tenant_id")
            if tid and tid not in ctx.tenants and tid in ctx.tenant_names:
                rec["tenant_id"] = ctx.tenant_names[tid]
            parsed.add(rec, rules.check_lease(rec, ctx, calendars))
            if rec["_ok"]:
                calendars[rec["unit_id"]].add(
                    rules.Booking(rec["start"], rec["end"], f"row {rec['_row']} of this file "
                                  f"(tenant {rec['tenant_id']})"))  # fmt: skip
        elif parsed.kind == "applicants":
            parsed.add(rec, rules.check_applicant(rec))
        else:
            parsed.add(rec, rules.check_references(parsed.kind, rec, ctx))


def raise_if_problems(parsed: Iterable[ParsedFile]) -> None:
    """Raise one :class:`ImportValidationError` with every problem of every file."""
    problems = [p for f in parsed for p in f.problems]
    if problems:
        problems.sort(key=lambda p: (p.file, p.row or 0))
        raise ImportValidationError(problems)
