"""The Neighbourhood impact page under AppTest: a sample site, and an imported site with no
neighbourhood."""

from __future__ import annotations

from site_manager.app import state

from .conftest import Seeded, copy_sqlite, shown
from .test_pages import metric, no_exception, page_app


def _texts(app) -> str:
    return " ".join(shown(m.value) for m in [*app.markdown, *app.info, *app.caption])


def test_the_impact_page_shows_the_sample_sites_figures_and_both_downloads(
    sample_register, tmp_path
):
    from site_manager import register
    from site_manager.impact import SECTIONS, impact_report

    path, ids = sample_register
    url = copy_sqlite(path, tmp_path / "r.sqlite")
    site = ids["textile_mill"]
    app = page_app("page_impact", url, **{state.SITE: site})
    app.run()
    no_exception(app)
    headers = [h.value for h in app.header]
    assert headers == list(SECTIONS[:5])
    rep = impact_report(register.frames(register.open_register(url), site))
    assert metric(app, "Jobs") == f"{rep.jobs.jobs:,.0f}"
    assert metric(app, "Trips a day") == f"{rep.trips.trips_per_day:,.0f}"
    loudest = rep.noise.receptors["level_day_dba"].max()
    assert metric(app, "Loudest neighbour, day") == f"{loudest:,.1f} dB(A)"
    labels = [b.proto.label for b in app.get("download_button")]
    assert "Report (HTML)" in labels and "Report (PDF)" in labels
    assert "no neighbourhood map" not in _texts(app)


def test_an_imported_site_without_a_neighbourhood_says_so_clearly(seeded: Seeded) -> None:
    app = page_app("page_impact", seeded.url, **{state.SITE: seeded.site})
    app.run()
    no_exception(app)
    texts = _texts(app)
    assert "no neighbourhood map" in texts
    assert "no noise-sensitive neighbour" in texts
    assert metric(app, "Loudest neighbour, day") == "–"


def test_the_impact_page_shows_names_as_text(seeded: Seeded) -> None:
    from site_manager import register

    register.set_site_settings(register.open_register(seeded.url), name="*Mill* [x](http://e.org)")
    app = page_app("page_impact", seeded.url, **{state.SITE: seeded.site})
    app.run()
    no_exception(app)
    caption = next(c.value for c in app.caption if "municipality gets" in shown(c.value))
    assert shown(caption).startswith("*Mill* [x](http://e.org):")
    assert "\\*Mill\\*" in caption
