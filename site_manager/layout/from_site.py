"""A layout problem from a site in the register: its units, their attributes, its applicants.

Everything comes from :class:`~site_manager.register.queries.RegisterFrames`
(``register.frames(engine, site)``), so any site works, including one created from an
arbitrary IFC file; where the register says nothing, the defaults of
:mod:`site_manager.assumptions` apply (:func:`~site_manager.assumptions.layout_assumptions`
lists the ones a site needs).

- **Units** are the register's units whose live (not removed) spaces are all zoned
  ``private_production`` or ``storage`` (shared workshops, circulation, technical rooms and
  yards are not let). A site with **no units at all** (one created from an IFC file) offers
  each live space zoned private production or storage, or not zoned, as a unit of its own:
  its id is the space's name where that is non-empty and unique among the live spaces, else
  its GlobalId; spaces without an area are left out.
- **Unit attributes** come from the register's space attributes (read from
  ``Pset_MultifactorySpace`` at import, editable with ``register.set_space_attributes``):
  height = lowest ``clear_height_m`` (else the space's ``height_m``) [m], load = lowest
  ``floor_load_kn_m2`` (an unknown load counts as
  :data:`~site_manager.assumptions.DEFAULT_FLOOR_LOAD_KN_M2`) [kN/m²], extraction and
  daylight if any space has them, access if any space has ``loading_access`` ``ground`` or
  ``goods_lift`` or ``ground_access``. Power [kW]: a space's own ``power_kw`` where given,
  else its area share, among the board's lettable spaces without one, of its board's
  ``board_capacity_kw`` less what those with one take; a board whose capacity nobody gave
  counts as :data:`~site_manager.assumptions.DEFAULT_POWER_KW`, a space without a board id
  is a board of its own, and where the spaces of one board disagree the lowest capacity is
  taken. Area [m²] is the unit's register area (declared, else the sum of its live spaces
  or parts of spaces). A unit made of part of a space (a let bay, the rest of a hall) has
  its part's polygon as footprint and that part's share of the space's power.
- **Adjacency**: two units on the same storey share a wall when their footprints' boundaries
  run together, within the wall thickness (``wall_m``, 0.7 m), for at least ``min_wall_m``
  (1 m) — a corner contact is not a shared wall.
- **Bays**: with ``bay_area_m2``, a unit larger than that is cut into bays of the hall's
  column grid (:func:`grid_bays`), each a unit ``<unit>/b<k>`` in the unit's hall; a let of
  two adjacent bays is a bigger unit. The grid comes from the register's structural columns
  (``frames.columns``) that stand inside the unit or in its walls (within
  ``COLUMN_REACH_M``) on its storey or in its height: their coordinates in the unit's
  principal axes are clustered (``GRID_TOLERANCE_M``) into grid lines, the footprint is cut
  at the lines that cross it, and pieces smaller than ``min_bay_m2`` (default a third of
  ``bay_area_m2``) are merged into the neighbour they share the longest edge with. Where no
  grid line crosses the unit (no columns, or columns only on its edges), or the merging
  leaves one piece, the unit is cut into ``round(area / bay_area_m2)`` (at least two) equal
  bays across its long axis instead. Bays of one unit are adjacent where they share an edge
  of at least ``min_wall_m``.
- **Existing tenants**: the leases running on ``on_date`` (start ≤ day ≤ end, the end day
  included) fix their tenants in their units; a tenant is noisy at the loudest machine it
  owns (``noise_db``), hazardous if it owns a machine with a ``fire`` or ``chemical``
  hazard, and provides the types of its shared machines and its skills. The register
  records no needs or noise sensitivity of tenants, so those are empty; kind and name are
  the register's.
- **Applicants** are the register's (``frames.applicants``), or those of a CSV or Excel
  table the user gives (:func:`~site_manager.layout.problem.read_applicants_table`).
- **Community rules**: the site's stored rules (``frames.layout_rules``), with the area of
  its live spaces zoned for shared uses (:func:`site_manager.zoning.shared_private_balance`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from pathlib import Path
from typing import Any

from site_manager.assumptions import DEFAULT_FLOOR_LOAD_KN_M2, DEFAULT_POWER_KW
from site_manager.community import type_name as _slug
from site_manager.errors import ValidationError
from site_manager.layout.bays import (  # noqa: F401 - the bays' home; names kept here too
    COLUMN_REACH_M,
    GRID_TOLERANCE_M,
    _columns_near,
    _shared_edge,
    equal_bays,
    grid_bays,
)
from site_manager.layout.problem import (
    ExistingTenant,
    Parameters,
    Problem,
    Unit,
    problem_from_dict,
    read_applicants_table,
)
from site_manager.parsing import parse_date
from site_manager.register.contracts import APPLICANTS
from site_manager.zoning import shared_private_balance

log = logging.getLogger(__name__)

LETTABLE_USES = frozenset({"private_production", "storage"})
#: Register applicant columns -> problem applicant fields: the short names of
#: ``docs/layout.md``, which the applicants' contract keeps as its sample-file headings.
APPLICANT_COLUMNS = {**dict(APPLICANTS.sample_headings or {}), "name": "name"}


def _types(text: Any) -> tuple[str, ...]:
    if not isinstance(text, str):
        return ()
    return tuple(t.strip() for t in text.split(";") if t.strip())


def _missing(value: Any) -> bool:
    """None, NaN, pandas' NA or an empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


