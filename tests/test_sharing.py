"""Utilisation of shared machines per ISO week, against hand counts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from site_manager.sharing import utilisation

Z = ZoneInfo("Europe/Berlin")


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=Z)


def test_hours_are_clipped_to_opening_hours_and_split_by_iso_week() -> None:
    equipment = pd.DataFrame([
        {"equipment_id": "K", "type": "kiln", "shared": True, "open_from": dt.time(8),
         "open_until": dt.time(18)},
        {"equipment_id": "P", "type": "press", "shared": True, "open_from": None,
         "open_until": None},
        {"equipment_id": "S", "type": "saw", "shared": False, "open_from": None,
         "open_until": None},
    ])  # fmt: skip
    bookings = pd.DataFrame([
        # Mon 2027-01-11 (week 2): 07:00-12:00 is 4 h within 08-18
        {"equipment_id": "K", "start": _t("2027-01-11T07:00"), "end": _t("2027-01-11T12:00")},
        # Sun 2027-01-17 16:00 to Mon 2027-01-18 10:00: 2 h in week 2, 2 h in week 3
        {"equipment_id": "K", "start": _t("2027-01-17T16:00"), "end": _t("2027-01-18T10:00")},
        # the press, open all day: 60 h of week 2 (Mon 00:00 to Wed 12:00)
        {"equipment_id": "P", "start": _t("2027-01-11T00:00"), "end": _t("2027-01-13T12:00")},
        {"equipment_id": "S", "start": _t("2027-01-11T00:00"), "end": _t("2027-01-11T12:00")},
    ])  # fmt: skip
    u = utilisation(bookings, equipment, saturated_above=0.3, idle_below=0.1)
    got = {(r.equipment_id, r.week): (r.booked_h, r.capacity_h, r.status) for r in u.itertuples()}
    assert set(got) == {(m, w) for m in "KP" for w in ("2027-W02", "2027-W03")}  # not S
    assert got["K", "2027-W02"] == (pytest.approx(6.0), 70.0, "idle")  # 6/70 < 0.1
    assert got["K", "2027-W03"] == (pytest.approx(2.0), 70.0, "idle")
    assert got["P", "2027-W02"] == (pytest.approx(60.0), 168.0, "saturated")  # 0.357
    assert got["P", "2027-W03"] == (0.0, 168.0, "idle")
