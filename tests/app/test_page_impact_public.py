"""The municipality's copy of the impact report on the textile mill sample: its JSON, HTML,
PDF and CSV, and the page as a municipality user, hold none of the sample's tenant names,
contacts, ids, lease ids or rents; the municipality cannot read the register nor sign a
lease by calling the verbs directly.

The secrets are read from the sample's own register frames (as the administrator).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest

from site_manager.app import state
from site_manager.register.access import AccessDenied, Principal, Role, acting_as

from .conftest import shown
from .test_pages import no_exception, page_app

MUNI = Principal("muni", Role.MUNICIPALITY, via="password")


def _secrets(url: str) -> tuple[list[str], list[float]]:
    """Names, contacts, ids and lease ids of the sample; and its rents [EUR/month]."""
    from site_manager import register

    f = register.frames(register.open_register(url), "textile_mill")  # as the OS admin
    words: set[str] = set()
    for col in ("tenant_id", "name", "contact_name", "contact_email", "contact_phone"):
        words |= {str(v) for v in f.tenants[col] if isinstance(v, str) and v}
    for col in ("name", "contact_name", "contact_email", "contact_phone"):
        words |= {str(v) for v in f.applicants[col] if isinstance(v, str) and v}
    words |= {str(v) for v in f.leases["lease_id"]}
    rents = sorted({float(v) for v in f.leases["rent_eur_per_month"] if v == v})
    assert len(words) > 50 and rents, "the sample has tenants, contacts and leases"
    return sorted(words), rents


def _leaks(text: str, words: list[str], rents: list[float]) -> list[str]:
    found = [w for w in words if w.lower() in text.lower()]
    for r in rents:  # a rent as a number on its own: 1160, 1,160, 1160.0, 1 160
        forms = {f"{r:g}", f"{r:,.0f}", f"{r:.1f}", f"{r:,.2f}", f"{r:,.0f}".replace(",", " ")}
        for form in forms:
            if re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", text):
                found.append(form)
    return found


def test_the_municipalitys_files_hold_no_tenant_contact_or_rent(mill, tmp_path) -> None:
    from pypdf import PdfReader

    from site_manager import register
    from site_manager.disclosure import public_report
    from site_manager.impact.render import render_public_html, render_public_pdf

    words, rents = _secrets(mill)
    engine = register.open_register(mill)
    with acting_as(MUNI):
        p = public_report(engine, "textile_mill")
    files = {
        "json": json.dumps(p.to_dict(), ensure_ascii=False),
        "html": render_public_html(p),
        "csv": p.table_rows().to_csv(),
        "pdf": "\n".join(
            page.extract_text() for page in PdfReader(io.BytesIO(render_public_pdf(p))).pages
        ),
    }
    for kind, text in files.items():
        assert _leaks(text, words, rents) == [], kind
    assert "Lanificio Bisenzio" in files["pdf"]  # the text extraction reads the report
    assert "suppressed" in files["json"] and "x" in files["html"]
    # the checker finds what is there
    planted = files["html"].replace("Lanificio Bisenzio", words[0])
    assert _leaks(planted, words, rents) == [words[0]]


def test_the_cli_writes_the_municipalitys_copy_with_public(mill, tmp_path) -> None:
    from site_manager.cli import main

    words, rents = _secrets(mill)
    out = tmp_path / "impact.json"
    assert main(["report", "impact", "--db", mill, "--public", "-o", str(out)]) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["disclosure_control"]["threshold_tenants"] == 3
    assert _leaks(out.read_text("utf-8"), words, rents) == []


def test_the_impact_page_as_the_municipality_shows_no_tenant_contact_or_rent(mill) -> None:
    words, rents = _secrets(mill)
    app = page_app("page_impact", mill, **{state.USER: MUNI, state.SITE: "textile_mill"})
    app.run()
    no_exception(app)
    texts = [shown(e.value) for e in [*app.markdown, *app.caption, *app.info, *app.header]]
    texts += [f"{m.label} {m.value} {m.help}" for m in app.metric]
    texts += [e.value.to_csv() for e in app.dataframe]
    texts += [b.proto.label for b in app.get("download_button")]
    page = "\n".join(texts)
    assert "the municipality's copy" in page
    assert _leaks(page, words, rents) == []
    labels = [b.proto.label for b in app.get("download_button")]
    for label in ("Report (HTML)", "Report (PDF)", "Figures (JSON)", "Tables (CSV)"):
        assert label in labels
    assert not [t for t in app.toggle if t.label == "The municipality's copy"]  # no way out


def test_staff_see_the_full_report_and_can_switch_to_the_municipalitys(mill) -> None:
    app = page_app("page_impact", mill, **{state.SITE: "textile_mill"})
    app.run()
    no_exception(app)
    words, rents = _secrets(mill)
    full = "\n".join(e.value.to_csv() for e in app.dataframe)
    assert _leaks(full, words, rents), "the full report shows per-tenant data to staff"
    app.toggle(key="impact_public").set_value(True).run()
    no_exception(app)
    public = "\n".join(e.value.to_csv() for e in app.dataframe)
    assert _leaks(public, words, rents) == []


def test_the_municipality_cannot_read_the_register_nor_sign_a_lease(mill) -> None:
    from site_manager import register

    engine = register.open_register(mill)
    f = register.frames(engine, "textile_mill")  # as the OS user: admin
    unit = f.units["unit_id"].iloc[0]
    tenant = f.tenants["tenant_id"].iloc[0]
    for who in (MUNI, Principal("ann", Role.TENANT, tenant)):
        with pytest.raises(AccessDenied):
            register.frames(engine, "textile_mill", actor=who)
        with acting_as(who), pytest.raises(AccessDenied):
            register.frames(engine, "textile_mill")
    day = dt.date(2030, 1, 1)
    with acting_as(MUNI), pytest.raises(AccessDenied):
        register.sign_lease(engine, unit_id=unit, tenant_id=tenant, start=day,
                            end=day + dt.timedelta(days=30), rent_eur_per_month=1.0,
                            site="textile_mill")  # fmt: skip
    after = register.frames(engine, "textile_mill")
    assert len(after.leases) == len(f.leases)
    for role in (Role.LANDLORD, Role.PLANNER):
        assert len(register.frames(engine, "textile_mill", actor=Principal("s", role)).tenants)


def test_the_dashboards_cached_frames_are_not_handed_to_the_municipality(mill) -> None:
    from site_manager.app import data

    version = data.data_version(mill)
    assert len(data.get_frames(mill, "textile_mill", version).tenants)  # staff: cached now
    with acting_as(MUNI), pytest.raises(AccessDenied):
        data.get_frames(mill, "textile_mill", version)