def _number(value: Any, default: float) -> float:
    return default if _missing(value) else float(value)


def _flag(value: Any) -> bool:
    return False if _missing(value) else bool(value)


def _live_spaces(frames: Any) -> Any:
    """The site's spaces that are not removed, as a GeoDataFrame indexed by GlobalId."""
    spaces = frames.spaces_gdf()
    if len(spaces):
        spaces = spaces[~spaces["removed"].fillna(False).astype(bool)]
    return spaces.set_index("global_id", drop=False)


def _unit_rows(frames: Any, spaces: Any, day: dt.date) -> list[tuple[dict[str, Any], list[Any]]]:
    """(unit record, its live space rows) of every lettable unit that exists on ``day`` (not
    retired); without units, one per space.
    """
    rows: list[tuple[dict[str, Any], list[Any]]] = []
    if len(frames.units):
        parts = _parts_of(frames)
        for rec in frames.units_on(day).to_dict(orient="records"):
            gids = [g for g in rec["space_global_ids"] if g in spaces.index]
            uses = {spaces.at[g, "use"] for g in gids}
            if not gids or not uses <= LETTABLE_USES:
                continue
            area = _number(rec["area_m2"], 0.0)
            if not area > 0:
                log.info("unit %s has no area: left out of the problem", rec["unit_id"])
                continue
            storey = rec["storey"] if not _missing(rec["storey"]) else spaces.at[gids[0], "storey"]
            unit = {
                "unit_id": str(rec["unit_id"]),
                "name": "" if _missing(rec["name"]) else str(rec["name"]),
                "storey": "" if _missing(storey) else str(storey),
                "area_m2": area,
                "parts": parts.get(str(rec["unit_id"]), {}),
            }
            rows.append((unit, [spaces.loc[g] for g in gids]))
        return rows
    # no units defined: each space that could be let is a unit of its own
    names = Counter(str(n).strip() for n in spaces["name"] if not _missing(n))
    for gid, sp in spaces.iterrows():
        use = sp["use"]
        if not (_missing(use) or use in LETTABLE_USES):
            continue
        area = _number(sp["area_m2"], 0.0)
        if not area > 0:
            log.info("space %s has no area: not offered as a unit", gid)
            continue
        name = "" if _missing(sp["name"]) else str(sp["name"]).strip()
        uid = name if name and names[name] == 1 else str(gid)
        label = sp["long_name"] if not _missing(sp["long_name"]) else name
        unit = {
            "unit_id": uid,
            "name": str(label),
            "storey": "" if _missing(sp["storey"]) else str(sp["storey"]),
            "area_m2": area,
        }
        rows.append((unit, [sp]))
    return rows


