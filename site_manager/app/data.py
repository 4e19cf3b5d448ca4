"""The dashboard's access to the register, with caching.

The dashboard reads the register only (never a sample folder or an IFC file).
``st.cache_resource`` holds the engine of each database URL (one per process, shared by the
sessions); ``st.cache_data`` holds frames and ``st.cache_resource`` built figures, keyed on
the database URL, the site and the register's *revision* (:func:`data_version`), never on
widgets. Every committed write to the register bumps the revision, whoever makes it (this
session, another session, another dashboard process on the same database, the CLI), so a
page re-run after a write reads the register again and nothing stale is shown.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from site_manager import figures
from site_manager.register import access

log = logging.getLogger(__name__)

_F = TypeVar("_F", bound=Callable[..., Any])


def _reads(action: str) -> Callable[[_F], _F]:
    """Check that the acting user may ``action`` on every call, before the cached function
    (put outside ``st.cache_data``/``st.cache_resource``, whose body a cache hit skips)."""

    def wrap(cached: _F) -> _F:
        @functools.wraps(cached)
        def checked(*args: Any, **kwargs: Any) -> Any:
            try:
                access.authorize(action)
            except access.AccessDenied as exc:  # on the trail (the first argument: the URL)
                from site_manager.register.audit import record_refusal

                record_refusal(get_engine(args[0] if args else kwargs["url"]), exc)
                raise
            return cached(*args, **kwargs)

        checked.clear = getattr(cached, "clear", None)  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return wrap


#: Vacancy labels of a space.
LET, VACANT, NO_UNIT = "let", "vacant", "no unit"


def open_with_samples(url: str) -> Any:
    """Open (and migrate) the register at ``url``; an empty one gets every sample site.

    So ``make run`` on a fresh clone opens on a sample site with nothing else to do. The
    sample sites are loaded by the register (:func:`site_manager.register.load_sample`).
    """
    from site_manager import register
    from site_manager.register.samples import load_samples_if_empty

    engine = register.open_register(url)
    if register.list_sites(engine).empty:
        # the server's own first-start step, whoever's run opens the register first
        with access.acting_as(access.Principal(access.os_user(), access.Role.ADMIN)):
            log.info("loading the sample sites into %s", url)
            load_samples_if_empty(engine)
    return engine


@st.cache_resource(show_spinner="Opening the register (the first start loads the sample sites)…")
def get_engine(url: str) -> Any:
    """The register's engine for ``url``, one per server process (see :func:`open_with_samples`)."""
    return open_with_samples(url)


def data_version(url: str) -> int:
    """The cache key of the register's content: its revision.

    Every committed write to the register bumps it, from any process and on any table
    (:func:`site_manager.register.get_revision`); read on every page run (one small query).
    """
    from site_manager import register

    return register.get_revision(get_engine(url))


def list_sites(url: str) -> pd.DataFrame:
    """The register's sites: ``site_id``, ``name``, ``city``, ``country``, ``crs``."""
    from site_manager import register

    return register.list_sites(get_engine(url))


@_reads("read_register")
@st.cache_data(max_entries=8, show_spinner=False)
def get_frames(url: str, site: str | None, version: int) -> Any:
    """The register's frames of one site (``version``: :func:`data_version`, the cache key).

    The frames are read after ``version`` was, so they are at least that new (a write in
    between only makes the entry newer than its key; the next run reads again). The acting
    user needs ``read_register``, checked on every call (:func:`_reads`): a cached entry
    another user's run made is not handed out unchecked.
    """
    from site_manager import register

    return register.frames(get_engine(url), site=site)


def active_leases(leases: pd.DataFrame, on: dt.date) -> pd.DataFrame:
    """Leases running on ``on`` (``start <= on <= end``, ``end`` inclusive)."""
    if leases.empty:
        return leases
    start = pd.to_datetime(leases["start"]).dt.date
    end = pd.to_datetime(leases["end"]).dt.date
    return leases[(start <= on) & (end >= on)]


