"""Widgets every page uses: tables and figures with downloads, and error display."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from site_manager import figures, tabular
from site_manager.errors import SiteManagerError


def page(render: Callable[[], None]) -> Callable[[], None]:
    """Run a page, showing a :class:`SiteManagerError` as one ``st.error`` line.

    Anything else is a bug and propagates (Streamlit shows it).
    """

    @functools.wraps(render)
    def run() -> None:
        try:
            render()
        except SiteManagerError as error:
            st.error(text(error), icon="⚠️")

    return run


#: ASCII punctuation: each may carry meaning in markdown (links, images, emphasis, code,
#: HTML, entities, Streamlit's ``:colour[...]`` and ``$math$``); CommonMark lets a
#: backslash make any of them plain.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")
#: Where GitHub-flavoured markdown finds a bare address ("http://", "www.", "a@b.c") or
#: Streamlit an emoji or icon shortcode (":smile:", ":material/home:") in the text after
#: the escapes are undone; an invisible word joiner after each spoils the match.
_SPOILED = re.compile(r"://|:(?=[\w+-])|www(?=\.)|@", re.IGNORECASE)
WORD_JOINER = "\u2060"


def text(value: Any) -> str:
    """``value`` (a name, an id, a message with them) as markdown that shows it as written.

    Every ASCII punctuation character is backslash-escaped, so no name becomes a link,
    an image, HTML, emphasis or code. Streamlit turns emoji and icon shortcodes
    (``:smile:``, ``:material/home:``) and bare addresses into pictures and links after
    the escapes are undone, so an invisible word joiner (U+2060) follows every ``:``
    that a word, ``+`` or ``-`` follows (no ``:name:`` is left to match; ``"Unit A1: 2"``
    stays as it is) and every ``://``, ``www`` and ``@``. Line breaks become
    spaces; other control characters and the bidirectional embeddings, overrides and
    isolates are dropped (:func:`site_manager.tabular.display_text`: removed, not
    isolated, so a name with a U+202E, RIGHT-TO-LEFT OVERRIDE, cannot reverse the text
    around it or its own). Use it for every
    user-supplied text given to ``st.markdown``, ``st.write``, ``st.info``/``success``/
    ``warning``/``error``, ``st.toast``, headers, and widget labels or options that render
    markdown (radio, segmented control, pills).
    """
    plain_text = tabular.display_text(_LINE_BREAKS.sub(" ", str(value)))
    plain_text = _SPOILED.sub(lambda m: m.group() + WORD_JOINER, plain_text)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", plain_text)


def file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "table"


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy that spreadsheets accept: no geometry, lists and dicts as text, no time zones."""
    out = pd.DataFrame(frame).copy()
    if "geometry" in out.columns:
        out = out.drop(columns="geometry")
    for column in out.columns:
        series = out[column]
        if series.dtype == object:
            if series.map(lambda v: isinstance(v, list | tuple | set)).any():
                out[column] = series.map(
                    lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple | set) else v
                )
            elif series.map(lambda v: isinstance(v, dict)).any():
                out[column] = series.map(lambda v: repr(v) if isinstance(v, dict) else v)
        elif isinstance(series.dtype, pd.DatetimeTZDtype):
            out[column] = series.dt.tz_localize(None)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV, safe for a spreadsheet (:func:`site_manager.tabular.csv_text`)."""
    return tabular.csv_text(plain(frame)).encode("utf-8")


def excel_bytes(frame: pd.DataFrame, *, sheet: str = "data") -> bytes:
    """The frame as an .xlsx workbook of one sheet, text cells as text (never formulas)."""
    return tabular.xlsx_bytes(plain(frame), sheet=sheet)


def metric_row() -> Any:
    """A row of key figures that wraps and gives each its own width.

    Fixed columns cut long values ("5,353 …") where the page was narrow.
    """
    return st.container(horizontal=True, gap="medium")


def downloads(frame: pd.DataFrame, name: str, *, key: str) -> None:
    """CSV and Excel download buttons for a table (files made only when clicked)."""
    slug = file_stem(name)
    # a row that wraps and sizes each button to its label: fixed columns squeezed the
    # labels to "C" and "E" where the page was narrow
    row = st.container(horizontal=True, gap="small")
    row.download_button(
        "CSV",
        data=lambda: csv_bytes(frame),
        file_name=f"{slug}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
        icon=":material/download:",
    )
    row.download_button(
        "Excel",
        data=lambda: excel_bytes(frame, sheet=slug),
        file_name=f"{slug}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
        icon=":material/download:",
    )


#: How a table shows a number by the unit its column's name ends with: money to the cent,
#: energy and mass to a tenth (the downloads keep every digit the register holds).
NUMBER_FORMATS = {"_eur": "%.2f", "_kwh": "%.1f", "_mwh": "%.1f", "_kg": "%.1f"}


def number_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """``column_config`` for the numeric columns whose unit :data:`NUMBER_FORMATS` knows
    (not a rate: ``price_eur_per_kwh`` keeps its digits)."""
    config: dict[str, Any] = {}
    for column in frame.columns:
        if "_per_" in str(column):
            continue
        fmt = next((f for end, f in NUMBER_FORMATS.items() if str(column).endswith(end)), None)
        if fmt and pd.api.types.is_numeric_dtype(frame[column]):
            config[str(column)] = st.column_config.NumberColumn(format=fmt)
    return config


def table(frame: pd.DataFrame, name: str, *, key: str, **kwargs: Any) -> None:
    """A table with its downloads; numbers shown to the digits their unit wants
    (:data:`NUMBER_FORMATS`), unless ``column_config`` says otherwise."""
    shown = plain(frame)
    kwargs["column_config"] = {**number_columns(shown), **(kwargs.get("column_config") or {})}
    st.dataframe(shown, hide_index=True, key=f"{key}_df", **kwargs)
    downloads(frame, name, key=key)


def figure(fig: Any, name: str, *, key: str, **kwargs: Any) -> Any:
    """A plotly figure with a server-side PNG download; returns ``st.plotly_chart``'s value."""
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": file_stem(name), "scale": 2},
    }
    event = st.plotly_chart(fig, key=key, config=config, **kwargs)
    st.download_button(
        "PNG",
        data=lambda: figures.figure_to_png(fig),
        file_name=f"{file_stem(name)}.png",
        mime="image/png",
        key=f"{key}_png",
        on_click="ignore",
        icon=":material/image:",
        help="Render the figure as a PNG on the server (kaleido with the system's Chromium)",
    )
    return event


