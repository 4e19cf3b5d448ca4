"""The building model and site settings kept in the register, so analyses need no files.

A site created from an IFC file keeps, besides its spaces, what the analyses read of the
model: the fabric (external walls, windows, doors, roofs and ground slabs, with areas,
orientation, U-values and the spaces they bound) and the structural columns. Its settings
live here too: location (latitude, longitude, time zone), climate (a monthly table, or an
hourly year such as an EPW file), energy tariffs, the sources of the data, and the
neighbourhood layers. Each ``write_*`` replaces what the site had; each ``read_*`` returns
plain frames with the columns of the building model (:data:`site_manager.ifc.fabric.
FABRIC_COLUMNS`, :data:`site_manager.ifc.columns.COLUMNS_COLUMNS`).
"""

from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from site_manager.register.schema import (
    ClimateHour,
    ClimateMonth,
    FabricElement,
    NeighbourhoodFeature,
    Site,
    SiteSource,
    StructuralColumn,
    Tariff,
)

#: Fabric columns stored as they are (the rest: lists as JSON, geometry as WKT).
_FABRIC_PLAIN = ("global_id", "ifc_class", "kind", "name", "storey", "area_m2", "azimuth_deg",
                 "tilt_deg", "u_w_m2k", "u_source", "g_value", "frame_fraction",
                 "external_source", "party_area_m2", "boundary_source", "z_min_m",
                 "z_max_m")  # fmt: skip
_COLUMN_PLAIN = ("global_id", "name", "storey", "x_m", "y_m", "z_min_m", "z_max_m")
_TEXT = {"global_id", "ifc_class", "kind", "name", "storey", "u_source", "external_source",
         "boundary_source"}  # fmt: skip
CLIMATE_MONTHLY_COLUMNS = ["month", "t_out_c", "ghi_kwh_m2"]
CLIMATE_HOURLY_COLUMNS = ["t_out_c", "ghi_w_m2"]


def _value(v: Any, text: bool) -> Any:
    if text:
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def wkt_of(geom: Any) -> str | None:
    """A geometry as WKT to the micrometre, or None when empty."""
    if geom is None or getattr(geom, "is_empty", True):
        return None
    import shapely

    return str(shapely.to_wkt(geom, rounding_precision=6, trim=True))


def _geometry(wkt: str | None) -> Any:
    import shapely

    return shapely.from_wkt(wkt) if wkt else shapely.Polygon()


# ---------------------------------------------------------------- building model


def write_model_store(s: Session, st: Site, model: Any) -> dict[str, int]:
    """Replace the site's stored fabric and columns with those of ``model``.

    A model read without them (``model.extra`` lacks ``"fabric"`` or ``"columns"``) leaves
    that part as it was. Returns the number of rows written of each.
    """
    counts: dict[str, int] = {}
    fabric = model.extra.get("fabric")
    if fabric is not None:
        s.execute(delete(FabricElement).where(FabricElement.site_pk == st.id))
        rows = []
        for rec in fabric.to_dict("records"):
            row = {c: _value(rec.get(c), c in _TEXT) for c in _FABRIC_PLAIN}
            row["area_m2"] = row["area_m2"] or 0.0
            row["u_w_m2k"] = row["u_w_m2k"] or 0.0
            row["space_global_ids_json"] = json.dumps([str(g) for g in rec["space_global_ids"]])
            row["space_areas_m2_json"] = json.dumps(
                [round(float(a), 6) for a in rec["space_areas_m2"]]
            )
            row["footprint_wkt"] = wkt_of(rec.get("geometry"))
            rows.append({"site_pk": st.id, **row})
        if rows:
            s.execute(insert(FabricElement), rows)
        counts["fabric"] = len(rows)
    columns = model.extra.get("columns")
    if columns is not None:
        s.execute(delete(StructuralColumn).where(StructuralColumn.site_pk == st.id))
        rows = [
            {"site_pk": st.id, **{c: _value(rec.get(c), c in _TEXT) for c in _COLUMN_PLAIN}}
            for rec in columns.to_dict("records")
        ]
        rows = [r for r in rows if r["x_m"] is not None and r["y_m"] is not None]
        if rows:
            s.execute(insert(StructuralColumn), rows)
        counts["columns"] = len(rows)
    return counts


def read_fabric(s: Session, st: Site) -> Any:
    """The site's stored fabric as a GeoDataFrame with ``FABRIC_COLUMNS`` (empty if none)."""
    import geopandas as gpd

    from site_manager.ifc.fabric import FABRIC_COLUMNS

    rows = []
    for el in s.scalars(
        select(FabricElement).where(FabricElement.site_pk == st.id).order_by(FabricElement.id)
    ):
        row: dict[str, Any] = {c: getattr(el, c) for c in _FABRIC_PLAIN}
        row["space_global_ids"] = json.loads(el.space_global_ids_json)
        row["space_areas_m2"] = [float(a) for a in json.loads(el.space_areas_m2_json)]
        row["geometry"] = _geometry(el.footprint_wkt)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(FABRIC_COLUMNS))
    for c in _FABRIC_PLAIN:
        if c not in _TEXT:
            frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return gpd.GeoDataFrame(frame, geometry="geometry")


