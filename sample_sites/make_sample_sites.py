"""Write the operational data of the four sample sites (tenants, leases, equipment, ...).

    python sample_sites/make_sample_sites.py [--out DIR] [--only NAME]

Everything here is invented except the climate (see each site's README). The spaces
come from the same builders that write models/*.ifc, so every GlobalId in these files is a
space of the committed model. Seeded: two runs write identical files.
"""

# ruff: noqa: D103, E501  (a data script: long source citations, small helpers)

from __future__ import annotations

import argparse
import csv
import datetime as dt
import math
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "models"))

import geopandas as gpd  # noqa: E402
import make_models  # noqa: E402
import sample_officina  # noqa: E402
import sample_planning  # noqa: E402
from sample_sharing import write_sharing  # noqa: E402
from shapely import LineString, affinity, box  # noqa: E402

TODAY = dt.date(2026, 11, 27)
METER_MONTHS = [f"{y}-{m:02d}" for y, m in [(2025, 12)] + [(2026, k) for k in range(1, 12)]]

# ----------------------------------------------------------------------------- climate
# The hourly typical years in sample_sites/weather/ (see its README for source and licence).
WEATHER = {
    "textile_mill": "ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw",
    "brewery_complex": "BEL_VLG_Uccle.064470_TMYx.2007-2021.epw",
    "officina_macrolotto": "ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw",
}
# Monthly mean air temperature [°C] and global horizontal irradiation [kWh/m²], Jan..Dec,
# for a site without an hourly file. Rounded, approximate values; sources in its README.
CLIMATE_TABLES = {
    "engineering_works": (  # Łódź-Lublinek
        [-1.5, -0.4, 3.2, 8.9, 14.0, 17.4, 19.3, 18.8, 13.9, 8.8, 3.9, 0.2],
        [20, 36, 76, 120, 153, 160, 164, 140, 91, 54, 23, 15],
    ),
}


def epw_monthly(path: Path) -> tuple[list[float], list[float]]:
    """Monthly mean dry-bulb temperature [°C] and global horizontal irradiation [kWh/m²]
    of an EPW file (fields 7 and 14 of each hourly row; 29 February left out).
    """
    temps: list[list[float]] = [[] for _ in range(12)]
    ghi = [0.0] * 12
    with path.open(encoding="latin-1", newline="") as fh:
        for i, row in enumerate(csv.reader(fh)):
            if i < 8 or not row:
                continue
            month, day = int(row[1]), int(row[2])
            if month == 2 and day == 29:
                continue
            temps[month - 1].append(float(row[6]))
            ghi[month - 1] += float(row[13]) / 1000.0
    return [round(sum(t) / len(t), 2) for t in temps], [round(g, 2) for g in ghi]


def climate_of(name: str) -> tuple[list[float], list[float]]:
    """The site's monthly table: from its EPW file, else the table above."""
    if name in WEATHER:
        return epw_monthly(HERE / "weather" / WEATHER[name])
    return CLIMATE_TABLES[name]


SITES = {
    "textile_mill": {
        "name": "Lanificio Bisenzio",
        "city": "Prato",
        "country": "IT",
        "crs": "EPSG:25832",
        "time_zone": "Europe/Rome",
        "rent": 7.5,
        "tariffs": (0.27, 0.12, 0.105),
        "heat": "gas",
        "prefix": "TM",
        "phone": "+39 0574 555 ",
        "lang": "it",
        "sectors": [
            "textiles",
            "textiles",
            "fashion",
            "knitwear",
            "upholstery",
            "furniture",
            "ceramics",
            "graphic design",
            "photography",
            "prototyping",
            "leather goods",
            "screen printing",
            "electronics",
            "software",
            "architecture",
        ],
    },
    "engineering_works": {
        "name": "Widzew Engineering Works",
        "city": "Łódź",
        "country": "PL",
        "crs": "EPSG:25834",
        "time_zone": "Europe/Warsaw",
        "rent": 6.0,
        "tariffs": (0.21, 0.085, 0.07),
        "heat": "heat",
        "prefix": "EW",
        "phone": "+48 42 555 ",
        "lang": "pl",
        "sectors": [
            "metalwork",
            "metalwork",
            "robotics",
            "bicycles",
            "furniture",
            "signage",
            "prototyping",
            "electronics",
            "sculpture",
            "coffee roasting",
            "glass",
            "graphic design",
            "software",
            "photography",
            "textiles",
        ],
    },
    "brewery_complex": {
        "name": "Brouwerij De Leie",
        "city": "Gent",
        "country": "BE",
        "crs": "EPSG:25831",
        "time_zone": "Europe/Brussels",
        "rent": 9.5,
        "tariffs": (0.30, 0.13, 0.095),
        "heat": "gas",
        "prefix": "BC",
        "phone": "+32 9 555 ",
        "lang": "nl",
        "sectors": [
            "craft brewing",
            "bakery",
            "coffee roasting",
            "ceramics",
            "ceramics",
            "furniture",
            "textiles",
            "graphic design",
            "photography",
            "bicycles",
            "prototyping",
            "glass",
            "leather goods",
            "software",
            "screen printing",
        ],
    },
    # the small sample: tenants written by hand (sample_officina.py); the sectors feed its
    # applicants
    "officina_macrolotto": {
        "name": "Officina Macrolotto",
        "city": "Prato",
        "country": "IT",
        "crs": "EPSG:25832",
        "time_zone": "Europe/Rome",
        "rent": 6.5,
        "tariffs": (0.27, 0.12, 0.105),
        "heat": "gas",
        "prefix": "OM",
        "phone": "+39 0574 555 ",
        "lang": "it",
        "sectors": ["metalwork", "signage", "sculpture", "bicycles", "prototyping"],
    },
}

