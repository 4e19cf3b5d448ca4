"""What the register keeps of a site's model and settings, checked against the source files.

Each stored table is compared with the same data read another way: the fabric and columns
with the IFC file read directly, the climate and applicants with their CSV files read by
pandas, the neighbourhood with geopandas.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from sqlalchemy import select

from site_manager import register
from site_manager.errors import RegisterError, ValidationError
from site_manager.ifc import read_model
from site_manager.register.schema import RegisterRevision
from tests.conftest import MODELS, SAMPLE_SITES

SITE = "textile_mill"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, register.RegisterFrames]:
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'r.sqlite'}"
    engine = register.open_register(url)
    register.load_sample(engine, SITE)
    return engine, register.frames(engine, SITE)


@pytest.fixture(scope="module")
def mill_model() -> object:
    return read_model(MODELS / f"{SITE}.ifc", fabric=True, columns=True)


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))  # type: ignore[arg-type]
    return a == b


def test_the_stored_fabric_is_the_fabric_of_the_ifc_file(loaded, mill_model) -> None:
    stored = loaded[1].fabric
    direct = mill_model.fabric
    assert len(stored) == len(direct) > 0
    for (_, s), (_, d) in zip(stored.iterrows(), direct.iterrows(), strict=True):
        for col in direct.columns:
            if col == "geometry":
                assert shapely.equals_exact(s[col], d[col], tolerance=1e-6) or (
                    s[col].is_empty and d[col].is_empty
                ), s["global_id"]
            elif col == "space_areas_m2":
                assert s[col] == pytest.approx(list(d[col]), abs=1e-6)
            elif col == "space_global_ids":
                assert s[col] == list(d[col])
            else:
                assert _same(s[col], d[col]), (s["global_id"], col, s[col], d[col])


def test_the_stored_columns_are_the_columns_of_the_ifc_file(loaded, mill_model) -> None:
    stored = loaded[1].columns.reset_index(drop=True)
    direct = mill_model.columns.reset_index(drop=True)
    assert len(stored) == len(direct) > 0
    pd.testing.assert_frame_equal(stored, direct, check_dtype=False)


def test_the_site_keeps_its_climate_tariffs_sources_time_zone_and_location(loaded) -> None:
    frames = loaded[1]
    csv = pd.read_csv(SAMPLE_SITES / SITE / "climate_monthly.csv")
    assert frames.climate_monthly["t_out_c"].tolist() == pytest.approx(csv["t_out_c"].tolist())
    assert frames.climate_monthly["ghi_kwh_m2"].tolist() == pytest.approx(
        csv["ghi_kwh_m2"].tolist()
    )
    toml = (SAMPLE_SITES / SITE / "site.toml").read_text(encoding="utf-8")
    assert frames.tariffs == {"electricity": 0.27, "heat": 0.12, "gas": 0.105}
    assert "electricity_eur_per_kwh = 0.27" in toml
    assert frames.site["time_zone"] == "Europe/Rome"
    import tomllib

    assert set(frames.sources) == set(tomllib.loads(toml)["sources"])  # every [sources] line
    assert {"climate", "tariffs", "everything_else"} <= set(frames.sources)
    # the mill's IfcSite is near Prato (43.9 N, 11.1 E)
    assert frames.site["latitude_deg"] == pytest.approx(43.87, abs=0.05)
    assert frames.site["longitude_deg"] == pytest.approx(11.09, abs=0.05)


def test_the_neighbourhood_layers_are_stored_feature_for_feature(loaded) -> None:
    frames = loaded[1]
    gpkg = SAMPLE_SITES / SITE / "neighbourhood.gpkg"
    for layer in ("buildings", "streets", "boundary"):
        direct = gpd.read_file(gpkg, layer=layer, engine="pyogrio")
        stored = frames.neighbourhood_gdf(layer)
        assert len(stored) == len(direct) > 0
        assert stored.crs == direct.crs
        # stored to the micrometre (WKT with six decimals)
        assert stored.geometry.area.sum() == pytest.approx(direct.geometry.area.sum(), rel=1e-8)
        assert stored.geometry.length.sum() == pytest.approx(direct.geometry.length.sum(), rel=1e-8)


def test_the_applicants_are_those_of_the_csv(loaded) -> None:
    stored = loaded[1].applicants.set_index("applicant_id")
    csv = pd.read_csv(SAMPLE_SITES / SITE / "applicants.csv", keep_default_na=False)
    assert sorted(stored.index) == sorted(csv["id"])
    for row in csv.to_dict("records"):
        got = stored.loc[row["id"]]
        assert got["area_min_m2"] == float(row["area_min"])
        assert got["area_max_m2"] == float(row["area_max"])
        assert got["rent_eur_per_m2_month"] == float(row["rent_per_m2"])
        assert bool(got["extraction"]) == (row["extraction"] == "yes")
        assert got["needs"] == row["needs"]


def test_an_applicant_file_with_a_bad_row_changes_nothing(tmp_path: Path) -> None:
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    register.load_sample(engine, SITE)
    before = register.list_applicants(engine)
    revision = register.get_revision(engine)
    bad = tmp_path / "applicants.csv"
    bad.write_text(
        "applicant_id,kind,area_min_m2,area_max_m2,rent_eur_per_m2_month\n"
        "N1,artist,50,80,9\n"
        "N2,artist,90,60,9\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"row 3.*area_max_m2"):
        register.import_table(engine, "applicants", bad)
    pd.testing.assert_frame_equal(register.list_applicants(engine), before)
    assert register.get_revision(engine) == revision


def test_every_committed_write_bumps_the_revision_once_and_reads_do_not(tmp_path: Path) -> None:
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    assert register.get_revision(engine) == 0
    register.load_sample(engine, SITE)
    assert register.get_revision(engine) == 1
    register.frames(engine)
    register.list_leases(engine)
    assert register.get_revision(engine) == 1
    register.add_tenant(engine, "T999", name="New Co")
    assert register.get_revision(engine) == 2
    with pytest.raises(RegisterError):
        register.add_tenant(engine, "T999", name="Same id again")
    assert register.get_revision(engine) == 2
    # an export imported back changes nothing, so the revision stays
    out = tmp_path / "tenants.csv"
    register.export_table(engine, "tenants", out)
    register.import_table(engine, "tenants", out)
    assert register.get_revision(engine) == 2
    with register.transaction(engine, readonly=True) as s:
        assert s.scalar(select(RegisterRevision.revision)) == 2


def test_a_site_from_an_ifc_file_is_analysable_after_the_file_is_gone(tmp_path: Path) -> None:
    copy = tmp_path / "works.ifc"
    shutil.copy(MODELS / "engineering_works.ifc", copy)
    direct = read_model(copy, fabric=True, columns=True)
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    site = register.create_site(engine, copy, name="Works")
    copy.unlink()
    frames = register.frames(engine, site)
    assert len(frames.fabric) == len(direct.fabric) > 0
    assert len(frames.columns) == len(direct.columns) > 0
    assert frames.fabric["area_m2"].sum() == pytest.approx(
        direct.fabric["area_m2"].sum(), rel=1e-12
    )
    assert sorted(frames.spaces["global_id"]) == sorted(direct.spaces["global_id"])


def test_the_stored_outlines_are_the_walls_and_doors_of_the_ifc_file(loaded, mill_model) -> None:
    stored = loaded[1].outlines.reset_index(drop=True)
    direct = mill_model.outlines.reset_index(drop=True)
    assert len(stored) == len(direct) > 0
    pd.testing.assert_frame_equal(
        pd.DataFrame(stored.drop(columns="geometry")),
        pd.DataFrame(direct.drop(columns="geometry")),
        check_dtype=False,
    )
    for s, d in zip(stored.geometry, direct.geometry, strict=True):
        assert shapely.equals_exact(s, d, tolerance=1e-6)


def test_an_imported_site_keeps_its_outlines_after_the_file_is_gone(tmp_path: Path) -> None:
    import ifcopenshell

    copy = tmp_path / "works.ifc"
    shutil.copy(MODELS / "engineering_works.ifc", copy)
    f = ifcopenshell.open(str(copy))
    expected = {e.GlobalId for e in f.by_type("IfcWall") + f.by_type("IfcDoor")}
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    site = register.create_site(engine, copy, name="Works")
    copy.unlink()
    outlines = register.frames(engine, site).outlines
    assert set(outlines["global_id"]) == expected
    assert len(outlines) == len(expected)
    assert not outlines.geometry.is_empty.any()
