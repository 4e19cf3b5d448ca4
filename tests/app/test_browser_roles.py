"""Who sees what, walked in a real browser: the municipality, a landlord and a tenant log in
through the form on a register holding the textile mill sample, open every page their
navigation gives them, download every file those pages offer, and the tests search what
reached the browser for the sample's tenant data.

"What reached the browser" is three things: the page's HTML once the script run has ended
(``page.content()``), every message the server sent over the page's websocket (tables are
drawn on a canvas, so their cells are in these messages, not in the HTML), and the
downloaded files (PDF text through pypdf, workbooks through openpyxl, the rest as text).
The secrets are read from the register's full frames here, not from the pages' code: each
tenant's name, contact name, e-mail, phone and id, and each lease's id and rent in the forms
the pages write money in (``1,160.00``, ``1160.0``, ``1,160``, ``1160``, ``1 160``).
The landlord's walk is the positive control: the same search finds those data there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import re
import secrets
import struct
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .conftest import copy_sqlite, log_in, streamlit_servers
from .test_browser import CHROMIUM, CHROMIUM_ARGS, FIRST_LOAD_MS, STEP_MS, healthy, wait_idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
]

SHOTS = Path("/tmp")


# ------------------------------------------------------------------ what must not leak


@dataclass(frozen=True)
class Secret:
    """One datum of the sample a role may or may not see: its kind, value and owner."""

    kind: str  # name, contact, email, phone, tenant_id, lease_id, rent
    value: str
    tenant_id: str

    def pattern(self) -> re.Pattern[str]:
        """Where it occurs in a text: names as written (or HTML-escaped), ids and amounts as
        whole tokens (``T001`` not inside ``T0012``, ``1160`` not inside ``11600``). An id
        may follow a digit: a table's text column travels as its values run together
        (``…L024L025…``)."""
        if self.kind in ("tenant_id", "lease_id"):
            return re.compile(rf"(?<![A-Za-z]){re.escape(self.value)}(?!\d)")
        if self.kind == "rent":
            return re.compile(rf"(?<![\w.,]){re.escape(self.value)}(?!\w|[.,]\d)")
        forms = {self.value, html.escape(self.value), html.escape(self.value, quote=False)}
        if self.kind == "phone":
            forms.add(self.value.replace(" ", ""))
            forms.add(self.value.replace(" ", "\u00a0"))
        return re.compile("|".join(re.escape(f) for f in sorted(forms)))


def money_forms(amount: float) -> set[str]:
    """An amount [EUR] as the pages, tables and files write it."""
    whole = f"{amount:,.0f}"
    forms = {f"{amount:,.2f}", f"{amount:.2f}", f"{amount:.1f}", whole, f"{amount:.0f}"}
    forms |= {whole.replace(",", sep) for sep in (" ", "\u202f", "\u00a0")}
    if amount != round(amount):
        forms -= {whole, f"{amount:.0f}"}  # a rounded cent amount is a different number
    return forms


def sample_secrets(frames: Any) -> list[Secret]:
    """Every tenant's name, contact, e-mail, phone and id, and every lease's id and rent."""
    out: list[Secret] = []
    for t in frames.tenants.to_dict("records"):
        tid = str(t["tenant_id"])
        out.append(Secret("tenant_id", tid, tid))
        for kind, column in (("name", "name"), ("contact", "contact_name"),
                             ("email", "contact_email"), ("phone", "contact_phone")):  # fmt: skip
            value = t.get(column)
            if isinstance(value, str) and value.strip():
                out.append(Secret(kind, value.strip(), tid))
    for lease in frames.leases.to_dict("records"):
        tid = str(lease["tenant_id"])
        out.append(Secret("lease_id", str(lease["lease_id"]), tid))
        out.extend(Secret("rent", f, tid) for f in money_forms(float(lease["rent_eur_per_month"])))
    return out


def found(text: str, candidates: list[Secret]) -> list[tuple[Secret, str]]:
    """The secrets ``text`` holds, each with a little of the text around its first match."""
    hits = []
    for secret in candidates:
        match = secret.pattern().search(text)
        if match:
            hits.append((secret, text[max(0, match.start() - 60) : match.end() + 60]))
    return hits


def file_text(path: Path) -> str:
    """The text of a downloaded file: PDF through pypdf, xlsx through openpyxl, else text."""
    content = path.read_bytes()
    if content.startswith(b"%PDF"):
        from pypdf import PdfReader

        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(content)).pages)
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        cells = [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                 for v in row if v is not None]  # fmt: skip
        return "\n".join(cells)
    assert not content.startswith(b"\x89PNG"), f"{path.name}: an image cannot be searched"
    return content.decode("utf-8")


# ------------------------------------------------------------------ the register and server


@dataclass
class Roles:
    """The server, the register and the users of the walks."""

    base: str
    url: str
    site: str
    passwords: dict[str, str]
    tenant_id: str  # the tenant user's tenant
    secrets: list[Secret]
    tenant_names: list[str]
    own_lease_ids: list[str]
    other_lease_ids: list[str]
    lease_count: int
    rents: dict[str, set[float]]  # tenant id → its leases' rents [EUR/month]
    times: dict[str, float] = field(default_factory=dict)


USERS = {"mona": "municipality", "lars": "landlord", "tess": "tenant"}


@pytest.fixture(scope="module")
def roles(mill_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Roles]:
    """A copy of the textile mill register with one user per walked role (the tenant user
    bound to the sample tenant holding the most leases among those with bookings), served
    by one ``streamlit run`` for the three walks."""
    from site_manager import register

    folder = tmp_path_factory.mktemp("roles")
    url = copy_sqlite(mill_template, folder / "register.sqlite")
    engine = register.open_register(url)
    try:
        frames = register.frames(engine)
        site = str(frames.site["site_id"])
        booked = set(register.list_bookings(engine, site)["tenant_id"])
        per_tenant = frames.leases[frames.leases["tenant_id"].isin(booked)]
        tid = str(per_tenant["tenant_id"].value_counts().sort_index().idxmax())
        passwords = {name: secrets.token_urlsafe(12) for name in USERS}
        for name, role in USERS.items():
            register.add_user(engine, name, role=role, password=passwords[name],
                              tenant_id=tid if role == "tenant" else None)  # fmt: skip
        own = frames.leases["tenant_id"] == tid
        given = Roles(
            base="", url=url, site=site, passwords=passwords, tenant_id=tid,
            secrets=sample_secrets(frames), tenant_names=list(frames.tenants["name"]),
            own_lease_ids=sorted(frames.leases.loc[own, "lease_id"]),
            other_lease_ids=sorted(frames.leases.loc[~own, "lease_id"]),
            lease_count=len(frames.leases),
            rents={str(t): set(map(float, g)) for t, g in
                   frames.leases.groupby("tenant_id")["rent_eur_per_month"]},
        )  # fmt: skip
    finally:
        engine.dispose()
    assert given.own_lease_ids and given.other_lease_ids and len(given.tenant_names) >= 3
    with streamlit_servers([url], folder, login=False) as (base,):
        given.base = base
        yield given


@dataclass
class Seen:
    """What reached one browser page: HTML per page, websocket messages, downloaded files."""

    html: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    messages: list[bytes] = field(default_factory=list)

    def websocket_text(self) -> str:
        """The server's messages as text (protobuf with Arrow tables: strings are UTF-8)."""
        return b"\n".join(self.messages).decode("utf-8", errors="replace")


