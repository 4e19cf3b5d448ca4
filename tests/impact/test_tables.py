"""The impact report's data tables say, row by row, what their figure rests on."""

from __future__ import annotations

import pytest

from site_manager.impact import tables

MARKS = ("NOT VERIFIED", "invented", "modelling choice", "read here")


@pytest.mark.parametrize("table", [tables.trip_rates, tables.job_densities, tables.embodied_carbon])
def test_every_row_says_whether_its_figure_was_read_in_a_source_or_not(table):
    frame = table()
    assert len(frame) and frame["source"].str.len().min() > 20
    for source in frame["source"]:
        assert any(m in source for m in MARKS), source


def test_the_fallback_trip_rate_is_the_light_industrial_rate_the_source_gives():
    rates = tables.trip_rates().set_index("kind")
    star = rates.loc["*"]
    # 'light industrial / 3.2' trips per employee in the ITE summary the row cites
    assert star["trips_per_job_day"] + star["visitor_trips_per_job_day"] == pytest.approx(3.2)
    assert "light industrial 3.2" in star["source"] or "light-industrial" in star["source"]
    assert "docest.com/doc/28751" in rates.loc["freelancer", "source"]
