"""The site's settings after import: location, tariffs, climate, neighbourhood, space attributes.

Verbs and commands. A bad value or file is refused with one line and changes nothing: each
refusal compares every row of every table before and after.
"""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyproj
import pytest
import shapely
from sqlalchemy import Engine, MetaData, select, text

from site_manager import register
from site_manager.assumptions import energy_assumptions, layout_assumptions
from site_manager.cli import main
from site_manager.cli.register_cmds import SPACE_FLAGS
from site_manager.errors import ValidationError
from site_manager.register.verbs import SPACE_ATTRIBUTES

ROOT = Path(__file__).resolve().parents[2]
WEATHER = ROOT / "sample_sites" / "weather"
EPWS = sorted(WEATHER.glob("*.epw"))
FIRENZE = WEATHER / "ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw"


@pytest.fixture
def site(db_url: str, small_model: Any) -> Iterator[tuple[Engine, str]]:
    """The small workshop as site ``ws`` (no location, CRS, climate or tariffs)."""
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="ws", name="Workshop", city="Prato",
                         country="IT")  # fmt: skip
    yield engine, db_url
    engine.dispose()


@pytest.fixture
def sqlite_site(tmp_path: Path, migrated_templates: dict, small_model: Any) -> Iterator[tuple]:
    """The same site on SQLite only (for the many refusals, which are not about the database)."""
    target = tmp_path / "register.sqlite"
    shutil.copyfile(migrated_templates["sqlite"], target)
    url = f"sqlite:///{target}"
    engine = register.open_register(url)
    register.create_site(engine, small_model, site_id="ws", name="Workshop", city="Prato",
                         country="IT")  # fmt: skip
    yield engine, url
    engine.dispose()


def _dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (sorted): the register's whole state."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: sorted((tuple(r) for r in conn.execute(select(table))), key=repr)
                for name, table in sorted(meta.tables.items())}  # fmt: skip


def _epw_by_csv(path: Path) -> tuple[list[float], list[float], list[str]]:
    """Dry-bulb [°C] and global horizontal [Wh/m²] per hour and the LOCATION line, read with
    the csv module: fields 7 and 14 of the rows after the 8 header lines."""
    with path.open(encoding="latin-1", newline="") as fh:
        rows = list(csv.reader(fh))
    data = rows[8:]
    return [float(r[6]) for r in data], [float(r[13]) for r in data], rows[0]


def _last_audit(engine: Engine) -> dict[str, Any]:
    row = register.get_audit(engine, limit=1).iloc[0].to_dict()
    row["before"] = json.loads(row["before"]) if row["before"] else None
    row["after"] = json.loads(row["after"]) if row["after"] else None
    return row


def _gpkg(path: Path, crs: str | None, layers: dict[str, list[Any]]) -> Path:
    for name, geoms in layers.items():
        frame = gpd.GeoDataFrame(
            {"name": [f"{name}-{i}" for i in range(len(geoms))],
             "height_m": [3.0 + i for i in range(len(geoms))]},
            geometry=geoms, crs=crs,
        )  # fmt: skip
        with warnings.catch_warnings():  # pyogrio warns when it writes no CRS (meant here)
            warnings.simplefilter("ignore", UserWarning)
            frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path


def _coords(geom: Any) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in shapely.get_coordinates(geom)]


# ---------------------------------------------------------------- location and the rest


