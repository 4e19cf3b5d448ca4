"""The sample sites: folders of a site's operational data beside its IFC model.

A site folder holds ``site.toml`` and the CSV files of ``docs/sample-site-format.md``.
:func:`read_site` reads one into a :class:`SiteFolder` of pandas frames with the contract's
column types (dates as ``datetime64``, ``yes``/``no`` as booleans, numbers as floats,
ids and names as strings). It checks the shape of each file (columns present, values of
the right type) and names the file, line and column of the first problems it finds; the
register does the deep validation (references, overlaps, enumerations).

Examples
--------
>>> from site_manager.sites import list_sample_sites, read_site
>>> "textile_mill" in list_sample_sites()
True
>>> site = read_site("textile_mill")
>>> site.crs
'EPSG:25832'
>>> bool(site.leases["end"].ge(site.leases["start"]).all())
True
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from site_manager.errors import NotFoundError, ValidationError

#: Where the sample sites live in a checkout.
SAMPLE_SITES_DIR = Path(__file__).resolve().parents[1] / "sample_sites"

_S, _F, _D, _B, _M = "string", "float", "date", "bool", "month"

#: Every CSV of the contract: column -> type (``string``, ``float``, ``date``, ``bool``,
#: ``month``). ``date`` is YYYY-MM-DD, ``month`` YYYY-MM, ``bool`` yes/no.
FILES: dict[str, dict[str, str]] = {
    "zoning": {"space_global_id": _S, "space_name": _S, "use": _S},
    "units": {"unit_id": _S, "name": _S, "space_global_ids": _S, "storey": _S, "area_m2": _F,
              "notes": _S},
    "tenants": {"tenant_id": _S, "name": _S, "kind": _S, "stage": _S, "sector": _S,
                "headcount": _F, "contact_name": _S, "contact_email": _S, "contact_phone": _S,
                "joined": _D},
    "leases": {"lease_id": _S, "unit_id": _S, "tenant_id": _S, "start": _D, "end": _D,
               "rent_eur_per_month": _F, "common_cost_share": _F},
    "equipment": {"equipment_id": _S, "name": _S, "type": _S, "owner_tenant_id": _S,
                  "space_global_id": _S, "board_id": _S, "power_kw": _F, "noise_db": _F,
                  "weight_kg": _F, "hazards": _S, "shared": _B, "share_terms": _S},
    "skills": {"tenant_id": _S, "skill": _S, "level": _S},
    "boards": {"board_id": _S, "storey": _S, "capacity_kw": _F},
    "meters": {"meter_id": _S, "tenant_id": _S, "carrier": _S, "month": _M,
               "reading_kwh": _F, "reading_m3": _F},
    "climate_monthly": {"month": _F, "t_out_c": _F, "ghi_kwh_m2": _F},
    "applicants": {"id": _S, "kind": _S, "area_min": _F, "area_max": _F, "min_height": _F,
                   "min_load": _F, "power": _F, "extraction": _B, "access": _B,
                   "daylight": _B, "noise_db": _F, "noise_sensitive": _B, "hazard": _F,
                   "rent_per_m2": _F, "provides": _S, "needs": _S},
}  # fmt: skip

#: Columns that may be left empty in a row (everything else must have a value).
OPTIONAL: dict[str, set[str]] = {
    "units": {"notes", "name"},
    "tenants": {"sector", "contact_name", "contact_email", "contact_phone", "joined", "headcount"},
    "leases": {"lease_id", "common_cost_share"},
    "equipment": {
        "name",
        "owner_tenant_id",
        "board_id",
        "hazards",
        "share_terms",
        "noise_db",
        "weight_kg",
        "power_kw",
        "type",
    },
    "meters": {"tenant_id", "reading_kwh", "reading_m3"},
    "applicants": {"provides", "needs"},
    "zoning": {"space_name"},
}

_TRUE = {"yes", "true", "1", "y"}
_FALSE = {"no", "false", "0", "n", ""}


@dataclass
class SiteFolder:
    """A sample site as read from its folder.

    Attributes
    ----------
    id, name, city, country : str
        From ``site.toml``'s ``[site]`` table.
    folder : Path
        The site folder.
    model_path : Path
        The IFC model, resolved against the folder.
    crs : str
        The site's map CRS (``EPSG:25832``).
    currency : str
        ``EUR``.
    tariffs : dict of str to float
        ``electricity_eur_per_kwh``, ``heat_eur_per_kwh``, ``gas_eur_per_kwh``. [EUR/kWh]
    sources : dict of str to str
        The published sources the data names.
    neighbourhood_path : Path or None
        The GeoPackage with layers ``buildings``, ``streets`` and ``boundary``.
    zoning, units, tenants, leases, equipment, skills, boards, meters, climate, applicants :
        pandas.DataFrame
        One frame per CSV, with the contract's columns and types (an absent file gives an
        empty frame with those columns).
    """

    id: str
    name: str
    city: str
    country: str
    folder: Path
    model_path: Path
    crs: str
    currency: str
    tariffs: dict[str, float]
    sources: dict[str, str]
    neighbourhood_path: Path | None
    zoning: pd.DataFrame
    units: pd.DataFrame
    tenants: pd.DataFrame
    leases: pd.DataFrame
    equipment: pd.DataFrame
    skills: pd.DataFrame
    boards: pd.DataFrame
    meters: pd.DataFrame
    climate: pd.DataFrame
    applicants: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    def unit_spaces(self) -> dict[str, list[str]]:
        """Unit id -> the GlobalIds of its spaces (``space_global_ids`` split on ``;``)."""
        return {
            str(u): [g.strip() for g in str(ids).split(";") if g.strip()]
            for u, ids in zip(self.units["unit_id"], self.units["space_global_ids"], strict=True)
        }

    def read_neighbourhood(self, layer: str) -> Any:
        """One layer of the neighbourhood GeoPackage as a GeoDataFrame in the site's CRS."""
        if self.neighbourhood_path is None or not self.neighbourhood_path.is_file():
            raise NotFoundError(f"{self.folder / 'site.toml'}: no neighbourhood file")
        import geopandas as gpd

        return gpd.read_file(self.neighbourhood_path, layer=layer, engine="pyogrio")


