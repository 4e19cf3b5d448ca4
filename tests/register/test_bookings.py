"""Bookings of shared equipment and trainings: every rule by hand, on both backends.

The site is in Europe/Berlin: CET (+01:00) in winter, CEST (+02:00) from the last Sunday of
March 02:00 (2027-03-28), which is the hour that does not exist.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from site_manager import register
from site_manager.errors import NotFoundError, RegisterError, ValidationError
from site_manager.register import core, rules
from site_manager.register.booking_schema import EquipmentBooking
from site_manager.register.schema import AuditEntry, Equipment, Tenant

DAY = "2027-01-12"  # a Tuesday in winter: +01:00


@pytest.fixture
def site(db_url: str, small_model):
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.set_site_settings(engine, site="small", time_zone="Europe/Berlin")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.define_unit(engine, "U2", ["SP-G02"])
    for tid in ("T1", "T2", "T3", "T4"):
        register.add_tenant(engine, tid, name=f"Tenant {tid}", site="small")
    # T1, T2 and T3 are members in 2027; T4 holds no lease (an outsider)
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2028-12-31", rent_eur_per_month=500)  # fmt: skip
    register.sign_lease(engine, unit_id="U2", tenant_id="T2", start="2026-01-01",
                        end="2027-06-30", rent_eur_per_month=400)  # fmt: skip
    register.sign_lease(engine, unit_id="U2", tenant_id="T3", start="2027-07-01",
                        end="2028-06-30", rent_eur_per_month=400)  # fmt: skip
    register.add_equipment(engine, "KILN", name="Kiln", type="kiln", owner_tenant_id="T1",
                           shared=True, open_from="08:00", open_until="18:00",
                           max_booking_h=4, induction_required=True,
                           price_eur_per_h=12.5)  # fmt: skip
    register.add_equipment(engine, "SAW", type="saw", owner_tenant_id="T1", shared=False)
    register.add_equipment(engine, "PRESS", type="press", shared=True, booking_access="anyone")
    yield engine
    engine.dispose()


def _book(engine, eq: str, tenant: str, start: str, end: str, **kw) -> str:
    kw.setdefault("site", "small")
    return register.make_booking(engine, equipment_id=eq, tenant_id=tenant, start=start,
                                 end=end, **kw)  # fmt: skip


def _refused(engine, eq, tenant, start, end, error=ValidationError) -> rules.Problem:
    with pytest.raises(error) as info:
        _book(engine, eq, tenant, start, end)
    problems = rules.problems_of(info.value)
    assert len(problems) == 1, problems
    assert str(info.value) == problems[0].message
    return problems[0]


def test_a_booking_is_stored_in_utc_and_listed_in_local_time_with_its_offset(site) -> None:
    bid = _book(site, "PRESS", "T4", f"{DAY}T09:00", f"{DAY}T11:30", purpose="test")
    listed = register.list_bookings(site)
    assert list(listed["booking_id"]) == [bid]
    row = listed.iloc[0]
    assert row["start"].isoformat() == f"{DAY}T09:00:00+01:00"
    assert row["end"].isoformat() == f"{DAY}T11:30:00+01:00"
    assert row["hours"] == pytest.approx(2.5)
    assert row["price_eur"] is None  # the press has no price
    with register.transaction(site, readonly=True) as s:
        stored = s.scalars(select(EquipmentBooking)).one()
        # 09:00 in Berlin in January is 08:00 UTC
        assert stored.start_at == dt.datetime(2027, 1, 12, 8, 0, tzinfo=dt.UTC)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.verb == "make_booking")).one()
        assert entry.record == bid and json.loads(entry.after_json)["tenant_id"] == "T4"


def test_the_price_is_the_hours_times_the_price_per_hour(site) -> None:
    register.grant_training(site, tenant_id="T2", equipment_type="kiln", granted_by="T1")
    _book(site, "KILN", "T2", f"{DAY}T10:00", f"{DAY}T11:30")
    assert register.list_bookings(site)["price_eur"].iloc[0] == pytest.approx(1.5 * 12.5)


def test_end_not_after_start_is_refused_on_end(site) -> None:
    p = _refused(site, "PRESS", "T4", f"{DAY}T10:00", f"{DAY}T10:00")
    assert p.field == "end" and "not after start" in p.message
    assert _refused(site, "PRESS", "T4", f"{DAY}T10:00", f"{DAY}T09:00").field == "end"


def test_a_malformed_time_is_refused_by_the_contract(site) -> None:
    p = _refused(site, "PRESS", "T4", "12/01/2027 10:00", f"{DAY}T11:00")
    assert p.field == "start" and "YYYY-MM-DDTHH:MM" in p.message


def test_unknown_equipment_and_tenant_are_refused_each_on_its_field(site) -> None:
    assert _refused(site, "LATHE", "T2", f"{DAY}T10:00", f"{DAY}T11:00",
                    NotFoundError).field == "equipment_id"  # fmt: skip
    assert _refused(site, "PRESS", "T9", f"{DAY}T10:00", f"{DAY}T11:00",
                    NotFoundError).field == "tenant_id"  # fmt: skip


def test_a_machine_not_shared_is_booked_by_its_owner_only(site) -> None:
    p = _refused(site, "SAW", "T2", f"{DAY}T10:00", f"{DAY}T11:00")
    assert p.field == "equipment_id" and "not shared" in p.message and "tenant T1" in p.message
    assert _book(site, "SAW", "T1", f"{DAY}T10:00", f"{DAY}T11:00")


def test_outside_opening_hours_is_refused_and_the_edges_are_inside(site) -> None:
    register.grant_training(site, tenant_id="T2", equipment_type="kiln")
    for start, end in (("07:30", "09:00"), ("17:00", "18:30"), ("20:00", "21:00")):
        p = _refused(site, "KILN", "T2", f"{DAY}T{start}", f"{DAY}T{end}")
        assert p.field == "start" and "08:00 to 18:00" in p.message
    assert _book(site, "KILN", "T2", f"{DAY}T08:00", f"{DAY}T09:00")
    assert _book(site, "KILN", "T2", f"{DAY}T17:00", f"{DAY}T18:00")


def test_longer_than_the_longest_booking_is_refused_and_exactly_it_is_not(site) -> None:
    register.grant_training(site, tenant_id="T2", equipment_type="kiln")
    p = _refused(site, "KILN", "T2", f"{DAY}T09:00", f"{DAY}T13:01")
    assert p.field == "end" and "at most 4 h" in p.message
    assert _book(site, "KILN", "T2", f"{DAY}T09:00", f"{DAY}T13:00")


def test_members_only_refuses_a_tenant_without_a_running_lease(site) -> None:
    register.grant_training(site, tenant_id="T4", equipment_type="kiln")
    p = _refused(site, "KILN", "T4", f"{DAY}T09:00", f"{DAY}T10:00")
    assert p.field == "tenant_id" and "members only" in p.message
    # T3's lease starts on 2027-07-01: not a member before, a member from that day
    register.grant_training(site, tenant_id="T3", equipment_type="kiln")
    assert _refused(site, "KILN", "T3", "2027-06-30T09:00", "2027-06-30T10:00").field == (
        "tenant_id")  # fmt: skip
    assert _book(site, "KILN", "T3", "2027-07-01T09:00", "2027-07-01T10:00")
    # anyone may book the press
    assert _book(site, "PRESS", "T4", f"{DAY}T09:00", f"{DAY}T10:00")


def test_an_overlap_is_refused_naming_the_booking_and_back_to_back_is_allowed(site) -> None:
    first = _book(site, "PRESS", "T2", f"{DAY}T10:00", f"{DAY}T12:00")
    for start, end in (("11:00", "13:00"), ("09:00", "10:01"), ("10:30", "11:00")):
        p = _refused(site, "PRESS", "T3", f"{DAY}T{start}", f"{DAY}T{end}", RegisterError)
        assert p.kind == "conflict" and f"booking {first} (tenant T2)" in p.message
        assert f"from {DAY}T10:00+01:00 to {DAY}T12:00+01:00" in p.message
    assert _book(site, "PRESS", "T3", f"{DAY}T12:00", f"{DAY}T13:00")
    assert _book(site, "PRESS", "T3", f"{DAY}T09:00", f"{DAY}T10:00")
    assert len(register.list_bookings(site)) == 3


def test_a_cancelled_booking_frees_its_time_and_cannot_be_cancelled_twice(site) -> None:
    first = _book(site, "PRESS", "T2", f"{DAY}T10:00", f"{DAY}T12:00")
    register.cancel_booking(site, first, actor="alice")
    again = _book(site, "PRESS", "T3", f"{DAY}T10:00", f"{DAY}T12:00")
    assert list(register.list_bookings(site)["booking_id"]) == [again]
    assert set(register.list_bookings(site, cancelled=True)["booking_id"]) == {first, again}
    with pytest.raises(RegisterError, match="cancelled already"):
        register.cancel_booking(site, first)
    with pytest.raises(NotFoundError, match="B-NONE"):
        register.cancel_booking(site, "B-NONE")
    with register.transaction(site, readonly=True) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.verb == "cancel_booking")).one()
        assert entry.actor == "alice" and json.loads(entry.before_json)["cancelled_at"] is None


def test_the_hour_the_clocks_skip_does_not_exist_and_a_booking_across_it_is_shorter(
    site,
) -> None:
    p = _refused(site, "PRESS", "T2", "2027-03-28T02:30", "2027-03-28T04:00")
    assert p.field == "start" and "does not exist in Europe/Berlin" in p.message
    _book(site, "PRESS", "T2", "2027-03-28T01:00", "2027-03-28T04:00")
    row = register.list_bookings(site).iloc[0]
    # 01:00 CET is 00:00 UTC, 04:00 CEST is 02:00 UTC: two hours, not three
    assert row["hours"] == pytest.approx(2.0)
    assert row["end"].isoformat() == "2027-03-28T04:00:00+02:00"


def test_a_machine_needing_induction_refuses_the_untrained_naming_who_can_induct(site) -> None:
    register.grant_training(site, tenant_id="T3", equipment_type="kiln", granted_by="T1")
    p = _refused(site, "KILN", "T2", f"{DAY}T09:00", f"{DAY}T10:00")
    assert p.field == "tenant_id"
    assert "tenant T2 has no valid training for kiln" in p.message
    assert "tenant T1 (owner), tenant T3 (trained)" in p.message
    register.grant_training(site, tenant_id="T2", equipment_type="kiln", granted_by="T1")
    assert _book(site, "KILN", "T2", f"{DAY}T09:00", f"{DAY}T10:00")
    # the owner needs no training for its own machine, nor keeps to its terms
    assert _book(site, "KILN", "T1", f"{DAY}T19:00", f"{DAY}T23:30")


def test_a_training_holds_through_its_last_day_and_not_after(site) -> None:
    today = dt.date(2027, 1, 1)
    register.grant_training(site, tenant_id="T2", equipment_type="kiln",
                            valid_until="2027-01-12", today=today)  # fmt: skip
    assert _book(site, "KILN", "T2", f"{DAY}T09:00", f"{DAY}T10:00")
    p = _refused(site, "KILN", "T2", "2027-01-13T09:00", "2027-01-13T10:00")
    assert "no valid training for kiln on 2027-01-13" in p.message
    with pytest.raises(ValidationError, match="before today") as info:
        register.grant_training(site, tenant_id="T2", equipment_type="kiln",
                                valid_until="2026-12-31", today=today)  # fmt: skip
    assert rules.problems_of(info.value)[0].field == "valid_until"
    with pytest.raises(NotFoundError):
        register.grant_training(site, tenant_id="T9", equipment_type="kiln")
    listed = register.list_trainings(site)
    assert list(listed["tenant_id"]) == ["T2"] and listed["valid_until"].iloc[0] == dt.date(
        2027, 1, 12)  # fmt: skip


def test_a_training_from_another_site_is_recognised_by_contact_email(site, small_model) -> None:
    register.create_site(site, small_model, site_id="other", name="Other Works")
    register.add_tenant(site, "X7", name="Travelling maker", site="other",
                        contact_email=" Maker@Example.org ")  # fmt: skip
    register.grant_training(site, tenant_id="X7", equipment_type="kiln", site="other")
    p = _refused(site, "KILN", "T2", f"{DAY}T09:00", f"{DAY}T10:00")
    assert "has no contact e-mail" in p.message  # no e-mail: the passport cannot be matched
    register.edit_tenant(site, "T2", site="small", contact_email="maker@example.org")
    assert _book(site, "KILN", "T2", f"{DAY}T09:00", f"{DAY}T10:00")
    # a training of another type at the other site does not count
    register.edit_tenant(site, "T3", site="small", contact_email="maker@example.org")
    register.edit_equipment(site, "KILN", site="small", type="glass_kiln")
    assert "glass_kiln" in _refused(site, "KILN", "T3", "2027-07-05T09:00",
                                    "2027-07-05T10:00").message  # fmt: skip


def test_the_database_itself_refuses_overlapping_live_bookings(site) -> None:
    """Past the rules (straight inserts): only non-cancelled bookings may not overlap."""
    t = dt.datetime(2027, 1, 12, 9, tzinfo=dt.UTC)
    hour = dt.timedelta(hours=1)

    def insert(bid: str, start, end, cancelled=None) -> None:
        with register.transaction(site) as s:
            st = core.get_site(s, "small")
            eq = s.scalars(select(Equipment).where(Equipment.equipment_id == "PRESS")).one()
            tn = s.scalars(select(Tenant).where(Tenant.tenant_id == "T2")).one()
            s.add(EquipmentBooking(site_pk=st.id, booking_id=bid, equipment_pk=eq.id,
                                   tenant_pk=tn.id, start_at=start, end_at=end, purpose="",
                                   created_at=t, created_by="x",
                                   cancelled_at=cancelled))  # fmt: skip

    insert("B-1", t, t + 2 * hour)
    insert("B-2", t + 2 * hour, t + 3 * hour)  # back to back: [start, end) do not overlap
    insert("B-3", t + hour, t + 2 * hour, cancelled=t)  # cancelled: not held
    with pytest.raises(RegisterError, match="overlaps another booking of the same equipment"):
        insert("B-4", t + hour, t + 90 * dt.timedelta(minutes=1))
    with pytest.raises(RegisterError, match="overlaps another booking"):
        insert("B-5", t - hour, t + 10 * hour)  # around both
    with pytest.raises(RegisterError, match="end after its start"):
        insert("B-6", t + 5 * hour, t + 5 * hour)
    # un-cancelling B-3 (an update) is refused too
    with (pytest.raises(RegisterError, match="overlaps another booking"),
          register.transaction(site) as s):  # fmt: skip
        s.scalars(select(EquipmentBooking).where(
            EquipmentBooking.booking_id == "B-3")).one().cancelled_at = None  # fmt: skip