def site_picker() -> tuple[str, str | None]:
    """The database URL and the site chosen in the sidebar (the first site by default).

    The choice is also kept in the page's URL (``?site=ID``), so a link or a reload opens
    the same site.
    """
    from site_manager.app import data, state

    url = st.session_state[state.DB_URL]
    sites = data.list_sites(url)
    today = dt.date.today()  # a retired site is no longer run: it leaves the list
    sites = sites[[r is None or pd.isna(r) or r > today for r in sites["retired_on"]]]
    if sites.empty:
        st.sidebar.info("The register has no site yet: import an IFC model on the Import page.")
        return url, None
    ids = sites["site_id"].tolist()
    names = dict(zip(sites["site_id"], sites["name"], strict=True))
    if st.session_state.get(state.SITE) not in ids:
        st.session_state[state.SITE] = ids[0]
    site = st.sidebar.selectbox(
        "Site", ids, key=state.SITE, format_func=lambda s: f"{names.get(s) or s} ({s})"
    )
    if st.query_params.get("site") != site:
        st.query_params["site"] = site
    return url, site


def storey_picker(storeys: list[str], *, key: str) -> str | None:
    """A row of storey buttons; keeps the choice in ``key`` when it is still a storey.

    The state is only written before the widget is drawn: Streamlit refuses a change of a
    widget's state after the widget exists in the run.
    """
    if not storeys:
        return None
    if st.session_state.get(key) not in storeys:
        st.session_state[key] = storeys[0]
    if len(storeys) <= 8:
        chosen = st.segmented_control(
            "Storey", storeys, key=key, selection_mode="single", format_func=text
        )
    else:
        chosen = st.selectbox("Storey", storeys, key=key)
    # a segmented control can be cleared by clicking the chosen storey again: show the
    # first storey now; the next run puts it back in the state before the widget is drawn
    return chosen if chosen in storeys else storeys[0]
