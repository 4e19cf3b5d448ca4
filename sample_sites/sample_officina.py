"""The tenants, leases, machines and skills of the small sample ``officina_macrolotto``.

The three large samples draw their tenants at random (``make_sample_sites.py``); this one is
written out by hand, so that the network's sample job is worth routing: its six units hold a
welder, a powder coater, a sheet-metal laser cutter, a designer and a metal sculptor, whose
machines and skills the textile mill 2.8 km away lacks (a fibre laser for sheet steel, a
powder-coating booth), while upholstery is the mill's alone. The unit ``0.04`` is vacant: its
last tenant left in September 2026 and a frame builder moves in in February 2027.

The applicants (:data:`APPLICANTS`) are written by hand too, for the Layout lab: six ask
for the one vacant unit ``0.04`` (56.88 m², no extraction, a loading door, between the laser
cutter's hazardous ``0.03`` and the designer's ``0.05``), and each is left out, or let, for a
different reason: a graphic designer bids the most per m² but the community keeps desk work
to one unit in five (``community_rules.toml``, written by hand); a prototyper bids more per
m² than a cargo-bike builder but does not need the loading door, so the bike builder's let is
worth more (the optimum) while "highest rent first" gives the unit to the prototyper (the
greedy layout); a welder needs extraction, a sign maker a taller hall, and a sculptor's
grinding is a hazard beside the laser cutter's.
Everything here is invented (names, people, e-mails under ``example.org``, the fictional
555 block of phone numbers).
"""

# ruff: noqa: E501  (a data script, as make_sample_sites.py)

from __future__ import annotations

import datetime as dt

NAME = "officina_macrolotto"

#: tenant_id, name, kind, stage, sector, headcount, contact, joined, machines it owns
#: (type, shared terms or "" = not shared), skills (skill, level)
TENANTS = [
    ("T001", "Ferro Nesti", "artisan", "established", "metalwork", 3, "Luca Nesti", "2015-04-01",
     [("tig_welder", "")], [("welding", "expert"), ("TIG welding", "expert"), ("sheet metal", "skilled")]),
    ("T002", "Polveri Bisenzio", "sme", "growing", "powder coating", 6, "Sara Bellandi", "2021-09-01",
     [("powder_coating_booth", "by arrangement, EUR 20/h"), ("curing_oven", "")],
     [("powder coating", "expert"), ("sandblasting", "skilled")]),
    ("T003", "Lamiera Lab", "smart_factory", "growing", "prototyping", 4, "Davide Cecchi", "2022-11-01",
     [("fiber_laser_cutter", "to members trained by the owner")],
     [("laser cutting", "expert"), ("CNC programming", "expert"), ("CAD", "skilled")]),
    ("T004", "Irene Pieri Design", "freelancer", "starting", "industrial design", 1, "Irene Pieri",
     "2026-03-01", [], [("CAD", "expert"), ("product design", "expert")]),
    ("T005", "Lin Zhou", "artist", "starting", "sculpture", 1, "Lin Zhou", "2026-05-01",
     [("angle_grinder", "")], [("metal sculpture", "skilled"), ("welding", "basic")]),
    ("T006", "Telai Gori", "solopreneur", "established", "bicycles", 1, "Tommaso Gori", "2019-06-01",
     [("frame_jig", "")], [("TIG welding", "expert"), ("bike repair", "expert")]),
    ("T007", "Carpenteria Vannucci", "sme", "established", "metalwork", 8, "Marco Vannucci", "2012-01-01",
     [], [("welding", "expert")]),
]  # fmt: skip

