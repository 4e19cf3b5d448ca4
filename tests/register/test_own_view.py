"""A tenant's own view on the textile mill sample: its own records, nobody else's.

What the view must hold is read here from the register's full frames (the staff path) and
the per-tenant energy split computed on the whole site; what it must not hold (the other
tenants' names, contacts, ids, lease ids and rents) is searched for in every cell of it.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import select

from site_manager import register
from site_manager.energy.tenant_reports import tenant_statement
from site_manager.energy.tenants import split_energy
from site_manager.errors import ValidationError
from site_manager.register import access
from site_manager.register.access import AccessDenied, Principal, Role
from site_manager.register.own import (
    BOOKED,
    OTHER,
    TO_COME,
    YOURS,
    OwnView,
    own_sites,
    own_view,
)
from site_manager.register.schema import AuditEntry

#: A Monday four weeks ahead: the bookings the fixture makes.
DAY = dt.date.today() - dt.timedelta(days=dt.date.today().weekday()) + dt.timedelta(days=28)


def _running(frames: Any, day: dt.date) -> list[str]:
    leases = frames.leases
    on = leases[(leases["start"] <= day) & (leases["end"] >= day)]
    return sorted(set(on["tenant_id"]))


@pytest.fixture(scope="module")
def mill_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The textile mill with bookings of several tenants on two shared machines."""
    path = tmp_path_factory.mktemp("own") / "mill.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    register.load_sample(engine, "textile_mill")
    members = _running(register.frames(engine), DAY)
    for i, tid in enumerate(members[:4]):
        register.grant_training(engine, tenant_id=tid, equipment_type="cnc_router")
        register.make_booking(engine, equipment_id="E001", tenant_id=tid,
                              start=dt.datetime.combine(DAY, dt.time(8 + 3 * i)),
                              end=dt.datetime.combine(DAY, dt.time(10 + 3 * i)),
                              purpose=f"purpose of {tid}")  # fmt: skip
    engine.dispose()
    return path


@pytest.fixture
def mill(mill_template: Path, tmp_path: Path) -> Any:
    target = tmp_path / "r.sqlite"
    with sqlite3.connect(mill_template) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    engine = register.open_register(f"sqlite:///{target}")
    yield engine
    engine.dispose()


def _booker(engine: Any) -> str:
    """The first tenant with a booking (it has leases, statements and a booking)."""
    return str(register.list_bookings(engine)["tenant_id"].iloc[0])


def _as(tid: str) -> Principal:
    return Principal("tess", Role.TENANT, tenant_id=tid, via="password")


def _texts(view: OwnView) -> list[str]:
    """Every text in the view: string cells of its tables, its dicts' values, its notes."""
    out: list[str] = [str(v) for v in (*view.site.values(), *view.tenant.values(),
                                       *view.about.values(), *view.notes)]  # fmt: skip
    for table in view.tables().values():
        out += [str(c) for c in table.columns]
        for column in table.columns:
            out += [str(v) for v in table[column] if isinstance(v, str)]
    return out


def _leaks(view: OwnView, full: Any) -> list[str]:
    """Other tenants' names, contacts, ids and lease ids found in the view, once each (a
    value that is also one of its own record's, like a contact person of two tenants, is
    its own).
    """
    text = "\n".join(_texts(view))
    tokens = set(re.findall(r"[A-Za-z0-9_-]+", text))
    me = view.tenant_id
    others = full.tenants[full.tenants["tenant_id"] != me]
    found = [t for t in others["tenant_id"] if t in tokens]
    own_values = {str(v) for v in view.tenant.values()}
    for column in ("name", "contact_name", "contact_email", "contact_phone"):
        for v in others[column].dropna():
            if str(v) and str(v) in text and str(v) not in own_values and v not in found:
                found.append(v)
    leases = full.leases
    found += [lid for lid in leases.loc[leases["tenant_id"] != me, "lease_id"] if lid in tokens]
    return found


