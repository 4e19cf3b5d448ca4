"""Machines' operating hours by kind of tenant: the site's setting, else the defaults.

A machine's period level is its sound power averaged over the period by its hours, so
changing its kind's hours from H1 to H2 moves its level at a receptor by 10 lg(H2/H1) dB
when it is the only source.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from site_manager.assumptions import (
    DEFAULT_NOISE_HOURS,
    NOISE_HOURS,
    SHARED_NOISE_KIND,
    impact_assumptions,
    noise_hours,
)
from site_manager.impact import ImpactOptions, impact_report
from site_manager.impact.footprint import site_energy
from site_manager.impact.noise import noise_at_neighbours
from site_manager.register.schema import TENANT_KINDS
from tests.impact.test_acoustics import _one_room
from tests.impact.test_impact_figures import _split


def _east(kind: str = "sme", hours: dict | None = None, shared: bool = False):
    """The one-room register of test_acoustics, with a receptor 50 m east of its window."""
    f = _one_room(kind)
    f.neighbourhood = pd.DataFrame(
        {"layer": ["receptors"], "properties": [{"name": "east house"}],
         "geometry_wkt": ["POINT (70 5)"]}
    )  # fmt: skip
    f.equipment.loc[:, "shared"] = shared
    f.noise_hours = dict(hours or {})
    return f


def _levels(f) -> tuple[float, float]:
    n = noise_at_neighbours(f, ground_factor=1.0)
    row = n.receptors.set_index("receptor").loc["east house"]
    return float(row["level_day_dba"]), float(row["level_night_dba"])


def test_the_defaults_cover_every_tenant_kind_and_the_shared_machines():
    assert set(NOISE_HOURS) == set(TENANT_KINDS)
    table = noise_hours(_east())
    assert list(table["kind"]) == [*NOISE_HOURS, SHARED_NOISE_KIND]
    assert set(table["source"]) == {"default"}
    assert tuple(table.set_index("kind").loc["shared", ["hours_day", "hours_night"]]) == (
        DEFAULT_NOISE_HOURS
    )


@pytest.mark.parametrize(("h1", "h2"), [((4.0, 1.0), (12.0, 8.0)), ((16.0, 6.0), (2.0, 3.0))])
def test_changing_a_kinds_hours_moves_its_only_machines_level_by_10_lg_h2_over_h1(h1, h2):
    day1, night1 = _levels(_east("sme", {"sme": h1}))
    day2, night2 = _levels(_east("sme", {"sme": h2}))
    assert day2 - day1 == pytest.approx(10 * math.log10(h2[0] / h1[0]), abs=1e-9)
    assert night2 - night1 == pytest.approx(10 * math.log10(h2[1] / h1[1]), abs=1e-9)
    # 16 h by day is the whole period: the level of test_acoustics' hand case (18.85 dB(A))
    full = _levels(_east("sme", {"sme": (16.0, 8.0)}))
    assert full[0] == pytest.approx(18.85, abs=0.5)
    assert full[0] - day1 == pytest.approx(10 * math.log10(16.0 / h1[0]), abs=1e-9)


def test_a_kind_the_site_does_not_set_runs_its_default_and_zero_hours_are_silent():
    sme_day, sme_night = NOISE_HOURS["sme"]
    assert sme_night == 0.0  # the default sme runs no night
    unset = _levels(_east("sme", {"artisan": (1.0, 1.0)}))  # another kind set: sme default
    full = _levels(_east("sme", {"sme": (16.0, 8.0)}))
    assert unset[0] == pytest.approx(full[0] + 10 * math.log10(sme_day / 16.0), abs=1e-9)
    assert unset[1] == -math.inf
    assert _levels(_east("sme", {"sme": (0.0, 0.0)})) == (-math.inf, -math.inf)


def test_a_shared_machine_runs_the_shared_hours_whatever_its_owners_kind():
    base = _levels(_east("sme", {SHARED_NOISE_KIND: (4.0, 2.0)}, shared=True))
    full = _levels(_east("sme", {"sme": (16.0, 8.0)}))
    assert base[0] == pytest.approx(full[0] + 10 * math.log10(4.0 / 16.0), abs=1e-9)
    assert base[1] == pytest.approx(full[1] + 10 * math.log10(2.0 / 8.0), abs=1e-9)
    # the owner's kind's own hours do not apply to it
    assert _levels(_east("sme", {SHARED_NOISE_KIND: (4.0, 2.0), "sme": (1.0, 1.0)},
                         shared=True)) == pytest.approx(base)  # fmt: skip


def test_the_appendix_lists_the_hours_used_and_where_each_comes_from(monkeypatch):
    import site_manager.impact as impact

    monkeypatch.setattr(impact, "site_energy", lambda f, jobs: site_energy(f, jobs, _split()))
    f = _east("sme", {"sme": (14.0, 2.0), SHARED_NOISE_KIND: (9.0, 0.0)})
    rep = impact_report(f, ImpactOptions())
    method = next(m for m in rep.methods if m.figure == "Operating hours")
    parts = method.inputs.split("; ")
    assert "sme 14 h by day, 2 h at night (site)" in parts
    assert "shared 9 h by day, 0 h at night (site)" in parts
    d, n = NOISE_HOURS["artisan"]
    assert f"artisan {d:g} h by day, {n:g} h at night (default)" in parts
    assert len(parts) == len(NOISE_HOURS) + 1
    # the contributors carry the hours their machine ran
    c = rep.noise.contributors.iloc[0]
    assert (c["hours_day"], c["hours_night"]) == (14.0, 2.0)
    assert rep.to_dict()["noise"]["operating_hours"][-1] == {
        "kind": "shared", "hours_day": 9.0, "hours_night": 0.0, "source": "site"}  # fmt: skip
    # the note names the kinds that run the defaults, and says how to set them
    note = next(a for a in impact_assumptions(f) if a.topic == "noise_hours")
    unset = [k for k in NOISE_HOURS if k != "sme"]
    assert f"for {', '.join(unset)}:" in note.message
    assert "--noise-hours KIND=DAY,NIGHT" in note.remedy
    everything = {**dict.fromkeys(NOISE_HOURS, (1.0, 0.0)), SHARED_NOISE_KIND: (1.0, 0.0)}
    assert all(a.topic != "noise_hours" for a in impact_assumptions(_east("sme", everything)))
    assert "no machines' operating hours set:" in next(
        a.message for a in impact_assumptions(_east()) if a.topic == "noise_hours")  # fmt: skip