#: unit (space name), tenant, start, end (last day), rent factor (the large samples' rule:
#: 1.0 for a current lease, 0.92 for one that has ended)
LEASES = [
    ("0.01", "T001", "2022-03-01", "2027-02-28", 1.0),  # expires within the year
    ("0.02", "T002", "2024-06-01", "2029-05-31", 1.0),
    ("0.03", "T003", "2025-01-01", "2027-06-30", 1.0),  # expires within the year
    ("0.04", "T007", "2023-10-01", "2026-09-30", 0.92),  # left: the unit is vacant
    ("0.04", "T006", "2027-02-01", "2030-01-31", 1.0),  # signed, starts later
    ("0.05", "T004", "2026-03-01", "2029-02-28", 1.0),
    ("0.06", "T005", "2026-05-01", "2029-04-30", 1.0),
]
#: applicants.csv rows (columns of ``docs/layout.md``): id, kind, area_min, area_max [m²],
#: min_height [m], min_load [kN/m²], power [kW], extraction, access, daylight, noise_db
#: [dB(A)], noise_sensitive, hazard, rent_per_m2 [EUR/m² a month], provides, needs
APPLICANTS = [
    ["A01", "freelancer", 30, 60, 2.5, 2.5, 2.0, "no", "no", "yes", 45, "yes", 0, 7.4, "", "fiber_laser_cutter;vinyl_cutter"],  # graphic designer
    ["A02", "solopreneur", 55, 75, 3.0, 5.0, 6.0, "no", "yes", "yes", 78, "no", 0, 7.0, "bike_repair", "tig_welder;powder_coating_booth"],  # cargo-bike builder
    ["A03", "smart_factory", 25, 120, 3.0, 3.0, 8.0, "no", "no", "no", 55, "no", 0, 7.1, "3d_printer", "fiber_laser_cutter;cad"],  # 3D-printing farm
    ["A04", "artisan", 50, 90, 5.0, 7.5, 12.0, "yes", "yes", "yes", 90, "no", 2, 6.8, "welding_set", "powder_coating_booth;press_brake"],  # gate and railing welder
    ["A05", "sme", 60, 140, 6.0, 5.0, 10.0, "yes", "yes", "yes", 86, "no", 1, 6.9, "cnc_router;vinyl_cutter", "fiber_laser_cutter"],  # sign maker with a tall gantry
    ["A06", "artist", 40, 60, 3.0, 2.5, 4.0, "no", "no", "yes", 95, "no", 1, 6.2, "angle_grinder", "tig_welder;fiber_laser_cutter"],  # metal sculptor
]  # fmt: skip
PHONES = ["317", "842", "265", "590", "731", "408", "154"]


def tenants() -> list[dict]:
    """The tenants as ``make_sample_sites.make_site`` keeps them."""
    out = []
    for tid, name, kind, stage, sector, head, contact, joined, machines, skills in TENANTS:
        slug = "".join(c for c in name.lower() if c.isalnum())[:18]
        out.append({
            "tenant_id": tid, "name": name, "kind": kind, "stage": stage, "sector": sector,
            "headcount": head, "contact_name": contact,
            "contact_email": f"{contact.split()[0].lower()}@{slug}.example.org",
            "contact_phone": f"+39 0574 555 {PHONES[int(tid[1:]) - 1]}",
            "joined": dt.date.fromisoformat(joined), "own": machines,
            "machines": [m for m, _ in machines], "skills": skills,
        })  # fmt: skip
    return out


def leases(units: list[dict], people: list[dict]) -> tuple[list[list], dict[str, dict]]:
    """The leases (``[unit, tenant, start, end, factor]``) and each let unit's current tenant."""
    unit = {u["spaces"][0].name: u for u in units}
    who = {t["tenant_id"]: t for t in people}
    rows, current = [], {}
    for space, tid, start, end, factor in LEASES:
        u = unit[space]
        rows.append([u, who[tid], dt.date.fromisoformat(start), dt.date.fromisoformat(end), factor])
        if factor == 1.0 and start <= "2026-11-27":
            current[u["unit_id"]] = who[tid]
    return rows, current


def own_equipment(people: list[dict], current: dict[str, dict], units: list[dict]) -> list[tuple]:
    """The tenants' own machines in their units: (type, owner, space, shared, terms)."""
    unit_of = {t["tenant_id"]: uid for uid, t in current.items()}
    by_id = {u["unit_id"]: u for u in units}
    out = []
    for t in people:
        if t["tenant_id"] not in unit_of:
            continue
        space = by_id[unit_of[t["tenant_id"]]]["spaces"][0]
        for mtype, terms in t["own"]:
            out.append((mtype, t["tenant_id"], space, "yes" if terms else "no", terms))
    return out


def skills(people: list[dict]) -> list[list[str]]:
    """skills.csv rows: tenant_id, skill, level."""
    return [[t["tenant_id"], s, level] for t in people for s, level in t["skills"]]


def applicants() -> list[list]:
    """applicants.csv rows (see :data:`APPLICANTS`)."""
    return [list(row) for row in APPLICANTS]
