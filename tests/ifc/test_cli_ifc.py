"""``site-manager inspect`` and ``site-manager spaces`` on models whose answers are known.

The reference model, built in memory with ifcopenshell.api (millimetres, IFC4): storey
"Ground" at 0 m with a 10 m x 5 m hall and a 4 m x 3 m office, storey "First" at 4 m with a
6 m x 6 m store; the hall and the store are in zone "Production", the office in "Service";
a map conversion to EPSG:25832. Total floor area 50 + 12 + 36 = 98 m².
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from builders import ModelBuilder
from test_safe_open import BAD_INPUTS, small_model_text

from site_manager.cli import main

EXPECTED_AREAS = {"Hall": 50.0, "Office": 12.0, "Store": 36.0}


def write_reference_model(path: Path) -> Path:
    b = ModelBuilder("IFC4", unit="mm")
    ground = b.storey("Ground", elevation_m=0.0)
    first = b.storey("First", elevation_m=4.0)
    hall = b.space(ground, "Hall", [b.rect_extrusion(10, 5, 3.5, centre=(5, 2.5))])
    office = b.space(ground, "Office", [b.rect_extrusion(4, 3, 3.0, centre=(12, 1.5))])
    store = b.space(first, "Store", [b.rect_extrusion(6, 6, 3.0, centre=(3, 3))])
    b.zone("Production", [hall, store])
    b.zone("Service", [office])
    f = b.f
    context = f.by_type("IfcGeometricRepresentationContext")[0]
    crs = f.createIfcProjectedCRS(Name="EPSG:25832")
    f.createIfcMapConversion(context, crs, 500000.0, 5400000.0, 0.0, 1.0, 0.0, 1.0)
    f.write(str(path))
    return path


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    return write_reference_model(tmp_path_factory.mktemp("cli") / "reference.ifc")


@pytest.fixture(scope="module")
def no_spaces(tmp_path_factory) -> Path:
    b = ModelBuilder("IFC2X3", unit="m")
    b.storey("Ground", elevation_m=0.0)
    path = tmp_path_factory.mktemp("cli") / "structure.ifc"
    b.f.write(str(path))
    return path


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err: str, path: Path | str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"error: {path}: ")
    assert "Traceback" not in err


# ----------------------------------------------------------------------------- bad input


@pytest.fixture
def bad_file(request, tmp_path: Path) -> tuple[Path, str]:
    write, words = BAD_INPUTS[request.param]
    path = tmp_path / f"{request.param}.ifc"
    write(path, small_model_text())
    return path, words


@pytest.mark.parametrize("bad_file", list(BAD_INPUTS), indirect=True)
def test_every_bad_input_exits_2_with_one_error_line_naming_the_file(capsys, bad_file):
    path, words = bad_file
    code, out, err = run_main(capsys, "inspect", str(path))
    assert code == 2
    assert out == ""
    assert_one_error_line(err, path)
    assert words in err


@pytest.mark.parametrize("bad_file", ["folder", "schema-foo", "dangling-reference"], indirect=True)
def test_spaces_refuses_bad_input_the_same_way(capsys, bad_file):
    path, words = bad_file
    code, out, err = run_main(capsys, "spaces", str(path))
    assert code == 2
    assert out == ""
    assert_one_error_line(err, path)
    assert words in err


def _cli(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "site_manager.cli", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=240,
    )


@pytest.mark.parametrize("name", ["missing", "png"])
def test_bad_input_in_a_real_process_exits_2_without_a_traceback(tmp_path: Path, name: str):
    write, words = BAD_INPUTS[name]
    path = tmp_path / f"{name}.ifc"
    write(path, small_model_text())
    done = _cli("inspect", str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_error_line(done.stderr, path)
    assert words in done.stderr


def test_a_parser_crash_in_a_real_process_is_one_error_line(reference: Path):
    done = _cli("spaces", str(reference), env={"SITE_MANAGER_IFC_CHILD_FAULT": "segv"})
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_error_line(done.stderr, reference)
    assert "crashed (SIGSEGV)" in done.stderr


def test_a_timeout_is_one_error_line_naming_the_limit(capsys, reference: Path, monkeypatch):
    monkeypatch.setenv("SITE_MANAGER_IFC_CHILD_FAULT", "hang")
    code, out, err = run_main(capsys, "inspect", str(reference), "--timeout", "1")
    assert code == 2
    assert_one_error_line(err, reference)
    assert "took longer than 1 s" in err and "--timeout" in err


def test_gpkg_without_an_output_file_is_a_usage_error(capsys, reference: Path):
    code, out, err = run_main(capsys, "spaces", str(reference), "--format", "gpkg")
    assert code == 2
    assert err.startswith("error: spaces: --format gpkg writes a binary file and needs -o OUT")
    assert len(err.splitlines()) == 1


# ----------------------------------------------------------------------------- inspect


def test_inspect_json_reports_the_reference_model(capsys, reference: Path):
    code, out, err = run_main(capsys, "inspect", str(reference), "--json")
    assert code == 0
    s = json.loads(out)
    assert s["file"] == str(reference)
    assert s["schema"] == "IFC4"
    assert s["application"] == "site-manager test builder 0.1"
    assert s["length_unit"] == "millimetre"
    assert s["length_unit_m"] == pytest.approx(0.001)
    assert s["crs"] == "EPSG:25832"
    assert s["map_conversion"]["eastings"] == pytest.approx(500000.0)
    storeys = {st["name"]: st for st in s["storeys"]}
    assert storeys["Ground"]["elevation_m"] == pytest.approx(0.0, abs=1e-9)
    assert storeys["First"]["elevation_m"] == pytest.approx(4.0)
    assert (storeys["Ground"]["space_count"], storeys["First"]["space_count"]) == (2, 1)
    assert s["space_count"] == 3
    assert s["spaces_without_geometry"] == 0
    assert s["total_area_m2"] == pytest.approx(sum(EXPECTED_AREAS.values()))
    assert isinstance(s["warnings"], list)


def test_inspect_text_names_schema_unit_storeys_and_total_area(capsys, reference: Path):
    code, out, _ = run_main(capsys, "inspect", str(reference))
    assert code == 0
    assert "schema       IFC4" in out
    assert "length unit  millimetre (0.001 m)" in out
    assert "CRS          EPSG:25832" in out
    assert "  First  +4.000 m  1 spaces" in out
    assert "spaces       3" in out
    assert "total area   98.00 m²" in out


# ----------------------------------------------------------------------------- spaces


def test_spaces_csv_carries_wkt_footprints_whose_areas_are_known(capsys, reference: Path):
    code, out, err = run_main(capsys, "spaces", str(reference))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["name"] for r in rows} == set(EXPECTED_AREAS)
    for r in rows:
        footprint = shapely.from_wkt(r["geometry"])
        assert footprint.area == pytest.approx(EXPECTED_AREAS[r["name"]], rel=1e-6)
        assert float(r["area_m2"]) == pytest.approx(EXPECTED_AREAS[r["name"]], rel=1e-6)
    zones = {r["name"]: r["zones"] for r in rows}
    assert zones == {"Hall": "Production", "Office": "Service", "Store": "Production"}


def test_spaces_geojson_round_trips_areas_and_zones(capsys, reference: Path, tmp_path: Path):
    out_path = tmp_path / "spaces.geojson"
    code, out, err = run_main(
        capsys, "spaces", str(reference), "--format", "geojson", "-o", str(out_path)
    )
    assert code == 0 and out == ""
    collection = json.loads(out_path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    got = {
        f["properties"]["name"]: shapely.geometry.shape(f["geometry"]).area
        for f in collection["features"]
    }
    assert got == pytest.approx(EXPECTED_AREAS, rel=1e-9)
    zones = {f["properties"]["name"]: f["properties"]["zones"] for f in collection["features"]}
    assert zones["Hall"] == ["Production"]


def test_spaces_gpkg_read_back_with_geopandas_has_the_same_areas(capsys, reference, tmp_path):
    import geopandas as gpd

    out_path = tmp_path / "spaces.gpkg"
    code, out, err = run_main(
        capsys, "spaces", str(reference), "--format", "gpkg", "-o", str(out_path)
    )
    assert code == 0
    back = gpd.read_file(out_path, layer="spaces")
    areas = dict(zip(back["name"], back.geometry.area, strict=True))
    assert areas == pytest.approx(EXPECTED_AREAS, rel=1e-9)
    assert dict(zip(back["name"], back["area_m2"], strict=True)) == pytest.approx(EXPECTED_AREAS)
    assert set(back["storey"]) == {"Ground", "First"}


def test_a_model_without_spaces_gives_an_empty_table_and_a_warning(capsys, no_spaces: Path):
    code, out, err = run_main(capsys, "spaces", str(no_spaces))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == []
    assert out.splitlines()[0].startswith("global_id,name,")
    assert err.startswith("warning: ")
    assert "no IfcSpace" in err
    assert "error" not in err


def test_no_progress_bar_is_drawn_when_stderr_is_not_a_terminal(capsys, reference: Path):
    code, out, err = run_main(capsys, "inspect", str(reference))
    assert code == 0
    assert "\r" not in err and err == ""


def test_a_progress_bar_is_drawn_on_a_terminal_and_erased(reference: Path):
    import pty

    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "site_manager.cli", "inspect", str(reference), "--json"],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=240,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    shown = b"".join(chunks).decode()
    assert done.returncode == 0
    assert json.loads(done.stdout)["space_count"] == 3
    assert "reference.ifc: reading" in shown
    assert shown.endswith("\r\x1b[K")


def test_spaces_csv_writes_areas_without_binary_noise(tmp_path) -> None:
    from site_manager.cli import main
    from site_manager.ifc import read_model
    from tests.conftest import MODELS

    out = tmp_path / "spaces.csv"
    args = ["spaces", str(MODELS / "textile_mill.ifc"), "--format", "csv", "-o", str(out)]
    assert main(args) == 0
    text = out.read_text(encoding="utf-8")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text))}
    model = read_model(MODELS / "textile_mill.ifc").spaces.set_index("name")
    # the stair is 32.4 m² (7.2 m x 4.5 m); the geometry's sum gives 32.39999999999999
    assert rows["0.S1"]["area_m2"] == "32.4"
    for name, row in rows.items():
        exact = float(model.loc[name, "area_m2"])
        assert float(row["area_m2"]) == pytest.approx(exact, rel=1e-9)
        assert len(row["area_m2"].replace(".", "").lstrip("0")) <= 10
