"""Tables leaving and entering the program safely: spreadsheet files and terminal text.

The one home of:

- the spreadsheet formula rule (OWASP "CSV injection"): in a CSV file a text cell that
  starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets one leading ``'``
  (:func:`escape_formula`); reading a CSV removes exactly that ``'`` again
  (:func:`unescape_formula`), so values survive the round trip. A text that already starts
  with ``'`` followed by such a character gets one more, so the rule is reversible for
  every text. Numbers stay numbers;
- writing tables: :func:`csv_text` (RFC 4180, commas, CRLF line ends) and :func:`xlsx_bytes`
  (every text cell a text cell, never a formula; the same table gives the same bytes);
- reading CSV: :func:`read_csv_rows` (RFC 4180; the delimiter taken from the whole file,
  comma, semicolon or tab, or given);
- text for a terminal (:func:`terminal_text`), for pages (:func:`display_text`) and for
  plotly labels (:func:`html_text`): no escape sequence, control character or bidirectional
  override of a name reaches them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from typing import Any

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile(r"^'*[=+\-@\t\r]")
_UNESCAPE = re.compile(r"^'+[=+\-@\t\r]")

#: Delimiters :func:`read_csv_rows` recognises, by the name ``--delimiter`` takes.
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t"}

# C0 and C1 control characters but tab and newline, and ANSI escape sequences (CSI, OSC)
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The bidirectional embeddings, overrides and isolates (LRE, RLE, PDF, LRO, RLO; LRI,
#: RLI, FSI, PDI): each changes the direction of the text after it, beyond the name that
#: holds it (a "Trojan Source" name can reverse a whole line of a page or a terminal).
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: The bidirectional marks (LRM, RLM, ALM): invisible letters with a direction but no
#: reach; a page keeps them (right-to-left names may need them), a terminal does not.
BIDI_MARKS = re.compile("[\u200e\u200f\u061c]")
# what XML 1.0 cannot hold (and CR, which XML reads as LF), written as OOXML's _xHHHH_
# escape in an .xlsx
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_XML_ESCAPED = re.compile(r"_x(000[0-8]|000[b-fB-F]|001[0-9a-fA-F])_")


def escape_formula(value: Any) -> Any:
    """``value`` with one leading ``'`` if it is a text a spreadsheet would run as a formula.

    Anything but ``str`` (numbers, dates, missing values) is returned unchanged.
    """
    if isinstance(value, str) and _ESCAPED.match(value):
        return "'" + value
    return value


def unescape_formula(text: str) -> str:
    """The inverse of :func:`escape_formula`: one leading ``'`` removed before a formula start."""
    return text[1:] if _UNESCAPE.match(text) else text


def safe_frame(frame: Any) -> Any:
    """A copy of ``frame`` whose text cells carry the formula rule (:func:`escape_formula`).

    What every CSV writer applies; numeric, date and boolean columns are untouched.
    """
    import pandas as pd

    out = pd.DataFrame(frame).copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or
                pd.api.types.is_datetime64_any_dtype(out[column])):  # fmt: skip
            out[column] = out[column].map(escape_formula).astype(object)
    out.columns = [escape_formula(str(c)) for c in out.columns]
    return out


def csv_text(frame: Any, **to_csv: Any) -> str:
    """``frame`` as RFC 4180 CSV (commas, ``"`` quoting, CRLF), formula rule applied.

    ``to_csv`` passes on to :meth:`pandas.DataFrame.to_csv` (e.g. ``float_format``).
    """
    options: dict[str, Any] = {"index": False, "lineterminator": "\r\n"} | to_csv
    return str(safe_frame(frame).to_csv(**options))


def write_csv(frame: Any, out: Any, **to_csv: Any) -> None:
    """Write :func:`csv_text` to a text stream, or to a file path (UTF-8)."""
    text = csv_text(frame, **to_csv)
    if hasattr(out, "write"):
        out.write(text)
    else:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)


def xlsx_bytes(frame: Any, *, sheet: str = "data", more: Any = None) -> bytes:
    """``frame`` as an .xlsx workbook (sheet ``sheet``); every text cell a text cell.

    ``more`` maps further sheet names to frames, written after the first. openpyxl takes a
    text starting with ``=`` for a formula: each such cell is set back to text. Control
    characters XML cannot hold (and carriage returns) are written as OOXML's ``_xHHHH_``
    escape (:func:`read_xlsx_text` undoes it). Excel has no time zones: an aware date-time
    is written as its local wall-clock time (as the pages show it, without the offset). The
    file's time stamps are fixed, so the same table gives the same bytes.
    """
    import pandas as pd

    sheets = {sheet: frame} | dict(more or {})
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in sheets.items():
            out = pd.DataFrame(table).copy()
            for column in out.columns:
                if isinstance(out[column].dtype, pd.DatetimeTZDtype):
                    out[column] = out[column].dt.tz_localize(None)
                elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
                    out[column] = out[column].map(_xlsx_escape).astype(object)
            out.to_excel(writer, index=False, sheet_name=name[:31] or "data")
        for ws in writer.book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
    return _fixed_zip(buffer.getvalue())


