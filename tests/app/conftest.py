"""A real register for the dashboard tests: a site built from a sample factory model.

The site is made with the register's own verbs from ``models/textile_mill.ifc``: two units
on the lowest storey, two tenants, one running lease. What the pages should show is worked
out here from those inputs, not read back from the pages' code.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import importlib.util
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "models"


def shown(markdown: str) -> str:
    """The text a markdown source shows where it is plain text: each backslash escape of an
    ASCII punctuation character (CommonMark) undone, and the invisible word joiners
    (U+2060) that keep addresses from becoming links dropped. Page messages escape names.
    """
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


@dataclass(frozen=True)
class Seeded:
    """A register file and what was put in it."""

    url: str
    site: str
    storey: str
    let_space: str  # GlobalId of the space of unit U1 (let to T1)
    vacant_space: str  # GlobalId of the space of unit U2 (vacant)
    shared_space: str
    let_area_m2: float
    vacant_area_m2: float
    lease_id: str
    lease_start: dt.date
    lease_end: dt.date
    rent_eur_per_month: float


def build_register(folder: Path) -> Seeded:
    """:func:`seed_register` on an SQLite file ``register.sqlite`` in ``folder``."""
    return seed_register(f"sqlite:///{folder / 'register.sqlite'}")


def seed_register(url: str) -> Seeded:
    """Make the test site in the (new) register at ``url``: any SQLAlchemy URL."""
    from site_manager import register

    model_path = MODELS / "textile_mill.ifc"
    if not model_path.is_file():
        pytest.skip(f"sample model {model_path} not found")
    engine = register.open_register(url)
    site = register.create_site(engine, str(model_path), site_id="mill", name="Test mill")
    spaces = register.frames(engine, site=site).spaces
    lowest = spaces.sort_values("storey_elevation_m")["storey"].iloc[0]
    on_storey = spaces[(spaces["storey"] == lowest) & spaces["footprint_wkt"].notna()]
    on_storey = on_storey.sort_values("area_m2", ascending=False)
    a, b, c = on_storey.iloc[0], on_storey.iloc[1], on_storey.iloc[2]
    register.set_zoning(
        engine,
        {a.global_id: "private_production", b.global_id: "private_production",
         c.global_id: "shared_production"},
        site=site,
    )  # fmt: skip
    register.define_unit(engine, "U1", [a.global_id], name="Big workshop", site=site)
    register.define_unit(engine, "U2", [b.global_id], name="Second workshop", site=site)
    register.add_tenant(engine, "T1", name="Ada Weaving", kind="artisan", stage="growing",
                        sector="textiles", site=site)  # fmt: skip
    register.add_tenant(engine, "T2", name="Bo Prints", kind="freelancer", stage="starting",
                        sector="printing", site=site)  # fmt: skip
    today = dt.date.today()
    start, end = today - dt.timedelta(days=100), today + dt.timedelta(days=200)
    lease_id = register.sign_lease(
        engine, unit_id="U1", tenant_id="T1", start=start, end=end,
        rent_eur_per_month=1200.0, site=site,
    )  # fmt: skip
    engine.dispose()
    return Seeded(
        url=url, site=site, storey=lowest, let_space=a.global_id, vacant_space=b.global_id,
        shared_space=c.global_id, let_area_m2=float(a.area_m2), vacant_area_m2=float(b.area_m2),
        lease_id=lease_id, lease_start=start, lease_end=end, rent_eur_per_month=1200.0,
    )  # fmt: skip


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Seeded]:
    folder = tmp_path_factory.mktemp("register-template")
    return folder, build_register(folder)


@pytest.fixture
def seeded(seeded_template: tuple[Path, Seeded], tmp_path: Path) -> Seeded:
    """A fresh copy of the seeded register for one test (tests may change it)."""
    folder, template = seeded_template
    shutil.copy(folder / "register.sqlite", tmp_path / "register.sqlite")
    return Seeded(**{**template.__dict__, "url": f"sqlite:///{tmp_path / 'register.sqlite'}"})


#: The sample sites shipped with the project (empty until they are generated).
SAMPLE_SITES = sorted(p.parent.name for p in (ROOT / "sample_sites").glob("*/site.toml"))


@pytest.fixture(scope="session")
def sample_register(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The register an empty database becomes on the dashboard's first start: every sample
    site loaded. Its SQLite file and the site id of each sample folder.
    """
    from site_manager import register
    from site_manager.app.data import open_with_samples

    path = tmp_path_factory.mktemp("samples") / "register.sqlite"
    engine = open_with_samples(f"sqlite:///{path}")  # what the dashboard does on first start
    sites = register.list_sites(engine)
    engine.dispose()
    ids = {}
    for name in SAMPLE_SITES:
        toml = tomllib.loads((ROOT / "sample_sites" / name / "site.toml").read_text("utf-8"))
        ids[name] = toml["site"]["id"]
    assert set(sites["site_id"]) == set(ids.values()), "the first start loads every sample site"
    return path, ids