def test_only_the_given_settings_change_and_the_change_is_audited(site) -> None:
    engine, _ = site
    before = register.frames(engine).site
    revision = register.get_revision(engine)
    out = register.set_site_settings(engine, latitude_deg="43.88", time_zone="Europe/Rome")
    assert out == {"latitude_deg": 43.88, "time_zone": "Europe/Rome"}
    after = register.frames(engine).site
    assert after == before | {"latitude_deg": 43.88, "time_zone": "Europe/Rome"}
    assert register.get_revision(engine) == revision + 1
    entry = _last_audit(engine)
    assert (entry["verb"], entry["table"], entry["record"], entry["action"]) == (
        "set_site_settings", "sites", "ws", "update")  # fmt: skip
    assert entry["before"] == {"latitude_deg": None, "time_zone": None}
    assert entry["after"] == {"latitude_deg": 43.88, "time_zone": "Europe/Rome"}
    register.set_site_settings(engine, latitude_deg=-90, longitude_deg=-180, currency="CHF",
                               name=" Neue Spinnerei ", city="Winterthur", country="CH",
                               crs="epsg:2056")  # fmt: skip
    assert register.frames(engine).site == after | {
        "latitude_deg": -90.0, "longitude_deg": -180.0, "currency": "CHF",
        "name": "Neue Spinnerei", "city": "Winterthur", "country": "CH", "crs": "EPSG:2056",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("given", "match"),
    [
        ({"latitude_deg": 90.0001}, "latitude"),
        ({"latitude_deg": -91}, "latitude"),
        ({"latitude_deg": "north"}, "latitude"),
        ({"latitude_deg": float("nan")}, "latitude"),
        ({"longitude_deg": 180.5}, "longitude"),
        ({"longitude_deg": -200}, "longitude"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time zone"),
        ({"time_zone": "Europe"}, "time zone"),
        ({"time_zone": ""}, "time zone"),
        ({"currency": "eur"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"currency": "EUR\n"}, "currency"),
        ({"crs": "EPSG:999999"}, "crs"),
        ({"crs": "somewhere"}, "crs"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"country": "y" * 101}, "country"),
        ({}, "no setting"),
        ({"latitude_deg": 45, "currency": "eur"}, "currency"),
    ],
)
def test_a_bad_setting_is_refused_and_changes_nothing(sqlite_site, given, match) -> None:
    engine, _ = sqlite_site
    before = _dump(engine)
    with pytest.raises(ValidationError, match=match):
        register.set_site_settings(engine, **given)
    assert _dump(engine) == before


def test_an_overlong_name_is_refused_before_the_database_on_postgresql_too(site) -> None:
    engine, _ = site
    before = _dump(engine)
    with pytest.raises(ValidationError, match="name: 201 characters; at most 200 allowed"):
        register.set_site_settings(engine, name="n" * 201)
    with pytest.raises(ValidationError, match="board_id: 65 characters; at most 64 allowed"):
        register.set_space_attributes(engine, "SP-G01", board_id="b" * 65)
    with pytest.raises(ValidationError, match="loading_access 'dock'"):
        register.set_space_attributes(engine, "SP-G01", loading_access="dock")
    assert _dump(engine) == before


def test_a_new_crs_moves_the_stored_neighbourhood(site, tmp_path: Path) -> None:
    engine, _ = site
    register.set_site_settings(engine, crs="EPSG:25832")
    corner = (667_000.0, 4_860_000.0)
    path = _gpkg(tmp_path / "n.gpkg", "EPSG:25832",
                 {"buildings": [shapely.box(*corner, corner[0] + 30, corner[1] + 20)]})  # fmt: skip
    register.set_neighbourhood(engine, path)
    register.set_site_settings(engine, crs="EPSG:4326")
    stored = register.frames(engine).neighbourhood_gdf("buildings")
    to_wgs84 = pyproj.Transformer.from_crs("EPSG:25832", "EPSG:4326", always_xy=True)
    box = shapely.box(*corner, corner[0] + 30, corner[1] + 20)
    expected = [to_wgs84.transform(x, y) for x, y in _coords(box)]
    got = _coords(stored.geometry.iloc[0])
    assert len(got) == len(expected)
    for (x, y), (ex, ey) in zip(got, expected, strict=True):
        assert abs(x - ex) < 2e-6 and abs(y - ey) < 2e-6  # WKT keeps 6 decimals
    assert register.frames(engine).site["crs"] == "EPSG:4326"


# ---------------------------------------------------------------- tariffs


