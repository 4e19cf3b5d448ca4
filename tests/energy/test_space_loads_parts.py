"""Energy per space names every unit (and tenant) that takes part of a shared hall.

On the engineering works sample, crane bay W.K1 (in no unit) is the rectangle x 0.4–40,
y 30–39.6 m: a unit of x 0.4–10 takes 9.6 × 9.6 = 92.16 m² of it, a unit of x 10–40 takes
30 × 9.6 = 288 m², so the second is the larger part and is named first.
"""

from __future__ import annotations

import datetime as dt

import pytest

from site_manager import register

WEST = "POLYGON ((0.4 30, 10 30, 10 39.6, 0.4 39.6, 0.4 30))"
EAST = "POLYGON ((10 30, 40 30, 40 39.6, 10 39.6, 10 30))"
ON = dt.date(2027, 6, 1)


@pytest.fixture(scope="module")
def loads() -> tuple:
    from site_manager.energy.site import space_loads

    engine = register.open_register("sqlite://")
    register.load_sample(engine, "engineering_works")
    frames = register.frames(engine)
    spaces = frames.spaces.set_index("name")
    k1 = str(spaces.at["W.K1", "global_id"])
    register.define_unit(engine, "K1-W", [], parts={k1: WEST}, name="K1 west bay")
    register.define_unit(engine, "K1-E", [], parts={k1: EAST}, name="K1 east bays")
    t_west, t_east = frames.tenants["tenant_id"].iloc[0], frames.tenants["tenant_id"].iloc[1]
    for unit, tenant in (("K1-W", t_west), ("K1-E", t_east)):
        register.sign_lease(engine, unit_id=unit, tenant_id=tenant, start="2027-01-01",
                            end="2027-12-31", rent_eur_per_month=500)  # fmt: skip
    frames = register.frames(engine)
    engine.dispose()
    return space_loads(frames, on=ON).set_index("space_name"), t_west, t_east, frames


def test_a_hall_shared_by_part_units_lists_them_largest_part_first(loads: tuple) -> None:
    rows, t_west, t_east, frames = loads
    assert rows.at["W.K1", "unit_id"] == "K1-E;K1-W"
    assert rows.at["W.K1", "tenant_id"] == f"{t_east};{t_west}"


def test_a_part_unit_let_alone_names_only_its_tenant_and_whole_units_are_as_before(
    loads: tuple,
) -> None:
    from site_manager.energy.site import space_loads

    rows, t_west, t_east, frames = loads
    before = space_loads(frames, on=dt.date(2026, 6, 1)).set_index("space_name")
    assert before.at["W.K1", "unit_id"] == "K1-E;K1-W"
    assert before.at["W.K1", "tenant_id"] == ""  # the two leases start in 2027
    # a space one unit takes whole: that unit, and its tenant on the day (by the lease list)
    leases = frames.leases
    on_day = leases[(leases["unit_id"] == "EW-W.K2") & (leases["start"] <= ON)
                    & (leases["end"] >= ON)]  # fmt: skip
    assert len(on_day) == 1  # T007 from 2027-02-01 in the sample
    assert rows.at["W.K2", "unit_id"] == "EW-W.K2"
    assert rows.at["W.K2", "tenant_id"] == ";".join(on_day["tenant_id"])