def free_monday(sample: str, after: dt.date) -> dt.date:
    """The first Monday on or after ``after`` whose ISO week holds none of the sample's
    bookings (``sample_sites/<sample>/bookings.csv``): a week a test can book in and count."""
    path = ROOT / "sample_sites" / sample / "bookings.csv"
    weeks = set()
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for key in ("start", "end"):
                    weeks.add(dt.date.fromisoformat(row[key][:10]).isocalendar()[:2])
    day = after + dt.timedelta(days=(7 - after.weekday()) % 7)
    while day.isocalendar()[:2] in weeks:
        day += dt.timedelta(weeks=1)
    return day


@pytest.fixture(scope="session")
def mill_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A register holding the textile mill sample, made once (copy it with ``mill``)."""
    from site_manager import register

    path = tmp_path_factory.mktemp("mill") / "template.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    register.load_sample(engine, "textile_mill")
    engine.dispose()
    return path


@pytest.fixture
def mill(mill_template: Path, tmp_path: Path) -> str:
    """A fresh copy of the textile mill register: its URL."""
    return copy_sqlite(mill_template, tmp_path / "r.sqlite")


def copy_sqlite(source: Path, target: Path) -> str:
    """A consistent copy of an SQLite register (WAL included); its URL."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"


# ------------------------------------------------------------------ streamlit servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: The user the browser tests log in as (role admin: every page), made on each register.
BROWSER_USER = "browser-tests"
#: Base URL of a running dashboard → (user name, password) a new page logs in with.
LOGINS: dict[str, tuple[str, str]] = {}
#: The first load starts the app's imports and opens the register: allow for a busy CI. [ms]
LOGIN_FORM_MS = 180_000


def browser_user(db_url: str, name: str = BROWSER_USER, role: str = "admin") -> str:
    """Give the register at ``db_url`` a user ``name`` of ``role`` with a new password; it."""
    import secrets

    from site_manager import register

    password = secrets.token_urlsafe(12)
    engine = register.open_register(db_url)
    try:
        if name in set(register.list_users(engine)["name"]):
            register.set_password(engine, name, password)
        else:
            register.add_user(engine, name, role=role, password=password)
    finally:
        engine.dispose()
    return password


def log_in(page: Any, name: str, password: str) -> None:
    """Fill the dashboard's login form (it must be showing or about to) and press Enter;
    returns when the form is gone."""
    from playwright.sync_api import expect

    name_box = page.get_by_label("User name", exact=True)
    name_box.wait_for(timeout=LOGIN_FORM_MS)
    name_box.fill(name)
    password_box = page.get_by_label("Password", exact=True)
    password_box.fill(password)
    password_box.press("Enter")
    expect(name_box).to_have_count(0, timeout=LOGIN_FORM_MS)


def _log_in_if_ours(page: Any, url: str) -> None:
    for base, (name, password) in LOGINS.items():
        if url.startswith(base):
            log_in(page, name, password)
            return


@pytest.fixture(scope="session", autouse=True)
def _browser_pages_log_in() -> Iterator[None]:
    """A page that opens a dashboard started by :func:`streamlit_servers` logs in first.

    Every ``page.goto`` and ``page.reload`` is a new Streamlit session, which shows the login
    form; for a server in :data:`LOGINS` the test's user logs in there and then, so the
    browser tests meet the pages they expect (a test of the form itself uses a server
    started with ``login=False``).
    """
    try:
        from playwright.sync_api import Page
    except ImportError:  # no browser tests here
        yield
        return
    goto, reload = Page.goto, Page.reload

    def logged_goto(self: Any, url: str, **kwargs: Any) -> Any:
        response = goto(self, url, **kwargs)
        _log_in_if_ours(self, url)
        return response

    def logged_reload(self: Any, **kwargs: Any) -> Any:
        response = reload(self, **kwargs)
        _log_in_if_ours(self, self.url)
        return response

    Page.goto, Page.reload = logged_goto, logged_reload  # type: ignore[method-assign]
    try:
        yield
    finally:
        Page.goto, Page.reload = goto, reload  # type: ignore[method-assign]