def read_columns(s: Session, st: Site) -> pd.DataFrame:
    """The site's stored structural columns with ``COLUMNS_COLUMNS`` (empty if none)."""
    from site_manager.ifc.columns import COLUMNS_COLUMNS

    rows = [
        {c: getattr(col, c) for c in _COLUMN_PLAIN}
        for col in s.scalars(
            select(StructuralColumn)
            .where(StructuralColumn.site_pk == st.id)
            .order_by(StructuralColumn.id)
        )
    ]
    frame = pd.DataFrame(rows, columns=list(COLUMNS_COLUMNS))
    for c in ("x_m", "y_m", "z_min_m", "z_max_m"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
    return frame


# ---------------------------------------------------------------- settings


def write_tariffs(s: Session, st: Site, tariffs: dict[str, float]) -> None:
    """Set the site's tariffs: carrier (``electricity``, ``heat``, ``gas``) → EUR/kWh."""
    for carrier, price in tariffs.items():
        row = s.get(Tariff, (st.id, carrier))
        if row is None:
            s.add(Tariff(site_pk=st.id, carrier=carrier, eur_per_kwh=float(price)))
        else:
            row.eur_per_kwh = float(price)
    s.flush()


def write_sources(s: Session, st: Site, sources: dict[str, str]) -> None:
    """Set where the site's data come from, by topic (``climate``, ``tariffs``, ...)."""
    for topic, text in sources.items():
        row = s.get(SiteSource, (st.id, topic))
        if row is None:
            s.add(SiteSource(site_pk=st.id, topic=topic, text=str(text)))
        else:
            row.text = str(text)
    s.flush()


def write_climate(
    s: Session,
    st: Site,
    *,
    monthly: pd.DataFrame | None = None,
    hourly: pd.DataFrame | None = None,
    source: str = "",
) -> None:
    """Replace the site's climate with a monthly table or an hourly year (or both).

    ``monthly`` has ``month`` (1–12), ``t_out_c`` [°C] and ``ghi_kwh_m2`` [kWh/m²];
    ``hourly`` has ``t_out_c`` [°C] and ``ghi_w_m2`` [W/m²], one row per hour from
    1 January 00:00. Analyses use the hourly year where there is one.
    """
    s.execute(delete(ClimateMonth).where(ClimateMonth.site_pk == st.id))
    s.execute(delete(ClimateHour).where(ClimateHour.site_pk == st.id))
    if monthly is not None and len(monthly):
        s.execute(insert(ClimateMonth), [
            {"site_pk": st.id, "month": int(m), "t_out_c": float(t), "ghi_kwh_m2": float(g)}
            for m, t, g in zip(monthly["month"], monthly["t_out_c"], monthly["ghi_kwh_m2"],
                               strict=True)
        ])  # fmt: skip
    if hourly is not None and len(hourly):
        s.execute(insert(ClimateHour), [
            {"site_pk": st.id, "hour": i, "t_out_c": float(t), "ghi_w_m2": max(0.0, float(g))}
            for i, (t, g) in enumerate(zip(hourly["t_out_c"], hourly["ghi_w_m2"], strict=True))
        ])  # fmt: skip
    st.climate_source = source
    s.flush()


def write_neighbourhood(s: Session, st: Site, layers: dict[str, Any]) -> int:
    """Replace the site's neighbourhood: layer name → GeoDataFrame in the site's CRS."""
    s.execute(delete(NeighbourhoodFeature).where(NeighbourhoodFeature.site_pk == st.id))
    rows = []
    for layer, gdf in layers.items():
        props = gdf.drop(columns=[gdf.geometry.name])
        for rec, geom in zip(props.to_dict("records"), gdf.geometry, strict=True):
            clean = {k: (None if isinstance(v, float) and math.isnan(v) else v)
                     for k, v in rec.items()}  # fmt: skip
            rows.append({"site_pk": st.id, "layer": str(layer),
                         "properties_json": json.dumps(clean, default=str, sort_keys=True),
                         "geometry_wkt": wkt_of(geom)})  # fmt: skip
    if rows:
        s.execute(insert(NeighbourhoodFeature), rows)
    return len(rows)


def read_settings(s: Session, st: Site) -> dict[str, Any]:
    """The site's tariffs, sources, climate frames and neighbourhood features."""
    tariffs = {
        t.carrier: float(t.eur_per_kwh)
        for t in s.scalars(select(Tariff).where(Tariff.site_pk == st.id).order_by(Tariff.carrier))
    }
    sources = {
        x.topic: x.text
        for x in s.scalars(
            select(SiteSource).where(SiteSource.site_pk == st.id).order_by(SiteSource.topic)
        )
    }
    monthly = pd.DataFrame(
        [(m.month, m.t_out_c, m.ghi_kwh_m2) for m in s.scalars(
            select(ClimateMonth).where(ClimateMonth.site_pk == st.id).order_by(ClimateMonth.month)
        )],
        columns=CLIMATE_MONTHLY_COLUMNS,
    )  # fmt: skip
    hourly = pd.DataFrame(
        s.execute(
            select(ClimateHour.t_out_c, ClimateHour.ghi_w_m2)
            .where(ClimateHour.site_pk == st.id)
            .order_by(ClimateHour.hour)
        ).all(),
        columns=CLIMATE_HOURLY_COLUMNS,
    )
    neighbourhood = pd.DataFrame(
        [(f.layer, json.loads(f.properties_json), f.geometry_wkt) for f in s.scalars(
            select(NeighbourhoodFeature).where(NeighbourhoodFeature.site_pk == st.id)
            .order_by(NeighbourhoodFeature.id)
        )],
        columns=["layer", "properties", "geometry_wkt"],
    )  # fmt: skip
    return {
        "tariffs": tariffs,
        "sources": sources,
        "climate_monthly": monthly.astype({"t_out_c": float, "ghi_kwh_m2": float}),
        "climate_hourly": hourly.astype(float),
        "neighbourhood": neighbourhood,
    }
