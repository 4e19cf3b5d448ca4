"""The Community page and the Layout lab's "Use community defaults" under AppTest, on the
textile mill sample. Who provides what an applicant needs is counted here from the
register's own tables (applicants' offers, shared machines, skills), not by the library.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from site_manager import community, register

from .conftest import MODELS, shown
from .test_pages import no_exception, page_app, plotly_specs


def _tables(app: AppTest, column: str) -> list[Any]:
    return [d.value for d in app.dataframe if column in d.value.columns]


def _offers(frames: Any) -> dict[str, set[str]]:
    """Who offers each type: applicants' ``provides``, owners of shared machines (the site
    for those nobody owns), tenants' skills spelt as the layout engine spells them."""
    offers: dict[str, set[str]] = {}
    for aid, text in zip(frames.applicants["applicant_id"], frames.applicants["provides"],
                         strict=True):  # fmt: skip
        for t in str(text or "").split(";"):
            if t.strip():
                offers.setdefault(t.strip(), set()).add(aid)
    eq = frames.equipment
    for t, owner, shared in zip(eq["type"], eq["owner_tenant_id"], eq["shared"], strict=True):
        if shared:
            offers.setdefault(t, set()).add(owner if isinstance(owner, str) else "site")
    for tid, skill in zip(frames.skills["tenant_id"], frames.skills["skill"], strict=True):
        slug = re.sub(r"[^a-z0-9]+", "_", skill.lower()).strip("_")
        offers.setdefault(slug, set()).add(tid)
    return offers


def test_complementarity_of_an_applicant_names_who_provides_what_it_needs(mill: str) -> None:
    frames = register.frames(register.open_register(mill))
    first = frames.applicants.iloc[0]
    needs = {t.strip() for t in first["needs"].split(";") if t.strip()}
    offers = _offers(frames)
    expected = sorted({m for t in needs for m in offers.get(t, set())} - {first.applicant_id})
    assert expected, "the sample applicant's needs are provided by someone"

    app = page_app("page_community", mill)
    app.run()
    no_exception(app)
    app.selectbox(key="community_member").set_value(first.applicant_id).run()
    no_exception(app)
    (providers,) = _tables(app, "member_id")[1:2]  # the directory comes first
    assert sorted(providers["member_id"]) == expected
    # every row names types the applicant needs and that member offers
    for member, types in zip(providers["member_id"], providers["types"], strict=True):
        assert set(str(types).split("; ")) == {t for t in needs if member in offers.get(t, ())}

    # the network has every tenant, applicant and the site as a node
    (spec,) = plotly_specs(app)
    nodes = {n for t in spec["data"] if t.get("customdata") for n in t["customdata"]}
    assert nodes == set(frames.tenants["tenant_id"]) | set(frames.applicants["applicant_id"]) | {
        "site"
    }


def test_the_directory_filters_by_role_and_text(mill: str) -> None:
    frames = register.frames(register.open_register(mill))
    app = page_app("page_community", mill)
    app.run()
    app.multiselect(key="community_roles").set_value(["applicant"]).run()
    (directory,) = _tables(app, "provides")[:1]
    assert sorted(directory["member_id"]) == sorted(frames.applicants["applicant_id"])
    app.multiselect(key="community_roles").set_value([]).run()
    app.text_input(key="community_text").input("knitting_machine").run()
    (directory,) = _tables(app, "provides")[:1]
    by_hand = set(frames.applicants[frames.applicants["provides"].fillna("").str.contains(
        "knitting_machine") | frames.applicants["needs"].fillna("").str.contains(
        "knitting_machine")]["applicant_id"])  # fmt: skip
    shared = frames.equipment[frames.equipment["shared"] & (frames.equipment["type"] ==
                                                            "knitting_machine")]  # fmt: skip
    by_hand |= {o if isinstance(o, str) else "site" for o in shared["owner_tenant_id"]}
    assert set(directory["member_id"]) == by_hand


def test_layout_lab_takes_the_community_defaults(mill: str) -> None:
    engine = register.open_register(mill)
    held = community.profiles(register.frames(engine), register.list_trainings(engine),
                              register.list_bookings(engine))  # fmt: skip
    table = community.synergy_defaults(held)
    worth = dict(zip(table["type"], table["eur_per_month"], strict=True))
    app = page_app("page_layout", mill)
    app.run()
    no_exception(app)
    editor = next(d for d in app.sidebar.dataframe if "eur_per_month" in d.value.columns)
    assert set(editor.value["eur_per_month"]) == {0.0}
    app.button(key="lab_synergy_defaults").click().run()
    no_exception(app)
    editor = next(d for d in app.sidebar.dataframe if "eur_per_month" in d.value.columns)
    got = dict(zip(editor.value["type"], editor.value["eur_per_month"], strict=True))
    assert got == {t: worth.get(t, 0.0) for t in got}
    assert any(v > 0 for v in got.values())


def test_an_imported_site_has_nothing_to_match(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    engine = register.open_register(url)
    register.create_site(engine, MODELS / "engineering_works.ifc", site_id="ew", name="Works")
    engine.dispose()
    app = page_app("page_community", url)
    app.run()
    no_exception(app)
    assert [shown(i.value) for i in app.info] == [
        "Site ew has no tenants, applicants or shared machines yet: nothing to match."
    ]
