"""The spreadsheet formula rule, CSV delimiters and text for terminals and plot labels."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from site_manager import tabular
from tests.hostile import HOSTILE_NAMES

TRICKY = HOSTILE_NAMES + ["'", "''", "'x", "''=1", "'''-x", "\tTab", "\rCR", "", "=", "-"]


@pytest.mark.parametrize("text", TRICKY)
def test_unescape_undoes_escape_for_every_text(text: str) -> None:
    assert tabular.unescape_formula(tabular.escape_formula(text)) == text


def test_escape_prefixes_exactly_the_owasp_starts() -> None:
    starts = {"=": True, "+": True, "-": True, "@": True, "\t": True, "\r": True,
              "a": False, " ": False, "'": False, "1": False, "\n": False}  # fmt: skip
    for first, prefixed in starts.items():
        assert tabular.escape_formula(first + "x") == ("'" if prefixed else "") + first + "x"
    assert tabular.escape_formula("'=x") == "''=x"  # reversible for a text already quoted
    assert tabular.escape_formula(-5) == -5 and tabular.escape_formula(2.5) == 2.5


def test_an_import_keeps_an_apostrophe_not_before_a_formula_start() -> None:
    assert tabular.unescape_formula("'x") == "'x"
    assert tabular.unescape_formula("O'Neil") == "O'Neil"


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [
        ('a,b\n"x;y",2\n', ","),
        ('a;b\n"x,y,z";2\n"p,q";3\n', ";"),
        ("a\tb\nx,y\t2\n", "\t"),
        ("a\n1\n", ","),  # one column: comma
        ('a;b;c\n"1,2";3;"4\n,5"\n', ";"),
    ],
)
def test_the_delimiter_is_judged_on_the_whole_file(text: str, delimiter: str) -> None:
    assert tabular.detect_delimiter(text) == delimiter


def test_csv_rows_read_back_every_hostile_name() -> None:
    frame = pd.DataFrame({"name": TRICKY, "n": range(len(TRICKY))})
    text = tabular.csv_text(frame)
    rows = tabular.read_csv_rows(text)
    assert rows[0] == ["name", "n"]
    assert [r[0] for r in rows[1:]] == TRICKY
    assert [int(r[1]) for r in rows[1:]] == list(range(len(TRICKY)))


def test_xlsx_cells_are_text_and_the_same_table_gives_the_same_bytes() -> None:
    frame = pd.DataFrame({"name": TRICKY, "n": [float(-i) for i in range(len(TRICKY))]})
    data = tabular.xlsx_bytes(frame, sheet="t")
    assert tabular.xlsx_bytes(frame, sheet="t") == data
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    names = [c.value for c in ws["A"][1:]]
    assert {c.data_type for c in ws["A"][1:] if c.value is not None} == {"s"}
    assert {c.data_type for c in ws["B"][1:]} == {"n"}  # numbers stay numbers
    # control characters come back through the OOXML escape; empty text reads as no value
    assert [tabular.read_xlsx_text(v) if v else "" for v in names] == TRICKY


def test_terminal_text_drops_escapes_and_controls_but_keeps_lines() -> None:
    assert tabular.terminal_text("\x1b[31mred\x1b[0m") == "red"
    assert tabular.terminal_text("a\tb\nc\x07\x00\x85d\x7f") == "a\tb\ncd"
    assert tabular.terminal_text("\x1b]0;title\x07x") == "x"
    assert tabular.terminal_text("\x9b2Jx") == "x"  # the one-byte C1 CSI


def test_html_text_escapes_tags_and_ampersands() -> None:
    assert tabular.html_text('<a href="x">A & B</a>') == '&lt;a href="x"&gt;A &amp; B&lt;/a&gt;'


#: The bidirectional embeddings, overrides and isolates (Unicode UAX #9, table 1), and the
#: marks, listed by hand.
OVERRIDES = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
             "\u2069"]  # fmt: skip
MARKS = ["\u200e", "\u200f", "\u061c"]


def test_terminal_text_drops_every_bidirectional_control_and_mark() -> None:
    assert tabular.terminal_text("R\u202eTL mark") == "RTL mark"  # the hostile fixture's
    for char in OVERRIDES + MARKS:
        assert tabular.terminal_text(f"a{char}bc d") == "abc d", hex(ord(char))
    # a right-to-left name without controls is left as it is
    assert tabular.terminal_text("שלום Co") == "שלום Co"


def test_pages_and_plot_labels_drop_overrides_but_keep_marks() -> None:
    for char in OVERRIDES:
        assert tabular.display_text(f"a{char}b") == "ab", hex(ord(char))
        assert tabular.html_text(f"<{char}b>") == "&lt;b&gt;", hex(ord(char))
    for char in MARKS:
        assert tabular.display_text(f"a{char}b") == f"a{char}b", hex(ord(char))
        assert tabular.html_text(f"a{char}b") == f"a{char}b", hex(ord(char))
    assert tabular.html_text("R\u202eTL \x1b[1mmark") == "RTL mark"


def test_xlsx_writes_aware_date_times_as_their_local_wall_clock_time() -> None:
    """Excel has no time zones: 09:00 in Rome is written as 09:00 (not refused, not UTC)."""
    import datetime as dt
    import io
    from zoneinfo import ZoneInfo

    import openpyxl
    import pandas as pd

    from site_manager.tabular import xlsx_bytes

    rome = ZoneInfo("Europe/Rome")
    start = dt.datetime(2026, 12, 7, 9, 0, tzinfo=rome)  # 08:00 UTC
    end = pd.to_datetime(["2026-12-07T11:00"]).tz_localize(rome)  # a time-zone dtype
    frame = pd.DataFrame({"start": pd.Series([start], dtype=object), "end": end})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame))).active
    assert sheet is not None
    assert sheet["A2"].value == dt.datetime(2026, 12, 7, 9, 0)
    assert sheet["B2"].value == dt.datetime(2026, 12, 7, 11, 0)