# sector -> (kinds it takes, machine types, skills)
SECTORS = {
    "textiles": (
        ["artisan", "sme", "smart_factory"],
        ["loom", "industrial_sewing_machine", "knitting_machine"],
        ["weaving", "pattern cutting", "textile design"],
    ),
    "fashion": (
        ["solopreneur", "artisan"],
        ["industrial_sewing_machine"],
        ["pattern cutting", "tailoring"],
    ),
    "knitwear": (["artisan", "sme"], ["knitting_machine"], ["machine knitting"]),
    "upholstery": (["artisan"], ["industrial_sewing_machine"], ["upholstery"]),
    "furniture": (
        ["artisan", "sme"],
        ["cnc_router", "table_saw", "dust_extractor"],
        ["joinery", "CNC programming", "wood finishing"],
    ),
    "ceramics": (["artist", "artisan"], ["kiln", "pottery_wheel"], ["throwing", "glazing"]),
    "graphic design": (["freelancer"], ["large_format_printer"], ["graphic design", "branding"]),
    "photography": (["freelancer", "artist"], [], ["product photography", "video"]),
    "prototyping": (
        ["smart_factory", "solopreneur"],
        ["3d_printer", "laser_cutter"],
        ["CAD", "3D printing", "laser cutting"],
    ),
    "leather goods": (["artisan"], ["leather_sewing_machine", "clicker_press"], ["leatherwork"]),
    "screen printing": (["artisan", "artist"], ["screen_printing_press"], ["screen printing"]),
    "electronics": (
        ["smart_factory", "solopreneur"],
        ["pick_and_place", "reflow_oven"],
        ["PCB design", "firmware"],
    ),
    "software": (["freelancer", "solopreneur"], [], ["web development", "data analysis"]),
    "architecture": (["freelancer"], ["laser_cutter"], ["model making", "CAD"]),
    "metalwork": (
        ["sme", "artisan"],
        ["welding_set", "press_brake", "plasma_cutter"],
        ["welding", "sheet metal", "CNC programming"],
    ),
    "robotics": (["smart_factory"], ["cnc_mill", "robot_arm"], ["robot programming", "CAD"]),
    "bicycles": (
        ["artisan", "solopreneur"],
        ["tig_welder", "frame_jig"],
        ["TIG welding", "bike repair"],
    ),
    "signage": (["sme"], ["cnc_router", "vinyl_cutter"], ["sign making", "graphic design"]),
    "sculpture": (["artist"], ["plasma_cutter", "angle_grinder"], ["metal sculpture"]),
    "coffee roasting": (["sme", "solopreneur"], ["coffee_roaster"], ["roasting", "barista"]),
    "glass": (["artist"], ["glass_kiln"], ["glass fusing"]),
    "craft brewing": (["sme"], ["brewing_kit"], ["brewing", "fermentation"]),
    "bakery": (["sme", "artisan"], ["deck_oven", "dough_mixer"], ["baking"]),
}

# machine type -> (name, power [kW], noise [dB(A)], weight [kg], hazards)
MACHINES = {
    "loom": ("Rapier loom", 3.0, 88, 1800, "heavy_load"),
    "industrial_sewing_machine": ("Industrial lockstitch sewing machine", 0.55, 72, 60, ""),
    "knitting_machine": ("Flatbed knitting machine", 1.5, 78, 900, ""),
    "cnc_router": ("CNC router 2.5 x 1.3 m", 9.0, 86, 1400, "dust;fire"),
    "table_saw": ("Sliding table saw", 5.5, 92, 650, "dust"),
    "dust_extractor": ("Mobile dust extractor", 3.0, 76, 180, "dust"),
    "kiln": ("Electric kiln 150 l", 11.0, 55, 450, "fire"),
    "pottery_wheel": ("Pottery wheel", 0.4, 50, 70, ""),
    "large_format_printer": ("Large-format inkjet printer", 0.5, 55, 150, ""),
    "3d_printer": ("FDM 3D printer farm (6 printers)", 2.4, 52, 120, "fumes"),
    "laser_cutter": ("CO2 laser cutter 1.3 x 0.9 m", 4.0, 65, 900, "laser;fire;fumes"),
    "leather_sewing_machine": ("Walking-foot leather sewing machine", 0.55, 70, 70, ""),
    "clicker_press": ("Hydraulic clicker press", 2.2, 78, 800, "heavy_load"),
    "screen_printing_press": ("Carousel screen printing press", 1.5, 68, 400, "chemical;fumes"),
    "pick_and_place": ("Pick-and-place machine", 1.8, 60, 600, ""),
    "reflow_oven": ("Reflow oven", 6.0, 58, 350, "fumes;fire"),
    "welding_set": ("MIG welding set", 12.0, 82, 140, "fire;fumes"),
    "press_brake": ("Hydraulic press brake 3 m", 15.0, 80, 7500, "heavy_load"),
    "plasma_cutter": ("CNC plasma table", 18.0, 90, 2200, "fire;fumes"),
    "cnc_mill": ("3-axis CNC milling centre", 15.0, 80, 3800, "heavy_load"),
    "robot_arm": ("Industrial robot arm cell", 7.5, 70, 1100, "heavy_load"),
    "tig_welder": ("TIG welder", 7.0, 75, 60, "fire;fumes"),
    "frame_jig": ("Bicycle frame jig", 0.0, 40, 120, ""),
    "vinyl_cutter": ("Vinyl cutter", 0.2, 55, 40, ""),
    "angle_grinder": ("Grinding station", 2.3, 95, 90, "fire;dust"),
    "coffee_roaster": ("Coffee roaster 15 kg", 9.0, 72, 750, "fire;fumes"),
    "glass_kiln": ("Glass fusing kiln", 8.0, 50, 300, "fire"),
    "brewing_kit": ("Brewing kit 10 hl", 36.0, 65, 4200, "heavy_load;chemical"),
    "deck_oven": ("Three-deck electric oven", 27.0, 60, 1100, "fire"),
    "dough_mixer": ("Spiral dough mixer", 4.0, 74, 300, ""),
    "powder_coating_booth": (
        "Powder-coating booth with cartridge filter",
        4.0,
        72,
        650,
        "fire;dust",
    ),
    "curing_oven": ("Electric powder-curing oven 3 x 1.5 x 2 m", 36.0, 60, 1800, "fire"),
    "fiber_laser_cutter": (
        "Fibre laser cutter 3 x 1.5 m, 3 kW source",
        22.0,
        70,
        6500,
        "laser;fire;fumes",
    ),
}

# machines the site owns in its shared workshops, by site
#: The terms of sharing as columns (``booking_access``, ``open_from``, ``open_until``,
#: ``max_booking_h``, ``induction_required``, ``price_eur_per_h``), read from each free-text
#: ``share_terms`` (a function of the text alone: no draw of the random stream, so every
#: other file stays as it was).
SHARE_COLUMNS = {
    "members; induction required; booked by the hour": (
        "members", "08:00", "20:00", 4, "yes", 10),
    "by arrangement, EUR 20/h": ("members", "", "", "", "no", 20),
    "evenings and weekends, with the owner": ("members", "18:00", "22:00", 4, "no", ""),
    "to members trained by the owner": ("members", "", "", "", "yes", ""),
}  # fmt: skip

SITE_MACHINES = {
    "textile_mill": [
        "cnc_router",
        "table_saw",
        "laser_cutter",
        "welding_set",
        "dust_extractor",
        "loom",
        "industrial_sewing_machine",
        "3d_printer",
    ],
    "engineering_works": [
        "press_brake",
        "plasma_cutter",
        "cnc_mill",
        "welding_set",
        "laser_cutter",
        "angle_grinder",
        "3d_printer",
    ],
    "brewery_complex": [
        "brewing_kit",
        "deck_oven",
        "dough_mixer",
        "coffee_roaster",
        "laser_cutter",
        "3d_printer",
        "kiln",
    ],
    "officina_macrolotto": ["welding_set", "plasma_cutter", "press_brake"],
}

