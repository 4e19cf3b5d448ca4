"""Write the four sample factories as IFC4 models (run by ``make models``).

    python models/make_models.py [--out DIR] [--only NAME]

The buildings are invented; their georeference (ETRS89 / UTM of a real city), their
construction and their U-values follow what such buildings were like (see models/README.md).
Two runs write byte-identical files: GlobalIds come from names, the header has a fixed
timestamp, and nothing is random.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ifcbuild import ModelBuilder, rect  # noqa: E402
from shapely import Polygon  # noqa: E402

HERE = Path(__file__).resolve().parent
NAMES = ("textile_mill", "engineering_works", "brewery_complex", "officina_macrolotto")

BRICK = [("Solid brick masonry", "brick", 0.6)]
SINGLE_GLAZING = {"u": 5.8, "g": 0.85, "frame": 0.25, "material": "Single glazing, steel frame"}
TIMBER_SINGLE = {"u": 4.8, "g": 0.85, "frame": 0.30, "material": "Single glazing, timber frame"}
ROOFLIGHT = {"u": 5.8, "g": 0.80, "frame": 0.15, "material": "Wired glass, steel glazing bars"}


def props(
    *,
    board: str,
    capacity: float,
    load: float,
    clear: float,
    extraction: bool = False,
    crane: float = 0.0,
    ground: bool = False,
    loading: str = "none",
    daylight: bool = True,
) -> dict:
    """Pset_MultifactorySpace values (see docs/sample-site-format.md)."""
    return {
        "ClearHeight": clear,
        "FloorLoadCapacity": load,
        "DistributionBoard": board,
        "ElectricalCapacity": capacity,
        "Extraction": extraction,
        "Crane": crane > 0,
        "CraneCapacity": crane,
        "GroundAccess": ground,
        "LoadingAccess": loading,
        "Daylight": daylight,
    }


# =====================================================================================
# 1. Textile mill, Prato (IT): four storeys, 60 x 18 m, cast-iron columns on 6 x 6 m
# =====================================================================================
MILL_BOARDS = {"DB-00": 160.0, "DB-01": 100.0, "DB-02": 100.0, "DB-03": 80.0, "DB-BH": 120.0}


def textile_mill() -> ModelBuilder:
    b = ModelBuilder(
        "textile_mill",
        project="Lanificio Bisenzio Multifactory",
        site="Lanificio Bisenzio",
        crs="EPSG:25832",
        crs_description="ETRS89 / UTM zone 32N",
        utm_zone="32N",
        eastings=667958.39,
        northings=4860058.12,
        height=63.0,
        rotation_deg=-18.0,
        latitude=43.8745,
        longitude=11.0905,
        address="Via del Lanificio 12 (invented), Prato",
    )
    b.building("Mill", (0.0, 0.0), description="Four-storey wool mill, 1889 (invented)")
    t = 0.6
    storeys = [
        ("Mill 0 Ground floor", 0.0, 4.8),
        ("Mill 1 First floor", 4.8, 4.2),
        ("Mill 2 Second floor", 9.0, 4.2),
        ("Mill 3 Third floor", 13.2, 4.2),
    ]
    outline = rect(0, 0, 60, 18)
    annex = rect(60, 0, 72, 12)
    annex_top = 7.25  # its walls are 7.0 m high under a 0.25 m roof
    mill_top = 13.2 + 4.2 + 0.3  # the third floor's walls and the 0.3 m roof
    circulation = set()
    west_l = Polygon([(0.6, 0.6), (12, 0.6), (12, 14.4), (6, 14.4), (6, 11.4), (0.6, 11.4)])
    east_l = Polygon([(48, 0.6), (59.4, 0.6), (59.4, 11.4), (54, 11.4), (54, 14.4), (48, 14.4)])
    splits = {
        0: [(12, 24), (24, 36), (36, 48)],
        1: [(12, 18), (18, 24), (24, 30), (30, 36), (36, 48)],
        2: [(12, 24), (24, 30), (30, 36), (36, 42), (42, 48)],
        3: [(12, 36), (36, 48)],
    }
    names = {
        (0, 0): ("0.01", "Dyeing room"),
        (0, 1): ("0.02", "Shared wood & metal workshop"),
        (0, 2): ("0.03", "Carding room"),
        (0, 3): ("0.04", "Fabric store"),
        (0, 4): ("0.05", "Loading bay"),
        (3, 1): ("3.02", "Textile lab (shared)"),
    }
    for level, (sname, elev, sh) in enumerate(storeys):
        st = b.storey("Mill", sname, elev)
        board = f"DB-0{level}"
        cap = MILL_BOARDS[board]
        load = [7.5, 5.0, 5.0, 4.0][level]
        clear = round(sh - 0.4 - 0.35, 2)
        hgt = round(sh - 0.4, 2)
        ground = level == 0
        loading = "ground" if ground else "goods_lift"
        p = props(board=board, capacity=cap, load=load, clear=clear, ground=ground, loading=loading)
        core = props(
            board=board, capacity=cap, load=load, clear=clear, ground=ground, daylight=False
        )
        b.space(
            st,
            f"{level}.S1",
            "West stair",
            rect(0.6, 11.4, 6, 17.4),
            hgt,
            use="circulation",
            props=core,
        )
        b.space(
            st,
            f"{level}.S2",
            "East stair and goods lift",
            rect(54, 11.4, 59.4, 17.4),
            hgt,
            use="circulation",
            props=core,
        )
        b.space(
            st,
            f"{level}.C",
            "Corridor",
            rect(6, 14.4, 54, 17.4),
            hgt,
            use="circulation",
            props=core,
        )
        circulation |= {f"{level}.S1", f"{level}.S2", f"{level}.C"}
        pieces = [west_l] + [rect(x0, 0.6, x1, 14.4) for x0, x1 in splits[level]] + [east_l]
        for i, poly in enumerate(pieces):
            code, long_name = names.get((level, i), (f"{level}.{i + 1:02d}", "Workshop"))
            use = "private_production"
            sp_props = dict(p)
            if long_name == "Loading bay":
                use = "shared_service"
            elif "shared" in long_name.lower():
                use = "shared_production"
                sp_props["Extraction"] = True
            elif long_name == "Fabric store":
                use = "storage"
            elif long_name == "Dyeing room" or level == 0 or i in (0, len(pieces) - 1):
                # wet and dusty trades at the ground and at the gable ends (old flues)
                sp_props["Extraction"] = True
            if level == 3 and i == len(pieces) - 1:
                long_name, use = "Canteen and meeting room", "shared_service"
            b.space(st, code, long_name, poly, hgt, use=use, props=sp_props)
        # fabric
        b.walls(
            st,
            outline,
            height=sh,
            thickness=t,
            layers=BRICK,
            u_value=1.3,
            windows=[{"width": 2.0, "height": 2.4, "sill": 1.0, "spacing": 3.0, **TIMBER_SINGLE}],
            skip_windows_near=[(54.0, 0.0), (30.0, 0.0)] if ground else [],
            # the east wall's windows behind the boiler house (ground and first floor) would
            # open into it: the wall is blind where the annex stands against it
            abutting=[(annex, annex_top)],
            label=f"Mill {level}",
        )
        if ground:
            b.slab(
                st,
                "Mill ground slab",
                outline,
                thickness=0.3,
                z=-0.3,
                kind="BASESLAB",
                u_value=0.9,
                layers=[("Concrete on hardcore", "concrete", 0.3)],
                external=True,
            )
        else:
            b.slab(
                st,
                f"Mill floor {level}",
                outline,
                thickness=0.35,
                z=-0.35,
                kind="FLOOR",
                u_value=None,
                layers=[("Brick jack arches on cast-iron beams", "brick", 0.35)],
                external=False,
            )
        cols = [(x, y) for x in range(6, 55, 6) for y in (6, 12)]
        b.columns(st, cols, height=hgt, radius=0.15, material="Cast iron", label=f"Mill {level}")
        if level == 3:
            b.roof(
                st,
                "Mill roof",
                b.flat_roof_items(outline, sh, 0.3),
                u_value=1.8,
                material="Timber trusses, boarding and clay tiles",
                kind="HIP_ROOF",
            )
    # boiler house annex on the ground storey, and the loading yard
    g = b.storeys["Mill 0 Ground floor"]
    bh = props(
        board="DB-BH",
        capacity=MILL_BOARDS["DB-BH"],
        load=10.0,
        clear=6.2,
        extraction=True,
        ground=True,
        loading="ground",
    )
    b.space(
        g,
        "0.BH",
        "Boiler house",
        rect(60.5, 0.5, 71.5, 11.5),
        6.5,
        use="shared_production",
        props=bh,
    )
    b.space(
        g,
        "0.Y",
        "Loading yard",
        rect(36, -14, 72, 0),
        4.0,
        use="outdoor",
        external=True,
        props=props(
            board="DB-00",
            capacity=MILL_BOARDS["DB-00"],
            load=20.0,
            clear=4.0,
            ground=True,
            loading="ground",
        ),
    )
    b.walls(
        g,
        annex,
        height=7.0,
        thickness=0.5,
        layers=[("Solid brick masonry", "brick", 0.5)],
        u_value=1.5,
        windows=[{"width": 1.6, "height": 3.0, "sill": 2.5, "spacing": 4.0, **SINGLE_GLAZING}],
        skip_windows_near=[(66.0, 0.0)],
        abutting=[(outline, mill_top)],  # no windows in the wall against the mill
        label="Boiler house",
    )
    b.slab(
        g,
        "Boiler house ground slab",
        annex,
        thickness=0.3,
        z=-0.3,
        kind="BASESLAB",
        u_value=1.0,
        layers=[("Concrete on hardcore", "concrete", 0.3)],
        external=True,
    )
    b.roof(
        g,
        "Boiler house roof",
        b.flat_roof_items(annex, 7.0, 0.25),
        u_value=2.6,
        material="Corrugated iron on steel purlins",
        kind="FLAT_ROOF",
    )
    b.proxy_cylinder(
        g, "IfcChimney", "Boiler house chimney", (74.0, 6.0), 1.1, 32.0, "Chimney brick"
    )
    # doors: every room to its corridor, plus the loading doors and the boiler house
    for level in range(4):
        st = b.storeys[storeys[level][0]]
        b.door(f"{level}.C", f"{level}.S1", width=1.2)
        b.door(f"{level}.C", f"{level}.S2", width=1.5)
        b.auto_doors(st, circulation=circulation, extra_done=set())
    b.door("0.05", "0.Y", width=3.5, height=3.5, external=True)
    b.door("0.03", "0.Y", width=3.0, height=3.2, external=True)
    b.door("0.05", "0.BH", width=2.0, height=2.4, at=(60.0, 6.0, 0.0, 1.0))
    b.door("0.BH", "0.Y", width=3.0, height=3.5, external=True, at=(66.0, 0.25, 1.0, 0.0))
    b.zone(
        "Fire compartment Mill 0",
        [s.name for s in g.spaces if s.building == "Mill" and s.name not in ("0.BH", "0.Y")],
    )
    for level in (1, 2, 3):
        b.zone(
            f"Fire compartment Mill {level}", [s.name for s in b.storeys[storeys[level][0]].spaces]
        )
    b.zone("Fire compartment Boiler house", ["0.BH"])
    b.zone(
        "Heated area",
        [s.name for s in b.spaces.values() if not s.external and s.name != "0.BH"],
        description="Spaces heated to 18 °C in winter",
    )
    b.boards = MILL_BOARDS
    return b


# =====================================================================================
# 2. Engineering works, Łódź (PL): single storey saw-tooth hall 80 x 40 m, crane bay
# =====================================================================================
WORKS_BOARDS = {"DB-OFF": 60.0, "DB-MEZ": 40.0, "DB-HW": 250.0, "DB-HE": 250.0, "DB-CR": 400.0}


def engineering_works() -> ModelBuilder:
    b = ModelBuilder(
        "engineering_works",
        project="Widzew Engineering Works Multifactory",
        site="Widzew Engineering Works",
        crs="EPSG:25834",
        crs_description="ETRS89 / UTM zone 34N",
        utm_zone="34N",
        eastings=395033.72,
        northings=5735717.76,
        height=205.0,
        rotation_deg=7.0,
        latitude=51.7625,
        longitude=19.4790,
        address="ul. Fabryczna 40 (invented), Łódź",
    )
    b.building("Works", (0.0, 0.0), description="Saw-tooth engineering works, 1927 (invented)")
    g = b.storey("Works", "Works 0 Hall floor", 0.0)
    m = b.storey("Works", "Works M Mezzanine", 3.4)
    t = 0.4
    outline = Polygon([(0, 0), (80, 0), (80, 30), (80, 40), (0, 40), (0, 30)])
    circulation = {"W.C", "M.G"}
    off = props(board="DB-OFF", capacity=WORKS_BOARDS["DB-OFF"], load=3.0, clear=2.8, ground=True)
    # office strip along the south wall, under the mezzanine
    office_x = [(0.4, 10), (10, 20), (20, 30), (30, 40), (40, 50), (50, 60), (60, 70), (70, 79.6)]
    for i, (x0, x1) in enumerate(office_x, start=1):
        name, use, pp = f"W.O{i}", "Office", "private_production"
        p = dict(off)
        if i == 4:
            name, pp = "W.O4", "shared_service"
            use = "Entrance, canteen and toilets"
        elif i == 8:
            pp, use = "technical", "Substation and compressor room"
            p["Daylight"] = False
        b.space(g, name, use, rect(x0, 0.4, x1, 6), 3.0, use=pp, props=p)
    b.space(
        g,
        "W.C",
        "Hall corridor",
        rect(0.4, 6, 79.6, 8),
        3.0,
        use="circulation",
        props=props(
            board="DB-OFF",
            capacity=WORKS_BOARDS["DB-OFF"],
            load=10.0,
            clear=2.8,
            ground=True,
            loading="ground",
            daylight=False,
        ),
    )
    # production bays on the 10 m column grid, west ones split in two
    for i in range(8):
        x0, x1 = max(0.4, 10.0 * i), min(79.6, 10.0 * (i + 1))
        board = "DB-HW" if i < 4 else "DB-HE"
        p = props(
            board=board,
            capacity=WORKS_BOARDS[board],
            load=15.0,
            clear=5.6,
            ground=True,
            loading="ground",
            extraction=i in (0, 2, 4, 5, 7),
        )
        if i < 2:
            b.space(
                g,
                f"W.B{i + 1}a",
                "Bay (south half)",
                rect(x0, 8, x1, 19),
                6.0,
                use="private_production",
                props=p,
            )
            b.space(
                g,
                f"W.B{i + 1}b",
                "Bay (north half)",
                rect(x0, 19, x1, 30),
                6.0,
                use="private_production",
                props=p,
            )
        else:
            use = "shared_production" if i == 2 else "private_production"
            long_name = "Shared machine shop" if i == 2 else "Bay"
            b.space(g, f"W.B{i + 1}", long_name, rect(x0, 8, x1, 30), 6.0, use=use, props=p)
    crane = props(
        board="DB-CR",
        capacity=WORKS_BOARDS["DB-CR"],
        load=30.0,
        clear=8.2,
        crane=10.0,
        ground=True,
        loading="ground",
        extraction=True,
    )
    b.space(
        g,
        "W.K1",
        "Crane bay west (shared heavy workshop)",
        rect(0.4, 30, 40, 39.6),
        9.0,
        use="shared_production",
        props=crane,
    )
    b.space(
        g,
        "W.K2",
        "Crane bay east",
        rect(40, 30, 79.6, 39.6),
        9.0,
        use="private_production",
        props=crane,
    )
    b.space(
        g,
        "W.Y",
        "Yard",
        Polygon([(80, -6), (112, -6), (112, 46), (86, 46), (80, 40)]),
        4.0,
        use="outdoor",
        external=True,
        props=props(
            board="DB-CR",
            capacity=WORKS_BOARDS["DB-CR"],
            load=20.0,
            clear=4.0,
            ground=True,
            loading="ground",
        ),
    )
    # mezzanine above the offices
    mz = props(board="DB-MEZ", capacity=WORKS_BOARDS["DB-MEZ"], load=2.5, clear=2.4)
    for i, (x0, x1) in enumerate([(0.4, 20), (20, 40), (40, 60), (60, 79.6)], start=1):
        b.space(
            m,
            f"M.{i}",
            "Mezzanine studio",
            rect(x0, 0.4, x1, 6),
            2.6,
            use="private_production",
            props=mz,
        )
    b.space(
        m,
        "M.G",
        "Mezzanine gallery",
        rect(0.4, 6, 79.6, 8),
        2.6,
        use="circulation",
        props={**mz, "Daylight": False},
    )

    # fabric
    def wall_height(x: float, y: float) -> float:
        return 9.6 if y > 30 else 6.2

    b.walls(
        g,
        outline,
        height=wall_height,
        thickness=t,
        layers=[("Solid brick masonry", "brick", t)],
        u_value=1.45,
        label="Works",
        windows=[
            {"width": 1.5, "height": 1.6, "sill": 1.0, "spacing": 5.0, **SINGLE_GLAZING},
            {"width": 1.5, "height": 1.4, "sill": 4.2, "spacing": 5.0, **SINGLE_GLAZING},
        ],
        skip_windows_near=[(80.0, 35.0), (80.0, 25.0), (80.0, 14.0), (35.0, 0.0)],
    )
    b.slab(
        g,
        "Works ground slab",
        outline,
        thickness=0.25,
        z=-0.25,
        kind="BASESLAB",
        u_value=0.85,
        layers=[("Concrete on hardcore", "concrete", 0.25)],
        external=True,
    )
    b.slab(
        m,
        "Mezzanine floor",
        rect(0.4, 0.4, 79.6, 8),
        thickness=0.3,
        z=-0.3,
        kind="FLOOR",
        u_value=None,
        layers=[("Reinforced concrete", "concrete", 0.3)],
        external=False,
    )
    items = []
    for k in range(4):
        y0 = 7.5 * k
        items += b.prism_x_items(
            [(y0, 6.2), (y0 + 7.5, 6.2), (y0 + 7.5, 8.9), (y0 + 7.1, 8.9)], 0.0, 80.0
        )
    b.roof(
        g,
        "Saw-tooth roof",
        items,
        u_value=2.9,
        material="Concrete shells with bitumen felt",
        kind="SHED_ROOF",
    )
    b.roof(
        g,
        "Crane bay roof",
        b.prism_x_items([(30, 9.6), (40, 9.6), (35, 11.6)], 0.0, 80.0),
        u_value=3.2,
        material="Corrugated asbestos-cement sheets (encapsulated)",
        kind="GABLE_ROOF",
    )
    crane_bay_y = 30.0  # the crane bay (9 m high, y 30-40) stands north of the teeth
    for k in range(4):
        if 7.5 * (k + 1) >= crane_bay_y:
            # the fourth tooth's north face looks into the crane bay, not at the sky: it is
            # solid, so north lights sit only in the three teeth that face the open roof
            continue
        for j in range(8):
            b.rooflight(
                g,
                f"North light {k + 1}.{j + 1}",
                (10.0 * j + 10.0, 7.5 * k + 7.45, 6.4),
                (-1.0, 0.0),
                10.0,
                2.3,
                ROOFLIGHT,
            )
    cols_hall = [(x, y) for x in range(10, 80, 10) for y in (15, 30)]
    b.columns(g, cols_hall, height=6.0, section=(0.3, 0.3), material="Riveted steel", label="Hall")
    b.columns(
        g,
        [(x, y) for x in range(10, 80, 10) for y in (8,)],
        height=3.0,
        section=(0.25, 0.25),
        material="Reinforced concrete",
        label="Mezzanine",
    )
    # doors
    b.auto_doors(g, circulation=circulation, extra_done=set())
    b.auto_doors(m, circulation=circulation, extra_done=set())
    for bay in ("W.B1b", "W.B2b", "W.B4", "W.B5", "W.B6", "W.B7", "W.B8"):
        other = "W.K1" if bay in ("W.B1b", "W.B2b", "W.B4") else "W.K2"
        b.door(bay, other, width=3.0, height=3.5)
    b.door("W.K2", "W.Y", width=5.0, height=5.0, external=True)
    b.door("W.B8", "W.Y", width=4.0, height=4.0, external=True)
    b.door("W.C", "W.Y", width=2.4, height=3.0, external=True)
    b.door("W.O4", None, width=1.8, height=2.4, external=True, at=(35.0, 0.2, 1.0, 0.0))
    b.zone(
        "Fire compartment Hall",
        [s.name for s in g.spaces if s.name.startswith(("W.B", "W.K", "W.C"))],
    )
    b.zone(
        "Fire compartment Offices",
        [s.name for s in g.spaces if s.name.startswith("W.O")] + [s.name for s in m.spaces],
    )
    b.boards = WORKS_BOARDS
    return b


# =====================================================================================
# 3. Brewery complex, Ghent (BE): four buildings on one plot, two courtyards
# =====================================================================================
BREWERY_BOARDS = {"DB-BH": 120.0, "DB-MH0": 60.0, "DB-MH": 60.0, "DB-BT": 200.0, "DB-OF": 40.0}


def brewery_complex() -> ModelBuilder:
    b = ModelBuilder(
        "brewery_complex",
        project="Brouwerij De Leie Multifactory",
        site="Brouwerij De Leie",
        crs="EPSG:25831",
        crs_description="ETRS89 / UTM zone 31N",
        utm_zone="31N",
        eastings=550804.85,
        northings=5656969.58,
        height=6.0,
        rotation_deg=24.0,
        latitude=51.0620,
        longitude=3.7250,
        address="Brouwerijstraat 7 (invented), Gent",
    )
    brick = [("Solid brick masonry", "brick", 0.5)]
    # --- Brewhouse: three storeys, tall brewing hall below (origin of the plot) --------
    b.building("Brewhouse", (0.0, 0.0), description="Brewhouse, 1898 (invented)")
    bh_out = rect(0, 0, 24, 16)
    bh = [
        ("Brewhouse 0 Brewing hall", 0.0, 6.0),
        ("Brewhouse 1 Hop loft", 6.0, 4.0),
        ("Brewhouse 2 Malt loft", 10.0, 4.0),
    ]
    for level, (sname, elev, sh) in enumerate(bh):
        st = b.storey("Brewhouse", sname, elev)
        hgt = sh - 0.4
        p = props(
            board="DB-BH",
            capacity=BREWERY_BOARDS["DB-BH"],
            load=[20.0, 5.0, 5.0][level],
            clear=round(hgt - 0.3, 2),
            ground=level == 0,
            loading="ground" if level == 0 else "goods_lift",
            extraction=level == 0,
        )
        b.space(
            st,
            f"BH{level}.S",
            "Stair and hoist",
            rect(0.5, 10, 6, 15.5),
            hgt,
            use="circulation",
            props={**p, "Daylight": False},
        )
        if level == 0:
            b.space(
                st,
                "BH0.1",
                "Brewing hall (shared kitchen & brewery)",
                rect(6, 0.5, 23.5, 15.5),
                hgt,
                use="shared_production",
                props=p,
            )
            b.space(
                st,
                "BH0.2",
                "Cold store",
                rect(0.5, 0.5, 6, 10),
                hgt,
                use="storage",
                props={**p, "Daylight": False, "Extraction": False},
            )
        else:
            b.space(
                st,
                f"BH{level}.1",
                "Studio",
                Polygon([(0.5, 0.5), (12, 0.5), (12, 15.5), (6, 15.5), (6, 10), (0.5, 10)]),
                hgt,
                use="private_production",
                props=p,
            )
            b.space(
                st,
                f"BH{level}.2",
                "Studio",
                rect(12, 0.5, 23.5, 15.5),
                hgt,
                use="private_production",
                props=p,
            )
        b.walls(
            st,
            bh_out,
            height=sh,
            thickness=0.5,
            layers=brick,
            u_value=1.4,
            label=f"Brewhouse {level}",
            windows=[
                {
                    "width": 1.4,
                    "height": 3.2 if level == 0 else 1.8,
                    "sill": 1.2,
                    "spacing": 3.5,
                    **TIMBER_SINGLE,
                }
            ],
            skip_windows_near=[(15.0, 16.0), (3.0, 16.0)] if level == 0 else [],
        )
        b.slab(
            st,
            f"Brewhouse slab {level}",
            bh_out,
            thickness=0.3,
            z=-0.3,
            kind="BASESLAB" if level == 0 else "FLOOR",
            u_value=0.9 if level == 0 else None,
            layers=[
                (
                    "Concrete on hardcore" if level == 0 else "Concrete on steel beams",
                    "concrete",
                    0.3,
                )
            ],
            external=level == 0,
        )
        b.columns(
            st,
            [(12, 8)] if level else [(12, 5.5), (18, 5.5), (12, 10.5), (18, 10.5)],
            height=hgt,
            radius=0.2,
            material="Cast iron",
            label=f"Brewhouse {level}",
        )
        if level == 2:
            b.roof(
                st,
                "Brewhouse roof",
                b.prism_x_items([(0, 4.0), (16, 4.0), (8, 8.0)], 0.0, 24.0),
                u_value=2.2,
                material="Timber trusses and slates",
                kind="GABLE_ROOF",
            )
        b.door(f"BH{level}.S", f"BH{level}.1", width=1.4)
    b.door("BH0.1", "BH0.2", width=1.2)
    b.door("BH1.1", "BH1.2", width=1.2)
    b.door("BH2.1", "BH2.2", width=1.2)
    # the yard between the buildings belongs to the brewhouse's ground storey
    g = b.storeys["Brewhouse 0 Brewing hall"]
    yard = props(
        board="DB-BH",
        capacity=BREWERY_BOARDS["DB-BH"],
        load=20.0,
        clear=4.0,
        ground=True,
        loading="ground",
    )
    b.space(
        g,
        "Y.1",
        "Brewery yard",
        Polygon(
            [
                (0, 16.5),
                (26, 16.5),
                (26, 14.5),
                (72, 14.5),
                (72, 16.5),
                (78, 16.5),
                (78, 23.5),
                (55.5, 23.5),
                (55.5, 44),
                (50.5, 44),
                (50.5, 23.5),
                (0, 23.5),
            ]
        ),
        4.0,
        use="outdoor",
        external=True,
        props=yard,
    )
    b.door("BH0.1", "Y.1", width=3.5, height=4.0, external=True, at=(15.0, 15.75, 1.0, 0.0))
    b.door("BH0.S", "Y.1", width=1.2, external=True, at=(3.0, 15.75, 1.0, 0.0))
    # --- Malt house: four low malting floors, 40 x 14 m ---------------------------------
    b.building("Malt house", (30.0, 0.0), description="Malt house, 1912 (invented)")
    mh_out = rect(0, 0, 40, 14)
    for level in range(4):
        st = b.storey("Malt house", f"Malt house {level} Malting floor", 3.0 * level)
        board = "DB-MH0" if level == 0 else "DB-MH"
        p = props(
            board=board,
            capacity=BREWERY_BOARDS[board],
            load=7.5,
            clear=2.5,
            ground=level == 0,
            loading="ground" if level == 0 else "goods_lift",
        )
        b.space(
            st,
            f"MH{level}.S",
            "Stair and goods lift",
            rect(0.5, 0.5, 5, 13.5),
            2.7,
            use="circulation",
            props={**p, "Daylight": False},
        )
        b.space(
            st,
            f"MH{level}.1",
            "Workshop",
            rect(5, 0.5, 19, 13.5),
            2.7,
            use="private_production",
            props=p,
        )
        b.space(
            st,
            f"MH{level}.2",
            "Workshop",
            rect(19, 0.5, 39.5, 13.5),
            2.7,
            use="storage" if level == 3 else "private_production",
            props=p,
        )
        b.walls(
            st,
            mh_out,
            height=3.0,
            thickness=0.5,
            layers=brick,
            u_value=1.4,
            label=f"Malt house {level}",
            windows=[{"width": 0.9, "height": 1.0, "sill": 1.2, "spacing": 2.5, **TIMBER_SINGLE}],
        )
        b.slab(
            st,
            f"Malt house slab {level}",
            mh_out,
            thickness=0.3,
            z=-0.3,
            kind="BASESLAB" if level == 0 else "FLOOR",
            u_value=0.9 if level == 0 else None,
            layers=[
                (
                    "Concrete on hardcore" if level == 0 else "Tiled malting floor on vaults",
                    "concrete",
                    0.3,
                )
            ],
            external=level == 0,
        )
        b.columns(
            st,
            [(x, 7.0) for x in (12.0, 19.0, 26.0, 33.0)],
            height=2.7,
            radius=0.14,
            material="Cast iron",
            label=f"Malt house {level}",
        )
        b.door(f"MH{level}.S", f"MH{level}.1", width=2.0, height=2.2)
        b.door(f"MH{level}.1", f"MH{level}.2", width=2.0, height=2.2, at=(19.0, 3.5, 0.0, 1.0))
        if level == 3:
            b.roof(
                st,
                "Malt house roof",
                b.prism_x_items([(0, 3.0), (14, 3.0), (7, 6.5)], 0.0, 40.0),
                u_value=2.2,
                material="Timber trusses and clay pantiles",
                kind="GABLE_ROOF",
            )
            b.proxy_cylinder(st, "IfcChimney", "Kiln cowl", (35.0, 7.0), 1.5, 6.0, "Kiln brick")
    b.door("MH0.2", "Y.1", width=3.0, height=2.6, external=True)
    # --- Bottling hall: single storey ring around the cloister courtyard --------------
    b.building(
        "Bottling hall", (0.0, 24.0), description="Bottling hall and cellars, 1931 (invented)"
    )
    court = rect(16, 14, 34, 22)
    ring = rect(0, 0, 50, 36).difference(court)
    st = b.storey("Bottling hall", "Bottling hall 0", 0.0)
    p = props(
        board="DB-BT",
        capacity=BREWERY_BOARDS["DB-BT"],
        load=10.0,
        clear=4.6,
        ground=True,
        loading="ground",
    )
    gallery = rect(13.5, 11.5, 36.5, 24.5).difference(court.buffer(0.5, join_style="mitre"))
    b.space(
        st,
        "BT.G",
        "Cloister gallery",
        gallery,
        5.0,
        use="circulation",
        props={**p, "Daylight": True},
    )
    xs, ys = [0.5, 13.5, 36.5, 49.5], [0.5, 11.5, 24.5, 35.5]
    labels = {
        (0, 0): "SW",
        (1, 0): "S",
        (2, 0): "SE",
        (0, 1): "W",
        (2, 1): "E",
        (0, 2): "NW",
        (1, 2): "N",
        (2, 2): "NE",
    }
    for (i, j), lab in labels.items():
        use = "private_production"
        long_name = f"Hall {lab}"
        pp = dict(p)
        if lab == "N":
            use, long_name = "shared_service", "Market hall and showroom"
        elif lab == "SE":
            use, long_name = "shared_production", "Shared food workshop"
            pp["Extraction"] = True
        elif lab in ("SW", "W", "NE"):
            pp["Extraction"] = True
        b.space(
            st,
            f"BT.{lab}",
            long_name,
            rect(xs[i], ys[j], xs[i + 1], ys[j + 1]),
            5.0,
            use=use,
            props=pp,
        )
    b.space(
        st,
        "BT.Y",
        "Cloister courtyard",
        court,
        4.0,
        use="outdoor",
        external=True,
        props={**p, "LoadingAccess": "none", "ClearHeight": 4.0},
    )
    b.walls(
        st,
        ring,
        height=5.6,
        thickness=0.5,
        layers=brick,
        u_value=1.4,
        label="Bottling hall",
        windows=[{"width": 2.4, "height": 2.6, "sill": 1.5, "spacing": 4.5, **SINGLE_GLAZING}],
        skip_windows_near=[(25.0, 0.0), (6.75, 0.0), (43.0, 0.0)],
    )
    b.slab(
        st,
        "Bottling hall ground slab",
        ring,
        thickness=0.3,
        z=-0.3,
        kind="BASESLAB",
        u_value=0.9,
        layers=[("Concrete over vaulted cellars", "concrete", 0.3)],
        external=True,
    )
    b.roof(
        st,
        "Bottling hall roof",
        b.flat_roof_items(ring, 5.6, 0.3),
        u_value=2.4,
        material="Reinforced concrete deck with bitumen felt",
        kind="FLAT_ROOF",
    )
    b.columns(
        st,
        [(x, y) for x in (6.5, 25.0, 43.0) for y in (6.0, 30.0)] + [(6.5, 18.0), (43.0, 18.0)],
        height=5.0,
        section=(0.35, 0.35),
        material="Reinforced concrete",
        label="Bottling hall",
    )
    b.auto_doors(st, circulation={"BT.G"}, extra_done=set())
    b.door("BT.G", "BT.Y", width=2.0, external=True, at=(25.0, 13.75, 1.0, 0.0))
    for hall in ("BT.SW", "BT.S", "BT.SE"):
        b.door(hall, "Y.1", width=3.0, height=3.5, external=True)
    b.door("BT.N", "BT.NW", width=2.4, height=3.0)
    # the plot's street side is y = 0; loading doors of the hall open onto the brewery yard
    # (south façade, at building-local y = 0, which is plot y = 24)
    # --- Offices and tasting room: two storeys --------------------------------------------
    b.building("Office", (56.0, 24.0), description="Offices and tasting room, 1950s (invented)")
    of_out = rect(0, 0, 16, 16)
    for level in range(2):
        st = b.storey("Office", f"Office {level}", 3.5 * level)
        p = props(
            board="DB-OF",
            capacity=BREWERY_BOARDS["DB-OF"],
            load=3.0,
            clear=2.9,
            ground=level == 0,
            loading="ground" if level == 0 else "none",
        )
        b.space(
            st,
            f"OF{level}.S",
            "Stair and hall",
            rect(0.4, 0.4, 4, 15.6),
            3.2,
            use="circulation",
            props={**p, "Daylight": False},
        )
        if level == 0:
            b.space(
                st,
                "OF0.1",
                "Tasting room and café",
                rect(4, 0.4, 15.6, 15.6),
                3.2,
                use="shared_service",
                props=p,
            )
        else:
            b.space(
                st, "OF1.1", "Office", rect(4, 0.4, 15.6, 8), 3.2, use="private_production", props=p
            )
            b.space(
                st,
                "OF1.2",
                "Office",
                rect(4, 8, 15.6, 15.6),
                3.2,
                use="private_production",
                props=p,
            )
        b.walls(
            st,
            of_out,
            height=3.5,
            thickness=0.4,
            layers=[("Cavity brick wall", "brick", 0.4)],
            u_value=1.1,
            label=f"Office {level}",
            windows=[{"width": 2.0, "height": 1.5, "sill": 0.9, "spacing": 3.0, **TIMBER_SINGLE}],
        )
        b.slab(
            st,
            f"Office slab {level}",
            of_out,
            thickness=0.25,
            z=-0.25,
            kind="BASESLAB" if level == 0 else "FLOOR",
            u_value=0.9 if level == 0 else None,
            layers=[("Reinforced concrete", "concrete", 0.25)],
            external=level == 0,
        )
        b.auto_doors(st, circulation={"OF0.S", "OF1.S"}, extra_done=set())
        if level == 0:
            b.door("OF0.S", "Y.1", width=1.2, external=True)
        if level == 1:
            b.roof(
                st,
                "Office roof",
                b.flat_roof_items(of_out, 3.5, 0.25),
                u_value=1.6,
                material="Concrete deck with cork insulation",
                kind="FLAT_ROOF",
            )
    b.zone("Fire compartment Brewhouse", [s for s in b.spaces if s.startswith("BH")])
    b.zone("Fire compartment Malt house", [s for s in b.spaces if s.startswith("MH")])
    b.zone(
        "Fire compartment Bottling hall",
        [s for s in b.spaces if s.startswith("BT") and s != "BT.Y"],
    )
    b.zone("Fire compartment Office", [s for s in b.spaces if s.startswith("OF")])
    b.boards = BREWERY_BOARDS
    return b


# =====================================================================================
# 4. Metalworking shed, Prato (IT), Macrolotto: one storey, 40 x 20 m, 2.8 km from the mill
# =====================================================================================
OFFICINA_BOARDS = {"DB-OM": 160.0}


def officina_macrolotto() -> ModelBuilder:
    """A small shed of the 1970s: six units on an aisle, a shared welding and powder-coating
    workshop, a loading bay and a store; precast concrete frame and panels."""
    b = ModelBuilder(
        "officina_macrolotto",
        project="Officina Macrolotto Multifactory",
        site="Officina Macrolotto",
        crs="EPSG:25832",
        crs_description="ETRS89 / UTM zone 32N",
        utm_zone="32N",
        eastings=666041.30,
        northings=4857953.85,
        height=45.0,
        rotation_deg=12.0,
        latitude=43.8560,
        longitude=11.0660,
        address="Via del Macrolotto 7 (invented), Prato",
    )
    b.building("Shed", (0.0, 0.0), description="Precast concrete workshop shed, 1974 (invented)")
    g = b.storey("Shed", "Shed 0 Ground floor", 0.0)
    outline = rect(0, 0, 40, 20)
    cap = OFFICINA_BOARDS["DB-OM"]
    unit = props(board="DB-OM", capacity=cap, load=10.0, clear=5.2, ground=True, loading="ground")
    xs = [0.25, 6.75, 13.25, 19.75, 26.25, 32.75, 39.75]
    for i, (x0, x1) in enumerate(itertools.pairwise(xs), start=1):
        b.space(g, f"0.0{i}", "Unit", rect(x0, 0.25, x1, 9), 5.8, use="private_production",
                props=dict(unit, Extraction=i in (1, 2, 3)))  # fmt: skip
    b.space(g, "0.C", "Aisle", rect(0.25, 9, 39.75, 12), 5.8, use="circulation",
            props=dict(unit, Daylight=False))  # fmt: skip
    b.space(g, "0.A", "Shared welding and powder-coating workshop", rect(0.25, 12, 20, 19.75),
            5.8, use="shared_production", props=dict(unit, Extraction=True))  # fmt: skip
    b.space(g, "0.L", "Loading bay", rect(20, 12, 28, 19.75), 5.8, use="shared_service",
            props=unit)  # fmt: skip
    b.space(g, "0.S", "Store and compressor room", rect(28, 12, 39.75, 19.75), 5.8,
            use="storage", props=unit)  # fmt: skip
    b.space(g, "0.Y", "Yard", rect(0, 20, 40, 34), 4.0, use="outdoor", external=True,
            props=props(board="DB-OM", capacity=cap, load=20.0, clear=4.0, ground=True,
                        loading="ground"))  # fmt: skip
    b.walls(
        g,
        outline,
        height=6.2,
        thickness=0.25,
        layers=[("Precast concrete sandwich panel", "concrete", 0.25)],
        u_value=1.2,
        windows=[{"width": 3.0, "height": 1.2, "sill": 3.8, "spacing": 6.5, **SINGLE_GLAZING}],
        skip_windows_near=[(24.0, 20.0), (10.0, 20.0)],
        label="Shed",
    )
    b.slab(g, "Shed ground slab", outline, thickness=0.25, z=-0.25, kind="BASESLAB",
           u_value=0.9, layers=[("Concrete on hardcore", "concrete", 0.25)],
           external=True)  # fmt: skip
    roofing = "Corrugated fibre-cement sheets on precast beams"
    b.roof(g, "Shed roof", b.flat_roof_items(outline, 6.2, 0.2), u_value=2.8, material=roofing,
           kind="FLAT_ROOF")  # fmt: skip
    cols = [(x, y) for x in (0.5, 8.0, 16.0, 24.0, 32.0, 39.5) for y in (0.5, 19.5)]
    b.columns(g, cols, height=5.8, section=(0.4, 0.4), material="Precast concrete",
              label="Shed")  # fmt: skip
    b.auto_doors(g, circulation={"0.C"}, extra_done=set())
    b.door("0.L", "0.Y", width=4.0, height=4.5, external=True)
    b.door("0.A", "0.Y", width=3.0, height=3.5, external=True)
    b.zone("Fire compartment Units", [f"0.0{i}" for i in range(1, 7)] + ["0.C"])
    b.zone("Fire compartment Workshop and store", ["0.A", "0.L", "0.S"])
    b.boards = OFFICINA_BOARDS
    return b


BUILDERS = {
    "textile_mill": textile_mill,
    "engineering_works": engineering_works,
    "brewery_complex": brewery_complex,
    "officina_macrolotto": officina_macrolotto,
}


def build(name: str) -> ModelBuilder:
    """Build one sample model in memory."""
    return BUILDERS[name]()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="folder to write the .ifc files into"
    )
    parser.add_argument("--only", choices=NAMES, action="append", help="write only these models")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.only or NAMES:
        path = args.out / f"{name}.ifc"
        build(name).write(path)
        print(f"{path}: {path.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