def test_a_tenants_view_holds_none_of_the_other_tenants_names_contacts_ids_or_rents(mill) -> None:  # type: ignore[no-untyped-def]
    full = register.frames(mill)
    tid = _booker(mill)
    with access.acting_as(_as(tid)):
        view = own_view(mill)
    assert (
        view.tenant_id == tid
        and view.tenant["name"] == full.tenants.set_index("tenant_id").loc[tid, "name"]
    )
    assert _leaks(view, full) == []
    # rents: only its own leases', in the leases table only
    own = full.leases[full.leases["tenant_id"] == tid]
    assert list(view.leases["rent_eur_per_month"]) == list(own.sort_values(["start", "lease_id"])
                                                           ["rent_eur_per_month"])  # fmt: skip
    rent_columns = [(n, c) for n, t in view.tables().items() for c in t.columns if "rent" in c]
    assert rent_columns == [("leases", "rent_eur_per_month")]
    # another tenant's bookings are there as busy times, without id, tenant or purpose
    others = register.list_bookings(mill)
    others = others[others["tenant_id"] != tid]
    assert len(others) >= 3
    theirs = view.busy[~view.busy["yours"].astype(bool)]
    assert len(theirs) == len(others) and set(theirs["booking_id"]) == {BOOKED}
    assert sorted(theirs["start"]) == sorted(others["start"])
    # (the sample's generic purposes, "prototype" say, may be the tenant's own too)
    own_purposes = set(register.list_bookings(mill).query("tenant_id == @tid")["purpose"])
    text = "\n".join(_texts(view))
    assert not any(p in text for p in set(others["purpose"]) - own_purposes)
    assert any(p.startswith("purpose of") for p in set(others["purpose"]))  # the test's own


def test_the_leak_search_finds_another_tenants_name_and_id(mill) -> None:  # type: ignore[no-untyped-def]
    full = register.frames(mill)
    tid = _booker(mill)
    with access.acting_as(_as(tid)):
        view = own_view(mill, energy=False)
    other = full.tenants[full.tenants["tenant_id"] != tid].iloc[0]
    planted = OwnView(**{**view.__dict__, "notes": (f"{other['name']} ({other['tenant_id']})",)})
    assert _leaks(planted, full) == [other["tenant_id"], other["name"]]


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_every_tenants_view_is_clean_and_holds_its_own_leases(mill) -> None:  # type: ignore[no-untyped-def]
    full = register.frames(mill)
    for tid in full.tenants["tenant_id"]:
        with access.acting_as(_as(tid)):
            view = own_view(mill, energy=False)
        assert _leaks(view, full) == [], tid
        own = full.leases[full.leases["tenant_id"] == tid]
        assert set(view.leases["lease_id"]) == set(own["lease_id"])
        units = full.units.set_index("unit_id")
        for row in view.leases.to_dict("records"):
            assert row["area_m2"] == units.loc[row["unit_id"], "area_m2"]


def test_its_energy_rows_and_statements_are_its_rows_of_the_whole_sites_split(mill) -> None:  # type: ignore[no-untyped-def]
    tid = _booker(mill)
    with access.acting_as(_as(tid)):
        view = own_view(mill)
    split = split_energy(register.frames(mill))  # the staff path: the whole site
    expected = split.tenants[split.tenants["tenant_id"] == tid].reset_index(drop=True)
    assert len(expected) >= 1
    pd.testing.assert_frame_equal(view.energy, expected)
    for month in expected["month"]:
        shown = view.statements[view.statements["month"] == month].drop(columns="month")
        pd.testing.assert_frame_equal(shown.reset_index(drop=True),
                                      tenant_statement(split, tid, month))  # fmt: skip
    assert view.about["tenant"] == tid


def test_the_plan_marks_its_units_spaces_on_their_storeys(mill) -> None:  # type: ignore[no-untyped-def]
    full = register.frames(mill)
    tid = _booker(mill)
    with access.acting_as(_as(tid)):
        view = own_view(mill, energy=False)
    today = dt.date.today()
    own = full.leases[full.leases["tenant_id"] == tid]
    now = own[(own["start"] <= today) & (own["end"] >= today)]
    units = full.units[full.units["unit_id"].isin(now["unit_id"])]
    assert len(units) >= 1
    own_spaces = {g for ids in units["space_global_ids"] for g in ids}
    assert set(view.plan.loc[view.plan["where"] == YOURS, "global_id"]) == own_spaces
    storeys = set(units["storey"])
    on_storeys = full.spaces[full.spaces["storey"].isin(storeys)
                             & full.spaces["footprint_wkt"].notna()]  # fmt: skip
    assert set(view.plan["global_id"]) == set(on_storeys["global_id"])
    assert set(view.plan["where"]) == {YOURS, OTHER}


