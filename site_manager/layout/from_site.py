"""A layout problem from a sample site: its units from the model, its applicants from a table.

- **Units** are the site's ``units.csv`` rows whose spaces are all zoned ``private_production``
  or ``storage`` (shared workshops, circulation, technical rooms and yards are not let).
  From the model's ``Pset_MultifactorySpace`` on their spaces: height = lowest
  ``ClearHeight`` [m], load = lowest ``FloorLoadCapacity`` [kN/m²], extraction and daylight if
  any space has them, access if any space has ``LoadingAccess`` ground or goods_lift (or
  ``GroundAccess``). Power [kW]: each distribution board's ``ElectricalCapacity`` shared
  among the lettable units it serves in proportion to their area (the pset gives the
  board's capacity, not the unit's). Area [m²] is the ``units.csv`` area.
- **Adjacency**: two units on the same storey share a wall when their footprints' boundaries
  run together, within the wall thickness (``wall_m``, 0.7 m), for at least ``min_wall_m``
  (1 m) — a corner contact is not a shared wall.
- **Bays**: with ``bay_area_m2``, a unit larger than that is cut into bays of the hall's
  column grid (:func:`grid_bays`), each a unit ``<unit>/b<k>`` in the unit's hall; a let of
  two adjacent bays is a bigger unit. The grid comes from the model's ``IfcColumn`` axes
  (``model.extra["columns"]``) that stand inside the unit or in its walls (within
  ``COLUMN_REACH_M``) on its storey or in its height: their coordinates in the unit's
  principal axes are clustered (``GRID_TOLERANCE_M``) into grid lines, the footprint is cut
  at the lines that cross it, and pieces smaller than ``min_bay_m2`` (default a third of
  ``bay_area_m2``) are merged into the neighbour they share the longest edge with. Where no
  grid line crosses the unit (no columns, or columns only on its edges), or the merging
  leaves one piece, the unit is cut into ``round(area / bay_area_m2)`` (at least two) equal
  bays across its long axis instead. Bays of one unit are adjacent where they share an edge
  of at least ``min_wall_m``.
- **Existing tenants**: the leases running on ``on_date`` fix their tenants in their units;
  a tenant is noisy at the loudest machine it owns (``noise_db``), hazardous if it owns a
  machine with a ``fire`` or ``chemical`` hazard, and provides the types of its shared
  machines and its skills. The site data records no needs or noise sensitivity of tenants,
  so those are empty.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from pathlib import Path
from typing import Any

from site_manager.errors import ValidationError
from site_manager.layout.problem import (
    Applicant,
    ExistingTenant,
    Parameters,
    Problem,
    Unit,
    problem_from_dict,
    read_applicants_table,
)

log = logging.getLogger(__name__)

#: Column axes this close to a unit's footprint (inside it or in its walls) set its grid. [m]
COLUMN_REACH_M = 0.7
#: Column coordinates this close together (across the grid line) are one grid line. [m]
GRID_TOLERANCE_M = 0.3

LETTABLE_USES = frozenset({"private_production", "storage"})
_PSET = "Pset_MultifactorySpace."


def _types(text: Any) -> tuple[str, ...]:
    if not isinstance(text, str):
        return ()
    return tuple(t.strip() for t in text.split(";") if t.strip())


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


def problem_from_site(
    site: str | Path,
    *,
    applicants: str | Path | None = None,
    bay_area_m2: float | None = None,
    on_date: dt.date | None = None,
    parameters: Parameters | None = None,
    wall_m: float = 0.7,
    min_wall_m: float = 1.0,
    model: Any = None,
    min_bay_m2: float | None = None,
) -> Problem:
    """Build a layout problem from a sample site (see the module docstring).

    Parameters
    ----------
    site : str or Path
        A folder name in ``sample_sites/`` or a path to a site folder.
    applicants : str or Path, optional
        Applicants CSV or Excel sheet; default the site's ``applicants.csv``.
    bay_area_m2 : float, optional
        Cut units larger than this into bays. [m²]
    on_date : datetime.date, optional
        Leases running on this day fix their tenants (default: today).
    parameters : Parameters, optional
        Objective parameters (default :class:`Parameters`).
    wall_m, min_wall_m : float
        Wall thickness tolerance and the shortest shared wall. [m]
    model : BuildingModel, optional
        The site's model when already read (else read from ``site.toml`` with its columns).
        A model read without ``extras=("columns",)`` gives equal bays.
    min_bay_m2 : float, optional
        Grid pieces smaller than this are merged into a neighbour (default a third of
        ``bay_area_m2``). [m²]
    """
    from shapely.geometry import Polygon
    from shapely.ops import unary_union

    from site_manager.sites import read_site

    if bay_area_m2 is not None and not bay_area_m2 > 0:
        raise ValidationError(f"bay area must be positive m², got {bay_area_m2!r}")
    if min_bay_m2 is not None and not min_bay_m2 >= 0:
        raise ValidationError(f"minimum bay area must be zero or more m², got {min_bay_m2!r}")
    folder = read_site(site)
    if model is None:
        from site_manager.ifc import read_model

        model = read_model(folder.model_path, extras=("columns",) if bay_area_m2 else ())
    columns = model.extra.get("columns")
    if bay_area_m2 is not None and columns is None:
        log.info("the model was read without its columns: large units get equal bays")
    spaces = model.spaces.set_index("global_id")
    zoning = dict(zip(folder.zoning["space_global_id"], folder.zoning["use"], strict=False))

    rows = []
    for rec in folder.units.to_dict(orient="records"):
        gids = _types(rec["space_global_ids"])
        uses = {zoning.get(g, "") for g in gids}
        if not gids or not uses <= LETTABLE_USES:
            continue
        missing = [g for g in gids if g not in spaces.index]
        if missing:
            raise ValidationError(
                f"{folder.folder}/units.csv: unit {rec['unit_id']!r} names space {missing[0]!r} "
                f"that is not in the model {folder.model_path.name}"
            )
        rows.append((rec, [spaces.loc[g] for g in gids]))

    # power: each board's capacity shared among its lettable units by area
    board_area: dict[str, float] = {}
    board_cap: dict[str, float] = {}
    for _rec, sps in rows:
        for sp in sps:
            ps = sp["psets"] or {}
            board = str(ps.get(_PSET + "DistributionBoard", ""))
            board_cap[board] = float(ps.get(_PSET + "ElectricalCapacity", 0.0) or 0.0)
            board_area[board] = board_area.get(board, 0.0) + float(sp["area_m2"] or 0.0)

    units: list[Unit] = []
    shapes: dict[str, tuple[str, Any]] = {}
    adjacency: list[tuple[str, str]] = []
    for rec, sps in rows:
        psets = [sp["psets"] or {} for sp in sps]

        def get(name: str, default: Any, psets: list[dict[str, Any]] = psets) -> list[Any]:
            return [p.get(_PSET + name, default) for p in psets]

        heights = [
            float(h) if h is not None else float(sp["height_m"])
            for h, sp in zip(get("ClearHeight", None), sps, strict=True)
        ]
        power = 0.0
        for sp, ps in zip(sps, psets, strict=True):
            board = str(ps.get(_PSET + "DistributionBoard", ""))
            if board_area.get(board):
                power += board_cap[board] * float(sp["area_m2"] or 0.0) / board_area[board]
        access = any(str(v) in ("ground", "goods_lift") for v in get("LoadingAccess", "none"))
        access = access or any(bool(v) for v in get("GroundAccess", False))
        base = Unit(
            id=str(rec["unit_id"]),
            name=str(rec.get("name") or ""),
            storey=str(rec["storey"]),
            hall=str(rec["unit_id"]),
            area=float(rec["area_m2"]),
            height=min(heights),
            load=min(float(v or 0.0) for v in get("FloorLoadCapacity", 0.0)),
            power=round(power, 1),
            extraction=any(bool(v) for v in get("Extraction", False)),
            access=access,
            daylight=any(bool(v) for v in get("Daylight", False)),
        )
        footprint = unary_union([sp["geometry"] for sp in sps if sp["geometry"] is not None])
        rect = footprint.minimum_rotated_rectangle
        if (
            bay_area_m2 is None
            or base.area <= bay_area_m2
            or footprint.is_empty
            or not isinstance(rect, Polygon)  # degenerate footprint: keep the unit whole
        ):
            units.append(base)
            shapes[base.id] = (base.storey, footprint)
            continue
        points = _columns_near(columns, footprint, base.storey, sps)
        pieces = grid_bays(
            footprint,
            points,
            min_bay_m2=bay_area_m2 / 3 if min_bay_m2 is None else min_bay_m2,
        )
        if pieces is None:
            pieces = equal_bays(footprint, max(2, round(base.area / bay_area_m2)))
            log.info("unit %s: no column grid crosses it; %d equal bays", base.id, len(pieces))
        else:
            log.info("unit %s: %d bays on the column grid", base.id, len(pieces))
        bay_ids = []
        for k, part in enumerate(pieces):
            bay = Unit(
                **{
                    **base.__dict__,
                    "id": f"{base.id}/b{k + 1}",
                    "name": f"{base.name} bay {k + 1}",
                    "area": round(base.area * part.area / footprint.area, 2),
                    "power": round(base.power * part.area / footprint.area, 1),
                }
            )
            units.append(bay)
            shapes[bay.id] = (base.storey, part)
            bay_ids.append(bay.id)
        for i, a in enumerate(bay_ids):
            for j in range(i + 1, len(bay_ids)):
                if _shared_edge(pieces[i], pieces[j]) >= min_wall_m:
                    adjacency.append((a, bay_ids[j]))

    ids = list(shapes)
    grown = {uid: shapes[uid][1].buffer(wall_m) for uid in ids}
    for i, a in enumerate(ids):
        sa, ga = shapes[a]
        for b in ids[i + 1 :]:
            sb, gb = shapes[b]
            if sa != sb or a.split("/b")[0] == b.split("/b")[0]:
                continue
            if not grown[a].intersects(gb):
                continue
            shared = gb.boundary.intersection(grown[a]).length
            shared2 = ga.boundary.intersection(grown[b]).length
            if min(shared, shared2) >= min_wall_m + 2 * wall_m:
                adjacency.append((a, b))

    apps: tuple[Applicant, ...]
    path = Path(applicants) if applicants else folder.folder / "applicants.csv"
    apps = read_applicants_table(path)

    existing = _existing(folder, {u.id: u for u in units}, on_date or dt.date.today())
    params = parameters or Parameters()
    data = {
        "units": [u.__dict__ for u in units],
        "adjacency": [list(p) for p in adjacency],
        "applicants": [
            {k: list(v) if isinstance(v, tuple) else v for k, v in a.__dict__.items()} for a in apps
        ],
        "existing": [
            {k: list(v) if isinstance(v, tuple) else v for k, v in e.__dict__.items()}
            for e in existing
        ],
        "parameters": {
            "allow_pairs": params.allow_pairs,
            "noisy_db": params.noisy_db,
            "w_fit": params.w_fit,
            "pair_fit_penalty": params.pair_fit_penalty,
            "synergy": dict(params.synergy),
        },
    }
    log.info("%d units, %d adjacent pairs from %s", len(units), len(adjacency), folder.folder)
    return problem_from_dict(data, source=str(folder.folder))


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


def _existing(folder: Any, units: dict[str, Unit], day: dt.date) -> list[ExistingTenant]:
    """Tenants with a lease running on ``day`` in a lettable unit (or its bays)."""
    import pandas as pd

    leases = folder.leases
    ts = pd.Timestamp(day)
    running = leases[(leases["start"] <= ts) & (leases["end"] >= ts)]
    held: dict[str, list[str]] = {}
    for rec in running.to_dict(orient="records"):
        uid = str(rec["unit_id"])
        members = [u for u in units if u == uid or u.startswith(uid + "/b")]
        held.setdefault(str(rec["tenant_id"]), []).extend(members)
    eq = folder.equipment
    skills = folder.skills
    out = []
    taken: set[str] = set()
    for tid, uids in sorted(held.items()):
        uids = [u for u in dict.fromkeys(uids) if u not in taken]
        if not uids:
            continue
        taken.update(uids)
        own = eq[eq["owner_tenant_id"] == tid]
        noise = float(own["noise_db"].max()) if len(own) and own["noise_db"].notna().any() else 0.0
        hazards = {h for text in own["hazards"].fillna("") for h in _types(text)}
        shared = own[own["shared"].fillna(False).astype(bool)]
        provides = {str(t) for t in shared["type"].dropna() if str(t)}
        provides |= {_slug(s) for s in skills[skills["tenant_id"] == tid]["skill"].dropna()}
        out.append(
            ExistingTenant(
                id=tid,
                units=tuple(uids),
                noise_db=noise,
                hazard=1 if hazards & {"fire", "chemical"} else 0,
                provides=tuple(sorted(provides)),
            )
        )
    return out
