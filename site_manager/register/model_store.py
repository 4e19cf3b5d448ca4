"""The building model and site settings kept in the register, so analyses need no files.

A site created from an IFC file keeps, besides its spaces, what the analyses read of the
model: the fabric (external walls, windows, doors, roofs and ground slabs, with areas,
orientation, U-values and the spaces they bound), the structural columns and the
footprints of all walls and doors (for floor plans). Its settings
live here too: location (latitude, longitude, time zone), climate (a monthly table, or an
hourly year such as an EPW file), energy tariffs, the sources of the data, and the
neighbourhood layers. Each ``write_*`` replaces what the site had; each ``read_*`` returns
plain frames with the columns of the building model (:data:`site_manager.ifc.fabric.
FABRIC_COLUMNS`, :data:`site_manager.ifc.columns.COLUMNS_COLUMNS`,
:data:`site_manager.ifc.outlines.OUTLINES_COLUMNS`). The ``*_file`` readers
check a user's climate or neighbourhood file before the verbs store it.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import re
import warnings
import zoneinfo
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from site_manager.errors import ValidationError
from site_manager.register.noise_hours import read_noise_hours
from site_manager.register.schema import (
    BuildingOutline,
    ClimateHour,
    ClimateMonth,
    FabricElement,
    NeighbourhoodFeature,
    Site,
    SiteSource,
    StructuralColumn,
    Tariff,
)
from site_manager.register.values import parse_number, parse_text, shown

log = logging.getLogger(__name__)

#: Fabric columns stored as they are (the rest: lists as JSON, geometry as WKT).
_FABRIC_PLAIN = ("global_id", "ifc_class", "kind", "name", "storey", "area_m2", "azimuth_deg",
                 "tilt_deg", "u_w_m2k", "u_source", "g_value", "frame_fraction",
                 "external_source", "party_area_m2", "boundary_source", "z_min_m",
                 "z_max_m")  # fmt: skip
_COLUMN_PLAIN = ("global_id", "name", "storey", "x_m", "y_m", "z_min_m", "z_max_m")
_OUTLINE_PLAIN = ("global_id", "kind", "storey", "z_min_m", "z_max_m")
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
    """Replace the site's stored fabric, columns and outlines with those of ``model``.

    A model read without them (``model.fabric``, ``model.columns`` or ``model.outlines`` is
    ``None``) leaves that part as it was. Returns the number of rows written of each.
    """
    counts: dict[str, int] = {}
    fabric = model.fabric
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
    columns = model.columns
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
    outlines = getattr(model, "outlines", None)
    if outlines is not None:
        s.execute(delete(BuildingOutline).where(BuildingOutline.site_pk == st.id))
        rows = []
        for rec in outlines.to_dict("records"):
            footprint = wkt_of(rec.get("geometry"))
            if footprint is None:
                continue
            row = {c: _value(rec.get(c), c in _TEXT) for c in _OUTLINE_PLAIN}
            rows.append({"site_pk": st.id, **row, "footprint_wkt": footprint})
        if rows:
            s.execute(insert(BuildingOutline), rows)
        counts["outlines"] = len(rows)
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


def read_outlines(s: Session, st: Site) -> Any:
    """The site's stored wall and door footprints with ``OUTLINES_COLUMNS`` (empty if none)."""
    import geopandas as gpd

    from site_manager.ifc.outlines import OUTLINES_COLUMNS

    rows = []
    for el in s.scalars(
        select(BuildingOutline).where(BuildingOutline.site_pk == st.id).order_by(BuildingOutline.id)
    ):
        row: dict[str, Any] = {c: getattr(el, c) for c in _OUTLINE_PLAIN}
        row["geometry"] = _geometry(el.footprint_wkt)
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(OUTLINES_COLUMNS))
    for c in ("z_min_m", "z_max_m"):
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


