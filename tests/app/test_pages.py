"""Every dashboard page under Streamlit's AppTest, on a real register with its state seeded."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from site_manager.app import state

from .conftest import MODELS, SAMPLE_SITES, Seeded, shown

TIMEOUT_S = 120


def page_app(page: str, url: str, **session: object) -> AppTest:
    """An AppTest running one page module's ``render`` with the session state seeded.

    ``state.USER`` in ``session`` (a ``Principal``): the page runs as that logged-in user.
    """
    app = AppTest.from_string(
        "import contextlib\nimport streamlit as st\nfrom site_manager.register import access\n"
        f"from site_manager.app import state, {page}\nstate.init()\n"
        "user = st.session_state.get(state.USER)\n"
        "with access.acting_as(user) if user else contextlib.nullcontext():\n"
        f"    {page}.render()\n",
        default_timeout=TIMEOUT_S,
    )
    app.session_state[state.DB_URL] = url
    for key, value in session.items():
        app.session_state[key] = value
    return app


def no_exception(app: AppTest) -> None:
    assert [e.value for e in app.exception] == []
    assert [e.value for e in app.error] == []


def plotly_specs(app: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_the_site_page_draws_the_storey_and_shows_the_selected_spaces_lease(seeded: Seeded) -> None:
    from site_manager import register

    app = page_app(
        "page_site", seeded.url, **{state.STOREY: seeded.storey, state.SPACE: seeded.let_space}
    )
    app.run()
    no_exception(app)
    (spec,) = plotly_specs(app)
    names = {trace["name"] for trace in spec["data"]}
    assert {"private_production", "shared_production", "spaces", "selected"} <= names
    marker = next(t for t in spec["data"] if t["name"] == "spaces")
    frames = register.frames(register.open_register(seeded.url), site=seeded.site)
    expected = frames.spaces[
        (frames.spaces["storey"] == seeded.storey) & frames.spaces["footprint_wkt"].notna()
    ]["global_id"]
    assert sorted(marker["customdata"]) == sorted(expected)
    details = " ".join(shown(m.value) for m in app.markdown)
    assert "Ada Weaving" in details and seeded.lease_id in details
    assert metric(app, "Rent roll [€/month]") == f"{seeded.rent_eur_per_month:,.0f}"
    occupancy = seeded.let_area_m2 / (seeded.let_area_m2 + seeded.vacant_area_m2)
    assert metric(app, "Occupancy") == f"{occupancy:.0%}"


def test_colouring_the_plan_by_tenant_names_the_tenant_and_the_empty_spaces(seeded: Seeded) -> None:
    app = page_app("page_site", seeded.url, **{state.STOREY: seeded.storey})
    app.run()
    app.selectbox(key=state.COLOR_BY).set_value("tenant").run()
    no_exception(app)
    (spec,) = plotly_specs(app)
    # the colouring's fills (the walls and doors are filled too, in their own group)
    fills = [t["name"] for t in spec["data"] if t.get("legendgroup") == "tenant"]
    assert sorted(fills) == ["(none)", "Ada Weaving"]


def test_colouring_by_area_gives_a_colour_bar(seeded: Seeded) -> None:
    app = page_app(
        "page_site", seeded.url, **{state.STOREY: seeded.storey, state.COLOR_BY: "area_m2"}
    )
    app.run()
    no_exception(app)
    (spec,) = plotly_specs(app)
    marker = next(t for t in spec["data"] if t["name"] == "spaces")
    assert marker["marker"]["showscale"] is True


def test_zoning_from_the_plan_saves_the_use_with_an_audit_entry(seeded: Seeded) -> None:
    from site_manager import register

    app = page_app(
        "page_zoning",
        seeded.url,
        **{state.STOREY: seeded.storey, state.ZONING_PICK: [seeded.vacant_space]},
    )
    app.run()
    no_exception(app)
    app.selectbox(key="zoning_plan_use").set_value("storage")
    submit = next(b for b in app.get("form_submit_button") if "picked" in b.proto.label)
    submit.click().run()
    no_exception(app)
    engine = register.open_register(seeded.url)
    spaces = register.frames(engine, site=seeded.site).spaces.set_index("global_id")
    assert spaces.loc[seeded.vacant_space, "use"] == "storage"
    audit = register.get_audit(engine, site=seeded.site, limit=1)
    assert audit.iloc[0]["verb"] == "set_zoning"
    assert "storage" in str(audit.iloc[0]["after"])
    assert any("Saved the use of 1 space" in s.value for s in app.success)


def test_the_zoning_balance_is_shared_over_shared_plus_private(seeded: Seeded) -> None:
    from site_manager import register

    frames = register.frames(register.open_register(seeded.url), site=seeded.site)
    shared = frames.spaces.set_index("global_id").loc[seeded.shared_space, "area_m2"]
    app = page_app("page_zoning", seeded.url, **{state.STOREY: seeded.storey})
    app.run()
    no_exception(app)
    share = shared / (shared + seeded.let_area_m2 + seeded.vacant_area_m2)
    assert metric(app, "Shared share") == f"{share:.0%}"


def test_signing_a_lease_in_the_form_adds_it_to_the_lease_table(seeded: Seeded) -> None:
    app = page_app("page_tenants", seeded.url)
    app.run()
    no_exception(app)
    app.selectbox(key="sign_unit").set_value("U2")
    app.selectbox(key="sign_tenant").set_value("T2")
    app.date_input(key="sign_start").set_value(dt.date(2027, 1, 1))
    app.date_input(key="sign_end").set_value(dt.date(2027, 12, 31))
    app.number_input(key="sign_rent").set_value(640.0)
    next(b for b in app.get("form_submit_button") if b.proto.label == "Sign").click().run()
    no_exception(app)
    assert any("signed: Bo Prints in unit U2" in shown(s.value) for s in app.success)
    leases = next(d.value for d in app.dataframe if "lease_id" in d.value.columns)
    row = leases[(leases["unit_id"] == "U2") & (leases["tenant_id"] == "T2")]
    assert len(row) == 1 and float(row["rent_eur_per_month"].iloc[0]) == 640.0


def test_an_overlapping_lease_is_refused_next_to_the_first_day(seeded: Seeded) -> None:
    app = page_app("page_tenants", seeded.url)
    app.run()
    app.selectbox(key="sign_unit").set_value("U1")
    app.selectbox(key="sign_tenant").set_value("T2")
    app.date_input(key="sign_start").set_value(seeded.lease_start + dt.timedelta(days=10))
    app.date_input(key="sign_end").set_value(seeded.lease_end + dt.timedelta(days=10))
    next(b for b in app.get("form_submit_button") if b.proto.label == "Sign").click().run()
    assert app.exception == []
    (error,) = app.error
    assert "U1" in shown(error.value) and seeded.lease_id in shown(error.value)
    assert not app.success


def test_a_lease_ending_before_it_starts_is_refused_next_to_the_last_day(seeded: Seeded) -> None:
    app = page_app("page_tenants", seeded.url)
    app.run()
    app.date_input(key="sign_start").set_value(dt.date(2027, 6, 1))
    app.date_input(key="sign_end").set_value(dt.date(2027, 5, 1))
    next(b for b in app.get("form_submit_button") if b.proto.label == "Sign").click().run()
    (error,) = app.error
    assert shown(error.value) == (
        "end 2027-05-01 is before start 2027-06-01; the end is the lease's last day"
    )


def test_ending_a_lease_moves_its_last_day(seeded: Seeded) -> None:
    from site_manager import register

    app = page_app("page_tenants", seeded.url)
    app.run()
    last_day = dt.date.today() + dt.timedelta(days=30)
    app.selectbox(key="end_lease_id").set_value(seeded.lease_id)
    app.date_input(key="end_on").set_value(last_day)
    next(b for b in app.get("form_submit_button") if b.proto.label == "End the lease").click().run()
    no_exception(app)
    leases = register.frames(register.open_register(seeded.url), site=seeded.site).leases
    assert leases.set_index("lease_id").loc[seeded.lease_id, "end"] == last_day


def test_the_landlord_page_shows_let_and_vacant_area_and_the_rent_roll(seeded: Seeded) -> None:
    app = page_app("page_landlord", seeded.url)
    app.run()
    no_exception(app)
    assert metric(app, "Let") == f"{seeded.let_area_m2:,.0f} m²"
    assert metric(app, "Vacant") == f"{seeded.vacant_area_m2:,.0f} m²"
    assert metric(app, "Rent roll [€/month]") == f"{seeded.rent_eur_per_month:,.0f}"
    specs = plotly_specs(app)
    timeline = next(s for s in specs if s["layout"]["title"]["text"] == "Running and future leases")
    assert [y for t in timeline["data"] for y in t["y"]] == ["U1 · Ada Weaving"]
    assert len(app.get("download_button")) >= 6  # every table: CSV and Excel; figures: PNG


def test_importing_a_model_shows_its_report_and_creates_a_site(seeded: Seeded) -> None:
    from site_manager import register

    model = MODELS / "engineering_works.ifc"
    app = page_app("page_import", seeded.url)
    app.run()
    no_exception(app)
    app.file_uploader[0].set_value((model.name, model.read_bytes(), "application/octet-stream"))
    app.run()
    no_exception(app)
    assert metric(app, "Schema").startswith("IFC")
    # the model read, the session state no longer holds the uploaded file (a copy of the
    # whole file per session until the session ended): the page keeps the model instead
    assert "import_upload" not in app.session_state
    app.text_input(key="import_site_id").set_value("works")
    next(
        b for b in app.get("form_submit_button") if b.proto.label == "Create the site"
    ).click().run()
    no_exception(app)
    engine = register.open_register(seeded.url)
    assert "works" in set(register.list_sites(engine)["site_id"])
    assert app.session_state[state.SITE] == "works"
    # the register keeps the model's fabric and columns, as `site create` does
    direct = register.read_site_model(model)
    stored = register.frames(engine, site="works")
    assert len(stored.fabric) == len(direct.fabric) > 0
    assert len(stored.columns) == len(direct.columns) > 0


def test_a_revision_is_previewed_without_changing_the_register_then_applied(
    seeded: Seeded,
) -> None:
    from site_manager import register

    engine = register.open_register(seeded.url)
    before = register.frames(engine, site=seeded.site).spaces
    other = MODELS / "engineering_works.ifc"  # a different building: every GlobalId differs
    app = page_app("page_import", seeded.url)
    app.run()
    app.file_uploader[0].set_value((other.name, other.read_bytes(), "application/octet-stream"))
    app.run()
    app.selectbox(key="import_revise_site").set_value(seeded.site)
    app.button(key="import_diff").click().run()
    no_exception(app)
    shown = " ".join(m.value for m in app.markdown)
    assert f"**Removed**: {len(before)}" in shown
    after_preview = register.frames(engine, site=seeded.site).spaces
    assert not after_preview["removed"].any() and len(after_preview) == len(before)
    # another building matches none of the site's spaces: the preview warns, and applying
    # it is refused until the user says to go ahead
    assert f"0 of the site's {len(before)} spaces are in this model" in " ".join(
        t.value for t in app.get("markdown")
    )
    assert any("matches under 50%" in w.value for w in app.warning)
    assert app.button(key="import_apply").disabled
    assert not register.frames(engine, site=seeded.site).spaces["removed"].any()
    app.checkbox(key="import_force").check().run()
    assert not app.button(key="import_apply").disabled
    app.button(key="import_apply").click().run()
    no_exception(app)
    revised = register.frames(engine, site=seeded.site).spaces.set_index("global_id")
    assert revised.loc[before["global_id"], "removed"].all()
    assert any("revised" in s.value for s in app.success)


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_manager.app import page_import

    monkeypatch.setattr(page_import, "upload_limit_mb", lambda: 0.001)  # 1,000 bytes
    app = page_app("page_import", seeded.url)
    app.run()
    app.file_uploader[0].set_value(("big.ifc", b"x" * 2000, "application/octet-stream"))
    app.run()
    assert app.exception == []
    (error,) = app.error
    assert error.value.startswith("big.ifc: ") and "over the 0.001 MB limit" in error.value
    assert any("Files up to 0.001 MB" in c.value for c in app.caption)  # said before upload
    assert app.session_state[state.IMPORTED] is None


def test_an_upload_that_is_not_ifc_is_refused_in_one_line(seeded: Seeded, tmp_path: Path) -> None:
    app = page_app("page_import", seeded.url)
    app.run()
    app.file_uploader[0].set_value(
        ("plan.ifc", b"this is not an IFC file\n", "application/octet-stream")
    )
    app.run()
    assert app.exception == []
    (error,) = app.error
    assert "plan.ifc" in shown(error.value) and "\n" not in error.value


@pytest.mark.parametrize("sample", SAMPLE_SITES)
@pytest.mark.parametrize("page", ["page_site", "page_zoning", "page_tenants", "page_landlord"])
def test_every_page_works_on_every_sample_site(
    sample: str, page: str, sample_register: tuple[Path, dict[str, str]]
) -> None:
    path, site_ids = sample_register
    app = page_app(page, f"sqlite:///{path}", **{state.SITE: site_ids[sample]})
    app.run()
    no_exception(app)
    assert app.title[0].value


def _shared_ifc_files() -> list[str]:
    folder = Path(__file__).resolve().parents[3] / "shared" / "ifc"
    return sorted(p.name for p in folder.glob("*.ifc")) or ["(none)"]


@pytest.mark.slow
@pytest.mark.parametrize("name", _shared_ifc_files())
def test_a_real_ifc_goes_through_the_import_page_and_every_page_shows_its_site(
    name: str, shared_ifc_dir: Path, tmp_path: Path
) -> None:
    path = shared_ifc_dir / name
    url = f"sqlite:///{tmp_path / 'register.sqlite'}"
    app = page_app("page_import", url)
    app.run()
    app.file_uploader[0].set_value((path.name, path.read_bytes(), "application/octet-stream"))
    app.run()
    no_exception(app)
    app.text_input(key="import_site_id").set_value("real")
    if name in ("TeklaModell.ifc", "vectorworks_unicode.ifc"):  # no IfcSpace: asked first
        assert any("no spaces" in w.value for w in app.warning)
        app.checkbox(key="import_allow_empty").check()
    next(
        b for b in app.get("form_submit_button") if b.proto.label == "Create the site"
    ).click().run()
    no_exception(app)
    for page in ("page_site", "page_zoning", "page_tenants", "page_landlord"):
        shown = page_app(page, url, **{state.SITE: "real"})
        shown.run()
        no_exception(shown)
    # every storey with spaces draws its plan with one dot per space that has a footprint
    from site_manager import register

    spaces = register.frames(register.open_register(url), site="real").spaces
    drawn = spaces[spaces["footprint_wkt"].notna() & spaces["storey"].notna()]
    for storey, group in drawn.groupby("storey"):
        site = page_app("page_site", url, **{state.SITE: "real", state.STOREY: storey})
        site.run()
        no_exception(site)
        (spec,) = plotly_specs(site)
        marker = next(t for t in spec["data"] if t["name"] == "spaces")
        assert sorted(marker["customdata"]) == sorted(group["global_id"])


def assumed_values(app: AppTest) -> tuple[list[str], list[str]]:
    """The plain texts and the Markdown texts (captions included) of the "Assumed values"
    expander."""
    (box,) = [e for e in app.expander if e.label == "Assumed values"]
    return [t.value for t in box.text], [m.value for m in box.markdown]


def test_the_site_page_lists_the_assumed_values_as_plain_text(seeded: Seeded) -> None:
    from site_manager import assumptions, register

    frames = register.frames(register.open_register(seeded.url), site=seeded.site)
    expected = assumptions.all_assumptions(frames)
    # made from a bare IFC file with the register's verbs: no climate and no applicants stored
    assert {"climate", "applicants"} <= {a.topic for a in expected}
    app = page_app("page_site", seeded.url, **{state.STOREY: seeded.storey})
    app.run()
    no_exception(app)
    texts, markdown = assumed_values(app)
    assert len(texts) == len(expected)
    for a, text in zip(expected, texts, strict=True):
        message, remedy = text.split("\n")
        assert a.message in message and a.remedy in remedy
    assert not any(a.message in m or a.remedy in m for a in expected for m in markdown)


def test_a_site_that_gives_every_input_has_no_assumed_values(
    sample_register: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The textile mill sample stores every input; once a floor load is cleared, the same
    session's next run lists that one assumption, with its remedy."""
    from site_manager import register

    from .conftest import copy_sqlite

    path, site_ids = sample_register
    url = copy_sqlite(path, tmp_path / "register.sqlite")
    site = site_ids["textile_mill"]
    app = page_app("page_site", url, **{state.SITE: site})
    app.run()
    no_exception(app)
    assert assumed_values(app) == (["No assumed values: the register gives every input."], [])

    engine = register.open_register(url)
    spaces = register.frames(engine, site=site).spaces
    assert spaces["floor_load_kn_m2"].notna().all()
    gid = str(spaces["global_id"].iloc[0])
    register.set_space_attributes(engine, gid, floor_load_kn_m2=None, site=site)
    app.run()
    no_exception(app)
    texts, _ = assumed_values(app)
    assert len(texts) == 1
    assert f"1 of {len(spaces)} spaces have an unknown floor load" in texts[0]
    assert "space set GID --floor-load-kn-m2" in texts[0]


def test_ids_in_the_assumed_values_are_not_read_as_markdown(seeded: Seeded) -> None:
    from site_manager import register

    nasty = "**bold**[link](https://example.invalid)<b>x</b>:red[y]$z$"
    register.create_site(
        register.open_register(seeded.url), str(MODELS / "engineering_works.ifc"),
        site_id=nasty, name="Works",
    )  # fmt: skip
    app = page_app("page_site", seeded.url, **{state.SITE: nasty})
    app.run()
    no_exception(app)
    texts, markdown = assumed_values(app)
    remedies = [t for t in texts if f"--site {nasty}" in t]
    assert remedies, texts  # every remedy names the site: shown verbatim, as plain text
    assert not any("example.invalid" in m for m in markdown)