def test_tariffs_are_set_per_carrier_and_audited(site) -> None:
    engine, _ = site
    assert register.frames(engine).tariffs == {}
    assert register.set_tariffs(engine, {"electricity": 0.31, "heat": "0.095"}) == {
        "electricity": 0.31, "heat": 0.095}  # fmt: skip
    register.set_tariffs(engine, {"gas": 0})
    assert register.frames(engine).tariffs == {"electricity": 0.31, "gas": 0.0, "heat": 0.095}
    revision = register.get_revision(engine)
    register.set_tariffs(engine, {"electricity": 0.2})
    assert register.get_revision(engine) == revision + 1
    entry = _last_audit(engine)
    assert (entry["verb"], entry["before"], entry["after"]) == (
        "set_tariffs", {"electricity": 0.31}, {"electricity": 0.2})  # fmt: skip
    assert register.frames(engine).tariffs == {"electricity": 0.2, "gas": 0.0, "heat": 0.095}


@pytest.mark.parametrize(
    ("tariffs", "match"),
    [
        ({"water": 1.0}, "carrier 'water'"),
        ({"coal": 0.1}, "carrier 'coal'"),
        ({"gas": -0.01}, "below 0"),
        ({"gas": "cheap"}, "not a number"),
        ({}, "no tariff"),
        ({"electricity": 0.2, "gas": -1}, "below 0"),
    ],
)
def test_a_bad_tariff_is_refused_and_changes_nothing(sqlite_site, tariffs, match) -> None:
    engine, _ = sqlite_site
    register.set_tariffs(engine, {"electricity": 0.3})
    before = _dump(engine)
    with pytest.raises(ValidationError, match=match):
        register.set_tariffs(engine, tariffs)
    assert _dump(engine) == before


# ---------------------------------------------------------------- climate


def test_the_weather_folder_holds_the_two_files_its_readme_describes() -> None:
    assert [p.name for p in EPWS] == [
        "BEL_VLG_Uccle.064470_TMYx.2007-2021.epw",
        "ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw",
    ]
    readme = (WEATHER / "README.md").read_text(encoding="utf-8")
    for epw in EPWS:
        t, g, _ = _epw_by_csv(epw)
        line = next(x for x in readme.splitlines() if x.startswith(f"| `{epw.name}`"))
        # the README's annual mean and sum are those of the file
        assert f"{sum(t) / len(t):.2f} °C" in line
        assert f"{sum(g) / 1000:,.1f} kWh/m²" in line


@pytest.mark.parametrize("epw", EPWS, ids=lambda p: p.name.split(".")[0])
def test_an_epw_file_is_stored_hour_by_hour(sqlite_site, epw: Path) -> None:
    engine, _ = sqlite_site
    t, g, location = _epw_by_csv(epw)
    assert len(t) == 8760
    revision = register.get_revision(engine)
    register.set_climate(engine, epw)
    assert register.get_revision(engine) == revision + 1
    f = register.frames(engine)
    assert len(f.climate_hourly) == 8760 and len(f.climate_monthly) == 0
    assert f.climate_hourly["t_out_c"].mean() == pytest.approx(sum(t) / len(t), abs=1e-9)
    assert f.climate_hourly["ghi_w_m2"].sum() == pytest.approx(sum(g), rel=1e-12)
    assert f.climate_hourly["t_out_c"].tolist() == t
    assert f.climate_hourly["ghi_w_m2"].tolist() == g
    assert f.site["climate_source"] == epw.name
    assert f.sources["climate"].startswith(f"{epw.name}: EnergyPlus weather file of {location[1]}")
    # the site had no location: the station's fills it
    assert (f.site["latitude_deg"], f.site["longitude_deg"]) == (
        float(location[6]), float(location[7]))  # fmt: skip
    entry = _last_audit(engine)
    assert (entry["verb"], entry["after"]["hours"], entry["before"]["hours"]) == (
        "set_climate", 8760, 0)  # fmt: skip


