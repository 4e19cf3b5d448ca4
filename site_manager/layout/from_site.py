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
- **Bays**: with ``bay_area_m2``, a unit larger than that is cut into equal bays across its
  long axis (the column lines of a hall run across it), each a unit ``<unit>/b<k>``
  adjacent to the next, all in one hall; a let of two adjacent bays is a bigger unit. The
  importer does not expose the model's ``IfcColumn`` grid yet, so the bays are regular.
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
        The site's model when already read (else read from ``site.toml``).
    """
    from shapely import affinity
    from shapely.geometry import Polygon, box
    from shapely.ops import unary_union

    from site_manager.sites import read_site

    if bay_area_m2 is not None and not bay_area_m2 > 0:
        raise ValidationError(f"bay area must be positive m², got {bay_area_m2!r}")
    folder = read_site(site)
    if model is None:
        from site_manager.ifc import read_model

        model = read_model(folder.model_path)
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
        n = max(2, round(base.area / bay_area_m2))
        coords = list(rect.exterior.coords)
        (x0, y0), (x1, y1), (x2, y2) = coords[0], coords[1], coords[2]
        e1, e2 = math.hypot(x1 - x0, y1 - y0), math.hypot(x2 - x1, y2 - y1)
        long_dx, long_dy = (x1 - x0, y1 - y0) if e1 >= e2 else (x2 - x1, y2 - y1)
        angle = math.degrees(math.atan2(long_dy, long_dx))
        c = rect.centroid
        flat = affinity.rotate(footprint, -angle, origin=c)
        minx, miny, maxx, maxy = flat.bounds
        step = (maxx - minx) / n
        prev = None
        for k in range(n):
            cell = box(minx + k * step, miny, minx + (k + 1) * step, maxy)
            part = affinity.rotate(flat.intersection(cell), angle, origin=c)
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
            if prev is not None:
                adjacency.append((prev, bay.id))
            prev = bay.id

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