FIRST = {
    "it": [
        "Giulia",
        "Marco",
        "Chiara",
        "Luca",
        "Francesca",
        "Matteo",
        "Sara",
        "Davide",
        "Elena",
        "Paolo",
        "Martina",
        "Andrea",
        "Silvia",
        "Lorenzo",
        "Irene",
        "Tommaso",
        "Wei",
        "Lin",
    ],
    "pl": [
        "Anna",
        "Piotr",
        "Katarzyna",
        "Tomasz",
        "Agnieszka",
        "Paweł",
        "Magdalena",
        "Michał",
        "Joanna",
        "Krzysztof",
        "Zofia",
        "Jakub",
        "Ewa",
        "Marcin",
        "Olena",
        "Dmytro",
    ],
    "nl": [
        "Lotte",
        "Pieter",
        "Sofie",
        "Jens",
        "Fien",
        "Wout",
        "Elise",
        "Bram",
        "Hanne",
        "Thomas",
        "Marie",
        "Arne",
        "Nora",
        "Lucas",
        "Yasmina",
        "Karim",
    ],
}
LAST = {
    "it": [
        "Rossi",
        "Bianchi",
        "Innocenti",
        "Gori",
        "Bartolini",
        "Lapi",
        "Mazzoni",
        "Cecchi",
        "Fabbri",
        "Nesti",
        "Vannucci",
        "Chen",
        "Zhou",
        "Bellandi",
        "Ricci",
        "Pieri",
    ],
    "pl": [
        "Nowak",
        "Kowalska",
        "Wiśniewski",
        "Wójcik",
        "Kamińska",
        "Lewandowski",
        "Zielińska",
        "Szymański",
        "Dąbrowska",
        "Kozłowski",
        "Jankowska",
        "Mazur",
        "Kravchenko",
    ],
    "nl": [
        "Peeters",
        "Janssens",
        "Maes",
        "Claes",
        "Wouters",
        "De Smet",
        "Willems",
        "Goossens",
        "Vermeulen",
        "Van den Broeck",
        "De Clercq",
        "El Amrani",
        "Mertens",
    ],
}
BRAND = [
    "Atelier",
    "Studio",
    "Works",
    "Lab",
    "Collective",
    "Werkplaats",
    "Bottega",
    "Pracownia",
    "Factory",
    "Forge",
    "Makers",
    "Co.",
]
WORDS = [
    "Nord",
    "Filo",
    "Ruggine",
    "Ferro",
    "Ottone",
    "Leie",
    "Vlas",
    "Mosaic",
    "Kolo",
    "Iskra",
    "Mrowka",
    "Orbit",
    "Quercia",
    "Lichen",
    "Tulp",
    "Ember",
    "Ash",
    "Birch",
    "Cobalt",
    "Indigo",
    "Saffron",
    "Moss",
    "Pixel",
    "Spindle",
    "Bobbin",
    "Anvil",
    "Shuttle",
    "Loam",
    "Cinder",
    "Kettle",
    "Hop",
    "Grain",
    "Weft",
    "Warp",
    "Kiln",
    "Flux",
]


def month_end(y: int, m: int) -> dt.date:
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def add_months(d: dt.date, n: int) -> dt.date:
    k = d.year * 12 + d.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def units_for(name: str, b) -> list[dict]:
    """Rentable units: every private production space; a few pairs joined into one unit."""
    joined = {
        "textile_mill": [("2.03", "2.04")],
        "engineering_works": [("W.B2a", "W.B2b")],
        "brewery_complex": [("MH2.1", "MH2.2")],
        "officina_macrolotto": [],
    }[name]
    in_pair = {s for pair in joined for s in pair}
    prefix = SITES[name]["prefix"]
    units = []
    for sp in b.spaces.values():
        if sp.use != "private_production" or sp.name in in_pair:
            continue
        units.append(
            {
                "unit_id": f"{prefix}-{sp.name}",
                "name": f"{sp.long_name} {sp.name}",
                "spaces": [sp],
                "notes": "",
            }
        )
    for pair in joined:
        sps = [b.spaces[s] for s in pair]
        units.append(
            {
                "unit_id": f"{prefix}-{'+'.join(pair)}",
                "name": f"Workshop {'+'.join(pair)}",
                "spaces": sps,
                "notes": "two spaces let together",
            }
        )
    for u in units:
        u["area_m2"] = round(sum(s.area_m2 for s in u["spaces"]), 2)
        u["storey"] = u["spaces"][0].storey
    return units