def _parts_of(frames: Any) -> dict[str, dict[str, tuple[Any, float]]]:
    """Unit id → space GlobalId → (the part's polygon, its share of the space's area) for
    the units made of part of a space.
    """
    import shapely

    pairs = frames.unit_spaces
    out: dict[str, dict[str, tuple[Any, float]]] = {}
    if "footprint_wkt" not in pairs:
        return out
    cols = (pairs[c] for c in ("unit_id", "space_global_id", "footprint_wkt", "share"))
    for uid, gid, wkt, share in zip(*cols, strict=True):
        if not _missing(wkt):
            out.setdefault(str(uid), {})[str(gid)] = (
                shapely.from_wkt(wkt), _number(share, 1.0))  # fmt: skip
    return out


def _share(rec: dict[str, Any], sp: Any) -> float:
    """The share of space ``sp``'s area unit ``rec`` takes (1: the whole space). [-]"""
    part = rec.get("parts", {}).get(str(sp.name))
    return 1.0 if part is None else part[1]


def _footprint(rec: dict[str, Any], sps: list[Any]) -> Any:
    """A unit's footprint: its parts of spaces and its whole spaces, joined."""
    from shapely.ops import unary_union

    parts = rec.get("parts", {})
    shapes = [parts[str(sp.name)][0] if str(sp.name) in parts else sp["geometry"] for sp in sps]
    return unary_union([g for g in shapes if g is not None])


def _board_of(sp: Any) -> str:
    """A space's board key: its board id, else the space itself (a board of its own)."""
    return f"board:{sp['board_id']}" if not _missing(sp["board_id"]) else f"space:{sp.name}"


def _board_power(rows: list[tuple[dict[str, Any], list[Any]]]) -> dict[str, float]:
    """Each lettable space's own ``power_kw``, else its area share of what its board's
    capacity leaves once the board's spaces' own power is taken out (never below 0). [kW]
    """
    # a space two part-units share counts once
    spaces = list({str(sp.name): sp for _rec, sps in rows for sp in sps}.values())
    own = {str(sp.name): float(sp["power_kw"]) for sp in spaces if not _missing(sp["power_kw"])}
    area: dict[str, float] = {}
    caps: dict[str, set[float]] = {}
    taken: dict[str, float] = {}
    for sp in spaces:
        board = _board_of(sp)
        if not _missing(sp["board_capacity_kw"]):
            caps.setdefault(board, set()).add(float(sp["board_capacity_kw"]))
        if str(sp.name) in own:  # a board of its own when it has no board id
            taken[board] = taken.get(board, 0.0) + own[str(sp.name)]
        else:
            area[board] = area.get(board, 0.0) + _number(sp["area_m2"], 0.0)
    for board, values in caps.items():
        if len(values) > 1:
            log.warning(
                "%s: its spaces give capacities %s kW; the lowest is used",
                board, ", ".join(f"{v:g}" for v in sorted(values)),
            )  # fmt: skip
    share = dict(own)
    for sp in spaces:
        board = _board_of(sp)
        if str(sp.name) not in own and area[board]:
            left = max((min(caps[board]) if board in caps else DEFAULT_POWER_KW)
                       - taken.get(board, 0.0), 0.0)  # fmt: skip
            share[str(sp.name)] = left * _number(sp["area_m2"], 0.0) / area[board]
    return share