@contextlib.contextmanager
def browser_page(seen: Seen, prefix: str) -> Iterator[tuple[Any, Any]]:
    """A Chromium page whose websocket messages go to ``seen``; a failure's screenshot is
    ``/tmp/roles-<prefix>-failure.png``. Yields (page, the ``shot`` function)."""
    from playwright.sync_api import sync_playwright

    started = time.monotonic()

    def shot(name: str) -> None:
        # the page scrolls inside Streamlit's main block: a window as tall as that block
        # shows it all
        tall = page.evaluate("() => Math.max(...[...document.querySelectorAll("
                             "'[data-testid=stMain], [data-testid=stMainBlockContainer]')]"
                             ".map(e => e.scrollHeight), 1000)")  # fmt: skip
        page.set_viewport_size({"width": 1400, "height": min(int(tall) + 100, 12_000)})
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"roles-{prefix}-{name}.png"), full_page=True)
        page.set_viewport_size({"width": 1400, "height": 1000})
        print(f"{time.monotonic() - started:6.1f} s  {prefix} {name}", file=sys.stderr)

    def on_websocket(ws: Any) -> None:
        ws.on("framereceived", lambda payload: seen.messages.append(
            payload if isinstance(payload, bytes) else payload.encode("utf-8")))  # fmt: skip

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.on("websocket", on_websocket)
        try:
            yield page, shot
        except BaseException:
            with contextlib.suppress(Exception):
                shot("failure")
            raise
        finally:
            browser.close()