def make_site(name: str, out: Path) -> None:
    cfg = SITES[name]
    rng = random.Random(f"sample-site/{name}")
    b = make_models.build(name)
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    spaces = list(b.spaces.values())

    # zoning and units
    write_csv(
        folder / "zoning.csv",
        ["space_global_id", "space_name", "use"],
        [[s.global_id, s.name, s.use] for s in spaces],
    )
    units = units_for(name, b)
    write_csv(
        folder / "units.csv",
        ["unit_id", "name", "space_global_ids", "storey", "area_m2", "notes"],
        [
            [
                u["unit_id"],
                u["name"],
                ";".join(s.global_id for s in u["spaces"]),
                u["storey"],
                u["area_m2"],
                u["notes"],
            ]
            for u in units
        ],
    )
    boards = {}
    for s in spaces:
        boards.setdefault(s.props["DistributionBoard"], (s.storey, s.props["ElectricalCapacity"]))
    write_csv(
        folder / "boards.csv",
        ["board_id", "storey", "capacity_kw"],
        [[k, v[0], v[1]] for k, v in boards.items()],
    )

    # tenants
    if name == sample_officina.NAME:
        tenants = sample_officina.tenants()
    else:
        n_tenants = {"textile_mill": 26, "engineering_works": 32, "brewery_complex": 28}[name]
        lang = cfg["lang"]
        tenants = []
        stages = ["starting", "growing", "established"]
        kinds_needed = ["freelancer", "artist", "artisan", "solopreneur", "smart_factory", "sme"]
        used_names = set()
        for i in range(n_tenants):
            sector = (
                cfg["sectors"][i % len(cfg["sectors"])]
                if i < len(cfg["sectors"])
                else rng.choice(cfg["sectors"])
            )
            kinds, machines, skills = SECTORS[sector]
            kind = kinds_needed[i] if i < len(kinds_needed) else rng.choice(kinds)
            if kind not in kinds and i < len(kinds_needed):
                sector = next(s for s, v in SECTORS.items() if kind in v[0] and s in cfg["sectors"])
                kinds, machines, skills = SECTORS[sector]
            first, last = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
            while True:
                if kind in ("freelancer", "solopreneur", "artist") and rng.random() < 0.6:
                    tname = f"{first} {last}" + (f" {sector.title()}" if rng.random() < 0.4 else "")
                else:
                    tname = f"{rng.choice(WORDS)} {rng.choice(BRAND)}"
                if tname not in used_names:
                    break
                first, last = rng.choice(FIRST[lang]), rng.choice(LAST[lang])
            used_names.add(tname)
            head = {
                "freelancer": 1,
                "artist": rng.randint(1, 2),
                "solopreneur": 1,
                "artisan": rng.randint(1, 4),
                "smart_factory": rng.randint(3, 12),
                "sme": rng.randint(5, 25),
            }[kind]
            stage = stages[i % 3]
            joined = dt.date(2026, 1, 1) - dt.timedelta(days=rng.randint(30, 6 * 365))
            if stage == "starting":
                joined = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
            slug = "".join(c for c in tname.lower() if c.isalnum())[:18]
            tenants.append(
                {
                    "tenant_id": f"T{i + 1:03d}",
                    "name": tname,
                    "kind": kind,
                    "stage": stage,
                    "sector": sector,
                    "headcount": head,
                    "contact_name": f"{first} {last}",
                    "contact_email": f"{first.lower()}@{slug}.example.org",
                    "contact_phone": f"{cfg['phone']}{rng.randint(100, 999):03d}",
                    "joined": joined,
                    "machines": machines,
                    "skills": skills,
                }
            )
    write_csv(
        folder / "tenants.csv",
        [
            "tenant_id",
            "name",
            "kind",
            "stage",
            "sector",
            "headcount",
            "contact_name",
            "contact_email",
            "contact_phone",
            "joined",
        ],
        [
            [
                t["tenant_id"],
                t["name"],
                t["kind"],
                t["stage"],
                t["sector"],
                t["headcount"],
                t["contact_name"],
                t["contact_email"],
                t["contact_phone"],
                t["joined"].isoformat(),
            ]
            for t in tenants
        ],
    )

    # leases: per unit a history without overlaps; some vacant, some expiring within 12 months
    total_area = sum(u["area_m2"] for u in units)
    if name == sample_officina.NAME:
        leases, current = sample_officina.leases(units, tenants)
    else:
        order = list(range(len(tenants)))
        rng.shuffle(order)
        leaseholders = [tenants[k] for k in order]
        leases = []
        current: dict[str, dict] = {}
        li = 0
        former = iter(order[::-1] * 2)  # earlier tenants: from the end of the list
        for ui, u in enumerate(units):
            rate = cfg["rent"] * (1.1 if u["spaces"][0].props["Daylight"] else 0.95)
            vacant = ui % 4 == 1
            end_month = (
                add_months(dt.date(2026, 12, 1), rng.randint(0, 11))
                if ui % 3 == 0
                else add_months(dt.date(2027, 12, 1), rng.randint(0, 48))
            )
            end = month_end(end_month.year, end_month.month)
            term = rng.choice([2, 3, 5]) if ui % 3 else rng.choice([1, 2, 3])
            start = dt.date(end.year - term, end.month, 1) + dt.timedelta(days=0)
            start = add_months(start, 1)
            if start > TODAY:
                start = dt.date(2026, 3, 1)
            tenant = leaseholders[li % len(leaseholders)]
            if vacant:
                # the last tenant left this year; one vacant unit has a new lease from 2027
                prev_end = month_end(2026, rng.randint(3, 10))
                leases.append([u, tenants[next(former)], add_months(prev_end, -35), prev_end, 0.92])
                if ui % 2:
                    leases.append([u, tenant, dt.date(2027, 2, 1), dt.date(2030, 1, 31), 1.0])
                    li += 1
                continue
            if start.year >= 2024 and rng.random() < 0.7:
                prev_end = start - dt.timedelta(days=rng.choice([1, 15, 46]))
                prev_end = (
                    month_end(prev_end.year, prev_end.month) if prev_end.day > 27 else prev_end
                )
                if prev_end >= start:
                    prev_end = start - dt.timedelta(days=1)
                prev_start = add_months(dt.date(prev_end.year - 3, prev_end.month, 1), 1)
                leases.append([u, tenants[next(former)], prev_start, prev_end, 0.9])
            leases.append([u, tenant, start, end, 1.0])
            current[u["unit_id"]] = tenant
            li += 1
    # the site's planning situation (sample_planning.py); the draws below follow the leases
    # as drawn, so the seeded stream stays the same
    drawn_leases, drawn_current = leases, current
    numbers, leases, current = sample_planning.vacate(name, leases, current)
    staying = {t["tenant_id"] for t in current.values()}
    rows = []
    for k, (u, t, start, end, factor) in zip(numbers, leases, strict=True):
        rate = cfg["rent"] * (1.1 if u["spaces"][0].props["Daylight"] else 0.95)
        rent = round(u["area_m2"] * rate * factor / 10) * 10
        share = math.floor(u["area_m2"] / total_area * 1e4) / 1e4  # shares sum to <= 1
        rows.append(
            [
                f"L{k:03d}",
                u["unit_id"],
                t["tenant_id"],
                start.isoformat(),
                end.isoformat(),
                rent,
                share,
            ]
        )
    write_csv(
        folder / "leases.csv",
        [
            "lease_id",
            "unit_id",
            "tenant_id",
            "start",
            "end",
            "rent_eur_per_month",
            "common_cost_share",
        ],
        rows,
    )

    # equipment: the site's own machines in its shared workshops, tenants' machines in units
    shared_spaces = [s for s in spaces if s.use == "shared_production"] or spaces
    eq = []
    for k, mtype in enumerate(SITE_MACHINES[name]):
        sp = shared_spaces[k % len(shared_spaces)]
        eq.append((mtype, "", sp, "yes", "members; induction required; booked by the hour"))
    if name == sample_officina.NAME:
        eq += sample_officina.own_equipment(tenants, current, units)
    else:
        unit_of = {t["tenant_id"]: uid for uid, t in drawn_current.items()}
        units_by_id = {u["unit_id"]: u for u in units}
        for t in tenants:
            if t["tenant_id"] not in unit_of or not t["machines"]:
                continue
            sp = units_by_id[unit_of[t["tenant_id"]]]["spaces"][0]
            for mtype in t["machines"][: rng.randint(1, len(t["machines"]))]:
                shared = rng.random() < 0.35
                terms = (
                    rng.choice(
                        [
                            "by arrangement, EUR 20/h",
                            "evenings and weekends, with the owner",
                            "to members trained by the owner",
                        ]
                    )
                    if shared
                    else ""
                )
                eq.append((mtype, t["tenant_id"], sp, "yes" if shared else "no", terms))
    # machines leave with their owner (sample_planning.py); the others keep their numbers
    numbered = [(k, e) for k, e in enumerate(eq, start=1) if not e[1] or e[1] in staying]
    drawn_eq, eq = eq, [e for _, e in numbered]
    eq_rows = []
    for k, (mtype, owner, sp, shared, terms) in numbered:
        mname, kw, db, kg, hz = MACHINES[mtype]
        eq_rows.append(
            [
                f"E{k:03d}",
                mname,
                mtype,
                owner,
                sp.global_id,
                sp.props["DistributionBoard"],
                kw,
                db,
                kg,
                hz,
                shared,
                terms,
                *SHARE_COLUMNS.get(terms, ("", "", "", "", "no", "")),
            ]
        )
    write_csv(
        folder / "equipment.csv",
        [
            "equipment_id",
            "name",
            "type",
            "owner_tenant_id",
            "space_global_id",
            "board_id",
            "power_kw",
            "noise_db",
            "weight_kg",
            "hazards",
            "shared",
            "share_terms",
            "booking_access",
            "open_from",
            "open_until",
            "max_booking_h",
            "induction_required",
            "price_eur_per_h",
        ],
        eq_rows,
    )

    # skills
    if name == sample_officina.NAME:
        sk_rows = sample_officina.skills(tenants)
    else:
        levels = ["basic", "skilled", "expert"]
        sk_rows = []
        for t in tenants:
            for s in t["skills"][: rng.randint(1, len(t["skills"]))]:
                sk_rows.append(
                    [
                        t["tenant_id"],
                        s,
                        levels[min(2, stages.index(t["stage"]) + rng.randint(0, 1))],
                    ]
                )
    write_csv(folder / "skills.csv", ["tenant_id", "skill", "level"], sk_rows)

    # climate
    temps, ghi = climate_of(name)
    write_csv(
        folder / "climate_monthly.csv",
        ["month", "t_out_c", "ghi_kwh_m2"],
        [[m + 1, temps[m], ghi[m]] for m in range(12)],
    )

    # meters: one electricity meter per let unit, the common parts, heat/gas and water
    power_of = {}
    for mtype, owner, _sp, _, _ in drawn_eq:  # a tenant that left had its machines till then
        power_of[owner] = power_of.get(owner, 0.0) + MACHINES[mtype][1]
    m_rows = []
    for u in units:
        for month in METER_MONTHS:
            y, m = int(month[:4]), int(month[5:])
            first, last = dt.date(y, m, 1), month_end(y, m)
            drawn = holder = None
            for lu, t, start, end, _ in drawn_leases:
                if lu is u and start <= last and end >= first:
                    drawn = t
            for lu, t, start, end, _ in leases:
                if lu is u and start <= last and end >= first:
                    holder = t
            if drawn is None:
                continue
            base = u["area_m2"] * rng.uniform(1.5, 2.5)
            machines = power_of.get(drawn["tenant_id"], 0.0) * rng.uniform(25, 60)
            if holder is None:  # vacated (sample_planning.py): drawn all the same
                continue
            m_rows.append(
                [
                    f"E-{u['unit_id']}",
                    holder["tenant_id"],
                    "electricity",
                    month,
                    round(base + machines),
                    "",
                ]
            )
    heated = sum(s.area_m2 for s in spaces if not s.external)
    hdd = [max(0.0, 16.0 - temps[int(mo[5:]) - 1]) * 30.4 for mo in METER_MONTHS]
    for mo, dd in zip(METER_MONTHS, hdd, strict=True):
        m_rows.append(
            [
                "E-COMMON",
                "",
                "electricity",
                mo,
                round(heated * 0.9 + 1500 * (1 + 0.3 * math.cos((int(mo[5:]) - 1) / 6 * math.pi))),
                "",
            ]
        )
        m_rows.append(
            [
                f"{'G' if cfg['heat'] == 'gas' else 'H'}-SITE",
                "",
                cfg["heat"],
                mo,
                round(heated * dd * 0.055 + 2000),
                "",
            ]
        )
        m_rows.append(
            ["W-SITE", "", "water", mo, "", round(0.03 * heated + rng.uniform(-10, 10), 1)]
        )
    write_csv(
        folder / "meters.csv",
        ["meter_id", "tenant_id", "carrier", "month", "reading_kwh", "reading_m3"],
        m_rows,
    )

    # applicants for the layout engine: most are shaped on a unit of the site (so they fit
    # somewhere, if it is free), every sixth asks for more than the building offers
    ap_rows = []
    n_app = {"textile_mill": 18, "engineering_works": 24, "brewery_complex": 20,
             "officina_macrolotto": 6}[name]  # fmt: skip
    all_types = sorted({m for t in tenants for m in t["machines"]})
    for k in range(n_app):
        u = units[(k * 7) % len(units)]
        sp = u["spaces"]
        clear = min(x.props["ClearHeight"] for x in sp)
        load = min(x.props["FloorLoadCapacity"] for x in sp)
        offers_extraction = any(x.props["Extraction"] for x in sp)
        offers_access = any(x.props["LoadingAccess"] != "none" for x in sp)
        offers_daylight = any(x.props["Daylight"] for x in sp)
        fitting = [
            sec
            for sec in cfg["sectors"]
            if offers_extraction
            or not any(h in MACHINES[m][4] for m in SECTORS[sec][1] for h in ("fumes", "dust"))
        ]
        sector = rng.choice(fitting or cfg["sectors"])
        kinds, machines, _ = SECTORS[sector]
        heavy = sector in ("metalwork", "robotics", "craft brewing", "bakery")
        amin = max(20, round(u["area_m2"] * rng.uniform(0.6, 0.95) / 5) * 5)
        amax = round(u["area_m2"] * rng.uniform(1.05, 1.5) / 5) * 5
        min_height = round(clear - rng.choice([0.0, 0.2, 0.5]), 1)
        min_load = min(load, 7.5 if heavy else rng.choice([2.5, 3.0, 5.0]))
        power = round(min(0.1 * amin, sum(MACHINES[m][1] for m in machines) + 2), 1)
        if k % 6 == 5:  # asks for more than any unit here offers
            min_height, min_load = round(clear + 3.0, 1), max(load, 20.0)
        noise = max((MACHINES[m][2] for m in machines), default=45)
        hazard = (
            2
            if any("fire" in MACHINES[m][4] for m in machines) and heavy
            else (1 if any(MACHINES[m][4] for m in machines) else 0)
        )
        needs_extraction = any(h in MACHINES[m][4] for m in machines for h in ("fumes", "dust"))
        yn = {True: "yes", False: "no"}
        ap_rows.append(
            [
                f"A{k + 1:02d}",
                rng.choice(kinds),
                amin,
                amax,
                min_height,
                min_load,
                power,
                yn[needs_extraction],
                yn[offers_access and (heavy or rng.random() < 0.3)],
                yn[offers_daylight and sector not in ("photography",)],
                noise,
                yn[sector in ("photography", "software", "graphic design")],
                hazard,
                round(cfg["rent"] * rng.uniform(0.8, 1.3), 2),
                ";".join(machines[:2]),
                ";".join(
                    rng.sample(
                        [t for t in all_types if t not in machines], k=min(2, len(all_types))
                    )
                ),
            ]
        )
    if name == sample_officina.NAME:  # written by hand (the rows above keep the seeded
        ap_rows = sample_officina.applicants()  # stream of the neighbourhood unchanged)
    write_csv(
        folder / "applicants.csv",
        [
            "id",
            "kind",
            "area_min",
            "area_max",
            "min_height",
            "min_load",
            "power",
            "extraction",
            "access",
            "daylight",
            "noise_db",
            "noise_sensitive",
            "hazard",
            "rent_per_m2",
            "provides",
            "needs",
        ],
        ap_rows,
    )

    write_neighbourhood(name, b, folder / "neighbourhood.gpkg", rng)
    write_toml(name, folder / "site.toml")
    counts = {
        "spaces": len(spaces), "units": len(units), "tenants": len(tenants), "leases": len(rows),
        "machines": len(eq_rows), "applicants": len(ap_rows), "meter readings": len(m_rows),
    }  # fmt: skip
    counts |= write_sharing(folder)
    write_readme(name, folder / "README.md", counts)