def test_an_epw_file_fills_only_the_missing_half_of_a_location(sqlite_site) -> None:
    engine, _ = sqlite_site
    _, _, location = _epw_by_csv(FIRENZE)
    register.set_site_settings(engine, latitude_deg=43.88)
    register.set_climate(engine, FIRENZE)
    site = register.frames(engine).site
    assert (site["latitude_deg"], site["longitude_deg"]) == (43.88, float(location[7]))
    register.set_site_settings(engine, longitude_deg=11.1)
    register.set_climate(engine, FIRENZE)
    site = register.frames(engine).site
    assert (site["latitude_deg"], site["longitude_deg"]) == (43.88, 11.1)


def test_a_monthly_table_replaces_an_hourly_year(sqlite_site, tmp_path: Path) -> None:
    engine, _ = sqlite_site
    register.set_climate(engine, FIRENZE)
    rows = [(m, round(1.5 * m - 3.0, 1), 10.0 * m) for m in range(12, 0, -1)]  # any order
    path = tmp_path / "my climate.csv"
    path.write_text("month,t_out_c,ghi_kwh_m2\n" + "".join(f"{m},{t},{g}\n" for m, t, g in rows))
    register.set_climate(engine, path)
    f = register.frames(engine)
    assert len(f.climate_hourly) == 0
    assert [tuple(r) for r in f.climate_monthly.itertuples(index=False)] == sorted(rows)
    assert f.site["climate_source"] == "my climate.csv"
    assert f.sources["climate"] == "my climate.csv: monthly climate table"


def test_an_hourly_csv_is_stored_as_it_is(sqlite_site, tmp_path: Path) -> None:
    engine, _ = sqlite_site
    t = [round(10 + 8 * ((h % 24) - 12) / 12, 3) for h in range(8760)]
    g = [max(0.0, 600.0 - 100.0 * abs((h % 24) - 12)) for h in range(8760)]
    path = tmp_path / "hours.csv"
    path.write_text("t_out_c,ghi_w_m2\n" + "".join(f"{a},{b}\n" for a, b in zip(t, g, strict=True)))
    register.set_climate(engine, path)
    f = register.frames(engine)
    assert f.climate_hourly["t_out_c"].tolist() == t
    assert f.climate_hourly["ghi_w_m2"].tolist() == g
    assert len(f.climate_monthly) == 0 and f.site["latitude_deg"] is None


def _months(rows: list[tuple[Any, ...]], header: str = "month,t_out_c,ghi_kwh_m2") -> str:
    return header + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows)


def _epw_with(epw: Path, *, keep: int | None = None, ghi_at: tuple[int, str] | None = None) -> str:
    lines = epw.read_text(encoding="latin-1").splitlines(keepends=True)
    if keep is not None:
        lines = lines[: 8 + keep]
    if ghi_at is not None:
        hour, value = ghi_at
        fields = lines[8 + hour].split(",")
        fields[13] = value
        lines[8 + hour] = ",".join(fields)
    return "".join(lines)


GOOD_MONTHS = [(m, 5.0 + m, 20.0 * m) for m in range(1, 13)]
BAD_CLIMATE_FILES = {
    "eleven.csv": (_months(GOOD_MONTHS[:11]), "each month"),
    "thirteen.csv": (_months([*GOOD_MONTHS, (12, 4.0, 30.0)]), "each month"),
    "no_ghi.csv": (_months([r[:2] for r in GOOD_MONTHS], "month,t_out_c"), "no column"),
    "text.csv": (_months([(1, "warm", 20.0), *GOOD_MONTHS[1:]]), "not a number"),
    "negative.csv": (_months([(1, 4.0, -1.0), *GOOD_MONTHS[1:]]), "negative"),
    "in_wh.csv": (_months([(m, t, g * 1000) for m, t, g in GOOD_MONTHS]), "kWh/m²"),
    "hot.csv": (_months([(1, 140.0, 20.0), *GOOD_MONTHS[1:]]), "t_out_c"),
    "empty.csv": ("", "not a readable CSV"),
    "ragged.csv": (
        _months([GOOD_MONTHS[0], (2, 4.0, 20.0, 7, 8), *GOOD_MONTHS[2:]]),
        "fields in line 3",
    ),
    "binary.csv": (b"\xff\xfe\x00\x81\x9f" * 40, "not a readable CSV"),
    "climate.txt": (_months(GOOD_MONTHS), "not a .epw or .csv"),
    "absent.epw": (None, "not found"),
    "hello.epw": ("hello\n", "EPW"),
    "short.epw": (_epw_with(FIRENZE, keep=100), "100 rows"),
    "gap.epw": (_epw_with(FIRENZE, ghi_at=(4000, "9999")), "hour 4000"),
}