def open_logged_in(page: Any, address: str, user: str, password: str) -> None:
    """Open ``address`` (a new session: the login form) and log in as ``user``."""
    page.goto(address)
    page.get_by_label("User name", exact=True).wait_for(timeout=FIRST_LOAD_MS)
    log_in(page, user, password)
    wait_idle(page)


def nav_titles(page: Any) -> list[str]:
    """The titles of the sidebar's page links (none where the role has a single page)."""
    nav = page.get_by_test_id("stSidebarNav")
    if nav.count() == 0:
        return []
    more = page.get_by_test_id("stSidebarNavViewButton")  # past 10 links, "View n more"
    if more.count() and "more" in more.inner_text():
        more.click()
    return [t.split("\n")[-1].strip() for t in nav.get_by_role("link").all_inner_texts()]


def visible_titles(role: str) -> list[str]:
    from site_manager.app.pages import pages_for

    return [p.title for p in pages_for(role) if not p.hidden]


def open_by_link(page: Any, title: str) -> None:
    from playwright.sync_api import expect

    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=STEP_MS)
    wait_idle(page)


def no_refusal(page: Any) -> None:
    """No exception and no refusal of a read on a page the role's navigation gives it."""
    healthy(page)
    body = page.inner_text("body")
    for words in ("may not", "AccessDenied", "not allowed", "refused"):
        assert words not in body, f"{words!r} on {page.url}: {body[:800]}"


def download_all(page: Any, seen: Seen, where: str, folder: Path, *, images: bool = False) -> int:
    """Click every download button of the page (PNG renders skipped unless ``images``)
    and keep each file's text in ``seen.files``; the number of files."""
    closed = page.locator("[data-testid=stExpander] details:not([open]) > summary >> visible=true")
    while closed.count():  # what a user can open holds downloads too
        closed.first.click()
        page.wait_for_timeout(300)
    buttons = page.get_by_test_id("stDownloadButton").locator("button")
    count = 0
    for i in range(buttons.count()):
        button = buttons.nth(i)
        if not button.is_visible():
            continue
        label = button.inner_text().split("\n")[-1].strip()
        if label == "PNG" and not images:
            continue
        with page.expect_download(timeout=STEP_MS) as download:
            button.click()
        target = folder / f"{where}-{i:02d}-{download.value.suggested_filename}"
        download.value.save_as(target)
        seen.files[target.name] = file_text(target)
        count += 1
    return count


def binary_rents(seen: Seen, rents: dict[str, set[float]]) -> list[str]:
    """The rents found as a table's float64 cells (little-endian, as Arrow sends them) in
    the websocket messages, as ``tenant: rent`` lines."""
    raw = b"".join(seen.messages)
    return [f"{tid}: {rent}" for tid, values in rents.items() for rent in sorted(values)
            if struct.pack("<d", rent) in raw]  # fmt: skip


def leaks(seen: Seen, candidates: list[Secret]) -> list[str]:
    """Every secret found in ``seen``, as ``where: kind value … context …`` lines."""
    out = []
    places = {**{f"html {k}": v for k, v in seen.html.items()},
              **{f"file {k}": v for k, v in seen.files.items()},
              "websocket": seen.websocket_text()}  # fmt: skip
    for where, text in places.items():
        for secret, context in found(text, candidates):
            out.append(f"{where}: {secret.kind} {secret.value!r} of {secret.tenant_id}: "
                       f"…{context!r}…")  # fmt: skip
    return out