DESCRIPTIONS = {
    "textile_mill": "A four-storey wool mill of 1889 in Prato's textile district, now workshops "
    "for textile, fashion and design producers, with a shared wood and metal workshop, a "
    "textile lab, a canteen, a loading bay and the old boiler house as a shared heavy workshop.",
    "engineering_works": "A saw-tooth engineering works of 1927 in Łódź's Widzew district: "
    "production bays on the hall's column grid, a shared machine shop, a shared heavy "
    "workshop under the 10 t crane, offices and mezzanine studios, a yard.",
    "officina_macrolotto": "A small precast concrete shed of 1974 in Prato's Macrolotto "
    "industrial district, 2.8 km from the Lanificio Bisenzio: six metalworking units on an "
    "aisle, a shared welding and powder-coating workshop, a loading bay, a store and a yard. "
    "The network's second site near another: its welder, powder coater, laser cutter and "
    "designer do the metalwork of jobs the mill's upholsterers finish.",
    "brewery_complex": "A brewery of 1898–1950s in Gent: the brewhouse (shared brewery and "
    "kitchen), the malt house's low malting floors, the bottling hall around its cloister "
    "courtyard (food workshop, market hall), offices with a tasting room, the brewery yard.",
}


def write_readme(name: str, path: Path, counts: dict[str, int]) -> None:
    cfg = SITES[name]
    numbers = ", ".join(f"{v} {k}" for k, v in counts.items())
    path.write_text(
        f"""# {cfg["name"]} ({cfg["city"]}, {cfg["country"]}) — sample site `{name}`

{DESCRIPTIONS[name]}{sample_planning.readme_text(name)}

Model: `../../models/{name}.ifc` (see `models/README.md`). Files follow
`docs/sample-site-format.md`; {numbers}. Written by `sample_sites/make_sample_sites.py`
(seeded; the space GlobalIds come from the same builder as the model).

## Invented

Everything except the climate: the building and its name and address, the tenants
(names, people, e-mails under `example.org`, phone numbers with the fictional 555 block),
leases and rents (plausible for converted industrial space in {cfg["city"]}, about
{cfg["rent"]:.1f} EUR/m² a month, lower for earlier leases and spaces without daylight),
equipment (typical rated power, noise and weight of such machines), skills, meter readings
(December 2025 – November 2026, made from floor areas, machine power and heating degree
days), the applicants, the tariffs (rounded, within the range of Eurostat's non-household
energy prices for {cfg["country"]}) and the neighbourhood (blocks, uses, heights and
street layout around the plot, in {cfg["crs"]}; the street names are common ones, not a real
street plan).

{CLIMATE_TEXT[name] if name in WEATHER else CLIMATE_TEXT["table"].format(source=CLIMATE_SOURCES[name])}
The georeference of the model (EPSG code and a point in the city) is real; the plot is not.
{impact_readme(name)}""",
        encoding="utf-8",
    )