@contextlib.contextmanager
def streamlit_servers(
    db_urls: list[str],
    folder: Path,
    script: str = "streamlit_app.py",
    *,
    login: bool = True,
    extra_args: Callable[[int], list[str]] | None = None,
) -> Iterator[list[str]]:
    """One ``streamlit run streamlit_app.py`` (or ``script``) per register URL, started as
    ``make run`` starts it (127.0.0.1, headless) on free ports with ``SITE_MANAGER_DB`` set;
    all are started before any is waited for. Yields their base URLs; stops them all at the
    end. Each server's log is ``folder/server<i>.log``.

    The dashboard (``streamlit_app.py``) asks for a login: unless ``login=False`` each
    register gets the user :data:`BROWSER_USER` (admin) and a page that opens a server logs
    in as it (:func:`_browser_pages_log_in`). ``extra_args(port)``: more arguments of
    ``streamlit run`` for the server on ``port`` (e.g. ``--secrets.files``).
    """
    streamlit = Path(sys.executable).with_name("streamlit")
    running: list[tuple[subprocess.Popen, str, Path]] = []
    passwords: dict[str, str] = {}
    if login and script == "streamlit_app.py":
        for db_url in dict.fromkeys(db_urls):
            passwords[db_url] = browser_user(db_url)
    try:
        for i, db_url in enumerate(db_urls):
            port, log = free_port(), folder / f"server{i}.log"
            with log.open("w") as out:
                process = subprocess.Popen(
                    [str(streamlit), "run", script, "--server.address", "127.0.0.1",
                     "--server.port", str(port), "--server.headless", "true",
                     "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                     *(extra_args(port) if extra_args else [])],
                    cwd=ROOT, env={**os.environ, "SITE_MANAGER_DB": db_url}, stdout=out,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            running.append((process, f"http://127.0.0.1:{port}", log))
            if db_url in passwords:
                LOGINS[f"http://127.0.0.1:{port}"] = (BROWSER_USER, passwords[db_url])
        deadline = time.monotonic() + 120
        for process, base, log in running:
            while not _healthy(base):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"streamlit did not start; log:\n{log.read_text()}")
                time.sleep(0.25)
        yield [base for _, base, _ in running]
    finally:
        for _process, base, _log in running:
            LOGINS.pop(base, None)
        for process, _, _ in running:
            process.terminate()
        for process, _, _ in running:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
            return bool(response.read() == b"ok")
    except OSError:
        return False


# ------------------------------------------------------------------ PostgreSQL


@functools.cache
def _register_fixtures() -> ModuleType:
    """``tests/register/conftest.py`` as a module: its throwaway PostgreSQL server helpers."""
    path = ROOT / "tests" / "register" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_register_fixtures", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A PostgreSQL server for the session, as the register tests get one
    (``SITE_MANAGER_TEST_PG_URL``, else initdb + pg_ctl on 127.0.0.1); skips, saying why,
    where none can be started. Yields its maintenance URL.
    """
    pg = _register_fixtures()
    given = os.environ.get(pg.PG_ENV)
    if given:
        yield given
        return
    folder = Path(tempfile.mkdtemp(prefix="sm-pg-"))  # the postgres user must reach it
    server = pg._start_server(folder)
    try:
        if server.url is None:
            pytest.skip(f"PostgreSQL tests skipped: {server.reason}")
        yield server.url
    finally:
        if server.url is not None:
            prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
            stop = [str(pg._pg_bin() / "pg_ctl"), "-D", str(folder / "data"), "-m", "fast",
                    "stop"]  # fmt: skip
            subprocess.run([*prefix, *stop], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the session's server (dropped afterwards)."""
    pg = _register_fixtures()
    url = pg._new_pg_database(pg_server_url)
    yield url
    pg._drop_pg_database(pg_server_url, url)