def _set_by_key(s: Session, st: Site, model: Any, key: str, value: str, items: dict) -> None:
    """Insert or update one row of ``model`` per item: (site, ``key``) → ``value``."""
    for k, v in items.items():
        row = s.get(model, (st.id, k))
        if row is None:
            s.add(model(site_pk=st.id, **{key: k, value: v}))
        else:
            setattr(row, value, v)
    s.flush()


def write_tariffs(s: Session, st: Site, tariffs: dict[str, float]) -> None:
    """Set the site's tariffs: carrier (``electricity``, ``heat``, ``gas``) → EUR/kWh."""
    prices = {carrier: float(price) for carrier, price in tariffs.items()}
    _set_by_key(s, st, Tariff, "carrier", "eur_per_kwh", prices)


def write_sources(s: Session, st: Site, sources: dict[str, str]) -> None:
    """Set where the site's data come from, by topic (``climate``, ``tariffs``, ...)."""
    texts = {topic: str(text) for topic, text in sources.items()}
    _set_by_key(s, st, SiteSource, "topic", "text", texts)


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


def settings_counts(s: Session, st: Site) -> dict[str, int]:
    """How many climate ``months`` and ``hours`` and neighbourhood ``features`` are stored."""
    return {
        key: int(s.scalar(select(func.count()).where(table.site_pk == st.id)) or 0)
        for key, table in (("months", ClimateMonth), ("hours", ClimateHour),
                           ("features", NeighbourhoodFeature))
    }  # fmt: skip


def read_settings(s: Session, st: Site) -> dict[str, Any]:
    """The site's tariffs, machines' operating hours, sources, climate frames and
    neighbourhood features.
    """
    tariffs = {
        t.carrier: float(t.eur_per_kwh)
        for t in s.scalars(select(Tariff).where(Tariff.site_pk == st.id).order_by(Tariff.carrier))
    }
    noise_hours = read_noise_hours(s, st)
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
        "noise_hours": noise_hours,
        "sources": sources,
        "climate_monthly": monthly.astype({"t_out_c": float, "ghi_kwh_m2": float}),
        "climate_hourly": hourly.astype(float),
        "neighbourhood": neighbourhood,
    }


def reproject_neighbourhood(s: Session, st: Site, from_crs: str, to_crs: str) -> int:
    """Move the site's stored neighbourhood from ``from_crs`` to ``to_crs``; returns rows."""
    import geopandas as gpd

    rows = s.scalars(
        select(NeighbourhoodFeature).where(NeighbourhoodFeature.site_pk == st.id)
    ).all()
    if not rows:
        return 0
    moved = gpd.GeoSeries.from_wkt([r.geometry_wkt for r in rows], crs=from_crs).to_crs(to_crs)
    for row, geom in zip(rows, moved, strict=True):
        row.geometry_wkt = wkt_of(geom)
    s.flush()
    return len(rows)


# ---------------------------------------------------------------- reading settings files

#: What a climate file may be, for messages.
CLIMATE_FILE_FORMS = (
    "an EnergyPlus weather file (.epw, 8,760 hours), a CSV of 12 months (month, t_out_c, "
    "ghi_kwh_m2) or a CSV of 8,760 hours (t_out_c, ghi_w_m2)"
)
#: An hourly mean global horizontal irradiance above this is a missing-value code (EPW
#: writes 9999), not sunshine: the solar constant is 1,361 W/m². [W/m²]
MAX_GHI_W_M2 = 1500.0
#: A month's global horizontal irradiation above this is in the wrong unit (Wh, MJ). [kWh/m²]
MAX_GHI_KWH_M2_MONTH = 400.0


@dataclass(frozen=True)
class ClimateFile:
    """A checked climate file: a monthly table or an hourly year, and where it is from.

    Attributes
    ----------
    monthly, hourly : pandas.DataFrame or None
        ``month``, ``t_out_c`` [°C], ``ghi_kwh_m2`` [kWh/m²]; or ``t_out_c`` [°C],
        ``ghi_w_m2`` [W/m²], 8,760 rows from 1 January 00:00.
    latitude_deg, longitude_deg : float or None
        The weather station's location (EPW header ``LOCATION``). [°]
    description : str
        One line naming the file and, for an EPW file, its station.
    """

    monthly: pd.DataFrame | None
    hourly: pd.DataFrame | None
    latitude_deg: float | None = None
    longitude_deg: float | None = None
    description: str = ""