def space_status(frames: Any, on: dt.date) -> pd.DataFrame:
    """Who uses each space on a date: unit, lease, tenant, rent and vacancy.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``frames.spaces``: ``unit_id``, ``lease_id``, ``tenant_id``, ``tenant``
        (name), ``lease_start``, ``lease_end``, ``rent_eur_per_month`` (of the whole unit),
        ``vacancy`` (``let``, ``vacant`` or ``no unit``).
    """
    spaces = frames.spaces
    out = pd.DataFrame(index=spaces.index)
    out["unit_id"] = spaces["global_id"].map(_unit_of_space(frames))
    return _with_status(out, frames, on)


def _with_status(out: pd.DataFrame, frames: Any, on: dt.date) -> pd.DataFrame:
    """``out`` (with ``unit_id``) with the lease, tenant, rent and vacancy of its unit on ``on``."""
    leases = active_leases(frames.leases, on)
    by_unit = leases.drop_duplicates("unit_id").set_index("unit_id") if len(leases) else None
    names = (
        frames.tenants.set_index("tenant_id")["name"]
        if len(frames.tenants)
        else pd.Series(dtype=str)
    )
    if by_unit is not None:
        for column, source in (
            ("lease_id", "lease_id"),
            ("tenant_id", "tenant_id"),
            ("lease_start", "start"),
            ("lease_end", "end"),
            ("rent_eur_per_month", "rent_eur_per_month"),
        ):
            out[column] = out["unit_id"].map(by_unit[source])
    else:
        for column in ("lease_id", "tenant_id", "lease_start", "lease_end", "rent_eur_per_month"):
            out[column] = None
    out["tenant"] = out["tenant_id"].map(names)
    out["vacancy"] = [
        NO_UNIT if pd.isna(unit) else (LET if pd.notna(lease) else VACANT)
        for unit, lease in zip(out["unit_id"], out["lease_id"], strict=True)
    ]
    return out


def unit_parts(spaces: Any, frames: Any, on: dt.date) -> Any:
    """The plan's rooms: ``spaces`` (with :func:`space_status`) where each space that units
    take part of (a bay of a hall) is replaced by one row per part, its polygon and area,
    labelled with its unit's id (``name``) and with its unit's status, and a row for the
    rest of the space (no unit) if any is left.
    """
    from shapely import from_wkt

    pairs = getattr(frames, "unit_spaces", None)
    if pairs is None or "footprint_wkt" not in pairs or not len(spaces):
        return spaces
    live = set(frames.units_on(on)["unit_id"]) if len(frames.units) else set()
    parts = pairs[pairs["footprint_wkt"].notna() & pairs["unit_id"].isin(live)]
    if not len(parts):
        return spaces
    rows, kept = [], []
    by_gid = spaces.reset_index().set_index("global_id", drop=False)
    for gid, mine in parts.groupby("space_global_id"):
        if gid not in by_gid.index:
            continue
        kept.append(gid)
        space = by_gid.loc[gid]
        rest = space["geometry"]
        for uid, wkt, area in zip(mine["unit_id"], mine["footprint_wkt"], mine["area_m2"],
                                  strict=True):  # fmt: skip
            part = from_wkt(wkt)
            rows.append(space.to_dict() | {"geometry": part, "area_m2": float(area),
                                           "unit_id": uid, "name": str(uid)})  # fmt: skip
            rest = rest.difference(part) if rest is not None else None
        if rest is not None and rest.area >= 0.5:  # the rest of the hall shows as the hall
            rows.append(space.to_dict() | {"geometry": rest, "area_m2": float(rest.area),
                                           "unit_id": None})  # fmt: skip
    pieces = pd.DataFrame(rows).drop(columns=[c for c in STATUS_COLUMNS if c != "unit_id"],
                                     errors="ignore")  # fmt: skip
    pieces = pieces.join(_with_status(pieces[["unit_id"]].copy(), frames, on).drop(
        columns="unit_id"))  # fmt: skip
    whole = spaces[~spaces["global_id"].isin(kept)]
    out = pd.concat([whole, pieces[[c for c in spaces.columns if c in pieces]]],
                    ignore_index=True)  # fmt: skip
    return type(spaces)(out, geometry="geometry", crs=getattr(spaces, "crs", None))


#: The columns :func:`space_status` adds.
STATUS_COLUMNS = ["unit_id", "lease_id", "tenant_id", "lease_start", "lease_end",
                  "rent_eur_per_month", "tenant", "vacancy"]  # fmt: skip


