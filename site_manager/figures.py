"""Plotly figures of a site: floor plans (the charts are in :mod:`site_manager.charts`).

Pure functions from frames to :class:`plotly.graph_objects.Figure`; no streamlit here, so the
CLI, reports and tests draw exactly what the dashboard draws.

A floor plan is drawn with a few traces, not one per space: one filled ``Scatter`` trace per
fill colour (the spaces' rings concatenated and separated by gaps, ``fill="toself"``) and
one marker trace at each space's representative point that carries the space's GlobalId in
``customdata``, so a click on it selects the space. plotly.js fills each trace as one SVG
path with the *nonzero* rule, so every exterior ring is written counter-clockwise and every
hole clockwise: a courtyard stays empty.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import shapely
from plotly.colors import qualitative, sample_colorscale

from site_manager.charts import CHROMIUM as CHROMIUM  # the charts live in charts.py
from site_manager.charts import PNG_ATTEMPTS as PNG_ATTEMPTS
from site_manager.charts import _column
from site_manager.charts import bar_figure as bar_figure
from site_manager.charts import board_load_figure as board_load_figure
from site_manager.charts import expiry_timeline_figure as expiry_timeline_figure
from site_manager.charts import figure_to_pdf as figure_to_pdf
from site_manager.charts import figure_to_png as figure_to_png
from site_manager.charts import pie_figure as pie_figure
from site_manager.errors import ValidationError
from site_manager.tabular import html_text

logger = logging.getLogger(__name__)

#: Fill colour of each use (zone) of DESIGN.md §3; colour-blind friendly (Okabe-Ito based).
USE_COLOURS: dict[str, str] = {
    "private_production": "#0072B2",
    "shared_production": "#E69F00",
    "shared_service": "#009E73",
    "storage": "#CC79A7",
    "circulation": "#BBBBBB",
    "technical": "#D55E00",
    "outdoor": "#8FBF5A",
}
#: Fill colour of vacancy states.
VACANCY_COLOURS: dict[str, str] = {
    "let": "#0072B2",
    "vacant": "#E69F00",
    "no unit": "#CCCCCC",
}
#: Colour of spaces without a value for the attribute being shown.
MISSING_COLOUR = "#E0E0E0"
#: Label of spaces without a value.
MISSING_LABEL = "(none)"
#: Continuous colour scale for numeric attributes.
NUMERIC_SCALE = "Viridis"
#: Number of colour classes a numeric attribute is drawn with (one trace each).
NUMERIC_CLASSES = 7
#: Width a plan is assumed to be shown at when fitting room labels. [px]
PLAN_WIDTH_PX = 900
#: Fill of walls, fill and edge of doors on a plan.
WALL_COLOUR, DOOR_COLOUR, DOOR_EDGE = "#3C3C3C", "#FFFFFF", "#8C5A2B"
#: Room label font size, and the width and line height of its characters. [px]
LABEL_FONT_PX, LABEL_CHAR_PX, LABEL_LINE_PX = 10, 6.0, 13.0
#: Lengths a scale bar may take. [m]
SCALE_BAR_STEPS_M = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0)


def _polygons(geometries: Iterable[Any]) -> np.ndarray:
    """The polygon parts of geometries (multipolygons and collections exploded, empties out)."""
    array = np.asarray(list(geometries), dtype=object)
    if array.size == 0:
        return np.empty(0, dtype=object)
    array = array[~shapely.is_missing(array)]
    parts = shapely.get_parts(array)
    while True:  # collections may nest
        collections = shapely.get_type_id(parts) == 7
        if not collections.any():
            break
        parts = np.concatenate([parts[~collections], shapely.get_parts(parts[collections])])
    polygons = parts[(shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)]
    return polygons


def rings_xy(geometries: Iterable[Any]) -> tuple[np.ndarray, np.ndarray]:
    """The rings of polygons as one NaN-separated path, ready for ``fill="toself"``.

    Exterior rings run counter-clockwise and holes clockwise, so plotly's nonzero fill leaves
    holes empty. NaN is a gap for plotly.js, as ``None`` is, and keeps the arrays numeric, so
    plotly sends them as binary arrays without checking every element.

    Parameters
    ----------
    geometries : iterable of shapely geometries
        Polygons and multipolygons; empty or missing ones are skipped. [m]

    Returns
    -------
    x, y : numpy.ndarray
        Coordinates, each ring closed and followed by NaN. [m]
    """
    polygons = shapely.orient_polygons(_polygons(geometries), exterior_cw=False)
    if polygons.size == 0:
        return np.empty(0), np.empty(0)
    rings = shapely.get_rings(polygons)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    out = np.full((len(coords) + len(rings), 2), np.nan)
    # every coordinate moves down by the number of separators before it: its ring's index
    out[np.arange(len(coords)) + ring_of] = coords
    return out[:, 0], out[:, 1]


def _categorical_colours(values: Sequence[str], palette: dict[str, str] | None) -> dict[str, str]:
    cycle = qualitative.Safe + qualitative.Vivid
    colours: dict[str, str] = {}
    free = iter(c for c in cycle * 20 if palette is None or c not in palette.values())
    for value in values:
        if value == MISSING_LABEL:
            colours[value] = MISSING_COLOUR
        elif palette is not None and value in palette:
            colours[value] = palette[value]
        else:
            colours[value] = next(free)
    return colours


def numeric_classes(
    values: pd.Series, *, classes: int = NUMERIC_CLASSES
) -> tuple[pd.Series, np.ndarray]:
    """Equal-width classes of a numeric attribute.

    Parameters
    ----------
    values : pandas.Series
        The attribute, numeric; NaN stays unclassified.
    classes : int
        Number of classes.

    Returns
    -------
    codes : pandas.Series
        Class number 0 … classes-1 of each value (``-1`` for NaN), on the same index.
    edges : numpy.ndarray
        ``classes + 1`` class edges, ascending.
    """
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    finite = numbers[np.isfinite(numbers)]
    if finite.empty:
        return pd.Series(-1, index=values.index), np.array([0.0, 1.0])
    low, high = float(finite.min()), float(finite.max())
    if high == low:
        high = low + 1.0
    edges = np.linspace(low, high, classes + 1)
    scaled = np.clip(np.floor((numbers - low) / (high - low) * classes), 0, classes - 1)
    codes = pd.Series(scaled, index=values.index).where(np.isfinite(numbers), -1).astype(int)
    return codes, edges


def _format_number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def north_of(true_north_deg: float | None) -> tuple[float, float] | None:
    """The model XY direction of true north from its angle clockwise from +Y [°] (None: none).

    Examples
    --------
    >>> [round(v, 6) for v in north_of(90.0)]
    [1.0, 0.0]
    """
    if true_north_deg is None or true_north_deg != true_north_deg:
        return None
    angle = math.radians(float(true_north_deg))
    return (math.sin(angle), math.cos(angle))


def floor_plan_figure(
    spaces: Any,
    *,
    color_by: str = "use",
    title: str | None = None,
    selected: Iterable[str] = (),
    palette: dict[str, str] | None = None,
    numeric: bool | None = None,
    height_px: int = 560,
    outlines: Any = None,
    columns: Any = None,
    width_px: int = PLAN_WIDTH_PX,
    true_north_xy: tuple[float, float] | None = None,
) -> go.Figure:
    """A floor plan of spaces coloured by an attribute, with one trace per fill colour.

    With ``outlines`` and ``columns`` it is a plan worth printing: the walls drawn with their
    thickness (dark grey), the doors as pale gaps in them, the columns as small black
    squares; every room labelled with its number (``name``) and, where its box holds them at
    the figure's scale (``width_px`` × ``height_px``), its long name, tenant and area; a
    scale bar and a north arrow. The register does not keep the model's true north, so by
    default the arrow points up the plan (+Y) and says so in its hover text
    ("N = +Y of the model"); ``true_north_xy`` (the model XY direction of true north) turns
    it.

    Parameters
    ----------
    spaces : geopandas.GeoDataFrame
        Spaces of one storey: ``global_id``, ``name``, ``geometry``, and ideally
        ``long_name``, ``area_m2``, ``height_m`` and the column ``color_by``. [m, m², m]
    color_by : str
        Column to colour by: categorical (use, tenant, vacancy, …) or numeric.
    title : str, optional
        Figure title.
    selected : iterable of str
        GlobalIds of spaces to outline.
    palette : dict, optional
        Fill colour per category; :data:`USE_COLOURS` is used for ``use`` and
        :data:`VACANCY_COLOURS` for ``vacancy``.
    numeric : bool, optional
        Force numeric (``True``) or categorical (``False``) colouring; by default numeric when
        the column's dtype is numeric.
    height_px : int
        Figure height. [px]
    outlines : geopandas.GeoDataFrame, optional
        Wall and door footprints of the storey (:data:`site_manager.ifc.outlines.
        OUTLINES_COLUMNS`: ``kind``, ``geometry``). [m]
    columns : pandas.DataFrame, optional
        Structural columns of the storey (``x_m``, ``y_m``). [m]
    width_px : int
        Width the plan is expected to be shown at, for fitting the labels. [px]
    true_north_xy : (float, float), optional
        Model XY direction of true north; ``None``: +Y (the register keeps none).

    Returns
    -------
    plotly.graph_objects.Figure
        Fill traces named after their category (or class), then ``"walls"``, ``"doors"``,
        ``"columns"`` where given, the outline trace ``"selected"`` (empty without a
        selection, so that the next traces keep their index), the text trace
        ``"labels"`` (one text per space), then the marker trace ``"spaces"`` whose
        ``customdata[:, 0]`` are GlobalIds. The scale bar is the layout shape named
        ``"scale bar"`` with its annotation, the north arrow the annotations named
        ``"north"``.

    Raises
    ------
    ValidationError
        If a required column is missing.
    """
    missing = [c for c in ("global_id", "name", "geometry") if c not in spaces.columns]
    if color_by not in spaces.columns:
        missing.append(color_by)
    if missing:
        raise ValidationError(
            f"floor plan: the spaces frame lacks column(s) {', '.join(missing)}; "
            f"it has {', '.join(map(str, spaces.columns))}"
        )
    frame = spaces[~spaces.geometry.isna() & ~spaces.geometry.is_empty]
    colour_values = frame[color_by]
    if numeric is None:
        numeric = pd.api.types.is_numeric_dtype(colour_values) and not pd.api.types.is_bool_dtype(
            colour_values
        )
    if palette is None:
        palette = {"use": USE_COLOURS, "vacancy": VACANCY_COLOURS}.get(color_by)

    fig = go.Figure()
    marker: dict[str, Any] = {"size": 9, "color": "white", "line": {"width": 1, "color": "#333"}}
    if numeric:
        codes, edges = numeric_classes(colour_values)
        centres = (edges[:-1] + edges[1:]) / 2
        span = edges[-1] - edges[0]
        fills = sample_colorscale(NUMERIC_SCALE, [(c - edges[0]) / span for c in centres])
        for code in range(len(centres)):
            members = frame.geometry[codes == code]
            if members.empty:
                continue
            name = f"{_format_number(edges[code])} – {_format_number(edges[code + 1])}"
            # the colour bar is the key: class fills stay out of the legend
            _add_fill(fig, members, name=name, colour=fills[code], group=color_by,
                      showlegend=False)  # fmt: skip
        if (codes == -1).any():
            _add_fill(
                fig,
                frame.geometry[codes == -1],
                name=MISSING_LABEL,
                colour=MISSING_COLOUR,
                group=color_by,
            )
        numbers = pd.to_numeric(colour_values, errors="coerce")
        marker.update(
            color=numbers.astype(float).to_numpy(),
            colorscale=NUMERIC_SCALE,
            cmin=float(edges[0]),
            cmax=float(edges[-1]),
            showscale=True,
            colorbar={"title": {"text": column_title(color_by)}, "thickness": 14},
        )
        labels = [
            MISSING_LABEL if not np.isfinite(v) else _format_number(v)
            for v in numbers.astype(float)
        ]
    else:
        labels = [
            MISSING_LABEL
            if (v is None or (isinstance(v, float) and math.isnan(v)) or v == "")
            else str(v)
            for v in colour_values
        ]
        label_series = pd.Series(labels, index=frame.index)
        order = sorted(set(labels), key=lambda v: (v == MISSING_LABEL, _palette_rank(v, palette)))
        colours = _categorical_colours(order, palette)
        for value in order:
            _add_fill(
                fig,
                frame.geometry[label_series == value],
                name=value,
                colour=colours[value],
                group=color_by,
            )

    _add_building(fig, outlines, columns)
    # always drawn (empty without a selection): the "spaces" trace keeps its index, so a
    # selection the chart restores after a redraw stays on the spaces' dots
    xs, ys = rings_xy(frame.geometry[frame["global_id"].isin(set(selected))])
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            name="selected",
            line={"color": "#D00000", "width": 3},
            hoverinfo="skip",
            showlegend=False,
        )
    )

    points = frame.geometry.representative_point()
    _add_room_labels(fig, frame, points, width_px=width_px, height_px=height_px)
    fig.add_trace(
        go.Scatter(
            x=points.x.to_numpy(dtype=float),
            y=points.y.to_numpy(dtype=float),
            mode="markers",
            name="spaces",
            marker=marker,
            # 1-D string arrays: plotly checks them at numpy speed, not element by element
            customdata=frame["global_id"].astype(str).to_numpy(dtype=str),
            hovertext=hover_texts(frame, color_by, labels),
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            # a selection must not grey out the other dots
            selected={"marker": {"opacity": 1}},
            unselected={"marker": {"opacity": 1}},
        )
    )
    fig.update_layout(
        title={"text": html_text(title)} if title else None,
        height=height_px,
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        plot_bgcolor="white",
        hovermode="closest",
        clickmode="event+select",
        dragmode="pan",
        legend=(
            # numeric: only "no value" can be listed; below the plan, clear of the colour bar
            {"orientation": "h", "y": -0.08, "itemclick": False, "itemdoubleclick": False}
            if numeric
            else {
                "title": {"text": column_title(color_by)},
                "itemclick": False,
                "itemdoubleclick": False,
            }
        ),  # fmt: skip
        uirevision=color_by,
    )
    fig.update_xaxes(title_text="x [m]", showgrid=False, zeroline=False)
    fig.update_yaxes(
        title_text="y [m]", showgrid=False, zeroline=False, scaleanchor="x", scaleratio=1
    )
    _add_scale_bar_and_north(fig, frame, outlines, true_north_xy)
    return fig


def hover_texts(frame: pd.DataFrame, color_by: str, labels: Sequence[str]) -> np.ndarray:
    """One hover text per space: name, long name, area, height and the value coloured by."""
    names = frame["name"].fillna("").astype(str).to_numpy(dtype=str)
    long_names = _column(frame, "long_name", "").fillna("").astype(str).to_numpy(dtype=str)
    areas = _column(frame, "area_m2", np.nan).astype(float).to_numpy()
    heights = _column(frame, "height_m", np.nan).astype(float).to_numpy()
    texts = [
        f"<b>{html_text(name)}</b> {html_text(long_name)}<br>area {_or_dash(area, '.1f')} m²"
        f"<br>height {_or_dash(height, '.2f')} m<br>{color_by}: {html_text(label)}"
        for name, long_name, area, height, label in zip(
            names, long_names, areas, heights, labels, strict=True
        )
    ]
    return np.array(texts, dtype=str)


def _or_dash(value: Any, spec: str) -> str:
    return format(value, spec) if np.isfinite(value) else "–"


def _palette_rank(value: str, palette: dict[str, str] | None) -> tuple[int, str]:
    if palette is not None and value in palette:
        return (list(palette).index(value), value)
    return (len(palette or ()), value)


#: Unit suffixes of column names and how a title writes them, longest first.
UNIT_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("_eur_per_m2_month", "€/m²·month"), ("_eur_per_m2_year", "€/m²·year"),
    ("_eur_per_month", "€/month"), ("_eur_per_kwh", "€/kWh"), ("_kwh_m2a", "kWh/m²·a"),
    ("_kwh_m2", "kWh/m²"),
    ("_kn_m2", "kN/m²"), ("_kwh", "kWh"), ("_kw", "kW"), ("_m2", "m²"), ("_m3", "m³"),
    ("_db", "dB(A)"), ("_eur", "€"), ("_kg", "kg"), ("_c", "°C"), ("_t", "t"), ("_m", "m"),
)  # fmt: skip


def column_title(name: str) -> str:
    """A column name in words with its unit, for titles, colour bars and legends.

    Examples
    --------
    >>> column_title("rent_eur_per_m2_month"), column_title("board_capacity_kw")
    ('Rent [€/m²·month]', 'Board capacity [kW]')
    >>> column_title("use")
    'Use'
    """
    unit = ""
    for suffix, text in UNIT_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name, unit = name[: -len(suffix)], f" [{text}]"
            break
    words = name.replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) + unit


def _add_fill(
    fig: go.Figure,
    geometries: Any,
    *,
    name: str,
    colour: str,
    group: str,
    showlegend: bool = True,
) -> None:
    xs, ys = rings_xy(geometries)
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            fill="toself",
            fillcolor=colour,
            line={"color": "#444", "width": 0.8},
            name=html_text(name),
            legendgroup=group,
            showlegend=None if showlegend else False,  # None: plotly's own rule
            hoveron="fills",
            hoverinfo="name",
        )
    )


def _add_building(fig: go.Figure, outlines: Any, columns: Any) -> None:
    """Walls (dark grey fills), doors (pale gaps) and columns (black squares) of a storey."""
    if outlines is not None and len(outlines):
        kinds = np.asarray(outlines["kind"], dtype=str)
        for kind, fill, edge, width in (
            ("wall", WALL_COLOUR, WALL_COLOUR, 0.5),
            ("door", DOOR_COLOUR, DOOR_EDGE, 1.0),
        ):
            xs, ys = rings_xy(np.asarray(outlines.geometry)[kinds == kind])
            if len(xs) == 0:
                continue
            fig.add_trace(
                go.Scatter(
                    x=xs, y=ys, mode="lines", fill="toself", fillcolor=fill,
                    line={"color": edge, "width": width}, name=f"{kind}s",
                    hoverinfo="skip", showlegend=False,
                )
            )  # fmt: skip
    if columns is not None and len(columns):
        fig.add_trace(
            go.Scatter(
                x=columns["x_m"].to_numpy(dtype=float), y=columns["y_m"].to_numpy(dtype=float),
                mode="markers", name="columns", hoverinfo="skip", showlegend=False,
                marker={"symbol": "square", "size": 6, "color": "black"},
            )
        )  # fmt: skip


def _extent(frame: Any, outlines: Any) -> tuple[float, float, float, float]:
    """Bounds of the spaces and outlines together (minx, miny, maxx, maxy). [m]"""
    geoms = list(frame.geometry)
    if outlines is not None and len(outlines):
        geoms += list(outlines.geometry)
    b = shapely.total_bounds(np.asarray(geoms, dtype=object))
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])


def _texts(frame: Any, name: str) -> np.ndarray:
    """A column as strings, missing values (of any dtype) as ''."""
    column = _column(frame, name, "").astype(object)
    return column.where(column.notna(), "").astype(str).to_numpy(dtype=str)


def _add_room_labels(
    fig: go.Figure, frame: Any, points: Any, *, width_px: int, height_px: int
) -> None:
    """One text per space: its number, and its long name, tenant and area where they fit.

    A room's lines fit where its bounding box, at the scale the plan is drawn at (the larger
    of the two axes' metres per pixel: the axes are kept at one scale), is at least as wide
    as the longest line and its lower half, less the dot, as tall as the lines.
    """
    if frame.empty:
        return
    bounds = shapely.bounds(np.asarray(frame.geometry))
    x0, y0, x1, y1 = (np.nanmin(bounds[:, 0]), np.nanmin(bounds[:, 1]),
                      np.nanmax(bounds[:, 2]), np.nanmax(bounds[:, 3]))  # fmt: skip
    m_per_px = max((x1 - x0) / max(width_px - 120, 1), (y1 - y0) / max(height_px - 80, 1), 1e-9)
    box_w = (bounds[:, 2] - bounds[:, 0]) / m_per_px
    box_h = (bounds[:, 3] - bounds[:, 1]) / m_per_px
    names, long_names, tenants = (_texts(frame, c) for c in ("name", "long_name", "tenant"))
    areas = _column(frame, "area_m2", np.nan).astype(float).to_numpy()
    texts = []
    for name, long_name, tenant, area, w, h in zip(
        names, long_names, tenants, areas, box_w, box_h, strict=True
    ):
        lines = [f"<b>{html_text(name)}</b>"]
        extra = [t for t in (long_name, tenant) if t] + (
            [f"{area:.0f} m²"] if np.isfinite(area) else []
        )
        full = [name, *extra]
        # the lines hang below the room's dot, about its middle: half the box is theirs
        if max(map(len, full)) * LABEL_CHAR_PX <= w and len(full) * LABEL_LINE_PX <= h / 2 - 6:
            lines += map(html_text, extra)
        texts.append("<br>".join(lines))
    fig.add_trace(
        go.Scatter(
            # below the space's dot (radius 4.5 px), not under it
            x=points.x.to_numpy(dtype=float), y=points.y.to_numpy(dtype=float) - 6 * m_per_px,
            mode="text", name="labels", text=np.array(texts, dtype=str),
            textposition="bottom center", textfont={"size": LABEL_FONT_PX, "color": "#111"},
            hoverinfo="skip", showlegend=False,
            # a selection on the plan must not grey out the room numbers
            selected={"textfont": {"color": "#111"}}, unselected={"textfont": {"color": "#111"}},
        )
    )  # fmt: skip


def _add_scale_bar_and_north(
    fig: go.Figure, frame: Any, outlines: Any, true_north_xy: tuple[float, float] | None
) -> None:
    """A scale bar under the plan's lower left corner and a north arrow at the top right."""
    if frame.empty:
        return
    x0, y0, x1, y1 = _extent(frame, outlines)
    span = max(x1 - x0, y1 - y0)
    fitting = [s for s in SCALE_BAR_STEPS_M if s <= span / 4] or [SCALE_BAR_STEPS_M[0]]
    length = fitting[-1]
    gap = 0.04 * span
    yb = y0 - gap
    fig.add_shape(type="line", x0=x0, x1=x0 + length, y0=yb, y1=yb, xref="x", yref="y",
                  line={"color": "black", "width": 4}, name="scale bar")  # fmt: skip
    fig.add_annotation(x=x0 + length / 2, y=yb, xref="x", yref="y", text=f"{length:g} m",
                       showarrow=False, yshift=-10, name="scale bar")  # fmt: skip
    nx, ny = true_north_xy if true_north_xy is not None else (0.0, 1.0)
    norm = math.hypot(nx, ny) or 1.0
    nx, ny = nx / norm, ny / norm
    hover = "true north of the model" if true_north_xy is not None else "N = +Y of the model"
    # the arrow's head at the top right, its tail 36 px back along north (pixels: y down)
    fig.add_annotation(x=0.98, y=0.94, xref="paper", yref="paper", text="",
                       ax=-nx * 36, ay=ny * 36, showarrow=True, arrowhead=2, arrowsize=1.2,
                       arrowwidth=2, arrowcolor="black", name="north")  # fmt: skip
    fig.add_annotation(x=0.98, y=0.94, xref="paper", yref="paper", text="<b>N</b>",
                       xshift=nx * 12, yshift=ny * 12, showarrow=False, hovertext=hover,
                       name="north")  # fmt: skip
