"""A retired unit is kept with its past leases but leaves the analyses from its retirement
day: not vacant in the landlord figures, not offered to applicants, no unit in energy."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_manager import register, tenancy
from site_manager.energy.site import space_loads
from site_manager.layout.from_site import problem_from_register

SITE = "textile_mill"


#: A day after every sample lease has ended (they run into the 2030s at most).
DAY = dt.date(2100, 1, 1)


@pytest.fixture(scope="module")
def retired(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, str, dt.date]:
    url = f"sqlite:///{tmp_path_factory.mktemp('retired') / 'r.sqlite'}"
    engine = register.open_register(url)
    register.load_sample(engine, SITE)
    frames = register.frames(engine, SITE)
    assert (frames.leases["end"] < DAY).all()
    lettable = frames.units[frames.units["use"].isin(["private_production", "storage"])]
    unit = str(lettable["unit_id"].iloc[0])
    register.retire_unit(engine, unit, on=DAY, site=SITE)
    return engine, unit, DAY


def test_a_retired_unit_is_neither_vacant_nor_counted_in_occupancy(retired) -> None:
    engine, unit, today = retired
    frames = register.frames(engine, SITE)
    assert frames.units.set_index("unit_id").at[unit, "retired"] == today
    assert unit not in set(tenancy.vacancies(frames, on=today)["unit_id"])
    live = frames.units[frames.units["unit_id"] != unit]
    occupancy = tenancy.occupancy(frames, on=today)
    assert int(occupancy["units"].sum()) == len(live)
    # the day before it was retired it was still a vacant unit
    yesterday = today - dt.timedelta(days=1)
    assert unit in set(tenancy.vacancies(frames, on=yesterday)["unit_id"])


def test_a_retired_unit_is_not_offered_to_applicants(retired) -> None:
    engine, unit, today = retired
    frames = register.frames(engine, SITE)
    ids = {u.id.split("/b")[0] for u in problem_from_register(frames, on_date=today).units}
    assert unit not in ids
    before = today - dt.timedelta(days=1)
    lettable = {u.id.split("/b")[0] for u in problem_from_register(frames, on_date=before).units}
    assert ids == lettable - {unit}


def test_the_energy_results_name_no_unit_for_its_spaces(retired) -> None:
    engine, unit, today = retired
    frames = register.frames(engine, SITE)
    spaces = set(frames.unit_spaces.loc[frames.unit_spaces["unit_id"] == unit,
                                        "space_global_id"])  # fmt: skip
    loads = space_loads(frames, on=today).set_index("space_global_id")
    assert (loads.loc[sorted(spaces), "unit_id"] == "").all()
    before = space_loads(frames, on=today - dt.timedelta(days=1)).set_index("space_global_id")
    assert (before.loc[sorted(spaces), "unit_id"] == unit).all()


def test_it_keeps_its_record(retired, tmp_path: Path) -> None:
    engine, unit, _ = retired
    assert unit in set(register.list_units(engine, SITE)["unit_id"])
