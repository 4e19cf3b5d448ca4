"""Routing jobs through hand-made networks, each expected chain worked out by hand.

Times: sites in UTC unless said; machines open 08:00-18:00 where given; people work
08:00-18:00 (``DEFAULT_WORKING_HOURS``). Costs: hours × price + transport km × EUR/km.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from site_manager import network, register
from site_manager.assumptions import (
    DEFAULT_EUR_PER_HOUR,
    DEFAULT_TRANSPORT_KM_PER_H,
    DEFAULT_WORKING_HOURS,
)
from site_manager.errors import ValidationError

from .conftest import KM_PER_DEG, MONDAY

TUESDAY, WEDNESDAY = "2027-03-02", "2027-03-03"
#: Design, then weld.
STEPS_DW = [{"id": "design", "needs": "design", "hours": 2},
            {"id": "weld", "needs": "welder", "hours": 3}]  # fmt: skip


def _job(steps, *, end=f"{WEDNESDAY}T18:00", origin="A", max_km=500.0, per_km=0.0, **kw):
    return network.parse_job({"steps": steps, "window": {"start": f"{MONDAY}T08:00", "end": end},
                              "origin_site": origin, "max_distance_km": max_km,
                              "transport_eur_per_km": per_km, **kw})  # fmt: skip


def _route(engine, job, **kw):
    return network.route(network.read_network(engine), job, **kw)


def _plan(chain):
    """(step, tenant, site, equipment, start, end) of each step, times as local ISO text."""
    return [(s.step, s.tenant_id, s.site_id, s.equipment_id,
             s.start.isoformat(timespec="minutes"), s.end.isoformat(timespec="minutes"))
            for s in chain.steps]  # fmt: skip


def _machine(engine, site, eid, kind, owner=None, **kw):
    kw.setdefault("open_from", "08:00")
    kw.setdefault("open_until", "18:00")
    register.add_equipment(engine, eid, site=site, type=kind, owner_tenant_id=owner, **kw)


def test_the_known_best_chain_within_a_site_and_the_runner_up(engine, add_site) -> None:
    add_site("A", 0.0, ["T1", "T2", "T3"])
    _machine(engine, "A", "CNC1", "cnc_router", "T1", price_eur_per_h=30)
    _machine(engine, "A", "CNC2", "cnc_router", "T2", price_eur_per_h=20)
    register.add_skill(engine, "T3", "design", site="A")
    job = _job([{"id": "design", "needs": "design", "hours": 2},
                {"id": "cut", "needs": "cnc_router", "hours": 3}],
               eur_per_hour={"design": 50})  # fmt: skip
    result = _route(engine, job)
    assert result.exact and result.unroutable == []
    assert len(result.chains) == 2  # one per router: the design has a single holder
    best, second = result.chains
    # design 08-10 by T3 (2 h × 50), then the cheaper router 10-13 (3 h × 20)
    assert _plan(best) == [
        ("design", "T3", "A", None, f"{MONDAY}T08:00+00:00", f"{MONDAY}T10:00+00:00"),
        ("cut", "T2", "A", "CNC2", f"{MONDAY}T10:00+00:00", f"{MONDAY}T13:00+00:00"),
    ]
    assert best.cost_eur == pytest.approx(2 * 50 + 3 * 20)
    assert second.cost_eur == pytest.approx(2 * 50 + 3 * 30)
    assert _plan(second)[1][1:4] == ("T1", "A", "CNC1")
    assert best.finish.isoformat(timespec="minutes") == f"{MONDAY}T13:00+00:00"


def test_the_only_chain_crosses_sites_and_pays_the_hop(engine, add_site) -> None:
    add_site("A", 0.0, ["TA"])
    add_site("B", 1.0, ["TB"])
    add_site("C", 10.0, ["TC"])
    register.add_skill(engine, "TA", "design", site="A")
    _machine(engine, "B", "W1", "welder", "TB", price_eur_per_h=25)
    _machine(engine, "C", "W2", "welder", "TC", price_eur_per_h=5)  # cheaper, 1,112 km away
    job = _job(STEPS_DW, max_km=200.0, per_km=2.0, transport_km_per_h=KM_PER_DEG)  # 1°/h
    result = _route(engine, job)
    assert [_plan(c) for c in result.chains] == [
        [
            ("design", "TA", "A", None, f"{MONDAY}T08:00+00:00", f"{MONDAY}T10:00+00:00"),
            # the weld waits an hour for the design's goods to travel one degree
            ("weld", "TB", "B", "W1", f"{MONDAY}T11:00+00:00", f"{MONDAY}T14:00+00:00"),
        ]
    ]
    chain = result.chains[0]
    assert chain.distance_km == pytest.approx(KM_PER_DEG, rel=1e-9)
    assert chain.steps[1].hop_km == pytest.approx(KM_PER_DEG, rel=1e-9)
    # the design has no price: the default rate; the weld the machine's
    assert chain.cost_eur == pytest.approx(2 * DEFAULT_EUR_PER_HOUR + 3 * 25 + 2.0 * KM_PER_DEG)
    assert chain.transport_eur == pytest.approx(2.0 * KM_PER_DEG)
    assert [a.topic for a in result.assumptions] == ["price", "working_hours"]
    # at the default speed the goods take 111.19 km / 50 km/h = 2 h 13 min, said so
    default = _route(engine, _job(STEPS_DW, max_km=200.0, per_km=2.0))
    weld = default.chains[0].steps[1]
    travel = dt.timedelta(hours=KM_PER_DEG / DEFAULT_TRANSPORT_KM_PER_H)
    expected = dt.datetime.fromisoformat(f"{MONDAY}T10:00+00:00") + travel  # 12:13:26
    assert abs(weld.start - expected) < dt.timedelta(minutes=1)  # times are to the minute
    assert "transport_speed" in [a.topic for a in default.assumptions]
    # with the limit lifted, the far cheap welder wins: 3 × 5 + 2 × 10° of hop; 10° at 1°/h
    # is 10 hours: the goods arrive at 20:00, after the welder closes, so it welds Tuesday
    far = _route(engine, _job(STEPS_DW, max_km=2000.0, per_km=0.001,
                              transport_km_per_h=KM_PER_DEG))  # fmt: skip
    assert far.chains[0].steps[1].site_id == "C"
    assert _plan(far.chains[0])[1][4:] == (f"{TUESDAY}T08:00+00:00", f"{TUESDAY}T11:00+00:00")
    assert far.chains[0].cost_eur == pytest.approx(2 * DEFAULT_EUR_PER_HOUR + 15
                                                   + 0.001 * 10 * KM_PER_DEG)  # fmt: skip


def test_a_hop_beyond_the_longest_allowed_makes_the_step_unroutable(engine, add_site) -> None:
    add_site("A", 0.0, ["TA"])
    add_site("B", 1.0, ["TB"])
    register.add_skill(engine, "TA", "design", site="A")
    _machine(engine, "B", "W1", "welder", "TB")
    job = _job(STEPS_DW, max_km=100.0)
    result = _route(engine, job)
    assert result.chains == []
    [row] = result.unroutable
    assert row["step"] == "weld"
    assert "beyond max_distance_km 100 km" in row["reason"]
    assert f"nearest at {KM_PER_DEG:.0f} km" in row["reason"]  # 111 km
    # 112 km is enough
    assert len(_route(engine, _job(STEPS_DW, max_km=112.0)).chains) == 1


def test_the_origin_counts_as_the_first_hop(engine, add_site) -> None:
    add_site("A", 0.0, ["TA"])
    add_site("B", 2.0, ["TB"])
    _machine(engine, "B", "W1", "welder", "TB")
    job = _job([{"id": "weld", "needs": "welder", "hours": 1}], max_km=3 * KM_PER_DEG,
               per_km=1.0)  # fmt: skip
    chain = _route(engine, job).chains[0]
    assert chain.steps[0].hop_km == pytest.approx(2 * KM_PER_DEG)
    assert chain.cost_eur == pytest.approx(DEFAULT_EUR_PER_HOUR + 2 * KM_PER_DEG)


def test_full_capacity_moves_the_step_to_a_later_day_of_the_window(engine, add_site) -> None:
    add_site("A", 0.0, ["T1", "T2"])
    _machine(engine, "A", "KILN", "kiln", None, shared=True, booking_access="anyone",
             price_eur_per_h=10)  # fmt: skip
    booked = register.make_booking(engine, equipment_id="KILN", tenant_id="T2", site="A",
                                   start=f"{MONDAY}T08:00", end=f"{MONDAY}T18:00")  # fmt: skip
    job = _job([{"id": "fire", "needs": "kiln", "hours": 4}])
    [chain] = _route(engine, job).chains
    # Monday is booked whole: Tuesday at opening; the doer is the first tenant who may book
    assert _plan(chain) == [("fire", "T1", "A", "KILN", f"{TUESDAY}T08:00+00:00",
                             f"{TUESDAY}T12:00+00:00")]  # fmt: skip
    # a window of Monday only has no room: unroutable, saying so
    result = _route(engine, _job([{"id": "fire", "needs": "kiln", "hours": 4}],
                                 end=f"{MONDAY}T18:00"))  # fmt: skip
    assert result.chains == []
    assert result.unroutable[0]["step"] == "fire"
    assert "no 4 h free before the window's end" in result.unroutable[0]["reason"]
    # a cancelled booking frees the time again
    register.cancel_booking(engine, booked, site="A")
    assert _plan(_route(engine, job).chains[0])[0][4] == f"{MONDAY}T08:00+00:00"


def test_a_step_fills_the_free_time_left_and_continues_the_next_day(engine, add_site) -> None:
    add_site("A", 0.0, ["T1", "T2"])
    _machine(engine, "A", "KILN", "kiln", "T1")
    register.make_booking(engine, equipment_id="KILN", tenant_id="T1", site="A",
                          start=f"{MONDAY}T08:00", end=f"{MONDAY}T16:00")  # fmt: skip
    [chain] = _route(engine, _job([{"id": "fire", "needs": "kiln", "hours": 4}])).chains
    step = chain.steps[0]
    # 2 h on Monday 16-18, the other 2 h on Tuesday 08-10
    assert [(a.hour, b.hour, a.day) for a, b in step.pieces] == [(16, 18, 1), (8, 10, 2)]
    assert step.end.isoformat(timespec="minutes") == f"{TUESDAY}T10:00+00:00"


def test_two_steps_of_one_chain_do_not_overlap_on_its_only_machine(engine, add_site) -> None:
    add_site("A", 0.0, ["T1"])
    _machine(engine, "A", "CNC", "cnc_router", "T1", price_eur_per_h=20)
    job = _job(
        [
            {"id": "a", "needs": "cnc_router", "hours": 3, "after": []},
            {"id": "b", "needs": "cnc_router", "hours": 2, "after": []},
        ]
    )
    [chain] = _route(engine, job).chains
    (_, _, _, _, a0, a1), (_, _, _, _, b0, b1) = _plan(chain)
    assert (a0, a1, b0, b1) == (f"{MONDAY}T08:00+00:00", f"{MONDAY}T11:00+00:00",
                                f"{MONDAY}T11:00+00:00", f"{MONDAY}T13:00+00:00")  # fmt: skip
    assert chain.cost_eur == pytest.approx(5 * 20)


def test_local_times_of_each_site_and_the_window_in_the_origins_zone(engine, add_site) -> None:
    add_site("A", 0.0, ["TA"], zone="Europe/Lisbon")  # UTC+00:00 in March before the 28th
    add_site("B", 1.0, ["TB"], zone="Europe/Berlin")  # UTC+01:00
    _machine(engine, "B", "W1", "welder", "TB")  # opens 08:00 Berlin = 07:00 UTC
    job = _job([{"id": "weld", "needs": "welder", "hours": 2}], transport_km_per_h=KM_PER_DEG)
    step = _route(engine, job).chains[0].steps[0]
    # the window opens 08:00 Lisbon = 09:00 Berlin, after the welder's opening; the goods
    # travel from the origin A one degree in one hour
    assert step.start.isoformat(timespec="minutes") == f"{MONDAY}T10:00+01:00"
    assert step.end.isoformat(timespec="minutes") == f"{MONDAY}T12:00+01:00"


def test_unroutable_steps_name_the_reason(engine, add_site) -> None:
    add_site("A", 0.0, ["T1", "T2"])
    _machine(engine, "A", "SAW", "table_saw", None, shared=False)
    job = _job(
        [
            {"id": "anodise", "needs": "anodising", "hours": 1},
            {"id": "saw", "needs": "table_saw", "hours": 1},
        ]
    )
    result = _route(engine, job)
    assert result.chains == []
    reasons = {r["step"]: r["reason"] for r in result.unroutable}
    assert reasons["anodise"] == ("no tenant in the network owns a machine of type 'anodising' "
                                  "or has the skill 'anodising'")  # fmt: skip
    assert "not shared and owned by no tenant: A/SAW" in reasons["saw"]


def test_induction_and_the_training_passport_decide_who_may_use_a_machine(engine, add_site) -> None:
    add_site("A", 0.0, ["T1"], emails={"T1": "ana@example.org"})
    add_site("B", 1.0, ["X1"], emails={"X1": " Ana@Example.org "})
    _machine(engine, "A", "KILN", "kiln", None, shared=True, induction_required=True)
    job = _job([{"id": "fire", "needs": "kiln", "hours": 2}])
    [row] = _route(engine, job).unroutable
    assert "induction required (no valid training for kiln" in row["reason"]
    assert "A/KILN" in row["reason"]
    # granted at site B to the same person (same e-mail): recognised at A
    register.grant_training(engine, tenant_id="X1", equipment_type="kiln", site="B")
    [chain] = _route(engine, job).chains
    assert _plan(chain)[0][1:4] == ("T1", "A", "KILN")


def test_members_only_machines_need_a_lease_through_the_window(engine, add_site) -> None:
    add_site("A", 0.0, ["T1"])
    register.add_tenant(engine, "OUT", name="Outsider", site="A")  # no lease
    _machine(engine, "A", "PRESS", "press", None, shared=True)
    register.end_lease(engine, register.list_leases(engine, "A")["lease_id"].iloc[0],
                       on=TUESDAY, site="A")  # fmt: skip
    result = _route(engine, _job([{"id": "press", "needs": "press", "hours": 1}]))
    assert result.chains == []
    assert "members only" in result.unroutable[0]["reason"]
    # a window within the lease is fine
    ok = _route(engine, _job([{"id": "press", "needs": "press", "hours": 1}],
                             end=f"{TUESDAY}T18:00"))  # fmt: skip
    assert _plan(ok.chains[0])[0][1] == "T1"


def test_a_narrow_beam_says_it_is_not_exact_and_is_no_better(engine, add_site) -> None:
    add_site("A", 0.0, ["T1", "T2", "T3"])
    for i, price in enumerate((30, 10, 20)):
        _machine(engine, "A", f"M{i}", "mill", f"T{i + 1}", price_eur_per_h=price)
        _machine(engine, "A", f"L{i}", "lathe", f"T{i + 1}", price_eur_per_h=price)
    job = _job(
        [{"id": "mill", "needs": "mill", "hours": 2}, {"id": "turn", "needs": "lathe", "hours": 1}]
    )
    wide = _route(engine, job, top=1, width=64)
    narrow = _route(engine, job, top=1, width=1)
    assert wide.exact and not narrow.exact
    assert wide.chains[0].cost_eur == pytest.approx(2 * 10 + 1 * 10)
    assert narrow.chains[0].cost_eur >= wide.chains[0].cost_eur - 1e-9


def test_the_default_working_hours_bound_a_skill_step(engine, add_site) -> None:
    add_site("A", 0.0, ["T1"])
    register.add_skill(engine, "T1", "Assembly", site="A")  # compared without case
    [chain] = _route(engine, _job([{"id": "a", "needs": "assembly", "hours": 12}])).chains
    opens, closes = DEFAULT_WORKING_HOURS
    day_h = closes.hour - opens.hour
    step = chain.steps[0]
    assert step.pieces[0][1].hour == closes.hour
    assert step.end.hour == opens.hour + (12 - day_h) and step.end.day == 2


@pytest.mark.parametrize(("change", "words"), [
    ({"window": {"start": "2027-03-02T08:00", "end": "2027-03-01T08:00"}}, "not after"),
    ({"steps": [{"id": "a", "needs": "x", "hours": 1, "after": ["b"]},
                {"id": "b", "needs": "x", "hours": 1, "after": ["a"]}]}, "cycle"),
    ({"steps": [{"id": "a", "needs": "x", "hours": 1, "after": ["zz"]}]}, "'zz'"),
    ({"steps": [{"id": "a", "needs": "x", "hours": 0}]}, "hours"),
    ({"max_distance_km": -1}, "max_distance_km"),
    ({"window": {"start": "2027-03-01T08:00+01:00", "end": "2027-03-02T08:00"}}, "offset"),
])  # fmt: skip
def test_a_bad_job_file_is_refused_with_the_reason(change, words) -> None:
    job = {"steps": [{"id": "a", "needs": "x", "hours": 1}], "origin_site": "A",
           "window": {"start": "2027-03-01T08:00", "end": "2027-03-02T08:00"},
           "max_distance_km": 10, **change}  # fmt: skip
    with pytest.raises(ValidationError, match="job file") as info:
        network.parse_job(job)
    assert words in str(info.value)


def test_an_unknown_origin_site_is_refused(engine, add_site) -> None:
    add_site("A", 0.0, [])
    with pytest.raises(ValidationError, match="origin_site 'Z'"):
        _route(engine, _job([{"id": "a", "needs": "x", "hours": 1}], origin="Z"))


def test_haversine_against_a_quarter_meridian_and_the_equator() -> None:
    r = network.EARTH_RADIUS_KM
    assert network.haversine_km(0, 0, 90, 0) == pytest.approx(r * math.pi / 2, rel=1e-12)
    assert network.haversine_km(0, 0, 0, 1) == pytest.approx(KM_PER_DEG, rel=1e-12)
    # Paris (48.8566, 2.3522) - Berlin (52.52, 13.405): 878 km by the spherical law of cosines
    p1, l1, p2, l2 = map(math.radians, (48.8566, 2.3522, 52.52, 13.405))
    cosines = r * math.acos(math.sin(p1) * math.sin(p2)
                            + math.cos(p1) * math.cos(p2) * math.cos(l2 - l1))  # fmt: skip
    got = network.haversine_km(48.8566, 2.3522, 52.52, 13.405)
    assert got == pytest.approx(cosines, rel=1e-9)
