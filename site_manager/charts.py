"""Plotly charts of a site's figures: bars (occupancy, rent roll), the lease-expiry timeline,
pies, and the PNG export of any figure.

Pure functions from frames to :class:`plotly.graph_objects.Figure`; no streamlit here.
:mod:`site_manager.figures` re-exports every name.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from site_manager.errors import ValidationError
from site_manager.tabular import html_text

logger = logging.getLogger(__name__)


def _column(frame: Any, name: str, default: Any) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index)


#: The Chromium that kaleido uses for PNG export (Debian's); never downloaded.
CHROMIUM = "/usr/bin/chromium"


def bar_figure(
    frame: pd.DataFrame,
    *,
    x: str,
    y: Sequence[str] | str,
    title: str,
    y_title: str,
    barmode: str = "stack",
    colours: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
) -> go.Figure:
    """A bar chart of one or several columns of a frame against a category column.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per category.
    x : str
        Category column.
    y : str or sequence of str
        Value column(s), one bar series each.
    title, y_title : str
        Figure and y-axis titles (put the unit in brackets).
    barmode : str
        ``"stack"`` or ``"group"``.
    colours : dict, optional
        Colour per value column.
    names : dict, optional
        Legend name per value column (default: the column name).

    Returns
    -------
    plotly.graph_objects.Figure
    """
    columns = [y] if isinstance(y, str) else list(y)
    fig = go.Figure()
    for column in columns:
        fig.add_trace(
            go.Bar(
                x=frame[x].astype(str).map(html_text),
                y=frame[column],
                name=html_text((names or {}).get(column, column)),
                marker_color=(colours or {}).get(column),
            )
        )
    fig.update_layout(
        title={"text": html_text(title)},
        barmode=barmode,
        height=380,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
    )
    fig.update_yaxes(title_text=y_title)
    return fig


def expiry_timeline_figure(
    leases: pd.DataFrame, *, today: Any = None, title: str = "Leases"
) -> go.Figure:
    """Leases as bars on a time line, one row per lease, coloured by months to expiry.

    Parameters
    ----------
    leases : pandas.DataFrame
        ``lease_id``, ``start``, ``end`` (dates; ``end`` inclusive), and optionally
        ``tenant_name`` / ``tenant_id`` and ``unit_id``.
    today : date-like, optional
        Marked with a vertical line; default today.
    title : str
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    today = pd.Timestamp(today) if today is not None else pd.Timestamp.today().normalize()
    fig = go.Figure()
    if len(leases):
        start = pd.to_datetime(leases["start"])
        end = pd.to_datetime(leases["end"]) + pd.Timedelta(days=1)
        who = (
            _column(leases, "tenant_name", None)
            .fillna(_column(leases, "tenant_id", ""))
            .astype(str)
        )
        unit = _column(leases, "unit_id", "").astype(str)
        labels = (unit + " · " + who).map(html_text).tolist()
        months_left = ((end - today).dt.days / 30.44).round(1)
        band = np.select(
            [months_left <= 0, months_left <= 6, months_left <= 12],
            ["ended", "≤ 6 months", "≤ 12 months"],
            "> 12 months",
        )
        colours = {
            "ended": "#999999",
            "≤ 6 months": "#D55E00",
            "≤ 12 months": "#E69F00",
            "> 12 months": "#0072B2",
        }
        for name, colour in colours.items():
            mask = band == name
            if not mask.any():
                continue
            fig.add_trace(
                go.Bar(
                    base=start[mask].dt.strftime("%Y-%m-%d").tolist(),
                    x=((end[mask] - start[mask]).dt.total_seconds() * 1000).tolist(),
                    y=[labels[i] for i in np.flatnonzero(mask)],
                    orientation="h",
                    name=name,
                    marker_color=colour,
                    customdata=np.column_stack(
                        [
                            leases["lease_id"].astype(str).map(html_text)[mask],
                            start[mask].dt.strftime("%Y-%m-%d"),
                            (end[mask] - pd.Timedelta(days=1)).dt.strftime("%Y-%m-%d"),
                        ]
                    ),
                    hovertemplate="%{y}<br>lease %{customdata[0]}<br>"
                    "%{customdata[1]} → %{customdata[2]}<extra></extra>",
                )
            )
    fig.add_vline(x=today.strftime("%Y-%m-%d"), line_dash="dash", line_color="#333")
    fig.update_layout(
        title={"text": html_text(title)},
        height=max(300, 28 * len(leases) + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        barmode="overlay",
        legend={"title": {"text": "expires in"}, "orientation": "h", "y": -0.15},
    )
    fig.update_xaxes(type="date")
    fig.update_yaxes(autorange="reversed")
    return fig


def pie_figure(
    values: pd.Series, *, title: str, colours: dict[str, str] | None = None
) -> go.Figure:
    """A donut of a named Series (labels on the index).

    Parameters
    ----------
    values : pandas.Series
        Non-negative values, labelled by the index.
    title : str
        Figure title (unit in brackets).
    colours : dict, optional
        Colour per label.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    labels = [str(v) for v in values.index]
    fig = go.Figure(
        go.Pie(
            labels=[html_text(label) for label in labels],
            values=values.astype(float).tolist(),
            hole=0.45,
            marker={"colors": [(colours or {}).get(label) for label in labels]}
            if colours
            else None,
            sort=False,
        )
    )
    fig.update_layout(
        title={"text": html_text(title)}, height=360, margin={"l": 10, "r": 10, "t": 50, "b": 10}
    )
    return fig


#: Bar colour of each board status (:data:`site_manager.energy.loads.BOARD_LOAD_COLUMNS`).
BOARD_STATUS_COLOURS: dict[str, str] = {
    "ok": "#009E73",
    "near capacity": "#E69F00",
    "over capacity": "#D00000",
    "unknown board": "#999999",
}


def board_load_figure(boards: pd.DataFrame, *, title: str) -> go.Figure:
    """Each board's coincident load (a bar coloured by its status) against its capacity
    (a black tick).

    Parameters
    ----------
    boards : pandas.DataFrame
        ``board_id``, ``coincident_kw``, ``capacity_kw`` [kW] and ``status``.
    title : str
        Figure title.

    Returns
    -------
    plotly.graph_objects.Figure
        One bar trace per status present (named after it), then the trace ``"capacity"``.
    """
    fig = go.Figure()
    ids = boards["board_id"].astype(str)
    for status, colour in BOARD_STATUS_COLOURS.items():
        mine = boards["status"] == status
        if mine.any():
            fig.add_trace(go.Bar(
                y=ids[mine], x=boards.loc[mine, "coincident_kw"].astype(float), orientation="h",
                name=status, marker_color=colour,
                hovertemplate="%{y}: %{x:.1f} kW coincident<extra>" + status + "</extra>",
            ))  # fmt: skip
    fig.add_trace(go.Scatter(
        y=ids, x=pd.to_numeric(boards["capacity_kw"], errors="coerce"), mode="markers",
        name="capacity", marker={"symbol": "line-ns", "size": 22, "line": {"width": 3,
                                                                            "color": "black"}},
        hovertemplate="%{y}: capacity %{x:.1f} kW<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(
        title={"text": title}, barmode="overlay", height=max(260, 26 * len(boards) + 130),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1.0},
    )  # fmt: skip
    fig.update_xaxes(title_text="load [kW]")
    fig.update_yaxes(autorange="reversed", type="category")
    return fig


#: How often a PNG export is tried when kaleido's page was not ready.
PNG_ATTEMPTS = 3


def figure_to_png(
    fig: go.Figure, *, width: int = 1200, height: int | None = None, scale: float = 1.0
) -> bytes:
    """Render a figure to PNG bytes with kaleido and the system's Chromium.

    kaleido 1.x drives a Chromium through choreographer; ``BROWSER_PATH`` is set to Debian's
    ``/usr/bin/chromium`` when it exists and nothing else is named, so nothing is downloaded.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure.
    width, height : int
        Image size; height defaults to the figure's layout height. [px]
    scale : float
        Pixel density factor.

    Returns
    -------
    bytes
        The PNG file.
    """
    if "BROWSER_PATH" not in os.environ and Path(CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = CHROMIUM
    height = height or fig.layout.height or 600
    for attempt in range(1, PNG_ATTEMPTS + 1):
        try:
            return fig.to_image(format="png", width=width, height=height, scale=scale)
        except Exception as exc:  # kaleido raises its own JavascriptError
            # on a busy machine kaleido can call into its page before the page's script has
            # loaded ("kaleido_scopes is not defined"); a second call finds it loaded
            if type(exc).__name__ != "JavascriptError" or attempt == PNG_ATTEMPTS:
                raise
            logger.warning("PNG export: kaleido's page was not ready (%s); trying again", exc)
    raise AssertionError("unreachable")  # pragma: no cover


#: Paper sizes a figure can be printed on, landscape (width, height). [mm] (ISO 216)
PAPER_MM: dict[str, tuple[float, float]] = {"A4": (297.0, 210.0), "A3": (420.0, 297.0)}
#: CSS pixels per millimetre: kaleido lays a PDF page out at 96 px to the inch. [px/mm]
CSS_PX_PER_MM = 96.0 / 25.4


def figure_to_pdf(fig: go.Figure, *, paper: str = "A4") -> bytes:
    """Render a figure to a one-page PDF on landscape A4 or A3 with kaleido.

    The figure is laid out at the paper's size (its own height is not used), so a plan
    fills the page; fonts keep their size in points, as on screen.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure.
    paper : {"A4", "A3"}
        Paper size, landscape (:data:`PAPER_MM`).

    Returns
    -------
    bytes
        The PDF file.

    Raises
    ------
    ValidationError
        For another paper size.
    """
    if paper not in PAPER_MM:
        raise ValidationError(f"paper: {paper!r} is not one of {', '.join(PAPER_MM)}")
    if "BROWSER_PATH" not in os.environ and Path(CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = CHROMIUM
    w_mm, h_mm = PAPER_MM[paper]
    width, height = round(w_mm * CSS_PX_PER_MM), round(h_mm * CSS_PX_PER_MM)
    for attempt in range(1, PNG_ATTEMPTS + 1):
        try:
            return fig.to_image(format="pdf", width=width, height=height)
        except Exception as exc:  # kaleido's page not ready yet: see figure_to_png
            if type(exc).__name__ != "JavascriptError" or attempt == PNG_ATTEMPTS:
                raise
            logger.warning("PDF export: kaleido's page was not ready (%s); trying again", exc)
    raise AssertionError("unreachable")  # pragma: no cover