CLIMATE_TEXT = {
    "textile_mill": """## Weather: a published typical year

The climate is the hourly typical year `../weather/ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw`
(Firenze-Peretola airport, 15 km from Prato; Climate.OneBuilding.org TMYx 2009–2023; source,
licence and attribution in `../weather/README.md`). `sample load` stores its 8,760 hours and
the analyses use them. `climate_monthly.csv` holds the monthly means of its dry-bulb
temperature and the monthly sums of its global horizontal irradiation, computed from the
file by `make sample-data` (`sample_sites/make_sample_sites.py`, `epw_monthly`); the gas
meter readings are made from its heating degree days.
""",
    "brewery_complex": """## Weather: a published typical year

The climate is the hourly typical year `../weather/BEL_VLG_Uccle.064470_TMYx.2007-2021.epw`
(Uccle, Brussels, 50 km from Gent; Climate.OneBuilding.org TMYx 2007–2021; source, licence
and attribution in `../weather/README.md`). `sample load` stores its 8,760 hours and the
analyses use them. `climate_monthly.csv` holds the monthly means of its dry-bulb temperature
and the monthly sums of its global horizontal irradiation, computed from the file by
`make sample-data` (`sample_sites/make_sample_sites.py`, `epw_monthly`); the gas meter
readings are made from its heating degree days.
""",
    "table": """## From a published source (approximate)

`climate_monthly.csv`: {source}
The values were written from knowledge of those published tables, rounded, not downloaded
or copied from them: treat them as approximate (about ±0.5 °C and ±10 % in irradiation).
Replace them with a PVGIS TMY download for work that matters.

This site keeps a monthly table, expanded to hours by the stated method of
`site_manager.energy.climate.hourly_from_monthly`: no redistributable hourly typical year
for Łódź was found (the nearest candidate, Warsaw IWEC, is ASHRAE copyright), so none is
shipped. Give the site one you may use with `site-manager site climate FILE.epw --site
engineering_works`.
""",
}

CLIMATE_TEXT["officina_macrolotto"] = CLIMATE_TEXT["textile_mill"].replace(
    "15 km from Prato", "12 km from the Macrolotto; the mill's file"
)


def to_map(b, geom):
    """Model XY -> map (the model's IfcMapConversion), for the neighbourhood layer."""
    conv = b.f.by_type("IfcMapConversion")[0]
    c, s = conv.XAxisAbscissa, conv.XAxisOrdinate
    return affinity.affine_transform(geom, [c, -s, s, c, conv.Eastings, conv.Northings])


