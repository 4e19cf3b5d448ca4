"""Floor plans worth printing: every wall, door, column and room of a storey is drawn.

For one storey of each sample model and of AC20-FZK-Haus (skipped if absent), the model is
read through the importer (``read_model(columns=True)``) and drawn with
``floor_plan_figure``; what the figure holds is counted against ifcopenshell read directly:
the ``IfcWall``/``IfcDoor``/``IfcColumn`` elements contained in the storey
(``IfcRelContainedInSpatialStructure``) and the ``IfcSpace`` elements aggregated under it.
"""

from __future__ import annotations

from pathlib import Path

import ifcopenshell
import numpy as np
import pytest

from site_manager import figures
from site_manager.ifc import read_model
from site_manager.ifc.outlines import OUTLINES_COLUMNS
from tests.conftest import MODELS, SHARED_IFC

FILES = [MODELS / f"{n}.ifc" for n in ("textile_mill", "engineering_works", "brewery_complex")]
FZK = SHARED_IFC / "AC20-FZK-Haus.ifc"


def _contained(storey, cls: str) -> list:
    """Elements of ``cls`` (subtypes included) contained in the storey, by ifcopenshell."""
    return [e for rel in storey.ContainsElements or () for e in rel.RelatedElements if e.is_a(cls)]


def _spaces_under(storey) -> list:
    """IfcSpaces aggregated under the storey (directly or through a space)."""
    out, todo = [], [storey]
    while todo:
        node = todo.pop()
        for rel in node.IsDecomposedBy or ():
            for child in rel.RelatedObjects:
                if child.is_a("IfcSpace"):
                    out.append(child)
                    todo.append(child)
    return out


def _exterior_rings(trace) -> int:
    """Counter-clockwise (exterior) rings of a NaN-separated fill trace."""
    x, y = np.asarray(trace.x, dtype=float), np.asarray(trace.y, dtype=float)
    breaks = np.flatnonzero(np.isnan(x))
    count, start = 0, 0
    for end in breaks:
        rx, ry = x[start:end], y[start:end]
        if np.dot(rx[:-1], ry[1:]) - np.dot(rx[1:], ry[:-1]) > 0:
            count += 1
        start = end + 1
    return count


def _trace(fig, name: str):
    found = [t for t in fig.data if t.name == name]
    return found[0] if found else None


@pytest.mark.parametrize("path", [*FILES, FZK], ids=lambda p: Path(p).stem)
def test_a_storey_plan_draws_every_wall_door_column_and_room_of_the_model(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not found")
    f = ifcopenshell.open(str(path))
    # the storey with the most walls, picked by ifcopenshell alone
    storey = max(f.by_type("IfcBuildingStorey"), key=lambda s: len(_contained(s, "IfcWall")))
    walls = _contained(storey, "IfcWall")
    doors = _contained(storey, "IfcDoor")
    columns = _contained(storey, "IfcColumn")
    spaces = _spaces_under(storey)
    assert walls and spaces

    model = read_model(path, columns=True)
    assert list(model.outlines.columns) == list(OUTLINES_COLUMNS)
    name = storey.Name
    on = model.spaces[model.spaces["storey"] == name]
    outl = model.outlines[model.outlines["storey"] == name]
    cols = model.columns[model.columns["storey"] == name]
    fig = figures.floor_plan_figure(on, color_by="area_m2", outlines=outl, columns=cols)

    labels = _trace(fig, "labels")
    assert len(labels.text) == len(spaces)
    texts = list(labels.text)
    for space in spaces:  # each room's label starts with its number
        assert sum(t.startswith(f"<b>{space.Name}</b>") for t in texts) >= 1
    assert _exterior_rings(_trace(fig, "walls")) == len(walls)
    wall_ids = set(outl.loc[outl["kind"] == "wall", "global_id"])
    assert wall_ids == {w.GlobalId for w in walls}
    door_trace = _trace(fig, "doors")
    assert (0 if door_trace is None else _exterior_rings(door_trace)) == len(doors)
    column_trace = _trace(fig, "columns")
    assert (0 if column_trace is None else len(column_trace.x)) == len(columns)


def test_outlines_are_the_walls_footprints_at_their_thickness() -> None:
    """Each of the mill's walls is drawn at its thickness: its footprint is its profile.

    The mill's walls are rectangle profiles extruded upward, so a footprint's area must be
    the profile's ``XDim × YDim`` read from the IFC by ifcopenshell (thickness × length).
    """
    path = MODELS / "textile_mill.ifc"
    f = ifcopenshell.open(str(path))
    model = read_model(path, columns=True)
    walls = model.outlines[model.outlines["kind"] == "wall"]
    assert len(walls) == len(f.by_type("IfcWall"))
    for gid, geom in zip(walls["global_id"], walls.geometry, strict=True):
        wall = f.by_guid(gid)
        reps = wall.Representation.Representations
        body = next(r for r in reps if r.RepresentationIdentifier == "Body")
        profile = body.Items[0].SweptArea
        assert profile.is_a("IfcRectangleProfileDef")
        thickness = min(profile.XDim, profile.YDim)
        length = max(profile.XDim, profile.YDim)
        assert geom.area == pytest.approx(thickness * length, rel=1e-6)
