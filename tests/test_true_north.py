"""True north: read once from the model context, kept with the site, drawn on its plans."""

from __future__ import annotations

import math
from pathlib import Path

import ifcopenshell
import pytest

from site_manager import figures, register
from tests.conftest import MODELS


def _true_north_by_hand(path: Path) -> float:
    """Clockwise angle from model +Y of the 3D context's TrueNorth, read with ifcopenshell."""
    f = ifcopenshell.open(str(path))
    ctx = next(c for c in f.by_type("IfcGeometricRepresentationContext")
               if not c.is_a("IfcGeometricRepresentationSubContext")
               and c.CoordinateSpaceDimension == 3)  # fmt: skip
    x, y = ctx.TrueNorth.DirectionRatios[:2]
    return math.degrees(math.atan2(x, y))


@pytest.mark.parametrize("name", ["textile_mill", "brewery_complex"])
def test_the_site_keeps_the_models_true_north_and_the_plan_arrow_points_to_it(
    name: str, tmp_path: Path
) -> None:
    expected = _true_north_by_hand(MODELS / f"{name}.ifc")
    assert abs(expected) > 5  # the sample models are turned off north
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    site = register.create_site(engine, MODELS / f"{name}.ifc", name=name)
    frames = register.frames(engine, site)
    assert frames.site["true_north_deg"] == pytest.approx(expected, abs=1e-9)
    spaces = frames.spaces_gdf()
    storey = spaces["storey"].iloc[0]
    fig = figures.floor_plan_figure(
        spaces[spaces["storey"] == storey],
        true_north_xy=figures.north_of(frames.site["true_north_deg"]),
    )
    arrow = next(a for a in fig.layout.annotations if a.showarrow)
    # the arrow's tail is drawn back from its head along north, in screen pixels (y down)
    drawn = math.degrees(math.atan2(-arrow.ax, arrow.ay))
    assert drawn == pytest.approx(expected, abs=1e-6)


def test_a_model_without_true_north_has_north_up() -> None:
    assert figures.north_of(None) is None
    fig = figures.floor_plan_figure(_square())
    arrow = next(a for a in fig.layout.annotations if a.showarrow)
    assert (arrow.ax, arrow.ay) == (0, 36)


def _square():
    import geopandas as gpd
    from shapely.geometry import box

    return gpd.GeoDataFrame({"global_id": ["A"], "name": ["1"], "use": ["storage"],
                             "area_m2": [100.0]}, geometry=[box(0, 0, 10, 10)])  # fmt: skip
