"""The Neighbourhood impact page in a real browser: it opens and both reports download."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from .test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    FIRST_LOAD_MS,
    STEP_MS,
    healthy,
    server,
    wait_idle,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
]
__all__ = ["server"]  # the module-scoped dashboard fixture of test_browser


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_the_impact_page_opens_and_downloads_the_html_and_pdf_reports(server: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    shots = Path(tempfile.mkdtemp(prefix="dashboard-impact-"))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        try:
            page.goto(f"{server}/impact")
            expect(
                page.get_by_role("heading", name="Neighbourhood impact", exact=True)
            ).to_be_visible(timeout=FIRST_LOAD_MS)
            expect(page.get_by_role("heading", name="Noise at the neighbours")).to_be_visible(
                timeout=STEP_MS
            )
            wait_idle(page)
            page.screenshot(path=str(shots / "impact.png"), full_page=True)
            site_map = page.get_by_test_id("stImage").first
            expect(site_map).to_be_visible(timeout=STEP_MS)
            site_map.scroll_into_view_if_needed()
            page.screenshot(path=str(shots / "impact_map.png"))
            box = site_map.bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 200
            healthy(page)
            for label, magic, title in (
                ("Report (HTML)", b"<!DOCTYPE html>", b"Neighbourhood impact:"),
                ("Report (PDF)", b"%PDF", None),
            ):
                with page.expect_download(timeout=STEP_MS) as download:
                    page.get_by_role("button", name=label).click()
                content = Path(download.value.path()).read_bytes()
                assert content.startswith(magic), (label, content[:60])
                if title:
                    assert title in content
                else:
                    from pypdf import PdfReader

                    (shots / "impact.pdf").write_bytes(content)
                    text = " ".join(p.extract_text() for p in PdfReader(shots / "impact.pdf").pages)
                    assert "Noise at the neighbours" in text
        finally:
            browser.close()
