"""The table downloads: CSV and Excel files that read back to the table shown."""

from __future__ import annotations

import datetime as dt
import io
import re

import geopandas as gpd
import pandas as pd
from shapely import box

from site_manager.app import ui
from tests.hostile import HOSTILE_NAMES

from .conftest import shown


def _table() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "unit_id": ["U1", "U2"],
            "space_global_ids": [["a", "b"], ["c"]],
            "psets": [{"Pset.X": 1}, {}],
            "start": [dt.date(2026, 1, 1), dt.date(2027, 2, 1)],
            "area_m2": [12.5, 40.0],
        },
        geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2)],
    )


def test_csv_downloads_drop_the_geometry_and_join_lists() -> None:
    text = ui.csv_bytes(_table()).decode("utf-8")
    assert text.splitlines() == [
        "unit_id,space_global_ids,psets,start,area_m2",
        "U1,a; b,{'Pset.X': 1},2026-01-01,12.5",
        "U2,c,{},2027-02-01,40.0",
    ]


def test_excel_downloads_read_back_to_the_same_cells() -> None:
    back = pd.read_excel(io.BytesIO(ui.excel_bytes(_table(), sheet="units")), sheet_name="units")
    assert back["unit_id"].tolist() == ["U1", "U2"]
    assert back["space_global_ids"].tolist() == ["a; b", "c"]
    assert back["area_m2"].tolist() == [12.5, 40.0]
    assert "geometry" not in back.columns


def test_the_zoning_table_saves_only_the_rows_given_a_new_use() -> None:
    from site_manager.app.page_zoning import zoning_changes

    before = pd.DataFrame(
        {"global_id": ["a", "b", "c", "d"], "use": ["storage", None, "technical", "outdoor"]}
    )
    after = before.assign(use=["storage", "shared_service", None, "circulation"])
    assert zoning_changes(before, after) == {"b": "shared_service", "d": "circulation"}


def test_text_escapes_every_markdown_and_html_sign_of_a_hostile_name() -> None:
    for name in HOSTILE_NAMES:
        out = ui.text(name)
        # every ASCII punctuation sign is preceded by a backslash (CommonMark: then literal)
        unescaped = [i for i, ch in enumerate(out) if not ch.isalnum() and ch.isascii()
                     and ch not in " \\" and (i == 0 or out[i - 1] != "\\")]  # fmt: skip
        assert unescaped == [], (name, out)
        assert "\n" not in out and "\x1b" not in out
    assert ui.text("![p](http://h/p.png)") == "\\!\\[p\\]\\(http\\:\\/\\/\u2060h\\/p\\.png\\)"
    assert ui.text("www.x.org a@b.c") == "www\u2060\\.x\\.org a\\@\u2060b\\.c"
    assert ui.text("two\nlines") == "two lines"


def test_text_spoils_emoji_and_icon_shortcodes_with_a_word_joiner() -> None:
    # Streamlit draws ":name:" as an emoji and ":material/name:" as an icon once the
    # escapes are undone: a word joiner after each colon before a word leaves no
    # ":word:" to match
    assert ui.text(":smile:") == "\\:\u2060smile\\:"
    assert ui.text(":material/home:") == "\\:\u2060material\\/home\\:"
    assert ui.text(":-1::+1:") == "\\:\u2060\\-1\\:\\:\u2060\\+1\\:"
    assert ui.text("A1: 2 at 10:30") == "A1\\: 2 at 10\\:\u206030"  # ": " left alone
    unescaped = shown(ui.text(":smile: :+1: :material/home: :red[x]"))
    assert unescaped == ":smile: :+1: :material/home: :red[x]"
    for name in HOSTILE_NAMES:
        plain = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", ui.text(name))
        assert re.search(r":[\w+/-]+:", plain) is None, (name, plain)


def test_text_drops_bidirectional_overrides_so_a_name_cannot_reverse_the_page() -> None:
    assert shown(ui.text("R\u202eTL mark")) == "RTL mark"
    assert shown(ui.text("a\u2067b\u2069c\u202dd")) == "abcd"
    assert shown(ui.text("a\u200fb")) == "a\u200fb"  # a mark reverses nothing: kept


def test_plot_labels_and_hovers_escape_names() -> None:
    from site_manager import charts, figures

    leases = pd.DataFrame({"lease_id": ["<b>L</b>"], "unit_id": ["U1"],
                           "tenant_name": ['<a href="http://h/x">Pay</a>'],
                           "start": ["2026-01-01"], "end": ["2026-12-31"]})  # fmt: skip
    fig = charts.expiry_timeline_figure(leases, today="2026-06-01")
    (bar,) = fig.data
    assert list(bar.y) == ['U1 · &lt;a href="http://h/x"&gt;Pay&lt;/a&gt;']
    assert bar.customdata[0][0] == "&lt;b&gt;L&lt;/b&gt;"
    pie = figures.pie_figure(pd.Series([1.0], index=["<script>x</script>"]), title="a & b")
    assert list(pie.data[0].labels) == ["&lt;script&gt;x&lt;/script&gt;"]
    assert pie.layout.title.text == "a &amp; b"
    bar_fig = figures.bar_figure(pd.DataFrame({"storey": ["<br>G"], "m2": [1.0]}), x="storey",
                                 y="m2", title="t", y_title="m2")  # fmt: skip
    assert list(bar_fig.data[0].x) == ["&lt;br&gt;G"]


def test_tables_show_money_to_the_cent_and_energy_to_a_tenth_and_keep_other_columns() -> None:
    """By the unit the column's name ends with; a text column of the same suffix and a
    column of another unit are left as they are, and a page's own setting wins."""
    frame = pd.DataFrame(
        {
            "cost_eur": [1977.2, 0.5],
            "heat_kwh": [13633.168, 1.0],
            "co2_kg": [3363.494, 2.0],
            "price_eur_per_kwh": [0.105, 0.27],
            "note_eur": ["a", "b"],
            "area_m2": [141.12, 3.0],
        }
    )
    config = ui.number_columns(frame)
    formats = {name: c["type_config"]["format"] for name, c in config.items()}
    assert formats == {"cost_eur": "%.2f", "heat_kwh": "%.1f", "co2_kg": "%.1f"}