@pytest.mark.parametrize("name", sorted(BAD_CLIMATE_FILES))
def test_a_bad_climate_file_is_refused_naming_it_and_changes_nothing(
    sqlite_site, tmp_path: Path, name: str
) -> None:
    engine, _ = sqlite_site
    good = tmp_path / "good.csv"
    good.write_text(_months(GOOD_MONTHS))
    register.set_climate(engine, good)
    content, match = BAD_CLIMATE_FILES[name]
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="latin-1")
    before = _dump(engine)
    with pytest.raises(ValidationError, match=match) as caught:
        register.set_climate(engine, path)
    message = str(caught.value)
    assert name in message and "give an EnergyPlus weather file (.epw" in message
    assert "\n" not in message
    assert _dump(engine) == before


# ---------------------------------------------------------------- neighbourhood


def test_a_neighbourhood_is_reprojected_to_the_site_crs(site, tmp_path: Path) -> None:
    engine, _ = site
    register.set_site_settings(engine, crs="EPSG:25832")
    house = shapely.box(11.0900, 43.8740, 11.0905, 43.8744)
    path = _gpkg(tmp_path / "around.gpkg", "EPSG:4326", {
        "buildings": [house, shapely.box(11.0910, 43.8740, 11.0912, 43.8741)],
        "streets": [shapely.LineString([(11.0895, 43.8735), (11.0920, 43.8736)])],
    })  # fmt: skip
    revision = register.get_revision(engine)
    assert register.set_neighbourhood(engine, path) == {"buildings": 2, "streets": 1}
    assert register.get_revision(engine) == revision + 1
    f = register.frames(engine)
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:25832", always_xy=True)
    stored = f.neighbourhood_gdf("buildings")
    assert stored.crs == pyproj.CRS("EPSG:25832")
    assert list(stored["name"]) == ["buildings-0", "buildings-1"]
    assert list(stored["height_m"]) == [3.0, 4.0]
    for (x, y), (lon, lat) in zip(_coords(stored.geometry.iloc[0]), _coords(house), strict=True):
        ex, ey = to_utm.transform(lon, lat)
        assert abs(x - ex) < 1e-5 and abs(y - ey) < 1e-5  # metres; WKT keeps 6 decimals
    assert len(f.neighbourhood_gdf("streets")) == 1
    entry = _last_audit(engine)
    assert (entry["verb"], entry["after"]["layers"], entry["after"]["reprojected"]) == (
        "set_neighbourhood", {"buildings": 2, "streets": 1}, ["buildings", "streets"])  # fmt: skip
    # a second file replaces the first; a table without geometry is not a layer
    second = _gpkg(tmp_path / "second.gpkg", "EPSG:25832",
                   {"boundary": [shapely.box(667_000, 4_860_000, 667_100, 4_860_050)]})  # fmt: skip
    import pandas as pd
    import pyogrio

    pyogrio.write_dataframe(pd.DataFrame({"note": ["no geometry"]}), second, layer="notes")
    assert register.set_neighbourhood(engine, second) == {"boundary": 1}
    assert set(register.frames(engine).neighbourhood["layer"]) == {"boundary"}


def test_a_site_without_crs_takes_the_neighbourhood_file_crs(site, tmp_path: Path) -> None:
    engine, _ = site
    point = shapely.Point(667_123.25, 4_860_456.5)
    path = _gpkg(tmp_path / "n.gpkg", "EPSG:25832", {"trees": [point]})
    register.set_neighbourhood(engine, path)
    f = register.frames(engine)
    assert f.site["crs"] == "EPSG:25832"
    assert _coords(f.neighbourhood_gdf("trees").geometry.iloc[0]) == _coords(point)


