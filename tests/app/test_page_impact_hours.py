"""The Neighbourhood impact page's operating-hours editor under AppTest: a planner edits the
artisans' day hours and the day levels at the neighbours move by 10 lg(H2/H1); a role that
may not set the site's settings sees no editor.

The register is the seeded test mill with one machine (an artisan's, by a window) and three
receptors around the building: small enough for the default run.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from site_manager.app import state
from site_manager.assumptions import NOISE_HOURS
from site_manager.register.access import Principal, Role

from .conftest import copy_sqlite, seed_register, shown
from .test_pages import no_exception, page_app


@pytest.fixture(scope="module")
def noisy_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded mill, an artisan's 95 dB(A) loom in a room with a window, and receptors
    150 m east, west, north and south of the building's centre."""
    import geopandas as gpd
    import shapely

    from site_manager import register
    from site_manager.impact.geo import site_footprint

    path = tmp_path_factory.mktemp("noisy") / "register.sqlite"
    seed_register(f"sqlite:///{path}")
    engine = register.open_register(f"sqlite:///{path}")
    f = register.frames(engine)
    windows = f.fabric[f.fabric["kind"] == "window"]
    room = windows["space_global_ids"].iloc[0][0]
    register.add_equipment(engine, "E1", name="Loom", type="loom", owner_tenant_id="T1",
                           space_global_id=room, noise_db=95)  # fmt: skip
    c = site_footprint(f).centroid
    points = [shapely.Point(c.x + dx, c.y + dy)
              for dx, dy in ((150, 0), (-150, 0), (0, 150), (0, -150))]  # fmt: skip
    gpkg = path.parent / "receptors.gpkg"
    gpd.GeoDataFrame({"name": ["east", "west", "north", "south"]}, geometry=points,
                     crs=f.site["crs"]).to_file(gpkg, layer="receptors")  # fmt: skip
    register.set_neighbourhood(engine, gpkg)
    engine.dispose()
    return path


def _day_levels(app) -> dict[str, float]:
    """The receptors table's day level by receptor, as the page shows it."""
    frame = next(d.value for d in app.dataframe if "level_day_dba" in d.value.columns)
    return dict(zip(frame["receptor"], frame["level_day_dba"], strict=True))


def _inputs(app, kind: str) -> dict[str, object]:
    """The editor's two number inputs of ``kind``: {'day': ..., 'night': ...}."""
    ours = [w for w in app.number_input if w.key.startswith("impact_hours_")]
    return {p: w for w in ours for p in ("day", "night") if w.key.endswith(f"_{kind}_{p}")}


@pytest.mark.slow  # about 5 s: three runs of the page, two of them computing the report
def test_a_planner_edits_the_hours_and_sees_the_day_level_change(noisy_template, tmp_path):
    from site_manager import register

    url = copy_sqlite(noisy_template, tmp_path / "r.sqlite")
    app = page_app("page_impact", url, **{state.USER: Principal("pia", Role.PLANNER)})
    app.run()
    no_exception(app)
    before = _day_levels(app)
    artisan = _inputs(app, "artisan")
    assert (artisan["day"].value, artisan["night"].value) == NOISE_HOURS["artisan"]
    h1 = NOISE_HOURS["artisan"][0]
    artisan["day"].set_value(2 * h1)
    next(b for b in app.button if b.label == "Save hours").click()
    app.run()
    no_exception(app)
    assert register.frames(register.open_register(url)).noise_hours == {"artisan": (2 * h1, 0.0)}
    assert any(f"Operating hours saved: artisan {2 * h1:g} h by day, 0 h at night"
               in shown(s.value) for s in app.success)  # fmt: skip
    after = _day_levels(app)
    heard = [r for r, level in before.items() if math.isfinite(level)]
    assert len(heard) >= 2 and set(after) == set(before)
    for r in heard:  # the loom is the only source: 10 lg 2 = 3.01 dB
        assert after[r] - before[r] == pytest.approx(10 * math.log10(2), abs=1e-6)
    # the editor starts again from the stored hours, now the site's
    assert _inputs(app, "artisan")["day"].value == 2 * h1


def test_a_role_that_may_not_set_the_sites_settings_sees_no_editor(noisy_template, tmp_path):
    url = copy_sqlite(noisy_template, tmp_path / "r.sqlite")
    app = page_app("page_impact", url, **{state.USER: Principal("mo", Role.MUNICIPALITY)})
    app.run()
    no_exception(app)
    assert not [w for w in app.number_input if w.key.startswith("impact_hours_")]
    assert not [b for b in app.button if b.label == "Save hours"]
