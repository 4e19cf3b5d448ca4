"""Units and members: define a unit from part of a hall, bays of its column grid.

A large space with structural columns (a saw-tooth hall, a crane bay) is cut into the bays
of its column grid the way the layout engine cuts a unit (:func:`site_manager.layout.bays.
grid_bays`, the columns that stand in the space from the register's ``frames.columns``);
the planner chooses the space and some of its bays, drawn on the space's plan and listed,
and "Define" calls :func:`site_manager.register.define_unit` with ``parts={space: the
union of the chosen bays}``, or, when the bays are all in one unit (a hall let whole
before), :func:`site_manager.register.cut_unit`, which cuts them out of it and leaves it
the rest. The register's rules decide (within the space, overlapping no other unit's part,
in no space another unit takes whole, the unit cut not let), and each refusal shows under
the field it is about.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from site_manager.app import data, ui

#: Grid pieces smaller than this join a neighbour (a strip between a column line and a
#: wall is no bay of its own). [m²]
MIN_BAY_M2 = 10.0
#: A bay is held by another unit when their parts overlap by more than this. [m²]
HELD_OVERLAP_M2 = 0.5
#: Colours of the bays on the space's plan.
BAY_COLOURS = {"chosen": "#1F77B4", "free": "#D9E8F5", "held": "#BBBBBB"}

CHOSEN_KEY = "unit_part_bays"


def _held(frames: Any, gid: str) -> dict[str, Any]:
    """Live unit → its footprint of space ``gid`` (its part, or the whole space's)."""
    from shapely import wkt

    us = frames.unit_spaces
    units = frames.units
    retired = set(units.loc[units["retired"].notna(), "unit_id"]) if "retired" in units else set()
    whole = frames.spaces.set_index("global_id")["footprint_wkt"].get(gid)
    out: dict[str, Any] = {}
    for r in us[us["space_global_id"] == gid].itertuples():
        if r.unit_id in retired:
            continue
        shape = r.footprint_wkt if isinstance(r.footprint_wkt, str) else whole
        if isinstance(shape, str):
            out[str(r.unit_id)] = wkt.loads(shape)
    return out


def space_bays(frames: Any, gid: str) -> pd.DataFrame:
    """The bays of space ``gid``'s column grid: ``bay`` (1, 2, … along the long axis, then
    across it), ``area_m2`` [m²], ``held_by`` (the live units whose part overlaps it, ``""``:
    free) and ``footprint_wkt`` (WKT in the site's CRS); empty when no column grid line
    crosses the space (or it has no footprint).
    """
    from shapely import wkt

    from site_manager.layout.bays import _columns_near, grid_bays

    columns = ["bay", "area_m2", "held_by", "footprint_wkt"]
    spaces = frames.spaces.set_index("global_id")
    if gid not in spaces.index or not isinstance(spaces.at[gid, "footprint_wkt"], str):
        return pd.DataFrame(columns=columns)
    row = spaces.loc[gid]
    footprint = wkt.loads(row["footprint_wkt"])
    points = _columns_near(frames.columns, footprint, row["storey"], [row])
    pieces = grid_bays(footprint, points, min_bay_m2=MIN_BAY_M2) if points else None
    if not pieces:
        return pd.DataFrame(columns=columns)
    held = _held(frames, gid)
    rows = [{"bay": k + 1, "area_m2": round(p.area, 2),
             "held_by": ", ".join(u for u, s in held.items()
                                  if p.intersection(s).area > HELD_OVERLAP_M2),
             "footprint_wkt": p.wkt} for k, p in enumerate(pieces)]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


@st.cache_data(max_entries=16, show_spinner=False)
def hall_spaces(url: str, site: str, version: int) -> dict[str, pd.DataFrame]:
    """GlobalId → :func:`space_bays` of each live space that a column grid line crosses."""
    frames = data.get_frames(url, site, version)
    spaces = frames.spaces
    live = spaces[~spaces["removed"].astype(bool) & spaces["footprint_wkt"].notna()]
    found = {str(g): space_bays(frames, str(g)) for g in live["global_id"]}
    return {g: b for g, b in found.items() if len(b) >= 2}


def cut_from(bays: pd.DataFrame, chosen: list[int]) -> str:
    """The one live unit all the chosen bays are in (the new unit is cut out of it), else
    ``""`` (free bays are a new part; a mix is for the register to refuse).
    """
    held = [str(h) for b, h in zip(bays["bay"], bays["held_by"], strict=True) if int(b) in chosen]
    owners = set(held)
    return held[0] if held and all(held) and len(owners) == 1 and "," not in held[0] else ""


def union_wkt(bays: pd.DataFrame, chosen: list[int]) -> str:
    """The union of the chosen bays' polygons, as WKT (the part of the space to define)."""
    from shapely import wkt
    from shapely.ops import unary_union

    pieces = [wkt.loads(w) for b, w in zip(bays["bay"], bays["footprint_wkt"], strict=True)
              if int(b) in chosen]  # fmt: skip
    return str(unary_union(pieces).wkt)


def bays_figure(bays: pd.DataFrame, chosen: list[int], title: str) -> Any:
    """The space's bays on a plan: chosen, free or held by another unit, each numbered."""
    import geopandas as gpd
    from shapely import wkt

    from site_manager import figures

    status = ["chosen" if int(b) in chosen else "held" if h else "free"
              for b, h in zip(bays["bay"], bays["held_by"], strict=True)]  # fmt: skip
    frame = pd.DataFrame({
        "global_id": [f"bay {b}" for b in bays["bay"]],
        "name": [f"bay {b}" for b in bays["bay"]],
        "long_name": [f"held by {h}" if h else "" for h in bays["held_by"]],
        "area_m2": bays["area_m2"],
        "status": status,
    })  # fmt: skip
    geoms = [wkt.loads(w) for w in bays["footprint_wkt"]]
    return figures.floor_plan_figure(gpd.GeoDataFrame(frame, geometry=geoms), color_by="status",
                                     palette=BAY_COLOURS, title=title, height_px=360)  # fmt: skip


def part_form(url: str, site: str, frames: Any, version: int) -> None:
    """Define a unit of some bays of a hall's column grid."""
    from site_manager.app.page_units import _slot, _submit

    halls = hall_spaces(url, site, version)
    if not halls:
        return
    spaces = frames.spaces.set_index("global_id")
    with st.container(border=True, key="define_part_unit"):
        st.subheader("Define a unit from part of a space")
        st.caption("A space a column grid crosses is cut into the grid's bays; a unit may take "
                   "some of them (a let of bays of a hall).")  # fmt: skip
        slots: dict[str, Any] = {}
        gid = st.selectbox(
            "Space (with a column grid)", list(halls), key="unit_part_space",
            format_func=lambda g: f"{spaces.at[g, 'name']} {spaces.at[g, 'long_name'] or ''} · "
            f"{spaces.at[g, 'storey']} · {spaces.at[g, 'area_m2']:.0f} m²")  # fmt: skip
        if gid is None:
            return
        bays = halls[gid]
        labels = {int(b): f"bay {b} · {a:.1f} m²" + (f" · in {h}" if h else "")
                  for b, a, h in zip(bays["bay"], bays["area_m2"], bays["held_by"],
                                     strict=True)}  # fmt: skip
        if [b for b in st.session_state.get(CHOSEN_KEY) or [] if b not in labels]:
            st.session_state[CHOSEN_KEY] = []  # another space: its bays are others
        chosen = [int(b) for b in st.session_state.get(CHOSEN_KEY) or []]
        ui.figure(bays_figure(bays, chosen, f"{spaces.at[gid, 'name']}: bays"),
                  f"{site}_{gid}_bays", key="unit_part_plan")  # fmt: skip
        chosen = st.multiselect("Bays", list(labels), key=CHOSEN_KEY,
                                format_func=lambda b: labels.get(b, str(b)))  # fmt: skip
        _slot(slots, "unit_part", "parts")
        area = sum(float(a) for b, a in zip(bays["bay"], bays["area_m2"], strict=True)
                   if int(b) in chosen)  # fmt: skip
        st.caption(f"Area of the bays chosen: {area:,.1f} m²")
        holder = cut_from(bays, chosen)
        if holder:
            st.caption(f"These bays are in unit {ui.text(holder)}: the new unit is cut out of "
                       "it, and it keeps the rest (refused while it is let).")  # fmt: skip
        with st.form("define_part_unit_form", border=False):
            left, right = st.columns(2)
            unit_id = left.text_input("Unit id", key="unit_part_id")
            _slot(slots, "unit_part", "unit_id", left)
            name = right.text_input("Name", key="unit_part_name")
            _slot(slots, "unit_part", "name", right)
            _slot(slots, "unit_part", "form")
            if not st.form_submit_button("Define from the bays", type="primary"):
                return
    if not chosen:
        slots["parts"].error("Choose one bay or more.", icon="⚠️")
        return
    from site_manager import register

    cut = union_wkt(bays, chosen)
    holder = cut_from(bays, chosen)
    if holder:  # bays of one unit: cut out of it, the unit keeps the rest
        call = lambda: register.cut_unit(data.get_engine(url), holder, unit_id, cut,  # noqa: E731
                                         name=name, site=site)  # fmt: skip
    else:
        call = lambda: register.define_unit(data.get_engine(url), unit_id, [],  # noqa: E731
                                            name=name, parts={gid: cut}, site=site)  # fmt: skip
    _submit(call, slots, "form", f"Unit {unit_id} defined: bays "
            f"{'+'.join(str(b) for b in sorted(chosen))} of {spaces.at[gid, 'name']}, "
            f"{area:,.1f} m².")  # fmt: skip