def _unit_of_space(frames: Any) -> pd.Series:
    pairs = getattr(frames, "unit_spaces", None)
    if pairs is not None and len(pairs) and {"unit_id", "space_global_id"} <= set(pairs.columns):
        return pairs.drop_duplicates("space_global_id").set_index("space_global_id")["unit_id"]
    units = frames.units
    if units.empty:
        return pd.Series(dtype=object)
    exploded = units[["unit_id", "space_global_ids"]].explode("space_global_ids").dropna()
    return exploded.drop_duplicates("space_global_ids").set_index("space_global_ids")["unit_id"]


@_reads("read_register")
@st.cache_data(max_entries=8, show_spinner=False)
def site_spaces(url: str, site: str | None, version: int, on: dt.date) -> Any:
    """The site's spaces as a GeoDataFrame with their use, unit, tenant, lease and vacancy."""
    frames = get_frames(url, site, version)
    spaces = frames.spaces_gdf()
    if "removed" in spaces.columns:
        spaces = spaces[~spaces["removed"].fillna(False).astype(bool)]
    status = space_status(frames, on).reindex(spaces.index)
    spaces = unit_parts(spaces.join(status), frames, on)
    if len(spaces) and "rent_eur_per_month" in spaces and "area_m2" in spaces:
        unit_area = spaces.groupby("unit_id")["area_m2"].transform("sum")
        spaces["rent_eur_per_m2_month"] = spaces["rent_eur_per_month"].astype(float) / unit_area
    return spaces


def storeys_of(spaces: Any, frames: Any) -> list[str]:
    """The storeys that have spaces, lowest first."""
    present = [s for s in spaces["storey"].dropna().unique()]
    storeys = getattr(frames, "storeys", None)
    if storeys is not None and len(storeys) and {"name", "elevation_m"} <= set(storeys.columns):
        order = storeys.sort_values("elevation_m")["name"].tolist()
        return [s for s in order if s in present] + [s for s in present if s not in order]
    if "storey_elevation_m" in spaces.columns:
        elevation = spaces.groupby("storey")["storey_elevation_m"].min()
        return elevation.sort_values().index.tolist()
    return sorted(present)


def space_ids(event: Any) -> list[str]:
    """GlobalIds of the spaces selected on a plan (points of its ``"spaces"`` marker trace)."""
    ids = []
    for point in event.selection.points if event else []:
        value = point.get("customdata")
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        if value:
            ids.append(str(value))
    return ids


# A resource, not data: a pickled copy of a 2,000-space figure costs more than building it,
# and nothing mutates the figure after it is built.
@_reads("read_register")
@st.cache_resource(max_entries=32, show_spinner=False)
def plan_figure(
    url: str,
    site: str | None,
    version: int,
    on: dt.date,
    storey: str,
    color_by: str,
    selected: tuple[str, ...],
) -> Any:
    """The floor plan of one storey (cached: a storey or colour seen before redraws at once)."""
    spaces = site_spaces(url, site, version, on)
    frames = get_frames(url, site, version)
    outlines, cols = frames.outlines, frames.columns
    return figures.floor_plan_figure(
        spaces[spaces["storey"] == storey],
        color_by=color_by,
        selected=selected,
        title=storey,
        outlines=None if outlines is None else outlines[outlines["storey"] == storey],
        columns=cols[cols["storey"] == storey] if "storey" in cols.columns else None,
        true_north_xy=figures.north_of(frames.site.get("true_north_deg")),
    )


@_reads("read_register")
@st.cache_data(max_entries=8, show_spinner=False)
def layout_problem(
    url: str,
    site: str | None,
    version: int,
    on: dt.date,
    bay_area_m2: float | None,
    allow_pairs: bool,
    noisy_db: float,
    synergy: tuple[tuple[str, float], ...],
) -> Any:
    """The site's layout problem (every unit and applicant; the Layout lab restricts it)."""
    from site_manager.layout import Parameters, problem_from_register

    params = Parameters(allow_pairs=allow_pairs, noisy_db=noisy_db, synergy=dict(synergy))
    frames = get_frames(url, site, version)
    return problem_from_register(frames, bay_area_m2=bay_area_m2, on_date=on, parameters=params)