def write_neighbourhood(name: str, b, path: Path, rng: random.Random) -> None:
    import os

    from shapely import union_all

    os.environ["OGR_CURRENT_DATE"] = "2026-11-01T09:00:00Z"  # GDAL: a stable GeoPackage
    path.unlink(missing_ok=True)
    fps = [affinity.translate(s.footprint, *s.origin) for s in b.spaces.values()]
    site_box = union_all(fps).envelope.buffer(8, join_style="mitre")
    x0, y0, x1, y1 = site_box.bounds
    uses = [
        "residential",
        "residential",
        "residential",
        "mixed",
        "industrial",
        "retail",
        "school",
        "office",
        "warehouse",
    ]
    blds = []
    k = 0
    for gx in range(-2, 3):
        for gy in range(-2, 3):
            if gx == 0 and gy == 0:
                continue
            cx = (x0 + x1) / 2 + gx * max(60.0, (x1 - x0) * 0.9)
            cy = (y0 + y1) / 2 + gy * max(50.0, (y1 - y0) * 0.9)
            for _ in range(rng.randint(1, 3)):
                w, h = rng.uniform(12, 40), rng.uniform(10, 25)
                ox, oy = rng.uniform(-15, 15), rng.uniform(-12, 12)
                poly = box(cx + ox - w / 2, cy + oy - h / 2, cx + ox + w / 2, cy + oy + h / 2)
                if poly.intersects(site_box):
                    continue
                k += 1
                use = rng.choice(uses)
                blds.append(
                    {
                        "use": use,
                        "height_m": round(rng.uniform(6, 22), 1),
                        "name": f"{use.title()} block {k}",
                        "geometry": to_map(b, poly),
                    }
                )
    mark_sensitive_neighbours(name, blds, to_map(b, site_box).centroid)
    pad = 30.0
    street_names = {
        "textile_mill": ["Via del Lanificio", "Via Bisenzio", "Viale della Repubblica"],
        "engineering_works": ["ul. Fabryczna", "ul. Tkacka", "al. Piłsudskiego"],
        "brewery_complex": ["Brouwerijstraat", "Leiekaai", "Mouterijstraat"],
        "officina_macrolotto": ["Via del Macrolotto", "Via dei Fonditori", "Viale della Industria"],
    }[name]
    streets = [
        {
            "name": street_names[0],
            "kind": "residential",
            "geometry": to_map(b, LineString([(x0 - 200, y0 - 15), (x1 + 200, y0 - 15)])),
        },
        {
            "name": street_names[1],
            "kind": "secondary",
            "geometry": to_map(b, LineString([(x1 + 15, y0 - 200), (x1 + 15, y1 + 200)])),
        },
        {
            "name": street_names[2],
            "kind": "primary",
            "geometry": to_map(
                b, LineString([(x0 - 200, y1 + pad + 40), (x1 + 200, y1 + pad + 40)])
            ),
        },
        {
            "name": "Service road",
            "kind": "service",
            "geometry": to_map(b, LineString([(x0 - 4, y0 - 15), (x0 - 4, y1)])),
        },
    ]
    crs = SITES[name]["crs"]
    gpd.GeoDataFrame(blds, crs=crs).to_file(
        path, layer="buildings", driver="GPKG", engine="pyogrio"
    )
    gpd.GeoDataFrame(streets, crs=crs).to_file(
        path, layer="streets", driver="GPKG", engine="pyogrio"
    )
    gpd.GeoDataFrame(
        [{"name": SITES[name]["name"], "geometry": to_map(b, site_box)}], crs=crs
    ).to_file(path, layer="boundary", driver="GPKG", engine="pyogrio")


def write_toml(name: str, path: Path) -> None:
    cfg = SITES[name]
    e, h, g = cfg["tariffs"]
    weather = f'weather = "../weather/{WEATHER[name]}"\n' if name in WEATHER else ""
    path.write_text(
        f"""[site]
id = "{name}"
name = "{cfg["name"]}"
city = "{cfg["city"]}"
country = "{cfg["country"]}"
model = "../../models/{name}.ifc"
crs = "{cfg["crs"]}"
time_zone = "{cfg["time_zone"]}"
currency = "EUR"
climate = "climate_monthly.csv"
{weather}neighbourhood = "neighbourhood.gpkg"
{impact_toml(name)}
[tariffs]
electricity_eur_per_kwh = {e}
heat_eur_per_kwh = {h}
gas_eur_per_kwh = {g}

[sources]
climate = "{CLIMATE_SOURCES[name]}"
tariffs = "Rounded 2026 small-business tariffs, invented within the range of Eurostat's non-household price statistics (nrg_pc_205) for {cfg["country"]}."
{impact_sources_toml(name)}everything_else = "Invented for site-manager's sample data; see README.md."
""",
        encoding="utf-8",
    )


CLIMATE_SOURCES = {
    "textile_mill": "Hourly typical year ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw, "
    "Climate.OneBuilding.org TMYx (NOAA ISD station records; solar from ERA5: contains modified "
    "Copernicus Climate Change Service information); climate_monthly.csv holds its monthly means "
    "and sums.",
    "engineering_works": "Temperature: approximate monthly means of Łódź-Lublinek, climate normals 1991-2020 "
    "(IMGW-PIB); irradiation: approximate PVGIS-SARAH monthly global horizontal irradiation for "
    "Łódź (European Commission JRC, PVGIS 5.2).",
    "officina_macrolotto": "Hourly typical year ITA_TC_Firenze-Peretola.AP.161700_TMYx.2009-2023.epw "
    "(the mill's, 12 km away), Climate.OneBuilding.org TMYx (NOAA ISD station records; solar from "
    "ERA5: contains modified Copernicus Climate Change Service information); climate_monthly.csv "
    "holds its monthly means and sums.",
    "brewery_complex": "Hourly typical year BEL_VLG_Uccle.064470_TMYx.2007-2021.epw (Uccle, used "
    "for Gent), Climate.OneBuilding.org TMYx (NOAA ISD station records; solar from ERA5: contains "
    "modified Copernicus Climate Change Service information); climate_monthly.csv holds its "
    "monthly means and sums.",
}


