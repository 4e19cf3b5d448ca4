"""Reading a table file: headings and cells as text, from ``.csv`` or ``.xlsx``.

The cells are converted by the contract (:mod:`site_manager.register.contracts`) and the
rows checked by :mod:`site_manager.register.checks`; this module only reads text.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

from site_manager import tabular
from site_manager.errors import NotFoundError, ValidationError


def read_rows(
    path: Path, *, delimiter: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Headings and ``(row number, cells as text)`` of a ``.csv`` or ``.xlsx`` file.

    Row numbers are those a spreadsheet shows: the heading is row 1 (in a CSV, a record
    whose quoted cell holds a line break counts as one row). Blank rows are skipped. A CSV
    is read as RFC 4180 with the delimiter given (``","``, ``";"``, ``"tab"``) or taken
    from the whole file, and the one ``'`` an export puts before a formula-like text
    removed (:mod:`site_manager.tabular`).
    """
    if not path.is_file():
        raise NotFoundError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix in (".csv", ".txt", ""):
        return _read_csv(path, delimiter)
    raise ValidationError(f"{path}: unknown file type {suffix!r}; give a .csv or .xlsx file")


def _read_csv(path: Path, delimiter: str | None) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    try:
        rows = tabular.read_csv_rows(text, delimiter)
    except csv.Error as exc:
        raise ValidationError(f"{path}: not a readable CSV file ({exc})") from None
    if not rows:
        raise ValidationError(f"{path}: empty file; the first row must hold the headings")
    headings = [h.strip() for h in rows[0]]
    body = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    return headings, body


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return tabular.read_xlsx_text(value)
    return str(value)


def _read_xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise ValidationError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        ws = wb.worksheets[0]
        headings: list[str] | None = None
        body: list[tuple[int, list[str]]] = []
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in row]
            if not any(c.strip() for c in cells):
                continue
            if headings is None:
                headings = [c.strip() for c in cells]
                continue
            body.append((i, cells))
    finally:
        wb.close()
    if headings is None:
        raise ValidationError(f"{path}: empty sheet; the first row must hold the headings")
    return headings, body