def _base_unit(rec: dict[str, Any], sps: list[Any], power: dict[str, float]) -> Unit:
    heights = [_number(sp["clear_height_m"], _number(sp["height_m"], 0.0)) for sp in sps]
    loads = [_number(sp["floor_load_kn_m2"], DEFAULT_FLOOR_LOAD_KN_M2) for sp in sps]
    access = any(str(sp["loading_access"]) in ("ground", "goods_lift") for sp in sps)
    return Unit(
        id=rec["unit_id"],
        name=rec["name"],
        storey=rec["storey"],
        hall=rec["unit_id"],
        area=float(rec["area_m2"]),
        height=min(heights),
        load=min(loads),
        power=round(sum(power.get(str(sp.name), 0.0) * _share(rec, sp) for sp in sps), 1),
        extraction=any(_flag(sp["extraction"]) for sp in sps),
        access=access or any(_flag(sp["ground_access"]) for sp in sps),
        daylight=any(_flag(sp["daylight"]) for sp in sps),
    )


def _register_applicants(frames: Any) -> list[dict[str, Any]]:
    """The register's applicants as problem records (missing values take the defaults)."""
    out = []
    apps = frames.applicants
    for rec in apps.to_dict(orient="records") if len(apps) else []:
        row: dict[str, Any] = {}
        for col, name in APPLICANT_COLUMNS.items():
            value = rec.get(col)
            if _missing(value):
                continue
            if name in ("provides", "needs"):
                row[name] = list(_types(value))
            elif name in ("extraction", "access", "daylight", "noise_sensitive"):
                row[name] = bool(value)
            elif name == "hazard":
                row[name] = int(value)
            elif name in ("id", "kind", "name"):
                row[name] = str(value)
            else:
                row[name] = float(value)
        out.append(row)
    return out