def _epw_location(p: Path) -> tuple[float | None, float | None, str]:
    """Latitude, longitude and a description from an EPW file's ``LOCATION`` line."""
    with p.open(encoding="latin-1", newline="") as fh:
        fields = next(csv.reader(fh), [])
    if len(fields) < 8 or fields[0].strip().upper() != "LOCATION":
        return None, None, f"{p.name} (EPW)"
    place = ", ".join(f.strip() for f in fields[1:4] if f.strip())
    description = f"{p.name}: EnergyPlus weather file of {place}, station {fields[5].strip()}"
    if fields[4].strip():
        description += f" ({fields[4].strip()})"
    try:
        lat, lon = float(fields[6]), float(fields[7])
    except ValueError:
        return None, None, description
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None, description
    return lat, lon, description


def read_climate_file(path: str | Path) -> ClimateFile:
    """Read and check a climate file by its form (:data:`CLIMATE_FILE_FORMS`).

    Raises
    ------
    ValidationError
        Naming the file, what is wrong with it and what a climate file must be.
    """
    from site_manager.energy import climate

    p = Path(path)
    try:
        if not p.is_file():
            raise ValidationError(f"{p}: climate file not found")
        if p.suffix.lower() == ".epw":
            hourly = climate.read_epw(p)
            lat, lon, description = _epw_location(p)
            too_bright = hourly["ghi_w_m2"].to_numpy() > MAX_GHI_W_M2
            if too_bright.any():
                hour = int(too_bright.argmax())
                raise ValidationError(
                    f"{p.name}: hour {hour} of the year has a global horizontal irradiance "
                    f"of {hourly['ghi_w_m2'].iloc[hour]:g} W/m² (a missing value)"
                )
            return ClimateFile(None, hourly, lat, lon, description)
        if p.suffix.lower() != ".csv":
            raise ValidationError(f"{p.name}: not a .epw or .csv file")
        head = pd.read_csv(p, nrows=0)
        if "ghi_kwh_m2" in head.columns:
            monthly = climate.read_monthly_csv(p)
            if len(monthly) != 12:
                raise ValidationError(f"{p.name}: has {len(monthly)} rows; give one per month")
            t = pd.to_numeric(monthly["t_out_c"])
            if ((t < -90) | (t > 70)).any():
                raise ValidationError(f"{p.name}: a t_out_c is outside −90…70 °C")
            if (pd.to_numeric(monthly["ghi_kwh_m2"]) > MAX_GHI_KWH_M2_MONTH).any():
                raise ValidationError(
                    f"{p.name}: a ghi_kwh_m2 is above {MAX_GHI_KWH_M2_MONTH:g} kWh/m² in a "
                    "month; is it in kWh/m²?"
                )
            return ClimateFile(monthly, None, description=f"{p.name}: monthly climate table")
        if "ghi_w_m2" in head.columns:
            hourly = climate.read_hourly_csv(p)
            return ClimateFile(None, hourly, description=f"{p.name}: hourly climate table")
        raise ValidationError(f"{p.name}: has no column ghi_kwh_m2 or ghi_w_m2")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError(
            f"{p.name}: not a readable CSV ({first}); give {CLIMATE_FILE_FORMS}"
        ) from None
    except ValidationError as exc:
        raise ValidationError(f"{exc}; give {CLIMATE_FILE_FORMS}") from None


def crs_code(value: Any, *, what: str = "crs") -> str:
    """A coordinate reference system as ``AUTHORITY:CODE`` (e.g. ``EPSG:25832``).

    Raises
    ------
    ValidationError
        ``value`` is not a CRS pyproj knows, or has no authority code.
    """
    import pyproj

    try:
        crs = pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError:
        raise ValidationError(
            f"{what} {str(value)[:80]!r} is not a coordinate reference system; give an EPSG "
            "code such as EPSG:25832"
        ) from None
    authority = crs.to_authority()
    if authority is None:
        raise ValidationError(f"{what} {crs.name!r} has no EPSG code; give one such as EPSG:25832")
    return f"{authority[0]}:{authority[1]}"


