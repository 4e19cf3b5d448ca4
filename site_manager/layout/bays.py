"""Bays of a large unit: its footprint cut on the hall's column grid, or into equal bays.

:func:`~site_manager.layout.from_site.problem_from_register` cuts a unit larger than the
bay area into these bays, each a unit ``<unit>/b<k>`` of the layout problem; the Layout lab
(:mod:`site_manager.layout.lab_plan`) cuts them again to draw them.
"""

from __future__ import annotations

import math
from typing import Any

#: Column axes this close to a unit's footprint (inside it or in its walls) set its grid. [m]
COLUMN_REACH_M = 0.7
#: Column coordinates this close together (across the grid line) are one grid line. [m]
GRID_TOLERANCE_M = 0.3


def _principal_frame(footprint: Any) -> tuple[float, Any]:
    """Angle [°] of the long side of the footprint's minimum rotated rectangle, and its centre."""
    rect = footprint.minimum_rotated_rectangle
    coords = list(rect.exterior.coords)
    (x0, y0), (x1, y1), (x2, y2) = coords[0], coords[1], coords[2]
    e1, e2 = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
    dx, dy = (x1 - x0, y1 - y0) if e1 >= e2 else (x2 - x1, y2 - y1)
    return math.degrees(math.atan2(dy, dx)), rect.centroid


def _cluster(values: list[float], tolerance: float) -> list[float]:
    """Sorted values grouped where each is within ``tolerance`` of the previous; group means."""
    groups: list[list[float]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [sum(g) / len(g) for g in groups]


def _shared_edge(a: Any, b: Any) -> float:
    """Length of boundary two touching pieces share. [m]"""
    return float(a.boundary.intersection(b.buffer(1e-6)).length)


def _columns_near(columns: Any, footprint: Any, storey: str, spaces: list[Any]) -> list[Any]:
    """World XY of the columns that stand in a unit: inside it or in its walls, on its storey
    or standing in its height (from its floor up).
    """
    import shapely

    if columns is None or len(columns) == 0 or footprint.is_empty:
        return []
    floors = [float(sp["z_min_m"]) for sp in spaces if sp["z_min_m"] == sp["z_min_m"]]
    floor = min(floors) if floors else math.nan
    same = columns["storey"] == storey
    if floor == floor:  # a column from the unit's floor to above head height stands in it
        same = same | ((columns["z_min_m"] <= floor + 0.5) & (columns["z_max_m"] >= floor + 1.0))
    cand = columns[same]
    if len(cand) == 0:
        return []
    x, y = cand["x_m"].to_numpy(float), cand["y_m"].to_numpy(float)
    inside = shapely.contains_xy(footprint.buffer(COLUMN_REACH_M), x, y)
    return [(float(a), float(b)) for a, b, keep in zip(x, y, inside, strict=True) if keep]


def grid_bays(
    footprint: Any,
    points: list[tuple[float, float]],
    *,
    min_bay_m2: float,
    tolerance_m: float = GRID_TOLERANCE_M,
) -> list[Any] | None:
    """Cut a footprint into the bays of the column grid through ``points``.

    The column axes are turned into the footprint's principal frame (the long side of its
    minimum rotated rectangle), their x and y coordinates clustered within ``tolerance_m``
    into grid lines, and the footprint cut at every grid line that crosses it (more than
    ``tolerance_m`` inside its extent). Pieces smaller than ``min_bay_m2`` are merged, the
    smallest first, into the neighbour they share the longest edge with.

    Parameters
    ----------
    footprint : shapely Polygon or MultiPolygon
        The unit's footprint in world XY. [m]
    points : list of (float, float)
        World XY of the column axes that stand in or around the unit. [m]
    min_bay_m2 : float
        Smallest bay; smaller pieces join a neighbour. [m²]
    tolerance_m : float
        Column coordinates this close form one grid line. [m]

    Returns
    -------
    list of shapely Polygon or None
        The bays in world XY, ordered along the long axis then across it; they cover the
        footprint without overlap. ``None`` where no grid line crosses the footprint or the
        merging leaves a single piece.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> hall = box(0, 0, 30, 10)
    >>> bays = grid_bays(hall, [(10, 0), (20, 0), (10, 10), (20, 10)], min_bay_m2=50)
    >>> [round(b.area, 1) for b in bays]
    [100.0, 100.0, 100.0]
    """
    from shapely import affinity
    from shapely.geometry import Point, Polygon, box
    from shapely.ops import unary_union

    if footprint.is_empty or not points:
        return None
    angle, c = _principal_frame(footprint)
    flat = affinity.rotate(footprint, -angle, origin=c)
    turned = [affinity.rotate(Point(p), -angle, origin=c) for p in points]
    minx, miny, maxx, maxy = flat.bounds
    xs = [x for x in _cluster([p.x for p in turned], tolerance_m) if minx + tolerance_m < x]
    xs = [x for x in xs if x < maxx - tolerance_m]
    ys = [y for y in _cluster([p.y for p in turned], tolerance_m) if miny + tolerance_m < y]
    ys = [y for y in ys if y < maxy - tolerance_m]
    if not xs and not ys:
        return None
    gx, gy = [minx, *xs, maxx], [miny, *ys, maxy]
    pieces: list[Any] = []
    for i in range(len(gx) - 1):
        for j in range(len(gy) - 1):
            cut = flat.intersection(box(gx[i], gy[j], gx[i + 1], gy[j + 1]))
            parts = getattr(cut, "geoms", [cut])
            pieces.extend(g for g in parts if isinstance(g, Polygon) and g.area > 1e-6)
    while len(pieces) > 1:
        k = min(range(len(pieces)), key=lambda i: pieces[i].area)
        if pieces[k].area >= min_bay_m2:
            break
        edges = [(_shared_edge(pieces[k], q), -q.area, i) for i, q in enumerate(pieces) if i != k]
        best = max(edges)
        if best[0] <= 1e-6:  # touches nothing: the nearest piece takes it
            best = min((pieces[k].distance(q), 0.0, i) for i, q in enumerate(pieces) if i != k)
        j = best[2]
        merged = unary_union([pieces[k], pieces[j]])
        pieces = [q for i, q in enumerate(pieces) if i not in (k, j)] + [merged]
    if len(pieces) < 2:
        return None
    pieces.sort(key=lambda g: (round(g.centroid.x, 3), round(g.centroid.y, 3)))
    return [affinity.rotate(g, angle, origin=c) for g in pieces]


def equal_bays(footprint: Any, n: int) -> list[Any]:
    """Cut a footprint into ``n`` bays of equal width across its long axis (world XY). [m]"""
    from shapely import affinity
    from shapely.geometry import box

    angle, c = _principal_frame(footprint)
    flat = affinity.rotate(footprint, -angle, origin=c)
    minx, miny, maxx, maxy = flat.bounds
    step = (maxx - minx) / n
    return [
        affinity.rotate(
            flat.intersection(box(minx + k * step, miny, minx + (k + 1) * step, maxy)),
            angle,
            origin=c,
        )
        for k in range(n)
    ]