def list_sample_sites(root: Path | None = None) -> list[str]:
    """The names of the sample sites (folders with a ``site.toml``), sorted."""
    base = root or SAMPLE_SITES_DIR
    return sorted(p.parent.name for p in base.glob("*/site.toml"))


def sample_site_dir(name: str) -> Path:
    """The folder of the sample site ``name``.

    Raises
    ------
    NotFoundError
        No such sample site; the message lists the known ones.
    """
    folder = SAMPLE_SITES_DIR / name
    if not (folder / "site.toml").is_file():
        known = ", ".join(list_sample_sites()) or "none"
        raise NotFoundError(f"sample site {name!r} not found in {SAMPLE_SITES_DIR}; known: {known}")
    return folder


def site_dir(name_or_path: str | Path) -> Path:
    """The folder of a site: a folder holding ``site.toml``, or a sample site's name.

    Raises
    ------
    NotFoundError
        A folder without ``site.toml``, or an unknown sample site (the known ones listed).
    """
    path = Path(name_or_path)
    if (path / "site.toml").is_file():
        return path
    if path.is_dir() or "/" in str(name_or_path) or "\\" in str(name_or_path):
        raise NotFoundError(f"{path}: no site.toml in this folder; is it a site folder?")
    return sample_site_dir(str(name_or_path))


def read_site(name_or_path: str | Path) -> SiteFolder:
    """Read a site folder (a sample site's name, or a folder holding ``site.toml``).

    Raises
    ------
    NotFoundError
        The site, its ``site.toml`` or its model is missing.
    ValidationError
        ``site.toml`` or a CSV breaks the contract; the message names file, line and column.
    """
    folder = site_dir(name_or_path)
    meta = read_site_toml(folder)
    info = meta["site"]
    model_path = (folder / str(info["model"])).resolve()
    if not model_path.is_file():
        raise NotFoundError(
            f"{folder / 'site.toml'}: model {info['model']!r} not found at {model_path}"
        )
    tariffs = {str(k): float(v) for k, v in meta.get("tariffs", {}).items()}
    frames = {
        kind: read_csv(folder / f"{kind}.csv", kind) for kind in FILES if kind != "climate_monthly"
    }
    climate_file = folder / str(info.get("climate", "climate_monthly.csv"))
    frames["climate"] = read_csv(climate_file, "climate_monthly")
    neighbourhood = info.get("neighbourhood")
    return SiteFolder(
        id=str(info["id"]),
        name=str(info.get("name", info["id"])),
        city=str(info.get("city", "")),
        country=str(info.get("country", "")),
        folder=folder,
        model_path=model_path,
        crs=str(info.get("crs", "")),
        currency=str(info.get("currency", "EUR")),
        tariffs=tariffs,
        sources={str(k): str(v) for k, v in meta.get("sources", {}).items()},
        neighbourhood_path=folder / str(neighbourhood) if neighbourhood else None,
        zoning=frames["zoning"],
        units=frames["units"],
        tenants=frames["tenants"],
        leases=frames["leases"],
        equipment=frames["equipment"],
        skills=frames["skills"],
        boards=frames["boards"],
        meters=frames["meters"],
        climate=frames["climate"],
        applicants=frames["applicants"],
    )