def test_a_unit_it_has_left_is_not_its_own_on_the_plan_and_one_to_come_is_marked(mill) -> None:  # type: ignore[no-untyped-def]
    """A tenant that held unit A once, holds B now and has signed for C from a later year:
    only B is "your unit", C is "your unit to come", A is another space."""
    full = register.frames(mill)
    tid = _booker(mill)
    today = dt.date.today()
    others = sorted(set(full.units["unit_id"])
                    - set(full.leases.loc[full.leases["tenant_id"] == tid, "unit_id"]))  # fmt: skip
    left, to_come = others[0], others[1]  # units it never held: dates no other lease has
    register.sign_lease(mill, lease_id="L-PAST", unit_id=left, tenant_id=tid,
                        start=dt.date(2001, 1, 1), end=dt.date(2002, 12, 31),
                        rent_eur_per_month=500)  # fmt: skip
    register.sign_lease(mill, lease_id="L-LATER", unit_id=to_come, tenant_id=tid,
                        start=dt.date(today.year + 60, 1, 1),
                        end=dt.date(today.year + 62, 12, 31), rent_eur_per_month=500)  # fmt: skip
    with access.acting_as(_as(tid)):
        view = own_view(mill, energy=False)
    status = dict(zip(view.leases["lease_id"], view.leases["status"], strict=True))
    assert status["L-PAST"] == "past" and status["L-LATER"] == "future"
    spaces_of = dict(zip(full.units["unit_id"], full.units["space_global_ids"], strict=True))
    where = dict(zip(view.plan["global_id"], view.plan["where"], strict=True))
    assert {where[g] for g in spaces_of[to_come]} == {TO_COME}
    assert {where.get(g, OTHER) for g in spaces_of[left]} == {OTHER}


def test_machines_say_whether_it_is_trained_and_show_no_owner(mill) -> None:  # type: ignore[no-untyped-def]
    full = register.frames(mill)
    tid = _booker(mill)  # trained on cnc_router by the fixture
    with access.acting_as(_as(tid)):
        view = own_view(mill, energy=False)
    shared = full.equipment[full.equipment["shared"].astype(bool)]
    assert list(view.machines["equipment_id"]) == sorted(shared["equipment_id"])
    assert "owner_tenant_id" not in view.machines.columns
    trained = dict(zip(view.machines["type"], view.machines["trained"], strict=False))
    assert trained["cnc_router"] == "yes" and trained["table_saw"] == "induction needed"
    assert set(view.trainings["equipment_type"]) == {"cnc_router"}
    assert set(view.bookings["tenant_id"]) == {tid}


def _refusals(engine: Any) -> list[tuple[str, str]]:
    with register.transaction(engine, readonly=True) as s:
        e = AuditEntry
        q = select(e.actor, e.verb).where(e.action == "refused").order_by(e.id)
        rows = s.execute(q).all()
    return [(a, v) for a, v in rows]


def test_a_tenant_cannot_read_another_tenants_view_and_the_attempt_is_audited(mill) -> None:  # type: ignore[no-untyped-def]
    full = register.frames(mill)
    tid, other = list(full.tenants["tenant_id"][:2])
    with access.acting_as(_as(tid)), pytest.raises(AccessDenied, match=f"for tenant '{other}'"):
        own_view(mill, tenant_id=other)
    assert _refusals(mill) == [("tess", "read_own")]


def test_who_else_may_read_a_view(mill) -> None:  # type: ignore[no-untyped-def]
    tid = _booker(mill)
    with access.acting_as(Principal("clerk", Role.MUNICIPALITY)), pytest.raises(AccessDenied):
        own_view(mill, tenant_id=tid)
    with (
        access.acting_as(Principal("lone", Role.TENANT)),
        pytest.raises(AccessDenied, match="no tenant"),
    ):
        own_view(mill)
    assert [a for a, _ in _refusals(mill)] == ["clerk", "lone"]
    landlord = Principal("lou", Role.LANDLORD)
    with access.acting_as(landlord), pytest.raises(ValidationError, match="give the tenant"):
        own_view(mill)
    with access.acting_as(landlord):
        as_staff = own_view(mill, tenant_id=tid, energy=False)
    with access.acting_as(_as(tid)):
        as_tenant = own_view(mill, energy=False)
    for name, table in as_tenant.tables().items():
        pd.testing.assert_frame_equal(as_staff.tables()[name], table)


def test_own_sites_are_the_sites_where_its_tenant_id_is_a_tenant(mill) -> None:  # type: ignore[no-untyped-def]
    tid = _booker(mill)
    with access.acting_as(_as(tid)):
        assert own_sites(mill) == ["textile_mill"]
    with access.acting_as(_as("NOBODY")):
        assert own_sites(mill) == []
    with access.acting_as(Principal("lou", Role.LANDLORD)):
        assert own_sites(mill) == sorted(register.list_sites(mill)["site_id"])
