"""A user of role tenant books and cancels for its own tenant only, and learns no other
tenant's id from a refusal; refused attempts are on the audit trail.

The site is the bookings tests' small workshop: T1 owns the kiln (shared, induction
required), T2 and T3 are members, the press may be booked by anyone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from site_manager import register
from site_manager.errors import SiteManagerError
from site_manager.register import access, rules
from site_manager.register.access import AccessDenied, Principal, Role
from site_manager.register.schema import AuditEntry

DAY = "2027-01-12"
TESS = Principal("tess", Role.TENANT, tenant_id="T2", via="password")


@pytest.fixture
def site(tmp_path: Path, small_model):  # type: ignore[no-untyped-def]
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.set_site_settings(engine, time_zone="Europe/Berlin")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.define_unit(engine, "U2", ["SP-G02"])
    for tid in ("T1", "T2", "T3"):
        register.add_tenant(engine, tid, name=f"Tenant {tid}")
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2028-12-31", rent_eur_per_month=500)  # fmt: skip
    register.sign_lease(engine, unit_id="U2", tenant_id="T2", start="2026-01-01",
                        end="2028-12-31", rent_eur_per_month=400)  # fmt: skip
    register.add_equipment(engine, "KILN", name="Kiln", type="kiln", owner_tenant_id="T1",
                           shared=True, induction_required=True)  # fmt: skip
    register.add_equipment(engine, "SAW", type="saw", owner_tenant_id="T1", shared=False)
    register.add_equipment(engine, "PRESS", type="press", shared=True, booking_access="anyone")
    register.grant_training(engine, tenant_id="T3", equipment_type="kiln", granted_by="T1")
    yield engine
    engine.dispose()


def _refusals(engine) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with register.transaction(engine, readonly=True) as s:
        e = AuditEntry
        rows = s.execute(select(e.actor, e.verb, e.after_json).where(e.action == "refused")
                         .order_by(e.id)).all()  # fmt: skip
    return [(a, v, json.loads(after)["message"]) for a, v, after in rows]


def _live(engine) -> set[str]:  # type: ignore[no-untyped-def]
    """The live bookings, as staff read them (every tenant's list is staff's only)."""
    with access.acting_as(access.Principal("staff", access.Role.LANDLORD)):
        return set(register.list_bookings(engine)["booking_id"])


def _book(engine, tenant: str, start: str, end: str, eq: str = "PRESS") -> str:  # type: ignore[no-untyped-def]
    return register.make_booking(engine, equipment_id=eq, tenant_id=tenant,
                                 start=f"{DAY}T{start}", end=f"{DAY}T{end}")  # fmt: skip


def test_a_tenant_books_and_cancels_for_itself(site) -> None:  # type: ignore[no-untyped-def]
    with access.acting_as(TESS):
        bid = _book(site, "T2", "09:00", "10:00")
        assert _live(site) == {bid}
        register.cancel_booking(site, bid)
    assert _live(site) == set()
    audit = register.get_audit(site)
    made = audit[audit["verb"].isin(["make_booking", "cancel_booking"])]
    assert set(made["actor"]) == {"tess"} and len(made) == 2


def test_a_tenant_cannot_book_for_another_tenant_and_the_attempt_is_audited(site) -> None:  # type: ignore[no-untyped-def]
    before = _refusals(site)
    with access.acting_as(TESS), pytest.raises(AccessDenied, match="for tenant 'T3'"):
        _book(site, "T3", "09:00", "10:00")
    assert _live(site) == set()
    (entry,) = _refusals(site)[len(before) :]
    assert entry[0] == "tess" and entry[1] == "make_booking" and "'T3'" in entry[2]


def test_a_tenant_cannot_cancel_another_tenants_booking_and_the_attempt_is_audited(site) -> None:  # type: ignore[no-untyped-def]
    theirs = _book(site, "T3", "09:00", "10:00")  # booked by the site (the OS user)
    with access.acting_as(TESS), pytest.raises(AccessDenied, match="for tenant 'T3'"):
        register.cancel_booking(site, theirs)
    assert _live(site) == {theirs}  # still live
    (entry,) = _refusals(site)
    assert entry[:2] == ("tess", "cancel_booking")
    # a cancelled booking of another tenant is refused the same way (its state is not told)
    register.cancel_booking(site, theirs)
    with access.acting_as(TESS), pytest.raises(AccessDenied):
        register.cancel_booking(site, theirs)


def test_other_roles_may_not_book_at_all(site) -> None:  # type: ignore[no-untyped-def]
    clerk = Principal("clerk", Role.MUNICIPALITY)
    with access.acting_as(clerk), pytest.raises(AccessDenied, match="may not make booking"):
        _book(site, "T2", "09:00", "10:00")
    assert ("clerk", "make_booking") in [r[:2] for r in _refusals(site)]


def test_a_tenants_overlap_refusal_names_no_other_tenant_but_its_own_booking(site) -> None:  # type: ignore[no-untyped-def]
    theirs = _book(site, "T3", "09:00", "10:00")
    staff = rules.problems_of(_refused(site, "T3", "09:30", "10:30"))[0].message
    assert theirs in staff and "T3" in staff  # staff are told whose booking it is
    with access.acting_as(TESS):
        error = _refused(site, "T2", "09:30", "10:30")
        message = rules.problems_of(error)[0].message
        assert "another tenant's booking" in message
        assert theirs not in str(error) and "T3" not in str(error)
        mine = _book(site, "T2", "11:00", "12:00")
        own = rules.problems_of(_refused(site, "T2", "11:30", "12:30"))[0].message
    assert mine in own  # its own booking is named


def test_a_tenants_training_and_sharing_refusals_name_no_other_tenant(site) -> None:  # type: ignore[no-untyped-def]
    staff = str(_refused(site, "T2", "09:00", "10:00", eq="KILN"))
    assert "tenant T1 (owner)" in staff and "tenant T3 (trained)" in staff
    with access.acting_as(TESS):
        kiln = str(_refused(site, "T2", "09:00", "10:00", eq="KILN"))
        saw = str(_refused(site, "T2", "09:00", "10:00", eq="SAW"))
    assert "induction" in kiln and "ask the site" in kiln
    assert "not shared" in saw
    for text in (kiln, saw):
        assert "T1" not in text and "T3" not in text


def _refused(engine, tenant: str, start: str, end: str, eq: str = "PRESS") -> SiteManagerError:  # type: ignore[no-untyped-def]
    with pytest.raises(SiteManagerError) as info:
        _book(engine, tenant, start, end, eq)
    return info.value