@pytest.mark.parametrize(
    ("name", "match"),
    [("absent.gpkg", "not found"), ("plan.shp", "not a .gpkg"),
     ("broken.gpkg", "not a readable GeoPackage"), ("nocrs.gpkg", "no coordinate reference"),
     ("tables.gpkg", "no layer with geometry")],
)  # fmt: skip
def test_a_bad_neighbourhood_file_is_refused_and_changes_nothing(
    sqlite_site, tmp_path: Path, name: str, match: str
) -> None:
    engine, _ = sqlite_site
    register.set_site_settings(engine, crs="EPSG:25832")
    good = _gpkg(tmp_path / "good.gpkg", "EPSG:25832", {"b": [shapely.Point(1, 2)]})
    register.set_neighbourhood(engine, good)
    path = tmp_path / name
    if name == "plan.shp":
        path.write_bytes(good.read_bytes())
    elif name == "broken.gpkg":
        path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    elif name == "nocrs.gpkg":
        _gpkg(path, None, {"b": [shapely.Point(1, 2)]})
    elif name == "tables.gpkg":
        import pandas as pd
        import pyogrio

        pyogrio.write_dataframe(pd.DataFrame({"note": ["x"]}), path, layer="notes",
                                driver="GPKG")  # fmt: skip
    before = _dump(engine)
    with pytest.raises(ValidationError, match=match) as caught:
        register.set_neighbourhood(engine, path)
    assert name in str(caught.value)
    assert _dump(engine) == before


# ---------------------------------------------------------------- the commands


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_site_set_and_show_from_the_command_line(sqlite_site, capsys) -> None:
    engine, url = sqlite_site
    code, out, err = _run(capsys, "site", "set", "--latitude", "45.07", "--longitude", "7.69",
                          "--time-zone", "Europe/Rome", "--currency", "CHF", "--name",
                          "Officine", "--city", "Torino", "--country", "IT", "--crs",
                          "EPSG:32632", "--tariff", "electricity=0.31", "--tariff", "heat=0.11",
                          "--db", url)  # fmt: skip
    assert (code, err) == (0, "")
    assert out.startswith("set latitude_deg = 45.07, longitude_deg = 7.69")
    code, out, _ = _run(capsys, "site", "show", "--db", url, "--format", "json")
    shown = json.loads(out)
    assert code == 0
    assert {k: shown[k] for k in ("site_id", "name", "city", "country", "crs", "latitude_deg",
                                  "longitude_deg", "time_zone", "currency",
                                  "tariffs_eur_per_kwh")} == {
        "site_id": "ws", "name": "Officine", "city": "Torino", "country": "IT",
        "crs": "EPSG:32632", "latitude_deg": 45.07, "longitude_deg": 7.69,
        "time_zone": "Europe/Rome", "currency": "CHF",
        "tariffs_eur_per_kwh": {"electricity": 0.31, "heat": 0.11},
    }  # fmt: skip
    assert shown["register_revision"] == register.get_revision(engine)
    code, out, _ = _run(capsys, "site", "show", "--db", url)
    lines = out.splitlines()
    assert "time zone: Europe/Rome" in lines and "currency: CHF" in lines
    assert "tariffs: electricity 0.31, heat 0.11 EUR/kWh" in lines
    assert "location: latitude 45.07°, longitude 7.69°" in lines
    assert f"register revision: {register.get_revision(engine)}" in lines