def problem_from_register(
    frames: Any,
    *,
    applicants: str | Path | None = None,
    bay_area_m2: float | None = None,
    on_date: dt.date | None = None,
    parameters: Parameters | None = None,
    wall_m: float = 0.7,
    min_wall_m: float = 1.0,
    min_bay_m2: float | None = None,
) -> Problem:
    """Build a layout problem from a site's register (see the module docstring).

    Parameters
    ----------
    frames : RegisterFrames
        The site's register, ``register.frames(engine, site)``.
    applicants : str or Path, optional
        Applicants CSV or Excel sheet to place instead of the register's applicants.
    bay_area_m2 : float, optional
        Cut units larger than this into bays. [m²]
    on_date : datetime.date, optional
        Leases running on this day fix their tenants (default: today).
    parameters : Parameters, optional
        Objective parameters (default :class:`Parameters`).
    wall_m, min_wall_m : float
        Wall thickness tolerance and the shortest shared wall. [m]
    min_bay_m2 : float, optional
        Grid pieces smaller than this are merged into a neighbour (default a third of
        ``bay_area_m2``). [m²]

    Returns
    -------
    Problem
        Validated; units in the order of the register's unit ids (or of its spaces).
    """
    from shapely.geometry import Polygon

    if bay_area_m2 is not None and not bay_area_m2 > 0:
        raise ValidationError(f"bay area must be positive m², got {bay_area_m2!r}")
    if min_bay_m2 is not None and not min_bay_m2 >= 0:
        raise ValidationError(f"minimum bay area must be zero or more m², got {min_bay_m2!r}")
    site = str(frames.site.get("site_id", "site"))
    columns = frames.columns
    if bay_area_m2 is not None and not len(columns):
        log.info("site %s has no structural columns stored: large units get equal bays", site)
    spaces = _live_spaces(frames)
    day = on_date or dt.date.today()
    rows = _unit_rows(frames, spaces, day)
    power = _board_power(rows)

    units: list[Unit] = []
    shapes: dict[str, tuple[str, Any]] = {}
    base_of: dict[str, str] = {}
    adjacency: list[tuple[str, str]] = []
    for rec, sps in rows:
        base = _base_unit(rec, sps, power)
        footprint = _footprint(rec, sps)
        rect = footprint.minimum_rotated_rectangle
        if (
            bay_area_m2 is None
            or base.area <= bay_area_m2
            or footprint.is_empty
            or not isinstance(rect, Polygon)  # degenerate footprint: keep the unit whole
        ):
            units.append(base)
            shapes[base.id] = (base.storey, footprint)
            base_of[base.id] = base.id
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
                    "footprint_wkt": part.wkt,
                }
            )
            units.append(bay)
            shapes[bay.id] = (base.storey, part)
            base_of[bay.id] = base.id
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
            if sa != sb or base_of[a] == base_of[b]:
                continue
            if not grown[a].intersects(gb):
                continue
            shared = gb.boundary.intersection(grown[a]).length
            shared2 = ga.boundary.intersection(grown[b]).length
            if min(shared, shared2) >= min_wall_m + 2 * wall_m:
                adjacency.append((a, b))

    if applicants:
        app_rows = [
            {k: list(v) if isinstance(v, tuple) else v for k, v in a.__dict__.items()}
            for a in read_applicants_table(applicants)
        ]
    else:
        app_rows = _register_applicants(frames)

    existing = _existing(frames, base_of, day)
    params = parameters or Parameters()
    data = {
        "units": [u.__dict__ for u in units],
        "adjacency": [list(p) for p in adjacency],
        "applicants": app_rows,
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
    if frames.layout_rules is not None:  # the site's community rules, with its shared area
        shared = shared_private_balance(spaces)["shared_m2"] if len(spaces) else 0.0
        data["rules"] = {"shared_area": round(shared, 2), "rules": frames.layout_rules}
    log.info("%d units, %d adjacent pairs from site %s", len(units), len(adjacency), site)
    return problem_from_dict(data, source=f"site {site} in the register")


def _existing(frames: Any, base_of: dict[str, str], day: dt.date) -> list[ExistingTenant]:
    """Tenants with a lease running on ``day`` (end day included) in a lettable unit or its bays.

    ``base_of`` maps each problem unit (or bay) to the register unit it belongs to.
    """
    leases = frames.leases
    held: dict[str, list[str]] = {}
    members: dict[str, list[str]] = {}
    for uid, base in base_of.items():
        members.setdefault(base, []).append(uid)
    for rec in leases.to_dict(orient="records") if len(leases) else []:
        if not (_as_date(rec["start"]) <= day <= _as_date(rec["end"])):
            continue
        held.setdefault(str(rec["tenant_id"]), []).extend(members.get(str(rec["unit_id"]), []))
    eq, skills, out = frames.equipment, frames.skills, []
    about = {str(t["tenant_id"]): t for t in frames.tenants.to_dict(orient="records")}
    taken: set[str] = set()
    for tid, uids in sorted(held.items()):
        uids = [u for u in dict.fromkeys(uids) if u not in taken]
        if not uids:
            continue
        taken.update(uids)
        own = eq[eq["owner_tenant_id"] == tid]
        noise = _largest(own["noise_db"])
        hazards = {h for text in own["hazards"] for h in _types(text)}
        provides = {
            str(t) for t, sh in zip(own["type"], own["shared"], strict=True)
            if _flag(sh) and not _missing(t)
        }  # fmt: skip
        provides |= {
            _slug(str(s))
            for s in skills.loc[skills["tenant_id"] == tid, "skill"]
            if not _missing(s)
        }
        out.append(
            ExistingTenant(
                id=tid,
                units=tuple(uids),
                kind=str(about.get(tid, {}).get("kind") or ""),
                name=str(about.get(tid, {}).get("name") or ""),
                noise_db=noise,
                hazard=1 if hazards & {"fire", "chemical"} else 0,
                provides=tuple(sorted(provides)),
            )
        )
    return out


def _largest(values: Any) -> float:
    """The largest known value, 0 when none is known."""
    known = [float(v) for v in values if not _missing(v)]
    return max(known) if known else 0.0


def _as_date(value: Any) -> dt.date:
    return parse_date(str(value)[:10] if isinstance(value, str) else value)