# ------------------------------------------------------------------ the walks


def test_the_municipality_sees_no_tenant_data_in_its_pages_or_files(
    roles: Roles, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    from site_manager import register
    from site_manager.register import access
    from site_manager.register.access import AccessDenied, Principal, Role

    started = time.monotonic()
    seen = Seen()
    titles = visible_titles("municipality")
    assert titles == ["Neighbourhood impact"], titles  # what pages.py gives it
    with browser_page(seen, "municipality") as (page, shot):
        open_logged_in(page, roles.base, "mona", roles.passwords["mona"])
        # its navigation: the one page (Streamlit draws no links for a single page)
        assert nav_titles(page) in ([], titles)
        for title in titles:
            if nav_titles(page):
                open_by_link(page, title)
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
            no_refusal(page)
            shot(title.split()[-1].lower())
            seen.html[title] = page.content()
            files = download_all(page, seen, title.split()[-1].lower(), tmp_path, images=True)
            # every button: the report as HTML, PDF, JSON and CSV, and each table's two
            assert files == page.get_by_test_id("stDownloadButton").count() >= 4
        # the staff's pages by address: its default page instead, and nothing of theirs
        for path in ("tenants", "landlord", "tenancy"):
            open_logged_in(page, f"{roles.base}/{path}", "mona", roles.passwords["mona"])
            expect(page.get_by_role("heading", name=titles[0], exact=True)).to_be_visible(
                timeout=STEP_MS
            )
            assert page.get_by_role("heading", name="Tenants and leases").count() == 0
            assert "Sign a lease" not in page.inner_text("body")
            no_refusal(page)
            shot(f"by-address-{path}")
            seen.html[f"/{path}"] = page.content()
    print(f"municipality: {len(seen.html)} pages, {len(seen.files)} files "
          f"({', '.join(seen.files)}), {len(seen.messages)} websocket messages",
          file=sys.stderr)  # fmt: skip
    assert any(name.endswith(".pdf") for name in seen.files)
    assert leaks(seen, roles.secrets) == [], "\n".join(leaks(seen, roles.secrets))
    assert binary_rents(seen, roles.rents) == []

    # the verbs themselves, called as that user: refused, and nothing written
    mona = Principal("mona", Role.MUNICIPALITY, via="password")
    engine = register.open_register(roles.url)
    try:
        frames = register.frames(engine)
        unit = str(frames.units["unit_id"].iloc[0])
        with access.acting_as(mona):
            with pytest.raises(AccessDenied):
                register.sign_lease(engine, unit_id=unit, tenant_id=roles.tenant_id,
                                    start=dt.date(2091, 1, 1), end=dt.date(2091, 12, 31),
                                    rent_eur_per_month=500.0, site=roles.site)  # fmt: skip
            with pytest.raises(AccessDenied):
                register.frames(engine)
        assert len(register.frames(engine).leases) == roles.lease_count
    finally:
        engine.dispose()
    elapsed = time.monotonic() - started
    print(f"municipality walk: {elapsed:.1f} s", file=sys.stderr)


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_a_landlord_walking_the_same_pages_sees_the_tenants(roles: Roles, tmp_path: Path) -> None:
    started = time.monotonic()
    seen = Seen()
    titles = visible_titles("landlord")
    walked = [*visible_titles("municipality"), "Tenants and leases", "Landlord"]
    assert set(walked) <= set(titles)
    with browser_page(seen, "landlord") as (page, shot):
        open_logged_in(page, roles.base, "lars", roles.passwords["lars"])
        assert nav_titles(page) == titles
        for title in walked:
            open_by_link(page, title)
            no_refusal(page)
            shot(title.split()[0].lower())
            seen.html[title] = page.content()
            download_all(page, seen, title.split()[0].lower(), tmp_path)
    print(f"landlord: {len(seen.files)} files ({', '.join(seen.files)}), "
          f"{len(seen.messages)} websocket messages", file=sys.stderr)  # fmt: skip
    hits = leaks(seen, roles.secrets)
    kinds = {line.split(": ")[1].split()[0] for line in hits}
    # the search finds what the municipality must not see: every kind of datum
    assert kinds >= {"name", "contact", "email", "phone", "tenant_id", "lease_id", "rent"}, kinds
    html_names = [n for n in roles.tenant_names if any(n in h for h in seen.html.values())]
    assert html_names, "no tenant name in the landlord's pages' HTML"
    # the tables' cells reach the browser over the websocket, and the search reads them
    ws_kinds = {line.split(": ")[1].split()[0] for line in hits if line.startswith("websocket")}
    assert ws_kinds >= {"name", "email", "tenant_id", "lease_id"}, ws_kinds
    assert binary_rents(seen, roles.rents)  # the rent roll's and leases' rent columns
    in_files = [n for n in roles.tenant_names if any(n in f for f in seen.files.values())]
    assert len(in_files) == len(roles.tenant_names), set(roles.tenant_names) - set(in_files)
    print(f"landlord walk: {time.monotonic() - started:.1f} s; {len(hits)} hits, "
          f"{len(html_names)} tenant names in the HTML", file=sys.stderr)  # fmt: skip


@pytest.mark.slow  # the default run stays under ten minutes (make test PYTEST_ARGS='-m slow')
def test_a_tenant_sees_its_own_leases_and_nobody_elses(roles: Roles, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    started = time.monotonic()
    seen = Seen()
    titles = visible_titles("tenant")
    assert titles == ["My tenancy"], titles
    with browser_page(seen, "tenant") as (page, shot):
        open_logged_in(page, roles.base, "tess", roles.passwords["tess"])
        assert nav_titles(page) in ([], titles)
        expect(page.get_by_role("heading", name="My tenancy", exact=True)).to_be_visible()
        for tab in ("Leases", "Energy", "Bookings"):
            page.get_by_role("tab", name=tab, exact=True).click()
            wait_idle(page)
            no_refusal(page)
            shot(tab.lower())
            seen.html[tab] = page.content()
            download_all(page, seen, tab.lower(), tmp_path)
        # the staff's pages by address: its own page instead
        for path in ("tenants", "landlord", "impact"):
            open_logged_in(page, f"{roles.base}/{path}", "tess", roles.passwords["tess"])
            expect(page.get_by_role("heading", name="My tenancy", exact=True)).to_be_visible(
                timeout=STEP_MS
            )
            no_refusal(page)
            seen.html[f"/{path}"] = page.content()
    print(f"tenant {roles.tenant_id}: {len(seen.files)} files ({', '.join(seen.files)}), "
          f"{len(seen.messages)} websocket messages", file=sys.stderr)  # fmt: skip
    assert any("statement" in name and name.endswith(".csv") for name in seen.files)
    assert any("statement" in name and name.endswith(".xlsx") for name in seen.files)
    # its own leases are listed: in the table (websocket) and in the leases' files
    leases_files = "\n".join(t for n, t in seen.files.items() if "_leases" in n)
    for lease_id in roles.own_lease_ids:
        listed = Secret("lease_id", lease_id, roles.tenant_id).pattern()
        assert listed.search(seen.websocket_text()), lease_id
        assert listed.search(leases_files), lease_id
    # nobody else's: the other tenants' data, less values the tenant shares with them
    own = {s.value for s in roles.secrets if s.tenant_id == roles.tenant_id}
    others = [s for s in roles.secrets if s.tenant_id != roles.tenant_id and s.value not in own]
    assert {s.value for s in others if s.kind == "lease_id"} == set(roles.other_lease_ids)
    assert leaks(seen, others) == [], "\n".join(leaks(seen, others))
    own_rents = roles.rents[roles.tenant_id]
    other_rents = {t: r - own_rents for t, r in roles.rents.items() if t != roles.tenant_id}
    assert binary_rents(seen, other_rents) == []
    assert binary_rents(seen, {roles.tenant_id: own_rents})  # its own, in its leases table
    print(f"tenant walk: {time.monotonic() - started:.1f} s", file=sys.stderr)
