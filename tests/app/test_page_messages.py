"""What the pages say when there is nothing to do: no false counts, no false claims."""

from __future__ import annotations

from site_manager import register
from site_manager.app import state

from .conftest import Seeded, shown
from .test_pages import no_exception, page_app


def test_setting_a_space_to_the_use_it_has_says_nothing_was_saved(seeded: Seeded) -> None:
    engine = register.open_register(seeded.url)
    use = (
        register.frames(engine, site=seeded.site)
        .spaces.set_index("global_id")
        .loc[seeded.vacant_space, "use"]
    )
    revision = register.get_revision(engine)
    app = page_app(
        "page_zoning",
        seeded.url,
        **{state.STOREY: seeded.storey, state.ZONING_PICK: [seeded.vacant_space]},
    )
    app.run()
    app.selectbox(key="zoning_plan_use").set_value(use)
    next(b for b in app.get("form_submit_button") if "picked" in b.proto.label).click().run()
    no_exception(app)
    assert [s.value for s in app.success] == []  # was "Saved the use of 0 space(s)"
    assert any("already have that use" in i.value for i in app.info)
    assert register.get_revision(engine) == revision


def test_a_site_without_units_is_not_said_to_be_fully_let(seeded: Seeded) -> None:
    from tests.conftest import MODELS

    engine = register.open_register(seeded.url)
    register.create_site(engine, MODELS / "engineering_works.ifc", site_id="bare", name="Bare")
    app = page_app("page_landlord", seeded.url, **{state.SITE: "bare"})
    app.run()
    no_exception(app)
    assert not any("Every unit is let" in s.value for s in app.success)
    assert any("no units yet" in i.value for i in app.info)


def test_an_upload_error_names_the_uploaded_file_not_the_servers_copy(seeded: Seeded) -> None:
    app = page_app("page_import", seeded.url)
    app.run()
    app.file_uploader[0].set_value(
        ("My Factory (v2).ifc", b"ISO-10303-21;\nHEADER;\nnot really\n", "text/plain")
    )
    app.run()
    assert app.exception == []
    (error,) = app.error
    assert "My Factory (v2).ifc" in shown(error.value)
    assert "site-manager-upload-" not in shown(error.value) and "/tmp" not in shown(error.value)


def test_a_second_upload_gets_its_own_site_id_and_an_existing_id_points_to_revise(
    seeded: Seeded,
) -> None:
    from tests.conftest import MODELS

    app = page_app("page_import", seeded.url)
    app.run()
    works = MODELS / "engineering_works.ifc"
    app.file_uploader[0].set_value((works.name, works.read_bytes(), "application/octet-stream"))
    app.run()
    assert app.text_input(key="import_site_id").value == "engineering_works"
    mill = MODELS / "textile_mill.ifc"
    app.file_uploader[0].set_value((mill.name, mill.read_bytes(), "application/octet-stream"))
    app.run()
    no_exception(app)
    # was: the first upload's id and name stayed in the form
    assert app.text_input(key="import_site_id").value == "textile_mill"
    assert app.text_input(key="import_site_name").value != "engineering_works"
    app.text_input(key="import_site_id").set_value(seeded.site)
    next(
        b for b in app.get("form_submit_button") if b.proto.label == "Create the site"
    ).click().run()
    assert app.exception == []
    (error,) = app.error
    assert "Revise a site" in error.value and "site-manager" not in error.value