def test_site_show_counts_what_the_register_holds(tmp_path: Path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'mill.sqlite'}"
    assert main(["sample", "load", "textile_mill", "--db", url]) == 0
    assert main(["site", "climate", str(FIRENZE), "--db", url]) == 0
    capsys.readouterr()
    code, out, _ = _run(capsys, "site", "show", "--db", url, "--format", "json")
    shown = json.loads(out)
    engine = register.open_register(url)
    try:
        with engine.connect() as conn:

            def count(table: str) -> int:
                return int(conn.scalar(text(f"SELECT count(*) FROM {table}")))

            by_layer = "SELECT layer, count(*) FROM neighbourhood_features GROUP BY layer"
            layers = dict(conn.execute(text(by_layer)).all())
            tariffs = dict(conn.execute(text("SELECT carrier, eur_per_kwh FROM tariffs")).all())
            expected = {
                "fabric_elements": count("fabric_elements"),
                "structural_columns": count("structural_columns"),
                "applicants": count("applicants"), "climate_hours": count("climate_hours"),
                "climate_months": count("climate_months"),
                "spaces": int(conn.scalar(text("SELECT count(*) FROM spaces WHERE NOT removed"))),
                "neighbourhood_features": layers, "tariffs_eur_per_kwh": tariffs,
                "register_revision": int(conn.scalar(text(
                    "SELECT revision FROM register_revision"))),
                "climate_source": FIRENZE.name,
            }  # fmt: skip
    finally:
        engine.dispose()
    assert code == 0
    assert {k: shown[k] for k in expected} == expected
    assert expected["fabric_elements"] > 0 and expected["climate_hours"] == 8760


def test_site_climate_prints_the_annual_figures_of_the_file(sqlite_site, capsys) -> None:
    _, url = sqlite_site
    t, g, _ = _epw_by_csv(FIRENZE)
    code, out, err = _run(capsys, "site", "climate", str(FIRENZE), "--db", url)
    assert (code, err) == (0, "")
    assert f"8760 hours, mean {sum(t) / len(t):.2f} °C" in out
    assert f"global horizontal {sum(g) / 1000:.1f} kWh/m² a year" in out


def test_space_set_changes_one_space_and_space_list_shows_it(sqlite_site, capsys) -> None:
    _, url = sqlite_site
    code, out, _ = _run(capsys, "space", "list", "--db", url, "--format", "json")
    before = {r["global_id"]: r for r in json.loads(out)}
    assert code == 0 and len(before) == 6 and "footprint_wkt" not in before["SP-G01"]
    code, out, err = _run(capsys, "space", "set", "SP-G02", "--clear-height-m", "5.5",
                          "--floor-load-kn-m2", "7.5", "--board-id", "DB-X",
                          "--board-capacity-kw", "40", "--power-kw", "25", "--extraction", "no",
                          "--daylight", "YES",
                          "--ground-access", "yes", "--crane", "yes", "--crane-capacity-t", "5",
                          "--loading-access", "goods_lift", "--db", url)  # fmt: skip
    assert (code, err) == (0, "")
    code, out, _ = _run(capsys, "space", "list", "--db", url, "--format", "json")
    after = {r["global_id"]: r for r in json.loads(out)}
    assert after["SP-G02"] == before["SP-G02"] | {
        "clear_height_m": 5.5, "floor_load_kn_m2": 7.5, "board_id": "DB-X",
        "board_capacity_kw": 40.0, "power_kw": 25.0, "extraction": False, "daylight": True,
        "ground_access": True, "crane": True, "crane_capacity_t": 5.0,
        "loading_access": "goods_lift", "clear_height_source": "user",
    }  # fmt: skip
    assert {g: r for g, r in after.items() if g != "SP-G02"} == {
        g: r for g, r in before.items() if g != "SP-G02"}  # fmt: skip
    code, out, _ = _run(capsys, "space", "list", "--db", url, "--format", "csv")
    assert code == 0 and len(list(csv.DictReader(out.splitlines()))) == 6


def test_space_set_has_a_flag_for_every_space_attribute() -> None:
    assert [f[2:].replace("-", "_") for f, _m, _t in SPACE_FLAGS] == list(SPACE_ATTRIBUTES)