@_reads("read_register")
@st.cache_resource(max_entries=8, show_spinner=False)
def layout_footprints(
    url: str, site: str | None, version: int, on: dt.date, bay_area_m2: float | None
) -> dict[str, Any]:
    """Unit id -> footprint of every unit (and bay) of the site's layout problem."""
    from site_manager.layout.lab_plan import unit_footprints

    problem = layout_problem(url, site, version, on, bay_area_m2, True, 85.0, ())
    return unit_footprints(get_frames(url, site, version), problem, bay_area_m2=bay_area_m2)


# ------------------------------------------------------------------ the Energy page
# Keyed on (database, site, register revision, options); the 5R1C model runs once per
# revision and everything else that needs the heating takes it from ``energy_loads``.


@_reads("read_register")
@st.cache_data(max_entries=8, show_spinner="Simulating the heating and cooling of every space…")
def energy_loads(url: str, site: str | None, version: int) -> tuple[Any, str]:
    """:func:`site_manager.energy.overview.site_loads`: per-space loads, or ``(None, why)``."""
    from site_manager.energy.overview import site_loads

    return site_loads(get_frames(url, site, version))


@_reads("read_register")
@st.cache_data(max_entries=8, show_spinner=False)
def energy_boards(url: str, site: str | None, version: int) -> pd.DataFrame:
    """Board loads against capacity (:func:`site_manager.energy.loads.board_loads_for_site`)."""
    from site_manager.energy.loads import board_loads_for_site

    return board_loads_for_site(get_frames(url, site, version))


@_reads("read_register")
@st.cache_data(max_entries=16, show_spinner="Splitting the energy per tenant…")
def energy_split(url: str, site: str | None, version: int, months: tuple[str, ...]) -> Any:
    """The per-tenant split of ``months`` (:func:`site_manager.energy.tenants.split_energy`),
    with the heat of :func:`energy_loads` (the model is not run again).
    """
    from site_manager.energy.overview import heat_by_space
    from site_manager.energy.tenants import split_energy

    loads, _ = energy_loads(url, site, version)
    return split_energy(get_frames(url, site, version), list(months), heat=heat_by_space(loads))


@_reads("read_register")
@st.cache_data(max_entries=16, show_spinner="Computing the roof PV…")
def energy_pv(url: str, site: str | None, version: int, flat_tilt_deg: float) -> Any:
    """Roof PV at a flat-roof tilt (:func:`site_manager.energy.pv.pv_site`)."""
    from site_manager.energy.pv import PVOptions, pv_site

    return pv_site(get_frames(url, site, version), PVOptions(flat_tilt_deg=flat_tilt_deg))


@_reads("read_register")
@st.cache_data(max_entries=16, show_spinner="Simulating the retrofits…")
def energy_retrofits(
    url: str, site: str | None, version: int, measures: tuple[str, ...]
) -> pd.DataFrame:
    """Baseline, each measure and the combination (:func:`site_manager.energy.retrofit.
    retrofit_options`); seconds per site, so the page runs it on request only.
    """
    from site_manager.energy.retrofit import retrofit_options

    return retrofit_options(get_frames(url, site, version), list(measures))


@_reads("read_register")
@st.cache_resource(max_entries=32, show_spinner=False)
def energy_plan_figure(
    url: str, site: str | None, version: int, on: dt.date, storey: str, column: str
) -> Any:
    """The storey's plan coloured by a column of
    :func:`site_manager.energy.overview.space_intensity` (spaces not simulated: no value).
    """
    from site_manager.energy.overview import space_intensity

    spaces = site_spaces(url, site, version, on)
    spaces = spaces[spaces["storey"] == storey]
    loads, _ = energy_loads(url, site, version)
    values: Any = space_intensity(loads).set_index("global_id")[column] if loads is not None else {}
    spaces = spaces.assign(**{column: spaces["global_id"].map(values).astype(float)})
    frames = get_frames(url, site, version)
    outlines, cols = frames.outlines, frames.columns
    return figures.floor_plan_figure(
        spaces,
        color_by=column,
        numeric=True,
        title=f"{storey}: {figures.column_title(column)}",
        outlines=None if outlines is None else outlines[outlines["storey"] == storey],
        columns=cols[cols["storey"] == storey] if "storey" in cols.columns else None,
        true_north_xy=figures.north_of(frames.site.get("true_north_deg")),
    )