def read_neighbourhood_file(path: str | Path) -> dict[str, Any]:
    """The layers with geometry of a GeoPackage: layer name → GeoDataFrame (file's CRS).

    Raises
    ------
    ValidationError
        Missing file, not a GeoPackage, or no layer with geometry.
    """
    import geopandas as gpd
    import pyogrio

    p = Path(path)
    what = "give a GeoPackage (.gpkg) with one layer per theme (buildings, streets, ...)"
    if not p.is_file():
        raise ValidationError(f"{p}: neighbourhood file not found; {what}")
    if p.suffix.lower() != ".gpkg":
        raise ValidationError(f"{p.name}: not a .gpkg file; {what}")
    # GDAL's warnings on a damaged file come through its error handler: logged, not raised
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            listed = pyogrio.list_layers(p)
            layers = {str(name): gpd.read_file(p, layer=str(name), engine="pyogrio")
                      for name, geometry_type in listed if geometry_type is not None}  # fmt: skip
        except Exception as exc:  # pyogrio raises several kinds on a damaged file
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ValidationError(
                f"{p.name}: not a readable GeoPackage ({first}); {what}"
            ) from None
    for w in caught:
        log.warning("%s: %s", p.name, w.message)
    if not layers:
        raise ValidationError(f"{p.name}: has no layer with geometry; {what}")
    return layers


_CURRENCY = re.compile(r"[A-Z]{3}")


def check_site_settings(given: dict[str, Any]) -> dict[str, Any]:
    """The given (not ``None``) site settings, checked and in stored form.

    Raises
    ------
    ValidationError
        A latitude outside [-90, 90], a longitude outside [-180, 180], a time zone that is
        not IANA, a currency that is not three capital letters, a CRS pyproj does not know,
        an empty name, a name, city or country longer than its column.
    """
    values: dict[str, Any] = {}
    for name, value in given.items():
        if value is None:
            continue
        if name == "latitude_deg":
            value = parse_number(value, what="latitude", minimum=-90.0, maximum=90.0)
        elif name == "longitude_deg":
            value = parse_number(value, what="longitude", minimum=-180.0, maximum=180.0)
        elif name == "time_zone":
            value = str(value).strip()
            try:
                zoneinfo.ZoneInfo(value)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
                raise ValidationError(
                    f"time zone {shown(value)} is not an IANA time zone; give one such as "
                    "Europe/Rome"
                ) from None
        elif name == "currency":
            if not _CURRENCY.fullmatch(str(value)):
                raise ValidationError(
                    f"currency {shown(value)} is not three capital letters; give an ISO 4217 "
                    "code such as EUR"
                )
        elif name == "crs":
            value = crs_code(value)
        elif name == "boiler_efficiency":
            value = parse_number(value, what="boiler efficiency", minimum=0.3, maximum=1.5)
        elif name == "trips_threshold_per_day":
            value = parse_number(value, what="trips threshold", minimum=0.0, maximum=1e7)
        elif name in ("noise_limit_day_dba", "noise_limit_night_dba"):
            what = "day" if name == "noise_limit_day_dba" else "night"
            value = parse_number(value, what=f"{what} noise limit", minimum=20.0, maximum=90.0)
        elif name == "cost_key":
            from site_manager.assumptions import COST_KEYS

            value = str(value).strip().lower()
            if value not in COST_KEYS:
                raise ValidationError(f"cost key {value!r} is not one of {', '.join(COST_KEYS)}")
        else:
            longest = getattr(Site.__table__.c[name].type, "length", None)
            what = "site id" if name == "site_id" else f"site {name}"
            value = parse_text(value, what=what, max_length=longest)
            if name == "name" and not value:
                raise ValidationError("a site's name cannot be empty")
        values[name] = value
    return values
