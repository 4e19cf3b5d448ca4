"""The sample sites hold together: data against data, data against model, model against
its own quantities, and the generator is reproducible."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ifcopenshell
import ifcopenshell.util.element
import pandas as pd
import pytest
import shapely
from shapely import affinity

from site_manager.sites import list_sample_sites, read_site

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
SITES = ["brewery_complex", "engineering_works", "officina_macrolotto", "textile_mill"]
#: The small sample (a shed of one storey near the mill): fewer spaces, tenants, applicants.
SMALL = {"officina_macrolotto"}
TODAY = pd.Timestamp("2026-11-27")
USES = {"private_production", "shared_production", "shared_service", "storage", "circulation",
        "technical", "outdoor"}  # fmt: skip
KINDS = {"freelancer", "artist", "artisan", "solopreneur", "smart_factory", "sme"}
STAGES = {"starting", "growing", "established"}
HAZARDS = {"fire", "dust", "fumes", "chemical", "laser", "heavy_load"}
MULTIFACTORY_PROPS = {"ClearHeight", "FloorLoadCapacity", "DistributionBoard", "ElectricalCapacity",
                      "Extraction", "Crane", "CraneCapacity", "GroundAccess", "LoadingAccess",
                      "Daylight"}  # fmt: skip


@pytest.fixture(scope="module")
def sites():
    return {name: read_site(name) for name in SITES}


@pytest.fixture(scope="module")
def models(sites):
    read_model = pytest.importorskip(
        "site_manager.ifc", reason="the importer site_manager.ifc.read_model is not there yet"
    ).read_model
    return {name: read_model(site.model_path) for name, site in sites.items()}


@pytest.fixture(scope="module")
def ifc_files(sites):
    return {name: ifcopenshell.open(str(site.model_path)) for name, site in sites.items()}


def test_the_sample_sites_are_listed() -> None:
    assert set(SITES) <= set(list_sample_sites())


@pytest.mark.parametrize("name", SITES)
def test_each_model_is_ifc4_and_at_most_two_megabytes(name, sites) -> None:
    path = sites[name].model_path
    assert path.stat().st_size <= 2_000_000
    assert "FILE_SCHEMA(('IFC4'));" in path.read_text(encoding="utf-8")[:2000]


@pytest.mark.parametrize("name", SITES)
def test_the_importer_reads_each_model_without_warnings(name, models) -> None:
    assert models[name].warnings == []
    assert len(models[name].spaces) >= (8 if name in SMALL else 20)


@pytest.mark.parametrize("name", SITES)
def test_every_space_area_and_height_equal_its_quantities(name, models) -> None:
    sp = models[name].spaces
    assert (sp["area_source"] == "geometry").all()
    qto_h = sp["psets"].map(lambda p: p["Qto_SpaceBaseQuantities.Height"])
    qto_v = sp["psets"].map(lambda p: p["Qto_SpaceBaseQuantities.GrossVolume"])
    assert (sp["area_m2"] - sp["qto_area_m2"]).abs().max() < 1e-6
    assert (sp["height_m"] - qto_h).abs().max() < 1e-6
    assert (sp["volume_m3"] - qto_v).abs().max() < 1e-3


@pytest.mark.parametrize("name", SITES)
def test_every_space_carries_the_multifactory_property_set(name, models, sites) -> None:
    boards = set(sites[name].boards["board_id"])
    capacity = dict(zip(sites[name].boards["board_id"], sites[name].boards["capacity_kw"],
                        strict=True))  # fmt: skip
    for _, row in models[name].spaces.iterrows():
        props = {
            k.split(".", 1)[1] for k in row["psets"] if k.startswith("Pset_MultifactorySpace.")
        }
        assert props == MULTIFACTORY_PROPS, row["name"]
        board = row["psets"]["Pset_MultifactorySpace.DistributionBoard"]
        assert board in boards
        assert row["psets"]["Pset_MultifactorySpace.ElectricalCapacity"] == capacity[board]
        assert row["psets"]["Pset_MultifactorySpace.LoadingAccess"] in {
            "ground",
            "goods_lift",
            "none",
        }
        assert 0 < row["psets"]["Pset_MultifactorySpace.ClearHeight"] <= row["height_m"] + 1e-9


def test_the_mill_has_four_storeys_and_its_floors_are_60_by_18_metres(models) -> None:
    mill = models["textile_mill"]
    storeys = mill.storeys[mill.storeys["building"] == "Mill"]
    assert len(storeys) == 4
    indoor = mill.spaces[(mill.spaces["building"] == "Mill") & (mill.spaces["name"] != "0.Y")]
    for storey, group in indoor[indoor["name"] != "0.BH"].groupby("storey"):
        # inside 0.6 m brick walls: 58.8 x 16.8 m of floor, fully tiled by the spaces
        assert group["area_m2"].sum() == pytest.approx(58.8 * 16.8), storey
        assert shapely.union_all(group.geometry).bounds == pytest.approx((0.6, 0.6, 59.4, 17.4))


def test_the_works_mezzanine_stands_3_4_metres_up(models) -> None:
    sp = models["engineering_works"].spaces
    mezz = sp[sp["storey"] == "Works M Mezzanine"]
    assert len(mezz) == 5
    assert mezz["z_min_m"].tolist() == pytest.approx([3.4] * 5)
    crane = sp[sp["name"].str.startswith("W.K")]
    hall = shapely.union_all(sp[sp["name"].str.match(r"W\.(B|K|C|O)")].geometry)
    assert hall.bounds == pytest.approx((0.4, 0.4, 79.6, 39.6))
    assert (
        crane.apply(lambda r: r["psets"]["Pset_MultifactorySpace.CraneCapacity"], axis=1).min() >= 5
    )


def test_the_brewery_has_several_buildings_and_a_cloister_with_a_hole(models) -> None:
    sp = models["brewery_complex"].spaces
    assert sp["building"].nunique() >= 4
    gallery = sp[sp["name"] == "BT.G"].geometry.iloc[0]
    court = sp[sp["name"] == "BT.Y"].geometry.iloc[0]
    assert len(gallery.interiors) == 1
    # the courtyard sits inside the gallery's hole, 0.5 m of wall away from it
    assert shapely.Polygon(gallery.interiors[0]).contains(court)
    assert court.area == pytest.approx(18 * 8)
    assert gallery.area == pytest.approx(23 * 13 - 19 * 9)


def test_the_shed_is_one_storey_of_40_by_20_metres_tiled_by_its_spaces(models) -> None:
    sp = models["officina_macrolotto"].spaces
    assert sp["storey"].nunique() == 1
    indoor = sp[sp["name"] != "0.Y"]
    # inside 0.25 m panels: 39.5 x 19.5 m of floor, fully tiled by the spaces
    assert indoor["area_m2"].sum() == pytest.approx(39.5 * 19.5)
    assert shapely.union_all(indoor.geometry).bounds == pytest.approx((0.25, 0.25, 39.75, 19.75))


@pytest.mark.parametrize("name", SITES)
def test_the_model_crs_and_coordinates_match_the_site_and_its_neighbourhood(
    name, models, sites
) -> None:
    model, site = models[name], sites[name]
    assert model.info.crs == site.crs
    conv = model.info.map_conversion
    assert conv is not None and conv["scale"] == 1.0
    boundary = site.read_neighbourhood("boundary")
    assert boundary.crs.to_string() == site.crs
    c, s = conv["x_axis_abscissa"], conv["x_axis_ordinate"]
    on_map = [affinity.affine_transform(g, [c, -s, s, c, conv["eastings"], conv["northings"]])
              for g in model.spaces.geometry]  # fmt: skip
    assert boundary.geometry.iloc[0].buffer(1.0).contains(shapely.union_all(on_map))
    buildings = site.read_neighbourhood("buildings")
    assert {"use", "height_m", "name"} <= set(buildings.columns) and len(buildings) >= 5
    assert not buildings.intersects(boundary.geometry.iloc[0]).any()
    streets = site.read_neighbourhood("streets")
    assert {"name", "kind"} <= set(streets.columns)
    # latitude/longitude and the map conversion point at the same place (within 200 m)
    from pyproj import Transformer

    e, n = Transformer.from_crs(4326, site.crs, always_xy=True).transform(
        model.info.longitude, model.info.latitude
    )
    assert abs(e - conv["eastings"]) < 200 and abs(n - conv["northings"]) < 200


@pytest.mark.parametrize("name", SITES)
def test_every_space_is_zoned_once_and_every_zoning_entry_names_a_real_space(
    name, models, sites
) -> None:
    zoning = sites[name].zoning
    spaces = models[name].spaces
    assert set(zoning["use"]) <= USES
    assert not zoning["space_global_id"].duplicated().any()
    assert set(zoning["space_global_id"]) == set(spaces["global_id"])
    names = dict(zip(spaces["global_id"], spaces["name"], strict=True))
    assert all(names[g] == n for g, n in zip(zoning["space_global_id"], zoning["space_name"],
                                             strict=True))  # fmt: skip


@pytest.mark.parametrize("name", SITES)
def test_every_unit_is_made_of_real_spaces_and_its_area_adds_up(name, models, sites) -> None:
    site = sites[name]
    area = dict(zip(models[name].spaces["global_id"], models[name].spaces["area_m2"], strict=True))
    assert not site.units["unit_id"].duplicated().any()
    used: list[str] = []
    for unit, ids in site.unit_spaces().items():
        assert ids and all(g in area for g in ids), unit
        row = site.units[site.units["unit_id"] == unit].iloc[0]
        assert row["area_m2"] == pytest.approx(sum(area[g] for g in ids), abs=0.01)
        assert 30 <= row["area_m2"] <= 450, unit
        used += ids
    assert len(used) == len(set(used)), "a space is in two units"


@pytest.mark.parametrize("name", SITES)
def test_every_lease_points_at_an_existing_unit_and_tenant(name, sites) -> None:
    site = sites[name]
    assert set(site.leases["unit_id"]) <= set(site.units["unit_id"])
    assert set(site.leases["tenant_id"]) <= set(site.tenants["tenant_id"])
    assert (site.leases["end"] >= site.leases["start"]).all()
    assert (site.leases["rent_eur_per_month"] > 0).all()
    assert site.leases["common_cost_share"].between(0, 1).all()
    assert not site.leases["lease_id"].duplicated().any()


@pytest.mark.parametrize("name", SITES)
def test_no_two_leases_of_a_unit_overlap(name, sites) -> None:
    for unit, group in sites[name].leases.groupby("unit_id"):
        g = group.sort_values("start")
        starts, ends = list(g["start"]), list(g["end"])
        for k in range(1, len(g)):
            assert starts[k] > ends[k - 1], f"{unit}: {g['lease_id'].tolist()} overlap"


@pytest.mark.parametrize("name", SITES)
def test_the_shares_of_common_costs_never_exceed_the_whole(name, sites) -> None:
    leases = sites[name].leases
    # the sum of active shares can only rise when a lease starts: check every start
    for day in leases["start"]:
        active = leases[(leases["start"] <= day) & (leases["end"] >= day)]
        assert active["common_cost_share"].sum() <= 1.0 + 1e-9, day


@pytest.mark.parametrize("name", SITES)
def test_the_rent_roll_has_vacancies_and_expiries_in_the_next_year(name, sites) -> None:
    site = sites[name]
    leases = site.leases
    active = leases[(leases["start"] <= TODAY) & (leases["end"] >= TODAY)]
    vacant = set(site.units["unit_id"]) - set(active["unit_id"])
    if name == "engineering_works":
        # its planning situation (sample_sites/sample_planning.py): the saw-tooth hall's
        # east bays W.B4-W.B8 were vacated on 31 October, besides the four units the seeded
        # histories leave empty on 27 November: O2 (left in March), O7 (June), K2 (May) and
        # M.4 (September), each let again from February 2027
        hall = {f"EW-W.B{k}" for k in range(4, 9)}
        assert vacant == hall | {"EW-W.O2", "EW-W.O7", "EW-W.K2", "EW-M.4"}
        assert (leases.loc[leases["unit_id"].isin(hall), "end"] <= "2026-10-31").all()
    elif name == "textile_mill":
        # a waiting list longer than its vacancies: 2.05 and 3.01 given back on 31 October,
        # and the seeded histories' 0.03 and 1.04 (left in July), 2.01 (April) and 2.07
        # (July), each let again from February 2027: six units for its eighteen applicants
        assert vacant == {"TM-0.03", "TM-1.04", "TM-2.01", "TM-2.05", "TM-2.07", "TM-3.01"}
        assert len(site.applicants) == 18 > len(vacant)
    else:
        assert 1 <= len(vacant) <= len(site.units) // 3
    expiring = active[active["end"] <= TODAY + pd.DateOffset(months=12)]
    assert len(expiring) >= 2
    assert (leases["start"] > TODAY).any(), "a signed lease that starts later"
    # plausible rents for converted industrial space: 3-15 EUR/m² a month
    area = dict(zip(site.units["unit_id"], site.units["area_m2"], strict=True))
    rate = leases["rent_eur_per_month"] / leases["unit_id"].map(area)
    assert rate.between(3, 15).all()


@pytest.mark.parametrize("name", SITES)
def test_tenants_are_of_every_kind_and_stage(name, sites) -> None:
    t = sites[name].tenants
    assert (5 <= len(t) <= 10) if name in SMALL else (20 <= len(t) <= 60)
    assert set(t["kind"]) == KINDS
    assert set(t["stage"]) == STAGES
    assert not t["tenant_id"].duplicated().any() and not t["name"].duplicated().any()
    assert t["contact_email"].str.endswith(".example.org").all(), "invented contacts only"
    assert (t["headcount"] >= 1).all()
    skills = sites[name].skills
    assert set(skills["tenant_id"]) <= set(t["tenant_id"])
    assert set(skills["level"]) <= {"basic", "skilled", "expert"}


@pytest.mark.parametrize("name", SITES)
def test_every_machine_stands_in_a_real_space_on_that_space_s_board(name, models, sites) -> None:
    eq = sites[name].equipment
    spaces = models[name].spaces.set_index("global_id")
    assert set(eq["space_global_id"]) <= set(spaces.index)
    boards = spaces["psets"].map(lambda p: p["Pset_MultifactorySpace.DistributionBoard"])
    assert (eq["board_id"].to_numpy() == boards.loc[eq["space_global_id"]].to_numpy()).all()
    owners = set(eq["owner_tenant_id"]) - {""}
    assert owners <= set(sites[name].tenants["tenant_id"])
    assert all(set(h.split(";")) <= HAZARDS for h in eq["hazards"] if h)
    assert eq["shared"].any() and (~eq["shared"]).any()
    assert (eq["power_kw"] >= 0).all() and eq["noise_db"].between(30, 110).all()
    zoning = sites[name].zoning.set_index("space_global_id")["use"]
    site_owned = eq[eq["owner_tenant_id"] == ""]
    assert (zoning.loc[site_owned["space_global_id"]] == "shared_production").all()


@pytest.mark.parametrize("name", SITES)
def test_meters_cover_december_2025_to_november_2026(name, sites) -> None:
    m = sites[name].meters
    months = sorted(set(m["month"]))
    assert months == ["2025-12"] + [f"2026-{k:02d}" for k in range(1, 12)]
    assert set(m["carrier"]) <= {"electricity", "heat", "gas", "water"}
    water = m[m["carrier"] == "water"]
    assert water["reading_m3"].notna().all() and water["reading_kwh"].isna().all()
    energy = m[m["carrier"] != "water"]
    assert (energy["reading_kwh"] > 0).all()
    heat = energy[energy["carrier"].isin(["heat", "gas"])].set_index("month")["reading_kwh"]
    assert heat["2026-01"] > 3 * heat["2026-07"], "heating follows the winter"
    assert not m.duplicated(["meter_id", "month"]).any()


@pytest.mark.parametrize("name", SITES)
def test_the_climate_table_is_twelve_plausible_months(name, sites) -> None:
    c = sites[name].climate
    assert list(c["month"]) == list(range(1, 13))
    assert c["t_out_c"].between(-10, 30).all()
    assert c["t_out_c"].iloc[6] > c["t_out_c"].iloc[0] + 10  # July warmer than January
    assert 900 <= c["ghi_kwh_m2"].sum() <= 1800  # Europe, ETRS89 latitudes
    assert "climate" in sites[name].sources


@pytest.mark.parametrize("name", SITES)
def test_applicants_are_plausible_against_the_units(name, sites) -> None:
    a = sites[name].applicants
    assert (4 <= len(a) <= 10) if name in SMALL else (15 <= len(a) <= 40)
    assert (a["area_min"] <= a["area_max"]).all() and (a["area_min"] > 0).all()
    assert set(a["kind"]) <= KINDS
    smallest, largest = sites[name].units["area_m2"].min(), sites[name].units["area_m2"].max()
    assert (a["area_max"] >= smallest).all() and (a["area_min"] <= largest).all()


@pytest.mark.parametrize("name", SITES)
def test_doors_connect_real_spaces_and_every_indoor_space_has_one(name, ifc_files, models) -> None:
    model = ifc_files[name]
    gids = set(models[name].spaces["global_id"])
    touched = set()
    for door in model.by_type("IfcDoor"):
        p = ifcopenshell.util.element.get_psets(door)["Pset_MultifactoryDoor"]
        assert p["FromSpace"] in gids
        assert p.get("ToSpace") in gids or ifcopenshell.util.element.get_psets(door)[
            "Pset_DoorCommon"]["IsExternal"]  # fmt: skip
        touched |= {p["FromSpace"], p.get("ToSpace")}
    indoor = models[name].spaces
    indoor = indoor[~indoor["psets"].map(lambda p: p["Pset_SpaceCommon.IsExternal"])]
    assert set(indoor["global_id"]) <= touched


@pytest.mark.parametrize("name", SITES)
def test_the_fabric_carries_era_u_values_and_glazing_properties(name, ifc_files) -> None:
    model = ifc_files[name]
    for cls, pset in (("IfcWall", "Pset_WallCommon"), ("IfcWindow", "Pset_WindowCommon"),
                      ("IfcRoof", "Pset_RoofCommon")):  # fmt: skip
        elements = model.by_type(cls)
        assert elements, cls
        for e in elements:
            p = ifcopenshell.util.element.get_psets(e)[pset]
            assert p["IsExternal"] is True
            assert 0.8 <= p["ThermalTransmittance"] <= 6.0, e.Name
            assert ifcopenshell.util.element.get_material(e) is not None
    for w in model.by_type("IfcWindow"):
        g = ifcopenshell.util.element.get_psets(w)["Pset_MultifactoryGlazing"]
        assert 0 < g["GValue"] < 1 and 0 < g["FrameFraction"] < 1
        assert 0 <= g["Azimuth"] < 360 and g["Tilt"] == 90
    base = [s for s in model.by_type("IfcSlab") if s.PredefinedType == "BASESLAB"]
    assert base and all(
        ifcopenshell.util.element.get_psets(s)["Pset_SlabCommon"]["ThermalTransmittance"] > 0
        for s in base
    )
    assert len(model.by_type("IfcColumn")) >= 10
    assert len(model.by_type("IfcZone")) >= 2


def test_the_mill_s_columns_stand_on_a_6_metre_grid(ifc_files) -> None:
    import ifcopenshell.util.placement

    for col in ifc_files["textile_mill"].by_type("IfcColumn"):
        x, y = ifcopenshell.util.placement.get_local_placement(col.ObjectPlacement)[:2, 3]
        assert x % 6 == pytest.approx(0) and y % 6 == pytest.approx(0)
        assert ifcopenshell.util.element.get_material(col).Name == "Cast iron"


def test_the_generator_writes_byte_identical_models(tmp_path) -> None:
    subprocess.run([sys.executable, str(MODELS / "make_models.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)  # fmt: skip
    for name in SITES:
        assert (tmp_path / f"{name}.ifc").read_bytes() == (MODELS / f"{name}.ifc").read_bytes(), (
            name
        )


@pytest.mark.slow
def test_the_sample_data_generator_writes_the_committed_files(tmp_path) -> None:
    script = ROOT / "sample_sites" / "make_sample_sites.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True,
                   capture_output=True)  # fmt: skip
    for name in SITES:
        for csv in (ROOT / "sample_sites" / name).glob("*.csv"):
            assert (tmp_path / name / csv.name).read_bytes() == csv.read_bytes(), csv