def read_site_toml(folder: Path) -> dict[str, Any]:
    """The tables of a site folder's ``site.toml``, checked: ``[site]`` with ``id`` and
    ``model``; ``[tariffs]`` non-negative numbers [EUR/kWh].
    """
    path = folder / "site.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{path}: not valid TOML ({exc}); fix the syntax") from None
    site = data.get("site")
    if not isinstance(site, dict):
        raise ValidationError(f"{path}: needs a [site] table with id, name, model and crs")
    missing = [k for k in ("id", "model") if k not in site]
    if missing:
        raise ValidationError(f"{path}: [site] lacks {', '.join(missing)}; add them")
    for key, value in data.get("tariffs", {}).items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise ValidationError(
                f"{path}: [tariffs] {key} = {value!r} is not a non-negative number [EUR/kWh]"
            )
    return data


def read_csv(path: Path, kind: str) -> pd.DataFrame:
    """Read one CSV of the contract with its column types (see :data:`FILES`).

    An absent file gives an empty frame with the kind's columns. Columns beyond the
    contract are kept as strings.

    Raises
    ------
    ValidationError
        A contract column is missing, or values cannot be read as their type (up to five
        problems are listed, each with file, line and column).
    """
    columns = FILES[kind]
    if not path.is_file():
        return _typed(pd.DataFrame({c: pd.Series(dtype=object) for c in columns}), columns)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValidationError(f"{path}: not a readable UTF-8 CSV ({reason})") from None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        raise ValidationError(
            f"{path}: missing column(s) {', '.join(missing)}; the contract is in "
            "docs/sample-site-format.md"
        )
    problems: list[str] = []
    optional = OPTIONAL.get(kind, set())
    for col, typ in columns.items():
        values = raw[col].str.strip()
        raw[col] = values
        for i, v in enumerate(values):
            line = i + 2  # the header is line 1
            if v == "":
                if col not in optional and not (kind == "equipment" and col == "shared"):
                    problems.append(f"line {line}, column {col}: empty; give a value")
                continue
            if not _valid(v, typ):
                problems.append(f"line {line}, column {col}: {v!r} is not a {_TYPE_WORDS[typ]}")
        if len(problems) >= 5:
            break
    if problems:
        more = " (and maybe more)" if len(problems) >= 5 else ""
        raise ValidationError(f"{path}: " + "; ".join(problems[:5]) + more)
    return _typed(raw, columns)


_TYPE_WORDS = {
    "string": "text",
    "float": "number",
    "date": "date YYYY-MM-DD",
    "month": "month YYYY-MM",
    "bool": "yes/no",
}


def _valid(v: str, typ: str) -> bool:
    if typ == "float":
        try:
            float(v)
        except ValueError:
            return False
        return True
    if typ == "date":
        return pd.notna(pd.to_datetime(v, format="%Y-%m-%d", errors="coerce")) and len(v) == 10
    if typ == "month":
        return pd.notna(pd.to_datetime(v, format="%Y-%m", errors="coerce")) and len(v) == 7
    if typ == "bool":
        return v.lower() in _TRUE | _FALSE
    return True


def _typed(raw: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    out = raw.copy()
    for col, typ in columns.items():
        s = out[col]
        if typ == "float":
            out[col] = pd.to_numeric(s.replace("", None), errors="coerce").astype("float64")
        elif typ == "date":
            out[col] = pd.to_datetime(s.replace("", None), format="%Y-%m-%d", errors="coerce")
        elif typ == "bool":
            out[col] = s.fillna("").astype(str).str.lower().isin(_TRUE).astype(bool)
        else:  # string and month stay text ("" for empty)
            out[col] = s.fillna("").astype(str).astype("string")
    return out