#: Bad command lines; ``{tmp}`` is a folder holding ``eleven.csv`` (11 months) and
#: ``broken.gpkg`` (not a GeoPackage).
BAD_COMMANDS = {
    "latitude": ["site", "set", "--latitude", "91"],
    "latitude and bad carrier": ["site", "set", "--latitude", "45", "--tariff", "coal=0.1"],
    "latitude and negative price": ["site", "set", "--latitude", "45", "--tariff", "gas=-1"],
    "tariff without price": ["site", "set", "--latitude", "45", "--tariff", "electricity"],
    "nothing to set": ["site", "set"],
    "time zone": ["site", "set", "--time-zone", "Mars/Base"],
    "currency": ["site", "set", "--currency", "eur"],
    "crs": ["site", "set", "--crs", "EPSG:999999"],
    "unknown site": ["site", "set", "--site", "nope", "--latitude", "45"],
    "eleven months": ["site", "climate", "{tmp}/eleven.csv"],
    "absent epw": ["site", "climate", "{tmp}/absent.epw"],
    "broken gpkg": ["site", "neighbourhood", "{tmp}/broken.gpkg"],
    "unknown space": ["space", "set", "NOPE", "--clear-height-m", "5"],
    "extraction maybe": ["space", "set", "SP-G01", "--extraction", "maybe"],
    "loading dock": ["space", "set", "SP-G01", "--loading-access", "dock"],
    "negative load": ["space", "set", "SP-G01", "--floor-load-kn-m2", "-3"],
    "negative power": ["space", "set", "SP-G01", "--power-kw", "-1"],
    "power in words": ["space", "set", "SP-G01", "--power-kw", "lots"],
    "tall": ["space", "set", "SP-G01", "--clear-height-m", "tall"],
    "no attribute": ["space", "set", "SP-G01"],
}


@pytest.mark.parametrize("case", sorted(BAD_COMMANDS))
def test_bad_input_prints_one_error_line_exits_2_and_changes_nothing(
    sqlite_site, tmp_path: Path, capsys, case: str
) -> None:
    engine, url = sqlite_site
    register.set_tariffs(engine, {"electricity": 0.3})
    (tmp_path / "eleven.csv").write_text(_months(GOOD_MONTHS[:11]))
    (tmp_path / "broken.gpkg").write_bytes(b"not a geopackage" * 10)
    args = [a.format(tmp=tmp_path) for a in BAD_COMMANDS[case]]
    before = _dump(engine)
    code, out, err = _run(capsys, *args, "--db", url)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert _dump(engine) == before


def test_the_commands_the_assumptions_name_exist_and_remove_their_note(sqlite_site, capsys) -> None:
    engine, url = sqlite_site
    f = register.frames(engine)
    notes = energy_assumptions(f) + layout_assumptions(f)
    commands = [c for a in notes for c in re.findall(r"`(site-manager [^`]*)`", a.remedy)]
    ours = [c for c in commands if c.startswith(("site-manager site climate ",
                                                  "site-manager site set ",
                                                  "site-manager space set "))]  # fmt: skip
    assert len(ours) == 5, commands  # climate, latitude, clear height, floor load, power

    def counted(topic: str) -> int:
        note = next(a for a in layout_assumptions(register.frames(engine)) if a.topic == topic)
        return int(re.match(r"(\d+) of \d+ spaces", note.message).group(1))  # type: ignore[union-attr]

    counts = {t: counted(t) for t in ("clear_height", "floor_load", "power")}
    values = {"FILE.epw": str(FIRENZE), "DEG": "45", "M": "5.5", "X": "7.5", "B": "DB-9",
              "KW": "30", "GID": "SP-G02"}  # fmt: skip
    for command in ours:
        argv = [values.get(token, token) for token in shlex.split(command)[1:]]
        code, _, err = _run(capsys, *argv, "--db", url)
        assert (code, err) == (0, ""), command
    topics = {a.topic for a in energy_assumptions(register.frames(engine))}
    assert not {"climate", "latitude"} & topics
    assert {t: counted(t) for t in counts} == {t: n - 1 for t, n in counts.items()}
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM climate_hours")) == 8760
