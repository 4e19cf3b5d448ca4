"""The Bookings page under AppTest: on the textile mill sample (shared machines that require
an induction) and on a site imported from a bare IFC model (no equipment at all).

Who is a member, who is trained and what the refusal must name are worked out here from
the register's leases and the trainings the test grants, not from the page's code.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from site_manager import register
from site_manager.app import page_bookings

from .conftest import MODELS, free_monday, shown
from .test_page_units import errors_under
from .test_pages import no_exception, page_app, plotly_specs

#: A Monday well ahead of today whose week the sample books nothing in (its leases are read
#: for it).
DAY = free_monday("textile_mill", page_bookings.week_start(dt.date.today()) + dt.timedelta(days=14))


def _table(app: AppTest, column: str) -> Any:
    """The (one) table shown with ``column``."""
    (frame,) = [d.value for d in app.dataframe if column in d.value.columns]
    return frame


def _submit(app: AppTest, label: str) -> None:
    next(b for b in app.get("form_submit_button") if b.proto.label == label).click().run()


def _members(url: str) -> list[str]:
    """Tenants with a lease running on DAY (members may book the shared machines)."""
    leases = register.frames(register.open_register(url)).leases
    start, end = leases["start"].astype(str), leases["end"].astype(str)
    running = leases[(start <= DAY.isoformat()) & (end >= DAY.isoformat())]
    return sorted(set(running["tenant_id"]))


def _book(app: AppTest, eid: str, tid: str, t0: dt.time, t1: dt.time, purpose: str) -> None:
    app.selectbox(key="book_equipment").set_value(eid)
    app.selectbox(key="book_tenant").set_value(tid)
    app.date_input(key="book_start_day").set_value(DAY)
    app.time_input(key="book_start_time").set_value(t0)
    app.date_input(key="book_end_day").set_value(DAY)
    app.time_input(key="book_end_time").set_value(t1)
    app.text_input(key="book_purpose").input(purpose)
    _submit(app, "Book")


def _untrained(url: str, kind: str) -> list[str]:
    """Members without a training for machine type ``kind``."""
    held = register.list_trainings(register.open_register(url))
    return [t for t in _members(url) if t not in set(held[held["equipment_type"] == kind]
                                                     ["tenant_id"])]  # fmt: skip


def test_a_trained_member_books_and_the_booking_is_on_the_timeline(mill: str) -> None:
    trained, untrained = _untrained(mill, "cnc_router")[:2]
    register.grant_training(register.open_register(mill), tenant_id=trained,
                            equipment_type="cnc_router", granted_by="Warp Lab")  # fmt: skip
    before = set(register.list_bookings(register.open_register(mill))["booking_id"])
    app = page_app("page_bookings", mill)
    app.run()
    no_exception(app)
    # one row per shared machine, whether booked or not
    frames = register.frames(register.open_register(mill))
    shared = frames.equipment[frames.equipment["shared"].astype(bool)]
    (spec,) = plotly_specs(app)
    rows = set(spec["layout"]["yaxis"]["categoryarray"])
    assert rows == {f"{r.equipment_id} {r.name}" for r in shared.itertuples()}

    _book(app, "E001", trained, dt.time(9), dt.time(11), "panels <b>x</b>")
    no_exception(app)
    live = register.list_bookings(register.open_register(mill))
    (booking,) = live[~live["booking_id"].isin(before)].to_dict("records")
    assert (booking["equipment_id"], booking["tenant_id"]) == ("E001", trained)
    assert booking["start"].replace(tzinfo=None) == dt.datetime.combine(DAY, dt.time(9))
    assert any(booking["booking_id"] in shown(s.value) for s in app.success)
    # the page now shows the booking's week, with the bar at 09:00 local for 2 h
    (spec,) = plotly_specs(app)
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    assert [b["customdata"] for b in bars] == [[booking["booking_id"]]]
    assert bars[0]["base"] == [dt.datetime.combine(DAY, dt.time(9)).isoformat()]
    assert bars[0]["x"] == [2 * 3600 * 1000]
    assert bars[0]["y"] == ["E001 " + shared.set_index("equipment_id").loc["E001", "name"]]
    # 2 h of E001's week: open 08:00-20:00, so 7 x 12 h capacity
    iso = DAY.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    booked = next(m.value for m in app.metric if m.label == f"Booked in {week} [h]")
    assert booked == "2.0"
    usage = _table(app, "utilisation")
    e001 = usage[(usage["equipment_id"] == "E001") & (usage["week"] == week)].iloc[0]
    assert e001["utilisation"] == pytest.approx(2 / (7 * 12))
    # every other shared machine was idle that week
    others = usage[(usage["equipment_id"] != "E001") & (usage["week"] == week)]
    assert set(others["status"]) == {"idle"} and len(others) == len(shared) - 1

    # the untrained member is refused at the tenant field, naming the type and who can induct
    _book(app, "E001", untrained, dt.time(13), dt.time(14), "")
    errors = [shown(e) for e in errors_under(app, "book_error_tenant_id")]
    assert len(errors) == 1, errors
    assert f"tenant {untrained} has no valid training for cnc_router" in errors[0]
    assert f"tenant {trained} (trained)" in errors[0]
    assert len(register.list_bookings(register.open_register(mill))) == len(before) + 1

    # an overlapping booking by the trained tenant is refused at the start, naming the booking
    _book(app, "E001", trained, dt.time(10), dt.time(12), "")
    errors = [shown(e) for e in errors_under(app, "book_error_start")]
    assert len(errors) == 1 and booking["booking_id"] in errors[0], errors


def test_cancel_frees_the_time(mill: str) -> None:
    tid = _untrained(mill, "laser_cutter")[0]
    engine = register.open_register(mill)
    before = set(register.list_bookings(engine)["booking_id"])
    register.grant_training(engine, tenant_id=tid, equipment_type="laser_cutter")
    bid = register.make_booking(engine, equipment_id="E003", tenant_id=tid,
                                start=dt.datetime.combine(DAY, dt.time(8)),
                                end=dt.datetime.combine(DAY, dt.time(9)))  # fmt: skip
    app = page_app("page_bookings", mill)
    app.run()
    app.selectbox(key="cancel_booking_id").set_value(bid)
    _submit(app, "Cancel the booking")
    no_exception(app)
    assert set(register.list_bookings(register.open_register(mill))["booking_id"]) == before
    gone = register.list_bookings(register.open_register(mill), cancelled=True)
    gone = gone[gone["cancelled_at"].notna()]
    assert gone["booking_id"].tolist() == [bid]


def test_a_training_granted_on_the_page_is_listed_and_lets_the_tenant_book(mill: str) -> None:
    tid = _untrained(mill, "laser_cutter")[0]
    engine = register.open_register(mill)
    held = {(t, k) for t, k in register.list_trainings(engine)[["tenant_id", "equipment_type"]]
            .itertuples(index=False)}  # fmt: skip
    before = register.list_bookings(engine)["tenant_id"].tolist()
    app = page_app("page_bookings", mill)
    app.run()
    assert "laser_cutter" in app.selectbox(key="grant_type").options
    app.selectbox(key="grant_tenant").set_value(tid)
    app.selectbox(key="grant_type").set_value("laser_cutter")
    app.text_input(key="grant_by").input("the site")
    _submit(app, "Grant")
    no_exception(app)
    trainings = register.list_trainings(register.open_register(mill))
    new = [(t, k, by) for t, k, by in trainings[["tenant_id", "equipment_type", "granted_by"]]
           .itertuples(index=False) if (t, k) not in held]  # fmt: skip
    assert new == [(tid, "laser_cutter", "the site")]
    listed = _table(app, "granted_by")
    assert sorted(listed["tenant_id"]) == sorted(trainings["tenant_id"])
    _book(app, "E003", tid, dt.time(15), dt.time(16), "")
    no_exception(app)
    after = register.list_bookings(register.open_register(mill))["tenant_id"].tolist()
    assert sorted(after) == sorted([*before, tid])


def test_an_imported_site_without_shared_equipment_says_so(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    engine = register.open_register(url)
    register.create_site(engine, MODELS / "engineering_works.ifc", site_id="ew", name="Works")
    engine.dispose()
    app = page_app("page_bookings", url)
    app.run()
    no_exception(app)
    (message,) = [shown(i.value) for i in app.info]
    assert "Site ew has no shared equipment" in message
    assert plotly_specs(app) == []


def test_the_booking_form_follows_the_week_shown(mill: str) -> None:
    app = page_app("page_bookings", mill)
    app.run()
    today = dt.date.today()
    assert app.date_input(key="book_start_day").value == today
    app.date_input(key="bookings_week").set_value(DAY + dt.timedelta(days=2)).run()
    no_exception(app)
    # the week of DAY (a Monday) is shown, and the form offers its first day
    assert app.date_input(key="book_start_day").value == DAY
    assert app.date_input(key="book_end_day").value == DAY