# ------------------------------------------------------- neighbourhood impact (issue 17)
# The impact report's site settings of each sample (``[impact]`` of site.toml, read by
# `sample load` as `site set --noise-limit-day/--noise-limit-night/--trips-threshold` would
# set them) and where each value comes from (site.toml's [sources] and the README).
IMPACT = {
    "textile_mill": {
        "noise_limit_day_dba": 65.0,
        "noise_limit_night_dba": 55.0,
        "noise_source": "Italy, DPCM 14 November 1997, Table C (absolute immission limits), "
        "class IV 'aree di intensa attività umana' (urban areas with craft activities and a "
        "limited presence of small industry): 65 dB(A) LAeq by day (06-22), 55 dB(A) at night "
        "(22-06). The class is chosen for the invented plot, not read from Prato's acoustic "
        "zoning plan; a school or care home in class I would have 50/40 dB(A).",
        "trips_threshold_per_day": 400.0,
        "care_home": "Residenza San Martino (care home)",
        # the smart factory's looms run a night shift; the SMEs two day shifts
        "hours": {
            "artisan": (8.0, 0.0),
            "sme": (16.0, 0.0),
            "smart_factory": (16.0, 8.0),
            "shared": (10.0, 0.0),
        },
    },
    "engineering_works": {
        "noise_limit_day_dba": 55.0,
        "noise_limit_night_dba": 45.0,
        "noise_source": "Poland, Regulation of the Minister of the Environment of 14 June 2007 on "
        "permissible noise levels in the environment (consolidated text Dz.U. 2014 poz. 112), "
        "Table 1, 'other objects and activities', row 3d 'tereny mieszkaniowo-usługowe' "
        "(residential-service areas): LAeq D 55 dB, LAeq N 45 dB. The regulation takes the 8 "
        "least favourable consecutive day hours and the 1 least favourable night hour; the "
        "report compares 16 h and 8 h averages, which are lower. Care homes and schools (row 2) "
        "have 50/40 dB. The row is chosen for the invented plot.",
        "trips_threshold_per_day": 300.0,
        "care_home": "Dom Seniora pod Lipami (care home)",
        # machining SMEs on two shifts with an early start before 06:00; the smart factory's
        # unattended machining cells run part of the night
        "hours": {
            "artisan": (8.0, 0.0),
            "sme": (16.0, 2.0),
            "smart_factory": (16.0, 6.0),
            "shared": (8.0, 0.0),
        },
    },
    "brewery_complex": {
        "noise_limit_day_dba": 50.0,
        "noise_limit_night_dba": 40.0,
        "noise_source": "Flanders, VLAREM II annex 2.2.1 (environmental quality standards for "
        "noise in the open air), 'areas less than 500 m from areas for craft businesses and "
        "small and medium enterprises': 50 dB(A) by day, 45 in the evening, 40 at night. The "
        "report has no evening period: its day limit is the daytime norm. The zone is chosen "
        "for the invented plot.",
        "trips_threshold_per_day": 500.0,
        "care_home": "Woonzorgcentrum Ter Leie (care home)",
        # a quieter mix: workshops in the working day, the smart factory into the late evening
        "hours": {
            "artisan": (6.0, 0.0),
            "sme": (10.0, 0.0),
            "smart_factory": (16.0, 2.0),
            "shared": (10.0, 0.0),
        },
    },
    "officina_macrolotto": {
        "noise_limit_day_dba": 70.0,
        "noise_limit_night_dba": 60.0,
        "noise_source": "Italy, DPCM 14 November 1997, Table C (absolute immission limits), "
        "class V 'aree prevalentemente industriali' (mainly industrial areas with few "
        "dwellings): 70 dB(A) LAeq by day (06-22), 60 dB(A) at night (22-06). The class is "
        "chosen for the invented plot in the Macrolotto industrial district, not read from "
        "Prato's acoustic zoning plan.",
        "trips_threshold_per_day": 150.0,
        "care_home": "RSA Il Melograno (care home)",
        # a metalworking shed: the welders and the powder coater's curing oven in two day
        # shifts, the laser cutter's unattended sheets into the evening
        "hours": {
            "artisan": (8.0, 0.0),
            "sme": (14.0, 0.0),
            "smart_factory": (16.0, 2.0),
            "shared": (8.0, 0.0),
        },
    },
}
HOURS_SOURCE = (
    "Invented, plausible operating hours for the invented tenants ('shared': the shared "
    "workshops' machines); no survey of the tenants' shifts."
)
TRIPS_SOURCE = (
    "Invented round figure: no threshold of {city} was looked up; municipalities set their own "
    "(often in vehicle trips at the peak hour)."
)


def mark_sensitive_neighbours(name: str, blds: list[dict], centre) -> None:
    """Give the neighbourhood a noise-sensitive building of each kind the report knows.

    A care home always, and a school and a residential block where the random draw gave
    none: the buildings of a not noise-sensitive use nearest the site (``centre``, map XY)
    take these uses, nearest first. Geometry and the random draw are unchanged.
    """
    from site_manager.assumptions import NOISE_SENSITIVE_USES

    order = sorted(range(len(blds)), key=lambda i: blds[i]["geometry"].distance(centre))
    for use in ("care", "school", "residential"):
        if use != "care" and any(x["use"] == use for x in blds):
            continue
        i = next(i for i in order if blds[i]["use"] not in NOISE_SENSITIVE_USES)
        old = blds[i]["use"]
        blds[i]["use"] = use
        blds[i]["name"] = (
            IMPACT[name]["care_home"]
            if use == "care"
            else blds[i]["name"].replace(old.title(), use.title())
        )


def impact_toml(name: str) -> str:
    """The ``[impact]`` table of site.toml."""
    cfg = IMPACT[name]
    return (
        "\n[impact]\n"
        f"noise_limit_day_dba = {cfg['noise_limit_day_dba']}\n"
        f"noise_limit_night_dba = {cfg['noise_limit_night_dba']}\n"
        f"trips_threshold_per_day = {cfg['trips_threshold_per_day']}\n"
        "\n[impact.hours]\n"
        + "".join(f"{kind} = [{day}, {night}]\n" for kind, (day, night) in cfg["hours"].items())
    )


def impact_sources_toml(name: str) -> str:
    """The [sources] lines of the impact settings."""
    cfg = IMPACT[name]
    trips = TRIPS_SOURCE.format(city=SITES[name]["city"])
    return (
        f'noise_limits = "{cfg["noise_source"]}"\ntrips_threshold = "{trips}"\n'
        f'noise_hours = "{HOURS_SOURCE}"\n'
    )


def impact_readme(name: str) -> str:
    """The README's section on the impact report's settings and neighbours."""
    cfg = IMPACT[name]
    hours = ", ".join(f"{k} {d:g} h by day and {n:g} h at night"
                      for k, (d, n) in cfg["hours"].items())  # fmt: skip
    return f"""
## Neighbourhood impact settings

`site.toml`'s `[impact]` table holds the settings `sample load` stores (as
`site-manager site set --noise-limit-day/--noise-limit-night/--trips-threshold` would):

- noise limits at the neighbours: {cfg["noise_limit_day_dba"]:g} dB(A) by day,
  {cfg["noise_limit_night_dba"]:g} dB(A) at night. Source: {cfg["noise_source"]}
- transport-assessment threshold: {cfg["trips_threshold_per_day"]:g} trips a day.
  {TRIPS_SOURCE.format(city=SITES[name]["city"])}
- machines' operating hours by kind of tenant, `[impact.hours]` (as `site-manager site set
  --noise-hours KIND=DAY,NIGHT` would set them; day 06-22, night 22-06):
  {hours}; the other kinds run the defaults of `site_manager.assumptions.NOISE_HOURS`.
  {HOURS_SOURCE}

The neighbourhood holds noise-sensitive buildings of each kind the report knows:
residential and school blocks, and a care home, "{cfg["care_home"]}" (the non-sensitive
building nearest the site, turned into one by `mark_sensitive_neighbours`). Their uses and
names are invented.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--only", choices=make_models.NAMES, action="append")
    args = parser.parse_args(argv)
    for name in args.only or make_models.NAMES:
        make_site(name, args.out)
        print(args.out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