def write_xlsx(frame: Any, path: Any, *, sheet: str = "data", more: Any = None) -> None:
    """Write :func:`xlsx_bytes` to ``path``."""
    with open(path, "wb") as fh:
        fh.write(xlsx_bytes(frame, sheet=sheet, more=more))


def _xlsx_escape(value: Any) -> Any:
    if isinstance(value, str) and _XML_ILLEGAL.search(value):
        return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)  # the local wall-clock time
    return value


def read_xlsx_text(text: str) -> str:
    """A text cell of an .xlsx with OOXML's ``_xHHHH_`` escapes of control characters undone."""
    if "_x" not in text:
        return text
    return _XML_ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


_CORE_DATES = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _fixed_zip(data: bytes) -> bytes:
    """The workbook re-zipped with fixed time stamps and without creation/modification dates."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_DATES.sub(b"", body)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, body)
    return target.getvalue()


def detect_delimiter(text: str) -> str:
    """The delimiter of a CSV text, judged on the whole text: comma, semicolon or tab.

    Quoted cells are left out of the count; the delimiter is the candidate that splits
    every record into the same number of cells, the most often used one when several or
    none do; a comma when the text has none of them.
    """
    bare = re.sub(r'"[^"]*"', '""', text)
    lines = [line for line in re.split(r"\r\n|\n|\r", bare) if line.strip()]
    counts = {d: [line.count(d) for line in lines] for d in (",", ";", "\t")}
    steady = [d for d, c in counts.items() if c and c[0] > 0 and len(set(c)) == 1]
    pool = steady or [d for d, c in counts.items() if sum(c)]
    if not pool:
        return ","
    return max(pool, key=lambda d: (sum(counts[d]), d == ","))


def read_csv_rows(text: str, delimiter: str | None = None) -> list[list[str]]:
    """The records of an RFC 4180 CSV text, each cell with :func:`unescape_formula` applied.

    Parameters
    ----------
    text : str
        The whole file, newlines as written (read it with ``newline=""`` or from bytes).
    delimiter : str, optional
        ``","``, ``";"`` or ``"tab"``; default: :func:`detect_delimiter`.
    """
    sep = DELIMITERS[delimiter] if delimiter else detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"',
                        doublequote=True, skipinitialspace=False, strict=False)  # fmt: skip
    return [[unescape_formula(c) for c in row] for row in reader]


def terminal_text(value: Any) -> str:
    """``value`` as text safe to print: ANSI escapes, C0/C1 control characters (newline
    and tab kept) and every bidirectional control and mark removed.

    A terminal applies the bidirectional algorithm, if at all, to whole lines, so an
    override in a name (U+202E, RIGHT-TO-LEFT OVERRIDE) would reverse the columns after
    it; stripped, the name prints in its stored (logical) order.
    """
    return BIDI_MARKS.sub("", display_text(value))


def display_text(value: Any) -> str:
    """``value`` without ANSI escapes, C0/C1 control characters (newline and tab kept) and
    bidirectional embeddings, overrides and isolates (:data:`BIDI_CONTROLS`).

    For pages and plot labels: the overrides are removed rather than wrapped in an isolate,
    so a name cannot reverse the text around it, nor its own (it shows in the order it is
    stored, as an export writes it); the marks (LRM, RLM, ALM) stay: they reverse no run
    of text, only settle the direction of neutral characters next to them.
    """
    text = str(value)
    return BIDI_CONTROLS.sub("", _CONTROL.sub("", _ANSI.sub("", text)))


def html_text(value: Any) -> str:
    """``value`` with ``&``, ``<`` and ``>`` escaped, for plotly labels and hover texts,
    and cleaned by :func:`display_text` (no control characters, no bidirectional
    overrides: a name cannot reverse an axis label or the hover text around it).

    Plotly renders ``<a>``, ``<b>``, ``<br>`` and a few other tags in its texts; escaped,
    a name shows as written.
    """
    text = display_text(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
