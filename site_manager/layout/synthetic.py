"""Seeded, realistic layout problems for benchmarks and tests.

Units lie in halls on storeys; each hall is a grid of 2 or 3 rows of units (2–4 neighbours
each, every adjacency inside one hall). Ground floors are high, heavy-duty and have loading
access; upper floors are lower and lighter, some with a goods lift. Applicants come from
eleven trades; about 10 % are noisy, 15 % noise-sensitive and 5 % hazardous.
"""

from __future__ import annotations

import random

from site_manager.layout.problem import Applicant, Parameters, Problem, Unit

#: trade -> (area range [m²], min height [m], min load [kN/m²], power [kW], extraction,
#: access, daylight, rent [EUR/m²·month], provides, needs)
TRADES: dict[
    str,
    tuple[
        tuple[float, float],
        float,
        float,
        float,
        bool,
        bool,
        bool,
        float,
        tuple[str, ...],
        tuple[str, ...],
    ],
] = {
    "joinery": (
        (80, 200),
        3.5,
        5.0,
        25,
        True,
        True,
        False,
        7.5,
        ("cnc_router", "joinery"),
        ("laser_cutter", "upholstery"),
    ),
    "metalwork": (
        (80, 180),
        4.0,
        7.5,
        35,
        True,
        True,
        False,
        7.0,
        ("welding", "metal_bending"),
        ("cnc_router", "powder_coating"),
    ),
    "ceramics": (
        (40, 100),
        3.0,
        3.0,
        20,
        False,
        False,
        True,
        8.5,
        ("kiln",),
        ("3d_print", "glazing"),
    ),
    "textiles": (
        (40, 120),
        2.8,
        2.0,
        8,
        False,
        False,
        True,
        9.0,
        ("upholstery", "sewing"),
        ("laser_cutter", "graphic_design"),
    ),
    "3d_print": (
        (30, 80),
        2.8,
        2.0,
        10,
        False,
        False,
        False,
        11.0,
        ("3d_print",),
        ("cnc_router", "graphic_design"),
    ),
    "electronics": (
        (30, 90),
        2.8,
        2.0,
        8,
        False,
        False,
        False,
        11.5,
        ("electronics", "pcb_assembly"),
        ("3d_print", "laser_cutter"),
    ),
    "studio": (
        (40, 120),
        3.0,
        3.0,
        6,
        False,
        False,
        False,
        10.0,
        ("recording",),
        ("graphic_design",),
    ),
    "design": (
        (25, 70),
        2.6,
        2.0,
        4,
        False,
        False,
        True,
        12.5,
        ("graphic_design",),
        ("3d_print", "laser_cutter"),
    ),
    "food": ((60, 160), 3.0, 5.0, 30, True, True, False, 9.5, ("catering",), ("packaging",)),
    "finishing": (
        (60, 140),
        3.5,
        5.0,
        25,
        True,
        True,
        False,
        8.0,
        ("powder_coating", "glazing"),
        ("welding",),
    ),
    "bikes": (
        (40, 110),
        3.0,
        3.0,
        8,
        False,
        True,
        False,
        8.5,
        ("laser_cutter", "packaging"),
        ("welding", "3d_print"),
    ),
}

SYNERGY = {
    "cnc_router": 120, "joinery": 60, "laser_cutter": 100, "upholstery": 60, "welding": 120,
    "metal_bending": 60, "powder_coating": 80, "kiln": 80, "3d_print": 90, "glazing": 60,
    "sewing": 50, "graphic_design": 50, "electronics": 60, "pcb_assembly": 60, "recording": 40,
    "catering": 40, "packaging": 50,
}  # fmt: skip


def random_problem(n_units: int, n_applicants: int, *, seed: int = 0) -> Problem:
    """A seeded problem of about ``n_units`` units in halls and ``n_applicants`` applicants.

    Parameters
    ----------
    n_units, n_applicants : int
        Sizes.
    seed : int
        Random seed: the same seed gives the same problem.
    """
    rng = random.Random(seed)
    units: list[Unit] = []
    adjacency: list[tuple[str, str]] = []
    n_storeys = max(1, round(n_units / 125))
    storey = 0
    hall_no = 0
    while len(units) < n_units:
        rows = rng.choice((2, 3))
        cols = rng.randint(4, 10)
        cells = min(rows * cols, n_units - len(units))
        hall_no += 1
        hall = f"H{hall_no}"
        ground = storey == 0
        grid: dict[tuple[int, int], str] = {}
        for k in range(cells):
            r, c = divmod(k, cols)
            uid = f"U{len(units) + 1}"
            grid[(r, c)] = uid
            units.append(
                Unit(
                    id=uid,
                    storey=f"L{storey}",
                    hall=hall,
                    area=round(rng.lognormvariate(4.3 if ground else 4.0, 0.55), 1),
                    height=round(rng.uniform(4.0, 6.5) if ground else rng.uniform(2.7, 4.0), 2),
                    load=rng.choice((10.0, 15.0, 20.0)) if ground else rng.choice((3.0, 5.0, 7.5)),
                    power=float(rng.choice((10, 20, 30, 40, 60))),
                    extraction=rng.random() < (0.5 if ground else 0.2),
                    access=rng.random() < (0.8 if ground else 0.25),
                    daylight=rng.random() < (0.4 if ground else 0.7),
                )
            )
            if c > 0 and (r, c - 1) in grid:
                adjacency.append((grid[(r, c - 1)], uid))
            if r > 0 and (r - 1, c) in grid:
                adjacency.append((grid[(r - 1, c)], uid))
        storey = (storey + 1) % n_storeys
    trades = list(TRADES)
    applicants = []
    for i in range(n_applicants):
        trade = rng.choice(trades)
        (lo, hi), h, load, power, ext, acc, day, rent, prov, needs = TRADES[trade]
        area_min = float(round(rng.uniform(lo, 0.75 * hi)))
        area_max = float(round(area_min * rng.uniform(1.3, 1.8)))
        roll = rng.random()
        noisy = roll < 0.10
        sensitive = 0.10 <= roll < 0.25
        applicants.append(
            Applicant(
                id=f"A{i + 1}",
                kind=trade,
                area_min=area_min,
                area_max=area_max,
                min_height=h,
                min_load=load,
                power=float(round(power * rng.uniform(0.6, 1.5))),
                extraction=ext and rng.random() < 0.8,
                access=acc and rng.random() < 0.8,
                daylight=day and rng.random() < 0.6,
                noise_db=float(rng.randint(85, 98)) if noisy else float(rng.randint(50, 80)),
                noise_sensitive=sensitive,
                hazard=rng.choice((1, 2)) if rng.random() < 0.05 else 0,
                rent_per_m2=round(rent * rng.uniform(0.8, 1.3), 2),
                provides=prov,
                needs=tuple(t for t in needs if rng.random() < 0.7),
            )
        )
    params = Parameters(
        allow_pairs=True, noisy_db=85.0, w_fit=2.0, pair_fit_penalty=20.0, synergy=dict(SYNERGY)
    )
    return Problem(
        units=tuple(units),
        adjacency=tuple(adjacency),
        applicants=tuple(applicants),
        parameters=params,
    )
