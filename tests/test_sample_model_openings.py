"""A wall opening of the sample models is a door or a window, never both.

For every external wall of the three generated models (read back with ifcopenshell), the
windows it hosts (``IfcRelFillsElement`` → ``IfcOpeningElement`` → ``IfcRelVoidsElement``)
and the doors parallel to it whose 0.2 m deep box reaches more than 1 mm into its thickness
(the brewery office's street door stands half outside the wall's face), are drawn as
rectangles in the wall's plane (along the wall × height). No window rectangle may overlap a
door rectangle by more than ``TOLERANCE_M2`` = 1 cm × 1 cm: the defect this guards against
put the mill's carding-room door over a whole window (2.0 × 2.2 = 4.4 m² shared) and its
loading-bay door over the last 0.05 m of another (0.05 × 2.4 = 0.12 m²), and doors of the
brewery (0.9, 0.2, 1.45 and 1.44 m²) and of the engineering works (2.4 m²) over five more,
all far above it.
"""

from __future__ import annotations

import functools
from pathlib import Path

import ifcopenshell
import ifcopenshell.util.placement
import numpy as np
import pytest

MODELS = Path(__file__).resolve().parents[1] / "models"
NAMES = ["brewery_complex", "engineering_works", "officina_macrolotto", "textile_mill"]
TOLERANCE_M2 = 0.01 * 0.01
DOOR_DEPTH_M = 0.2  # models/ifcbuild.py: a door is a box 0.2 m deep from its placement


def _matrix(product) -> np.ndarray:
    return np.asarray(ifcopenshell.util.placement.get_local_placement(product.ObjectPlacement))


def _wall_box(wall) -> tuple[float, float, float]:
    """Length, thickness and height of a generator wall (one extruded rectangle). [m]"""
    solid = wall.Representation.Representations[0].Items[0]
    return solid.SweptArea.XDim, solid.SweptArea.YDim, solid.Depth


def _in_wall_frame(wall_m: np.ndarray, m: np.ndarray, width: float, height: float):
    """The rectangle of a window or door (width × height from its placement) in the wall's
    frame: (x0, x1) along the wall, (z0, z1) up it, and the wall-frame axis of its width."""
    inv = np.linalg.inv(wall_m)
    corners = np.array([[0, 0, 0, 1], [width, 0, height, 1]], dtype=float)
    local = (inv @ m @ corners.T).T
    xs, zs = sorted(local[:, 0]), sorted(local[:, 2])
    axis = (inv[:3, :3] @ m[:3, :3])[:, 0]
    return (xs[0], xs[1]), (zs[0], zs[1]), axis


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


@functools.cache
def _overlaps(name: str) -> list[tuple[str, str, str, float]]:
    """(wall, window, door, shared area [m²]) for every window over a door."""
    f = ifcopenshell.open(str(MODELS / f"{name}.ifc"))
    windows_of: dict[int, list] = {}
    for rel in f.by_type("IfcRelFillsElement"):
        if not rel.RelatedBuildingElement.is_a("IfcWindow"):
            continue
        for void in rel.RelatingOpeningElement.VoidsElements:
            wall = void.RelatingBuildingElement
            windows_of.setdefault(wall.id(), []).append(rel.RelatedBuildingElement)
    doors = [(d, _matrix(d)) for d in f.by_type("IfcDoor")]
    found = []
    for wall in f.by_type("IfcWall"):
        wall_m = _matrix(wall)
        length, thickness, _ = _wall_box(wall)
        inv = np.linalg.inv(wall_m)
        in_wall = []
        for door, m in doors:
            (dx0, dx1), dz, axis = _in_wall_frame(wall_m, m, door.OverallWidth, door.OverallHeight)
            faces = inv @ m @ np.array([[0.0, 0.0, 0.0, 1.0], [0.0, DOOR_DEPTH_M, 0.0, 1.0]]).T
            depth = (min(faces[1]), max(faces[1]))  # across the wall
            parallel = abs(axis[0]) > 0.999 and abs(axis[2]) < 1e-6
            reaches_in = _overlap(depth, (0.0, thickness)) > 0.001
            if parallel and reaches_in and _overlap((dx0, dx1), (0.0, length)) > 0:
                in_wall.append((door, (dx0, dx1), dz))
        for win in windows_of.get(wall.id(), []):
            wx, wz, _ = _in_wall_frame(wall_m, _matrix(win), win.OverallWidth, win.OverallHeight)
            for door, dx, dz in in_wall:
                shared = _overlap(wx, dx) * _overlap(wz, dz)
                if shared > TOLERANCE_M2:
                    found.append((wall.Name, win.Name, door.Name, round(shared, 4)))
    return found


def test_the_check_sees_a_window_inside_a_door_of_its_wall_in_the_wall_frame() -> None:
    # a 2.0 × 2.4 m window at x 41–43, sill 1.0, and a 3.0 × 3.2 m door at x 40.825, both in
    # a wall along +x: 2.0 m along × (3.2 − 1.0) m up = 4.4 m² shared
    wall_m = np.eye(4)
    win_m, door_m = np.eye(4), np.eye(4)
    win_m[:3, 3] = (41.0, 0.0, 1.0)
    door_m[:3, 3] = (40.825, 0.0, 0.0)
    wx, wz, _ = _in_wall_frame(wall_m, win_m, 2.0, 2.4)
    dx, dz, _ = _in_wall_frame(wall_m, door_m, 3.0, 3.2)
    assert _overlap(wx, dx) * _overlap(wz, dz) == pytest.approx(4.4)


@pytest.mark.parametrize("name", NAMES)
def test_no_window_of_a_sample_model_overlaps_a_door_in_the_same_wall(name: str) -> None:
    assert _overlaps(name) == []
