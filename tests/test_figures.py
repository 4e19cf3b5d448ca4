"""The plotly figures: floor plans with few traces, holes left empty, clickable spaces."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box
from shapely.geometry import Polygon

from site_manager import figures
from site_manager.errors import ValidationError


def _spaces() -> gpd.GeoDataFrame:
    courtyard = Polygon(
        [(0, 0), (20, 0), (20, 20), (0, 20)], [[(5, 5), (5, 15), (15, 15), (15, 5)]]
    )
    return gpd.GeoDataFrame(
        {
            "global_id": ["A", "B", "C", "D"],
            "name": ["001", "002", "003", "004"],
            "long_name": ["Hall", "Workshop", "Office", "Store"],
            "area_m2": [300.0, 100.0, 50.0, 25.0],
            "height_m": [6.0, 4.0, 3.0, 3.0],
            "use": ["shared_production", "private_production", "private_production", None],
        },
        geometry=[courtyard, box(30, 0, 40, 10), box(40, 0, 50, 5), box(50, 0, 55, 5)],
    )


def test_a_plan_has_one_fill_trace_per_colour_and_one_marker_trace() -> None:
    fig = figures.floor_plan_figure(_spaces(), color_by="use")
    fills = [t for t in fig.data if t.fill == "toself"]
    assert sorted(t.name for t in fills) == sorted(
        ["shared_production", "private_production", figures.MISSING_LABEL]
    )
    markers = [t for t in fig.data if t.name == "spaces"]
    assert len(markers) == 1
    assert list(markers[0].customdata) == ["A", "B", "C", "D"]
    assert fills[0].fillcolor in figures.USE_COLOURS.values()


def test_the_private_trace_holds_both_boxes_separated_by_gaps() -> None:
    fig = figures.floor_plan_figure(_spaces(), color_by="use")
    private = next(t for t in fig.data if t.name == "private_production")
    # two closed rings of 5 points, each followed by a NaN gap
    assert len(private.x) == 12
    assert np.isnan(private.x[5]) and np.isnan(private.x[11])
    assert not np.isnan(private.x[:5]).any()


def test_rings_run_exterior_counter_clockwise_and_holes_clockwise() -> None:
    # a courtyard given with the wrong windings on purpose
    polygon = Polygon([(0, 0), (0, 20), (20, 20), (20, 0)], [[(5, 5), (15, 5), (15, 15), (5, 15)]])
    xs, ys = figures.rings_xy([polygon])
    xs, ys = list(xs), list(ys)
    split = int(np.flatnonzero(np.isnan(xs))[0])

    def signed_area(x: list, y: list) -> float:
        return 0.5 * sum(x[i] * y[i + 1] - x[i + 1] * y[i] for i in range(len(x) - 1))

    assert signed_area(xs[:split], ys[:split]) == pytest.approx(400.0)
    assert signed_area(xs[split + 1 : -1], ys[split + 1 : -1]) == pytest.approx(-100.0)


def test_numeric_colouring_uses_equal_width_classes_and_a_colour_bar() -> None:
    fig = figures.floor_plan_figure(_spaces(), color_by="area_m2")
    fills = [t for t in fig.data if t.fill == "toself"]
    # 25..300 in 7 classes of 39.29: 25 and 50 fall in the first, 100 in the second, 300 in the last
    assert [t.name for t in fills] == ["25 – 64.3", "64.3 – 104", "261 – 300"]
    assert len(fills[0].x) == 12
    markers = next(t for t in fig.data if t.name == "spaces")
    assert markers.marker.showscale is True
    assert (markers.marker.cmin, markers.marker.cmax) == (25.0, 300.0)


def test_numeric_classes_put_the_maximum_in_the_last_class_and_nan_nowhere() -> None:
    codes, edges = figures.numeric_classes(pd.Series([0.0, 5.0, 10.0, np.nan]), classes=2)
    assert codes.tolist() == [0, 1, 1, -1]
    assert edges.tolist() == [0.0, 5.0, 10.0]


def test_a_selected_space_is_outlined() -> None:
    fig = figures.floor_plan_figure(_spaces(), color_by="use", selected=["B"])
    outline = next(t for t in fig.data if t.name == "selected")
    assert len(outline.x) == 6 and np.isnan(outline.x[5])
    assert set(outline.x[:5]) == {30.0, 40.0} and set(outline.y[:5]) == {0.0, 10.0}


def test_the_spaces_trace_keeps_its_index_whether_or_not_a_space_is_selected() -> None:
    """A chart restores its selection by trace index after a redraw: when the outline trace
    appeared only with a selection, the restored selection landed on the labels' trace and a
    shift-click on the plan lost the spaces picked before."""
    names = [[t.name for t in figures.floor_plan_figure(_spaces(), color_by="use",
                                                        selected=chosen).data]
             for chosen in ((), ["B"], ["A", "B"])]  # fmt: skip
    assert names[0] == names[1] == names[2]
    plain = figures.floor_plan_figure(_spaces(), color_by="use")
    assert len(next(t for t in plain.data if t.name == "selected").x) == 0


def test_spaces_without_geometry_are_left_out_of_the_plan() -> None:
    spaces = _spaces()
    spaces.loc[3, "geometry"] = Polygon()
    fig = figures.floor_plan_figure(spaces, color_by="use")
    markers = next(t for t in fig.data if t.name == "spaces")
    assert list(markers.customdata) == ["A", "B", "C"]


def test_a_missing_colour_column_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="tenant"):
        figures.floor_plan_figure(_spaces(), color_by="tenant")


def test_the_timeline_draws_one_bar_per_lease_banded_by_expiry() -> None:
    leases = pd.DataFrame(
        {
            "lease_id": ["L1", "L2"],
            "unit_id": ["U1", "U2"],
            "tenant_name": ["Ada", "Bo"],
            "start": pd.to_datetime(["2026-01-01", "2025-01-01"]).date,
            "end": pd.to_datetime(["2026-12-31", "2030-12-31"]).date,
        }
    )
    fig = figures.expiry_timeline_figure(leases, today="2026-09-01")
    bands = {t.name: list(t.y) for t in fig.data}
    assert bands == {"≤ 6 months": ["U1 · Ada"], "> 12 months": ["U2 · Bo"]}
    # 2026-01-01 .. 2026-12-31 inclusive is 365 days
    assert fig.data[0].x[0] == 365 * 86400 * 1000


@pytest.mark.skipif(
    not shutil.which("chromium") and not Path("/usr/bin/chromium").exists(),
    reason="PNG export needs Chromium (/usr/bin/chromium)",
)
def test_a_courtyard_hole_stays_empty_when_plotly_js_draws_the_plan() -> None:
    from PIL import Image

    fig = figures.floor_plan_figure(_spaces()[:1], color_by="use")
    fig.update_layout(width=400, height=400, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    fig.update_xaxes(range=[0, 20], visible=False)
    fig.update_yaxes(range=[0, 20], visible=False)
    for trace in fig.data[1:]:  # no room label, no marker at the centre
        trace.visible = False
    image = Image.open(io.BytesIO(figures.figure_to_png(fig, width=400, height=400))).convert("RGB")
    fill = tuple(int(figures.USE_COLOURS["shared_production"][i : i + 2], 16) for i in (1, 3, 5))
    # the courtyard (5..15 m) is the middle half of the picture; the ring around it is filled
    assert image.getpixel((200, 200)) == (255, 255, 255)
    assert image.getpixel((50, 200)) == fill


def test_numeric_colouring_has_one_key_the_colour_bar_titled_in_words_with_the_unit() -> None:
    spaces = _spaces()
    spaces["rent_eur_per_m2_month"] = [8.0, 9.5, np.nan, 12.0]
    fig = figures.floor_plan_figure(spaces, color_by="rent_eur_per_m2_month")
    markers = next(t for t in fig.data if t.name == "spaces")
    assert markers.marker.colorbar.title.text == "Rent [€/m²·month]"
    # the classes are not listed again beside the bar; only "no value" is, below the plan
    listed = [t.name for t in fig.data if t.showlegend is not False and t.name != "spaces"]
    assert listed == [figures.MISSING_LABEL]
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.title.text is None


def test_categorical_colouring_titles_its_legend_in_words() -> None:
    fig = figures.floor_plan_figure(_spaces(), color_by="use")
    assert fig.layout.legend.title.text == "Use"
    assert all(t.showlegend is not False for t in fig.data if t.fill == "toself")


def test_a_room_label_names_the_room_and_adds_long_name_tenant_and_area_where_they_fit() -> None:
    spaces = _spaces()
    spaces["tenant"] = ["Ada", "", "Bo", ""]
    # 900 px wide, 560 high, less the margins (120 and 80 px); the plan spans 55 m × 20 m,
    # so 55 m / 780 px sets the scale: 0.0705 m/px. Lines are 6 px a character and 13 px
    # tall, and hang below the dot in the lower half of the box, less 6 px.
    # Hall 20 m: 284 px; 136 px below >= 4 lines (52 px): all shown.
    # Workshop 10 × 10 m: 142 px; 65 px >= 3 lines (39 px), "Workshop" 48 px wide: shown.
    # Office 10 × 5 m: 71 px tall; 29 px < 4 lines: the number alone. Store 5 × 5 m and a
    # 1 m cupboard likewise.
    cupboard = gpd.GeoDataFrame(
        {"global_id": ["E"], "name": ["005"], "long_name": ["Cupboard"], "area_m2": [1.0],
         "height_m": [3.0], "use": ["storage"], "tenant": [""]},
        geometry=[box(54, 19, 55, 20)],
    )  # fmt: skip
    frame = pd.concat([spaces, cupboard], ignore_index=True)
    fig = figures.floor_plan_figure(frame, color_by="use", width_px=900, height_px=560)
    labels = next(t for t in fig.data if t.name == "labels")
    assert list(labels.text) == [
        "<b>001</b><br>Hall<br>Ada<br>300 m²",
        "<b>002</b><br>Workshop<br>100 m²",
        "<b>003</b>",
        "<b>004</b>",
        "<b>005</b>",
    ]


def test_walls_doors_and_columns_are_drawn_in_their_own_traces() -> None:
    outlines = gpd.GeoDataFrame(
        {"global_id": ["w1", "w2", "d1"], "kind": ["wall", "wall", "door"],
         "storey": ["0"] * 3, "z_min_m": [0.0] * 3, "z_max_m": [3.0] * 3},
        geometry=[box(-0.3, 0, 0, 20), box(0, -0.3, 55, 0), box(2, -0.3, 3, 0)],
    )  # fmt: skip
    columns = pd.DataFrame({"x_m": [10.0, 20.0], "y_m": [5.0, 5.0]})
    fig = figures.floor_plan_figure(_spaces(), color_by="use", outlines=outlines, columns=columns)
    by_name = {t.name: t for t in fig.data}
    walls = by_name["walls"]
    assert walls.fillcolor == figures.WALL_COLOUR
    # two rectangles: 5 points each and a NaN after each
    assert len(walls.x) == 12 and np.isnan(walls.x[5]) and np.isnan(walls.x[11])
    assert len(by_name["doors"].x) == 6
    assert list(by_name["columns"].x) == [10.0, 20.0]
    assert by_name["columns"].marker.symbol == "square"


def test_the_scale_bar_is_a_round_length_and_the_north_arrow_points_up_without_true_north() -> None:
    fig = figures.floor_plan_figure(_spaces(), color_by="use")
    bar = next(s for s in fig.layout.shapes if s.name == "scale bar")
    # the plan spans 55 m: a quarter is 13.75 m, so the round length below it is 10 m
    assert bar.x1 - bar.x0 == pytest.approx(10.0)
    assert any(a.text == "10 m" for a in fig.layout.annotations)
    arrow = next(a for a in fig.layout.annotations if a.name == "north" and a.showarrow)
    # the tail straight below the head: the arrow points up the page (+Y)
    assert arrow.ax == pytest.approx(0.0) and arrow.ay > 0
    turned = figures.floor_plan_figure(_spaces(), color_by="use", true_north_xy=(1.0, 0.0))
    arrow = next(a for a in turned.layout.annotations if a.name == "north" and a.showarrow)
    # true north along +X: the tail to the left of the head, level with it
    assert arrow.ax < 0 and arrow.ay == pytest.approx(0.0)


@pytest.mark.skipif(
    not shutil.which("chromium") and not Path("/usr/bin/chromium").exists(),
    reason="PDF export needs Chromium (/usr/bin/chromium)",
)
@pytest.mark.parametrize(("paper", "mm"), [("A4", (297, 210)), ("A3", (420, 297))])
def test_a_plan_prints_on_a_landscape_page_of_the_paper_asked_for(paper, mm) -> None:
    import re

    pdf = figures.figure_to_pdf(figures.floor_plan_figure(_spaces(), color_by="use"), paper=paper)
    assert pdf.startswith(b"%PDF")
    box_ = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert box_ is not None
    # ISO 216 in PostScript points (72 to the inch), within a point of kaleido's rounding
    assert float(box_.group(1)) == pytest.approx(mm[0] / 25.4 * 72, abs=1.0)
    assert float(box_.group(2)) == pytest.approx(mm[1] / 25.4 * 72, abs=1.0)


def test_a_pdf_on_another_paper_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="paper"):
        figures.figure_to_pdf(figures.floor_plan_figure(_spaces(), color_by="use"), paper="B5")


def test_a_plan_escapes_names_in_legend_hover_labels_and_title() -> None:
    spaces = _spaces()
    spaces["name"] = ['<a href="http://h/x">Pay</a>', "002", "003", "004"]
    spaces["tenant"] = ["<img src=x>", "B & C", "", ""]
    fig = figures.floor_plan_figure(spaces, color_by="tenant", title="<b>G</b>",
                                    width_px=4000, height_px=4000)  # fmt: skip
    fills = {t.name for t in fig.data if t.fill == "toself"}
    assert {"&lt;img src=x&gt;", "B &amp; C"} <= fills
    markers = next(t for t in fig.data if t.name == "spaces")
    assert markers.hovertext[0].startswith('<b>&lt;a href="http://h/x"&gt;Pay&lt;/a&gt;</b>')
    assert "tenant: &lt;img src=x&gt;" in markers.hovertext[0]
    labels = next(t for t in fig.data if t.name == "labels")
    assert labels.text[0].startswith('<b>&lt;a href="http://h/x"&gt;Pay&lt;/a&gt;</b>')
    assert "&lt;img src=x&gt;" in labels.text[0]  # the room is big enough for its tenant
    assert fig.layout.title.text == "&lt;b&gt;G&lt;/b&gt;"


def test_a_selection_on_the_plan_greys_out_neither_the_dots_nor_the_room_labels() -> None:
    """plotly dims the unselected points of every trace: the room numbers went pale grey
    as soon as a space was picked on the plan."""
    fig = figures.floor_plan_figure(_spaces(), color_by="use", selected=["B"])
    labels = next(t for t in fig.data if t.name == "labels")
    dots = next(t for t in fig.data if t.name == "spaces")
    assert labels.unselected.textfont.color == labels.textfont.color
    assert labels.selected.textfont.color == labels.textfont.color
    assert dots.unselected.marker.opacity == 1 and dots.selected.marker.opacity == 1
