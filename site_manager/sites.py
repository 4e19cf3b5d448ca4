"""The sample sites: folders of a site's operational data beside its IFC model.

A site folder holds ``site.toml`` and the CSV files of ``docs/sample-site-format.md``.
:func:`read_site` reads one into a :class:`SiteFolder` of pandas frames with the contract's
column types (dates as ``datetime64``, ``yes``/``no`` as booleans, numbers as floats,
ids and names as strings). Every column is the register's contract
(:mod:`site_manager.register.contracts`) and every value is read as the register reads it;
the first problems found are named by file, line and column. The register's loader checks
the references between files and overlapping leases.

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

import numpy as np
import pandas as pd

from site_manager.errors import NotFoundError, ValidationError
from site_manager.register.contracts import TABLES
from site_manager.register.values import parse_value

#: Where the sample sites live in a checkout.
SAMPLE_SITES_DIR = Path(__file__).resolve().parents[1] / "sample_sites"

#: Every CSV of a sample site: heading → column type of the contract
#: (:data:`site_manager.register.contracts.TABLES`; ``date`` is YYYY-MM-DD, ``month``
#: YYYY-MM, ``bool`` yes/no).
FILES: dict[str, dict[str, str]] = {
    name: {heading: col.type for heading, col in table.sample_columns().items()}
    for name, table in TABLES.items()
}

#: Columns that may be left empty in a row (the contract's columns that are not required).
OPTIONAL: dict[str, set[str]] = {
    name: {heading for heading, col in table.sample_columns().items() if not col.required}
    for name, table in TABLES.items()
}


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
    """Read one CSV of a sample site with its contract's column types (see :data:`FILES`).

    Each value is read by :func:`site_manager.register.values.parse_value`, as the register's
    imports read it. An absent file gives an empty frame with the kind's columns. Columns
    beyond the contract are kept as text.

    Raises
    ------
    ValidationError
        A contract column is missing, or values break the contract (up to five problems are
        listed, each with file, line and column).
    """
    columns = TABLES[kind].sample_columns()
    if not path.is_file():
        return pd.DataFrame({h: _typed([], c.type) for h, c in columns.items()})
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
    out = raw.copy()
    for heading, col in columns.items():
        values = []
        for line, text in enumerate(raw[heading], start=2):  # the header is line 1
            try:
                values.append(parse_value(col, text))
            except ValidationError as exc:
                problems.append(f"line {line}, column {heading}: {exc}")
                values.append(None)
        out[heading] = _typed(values, col.type)
        if len(problems) >= 5:
            break
    if problems:
        more = " (and maybe more)" if len(problems) >= 5 else ""
        raise ValidationError(f"{path}: " + "; ".join(problems[:5]) + more)
    return out


def _typed(values: list[Any], kind: str) -> pd.Series:
    """Values read by the contract as a column of a frame: numbers as float, dates as
    datetime64, yes/no as bool, the rest as text (empty: ``""``).
    """
    if kind in ("number", "integer"):
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    if kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")
    if kind == "bool":
        return pd.Series([bool(v) for v in values], dtype=bool)
    return pd.Series(["" if v is None else str(v) for v in values], dtype="string")
