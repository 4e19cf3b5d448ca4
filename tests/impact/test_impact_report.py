"""The impact report of each sample site: the command writes HTML, PDF and JSON; the PDF's
text holds every section and the map."""

from __future__ import annotations

import json

import pytest

from site_manager import register
from site_manager.cli import main
from site_manager.impact import SECTIONS, impact_report

pypdf = pytest.importorskip("pypdf")


def _weasyprint_usable() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.fixture(scope="module")
def sample_dbs(tmp_path_factory):
    out = {}
    for name in ("textile_mill", "brewery_complex", "engineering_works"):
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'r.sqlite'}"
        register.load_sample(register.open_register(url), name)
        out[name] = url
    return out


@pytest.mark.skipif(not _weasyprint_usable(), reason="WeasyPrint or its pango/cairo missing")
@pytest.mark.parametrize("name", ["textile_mill", "brewery_complex", "engineering_works"])
def test_each_sample_sites_pdf_renders_with_every_section_and_the_map(
    sample_dbs, name, tmp_path, capsys
):
    pdf = tmp_path / "impact.pdf"
    assert main(["report", "impact", "--db", sample_dbs[name], "-o", str(pdf)]) == 0
    reader = pypdf.PdfReader(str(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    flat = " ".join(text.split())
    for title in SECTIONS:
        assert " ".join(title.split()) in flat, title
    # the map is drawn (an SVG with its caption inside it) and names the site
    assert "site map: the building (blue) and its neighbours" in flat
    frames = register.frames(register.open_register(sample_dbs[name]))
    assert frames.site["name"] in flat
    # its receptors: the loudest is listed by name
    rep = impact_report(frames)
    assert len(rep.noise.receptors), "sample neighbourhoods have noise-sensitive buildings"
    assert str(rep.noise.receptors["receptor"].iloc[0]) in flat
    # the samples set their limits and threshold: no default for them is announced
    err = capsys.readouterr().err
    assert "no noise limits set" not in err and "no transport-assessment" not in err


def test_the_json_report_carries_the_same_figures_as_the_library(sample_dbs, tmp_path):
    out = tmp_path / "impact.json"
    assert main(["report", "impact", "--db", sample_dbs["textile_mill"], "-o", str(out)]) == 0
    d = json.loads(out.read_text(encoding="utf-8"))
    frames = register.frames(register.open_register(sample_dbs["textile_mill"]))
    # jobs by a plain loop over the register: headcounts of tenants with a lease today
    import datetime as dt

    today = dt.date.today()
    let = {
        t
        for t, s, e in zip(
            frames.leases["tenant_id"], frames.leases["start"], frames.leases["end"], strict=True
        )
        if s <= today <= e
    }
    heads = sum(
        int(h) if h == h and h is not None else 1
        for t, h in zip(frames.tenants["tenant_id"], frames.tenants["headcount"], strict=True)
        if t in let
    )
    assert d["jobs"]["counted"] == heads
    assert d["reuse"]["floor_area_m2"] == pytest.approx(
        frames.spaces.loc[~frames.spaces["removed"], "area_m2"].sum(), abs=0.1
    )


def test_the_html_report_escapes_names_and_a_bad_suffix_is_refused(sample_dbs, tmp_path, capsys):
    url = sample_dbs["engineering_works"]
    assert main(["report", "impact", "--db", url, "-o", str(tmp_path / "x.txt")]) == 2
    assert "-o" in capsys.readouterr().err
    register.set_site_settings(register.open_register(url), name="<b>Works & Co</b>")
    out = tmp_path / "impact.html"
    assert main(["report", "impact", "--db", url, "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "&lt;b&gt;Works &amp; Co&lt;/b&gt;" in page and "<b>Works" not in page


def test_a_site_without_tariffs_has_the_same_energy_and_co2(sample_dbs):
    frames = register.frames(register.open_register(sample_dbs["brewery_complex"]))
    priced = impact_report(frames).energy
    frames.tariffs = {}  # prices unknown: cost is, energy and CO₂ are not
    free = impact_report(frames).energy
    assert free.source == priced.source and free.source.startswith("energy per tenant")
    assert (free.electricity_kwh, free.fuel_kwh, free.co2_kg) == (
        priced.electricity_kwh, priced.fuel_kwh, priced.co2_kg)  # fmt: skip


def test_a_site_without_meter_readings_is_modelled_by_the_energy_engine(sample_dbs):
    frames = register.frames(register.open_register(sample_dbs["brewery_complex"]))
    frames.meters = frames.meters.iloc[0:0]  # as a site imported from an IFC file
    rep = impact_report(frames)
    assert rep.energy.source == "energy per tenant (modelled)"
    assert len(rep.energy.months) == 12
    # the fuel is the engine's own heat over the year / the boiler efficiency
    from site_manager.assumptions import DEFAULT_BOILER_EFFICIENCY
    from site_manager.energy.tenants import monthly_heat_by_space

    heat = monthly_heat_by_space(frames).to_numpy().sum()
    eff = frames.site.get("boiler_efficiency") or DEFAULT_BOILER_EFFICIENCY
    assert rep.energy.fuel_kwh == pytest.approx(heat / eff)
    assert rep.energy.electricity_kwh > 0


@pytest.mark.parametrize("name", ["textile_mill", "brewery_complex", "engineering_works"])
def test_each_samples_limits_threshold_and_sensitive_neighbours_come_from_its_files(
    sample_dbs, name
):
    """Expectations read from the sample's own files (site.toml with tomllib, the GeoPackage
    with geopandas), not from the loader: every noise-sensitive building is a receptor, each
    kind (residential, school, care) is there, and each is judged against the toml's limits.
    """
    import tomllib
    from pathlib import Path

    import geopandas as gpd

    from site_manager.assumptions import NOISE_SENSITIVE_USES

    folder = Path(__file__).resolve().parents[2] / "sample_sites" / name
    toml = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))["impact"]
    blds = gpd.read_file(folder / "neighbourhood.gpkg", layer="buildings")
    sensitive = blds[blds["use"].isin(NOISE_SENSITIVE_USES)]
    assert {"residential", "school", "care"} <= set(sensitive["use"])

    frames = register.frames(register.open_register(sample_dbs[name]))
    rep = impact_report(frames)
    assert rep.trips.threshold_per_day == toml["trips_threshold_per_day"]
    assert rep.trips.exceeds == (rep.trips.trips_full_per_day > toml["trips_threshold_per_day"])
    rec = rep.noise.receptors
    assert sorted(rec["receptor"]) == sorted(sensitive["name"])
    assert set(rec["limit_day_dba"]) == {toml["noise_limit_day_dba"]}
    assert set(rec["limit_night_dba"]) == {toml["noise_limit_night_dba"]}
    day = rec["level_day_dba"].fillna(-999.0)
    assert list(rec["exceeds_day"]) == list(day > toml["noise_limit_day_dba"])
    # the report no longer falls back on the defaults for these settings
    assert not any("no noise limits set" in n or "no transport-assessment" in n
                   for n in rep.notes)  # fmt: skip
    # and its appendix cites where the limits come from: the site.toml's [sources] line
    cited = tomllib.loads((folder / "site.toml").read_text(encoding="utf-8"))["sources"]
    noise = next(m for m in rep.methods if m.figure == "Noise")
    assert f"noise limits: {cited['noise_limits']}" in noise.sources
    assert not any("WHO" in source for source in noise.sources)


def test_a_bad_impact_table_in_site_toml_is_refused_before_anything_is_written(tmp_path):
    import shutil
    from pathlib import Path

    from site_manager.errors import ValidationError

    root = Path(__file__).resolve().parents[2]
    folder = tmp_path / "engineering_works"
    shutil.copytree(root / "sample_sites" / "engineering_works", folder)
    text = (folder / "site.toml").read_text(encoding="utf-8")
    (folder / "site.toml").write_text(
        text.replace("../../models", str(root / "models")).replace(
            "noise_limit_night_dba = 45.0", "noise_limit_night_dba = 200.0"
        ),
        encoding="utf-8",
    )
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    with pytest.raises(ValidationError, match=r"\[impact\].*night noise limit"):
        register.load_sample(engine, folder)
    assert len(register.list_sites(engine)) == 0
