"""Fixtures of the register's tests: databases on SQLite and PostgreSQL, small models.

PostgreSQL: ``SITE_MANAGER_TEST_PG_URL`` names a server whose user may create databases;
otherwise a throwaway server is started (initdb + pg_ctl on 127.0.0.1, a free port, a temp
folder) for the session and stopped at the end. The PostgreSQL params skip, saying why,
only when no server can be started.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from site_manager.ifc.space_attributes import typed_columns
from site_manager.model import BuildingModel, ModelInfo

PG_ENV = "SITE_MANAGER_TEST_PG_URL"


@dataclass
class PgServer:
    url: str | None  # maintenance URL (database "postgres"), or None when unavailable
    reason: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _start_server(tmp: Path) -> PgServer:
    bindir = _pg_bin()
    if bindir is None:
        return PgServer(None, "no PostgreSQL server binaries (initdb) found; install postgresql")
    if not glob.glob("/usr/share/postgresql/*/extension/btree_gist.control") and not glob.glob(
        str(bindir.parent / "share/extension/btree_gist.control")
    ):
        return PgServer(None, "btree_gist extension not installed (postgresql-contrib)")
    prefix: list[str] = []
    if os.geteuid() == 0:  # postgres refuses to run as root
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            return PgServer(None, "running as root and there is no 'postgres' OS user")
        os.chown(tmp, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = tmp / "data", tmp / "server.log"
    port = _free_port()
    try:
        subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"],
                       check=True, capture_output=True, timeout=120)  # fmt: skip
        opts = (
            f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log),
                        "-o", opts, "-w", "-t", "60", "start"],
                       check=True, capture_output=True, timeout=90)  # fmt: skip
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        tail = log.read_text(errors="replace")[-300:] if log.exists() else ""
        why = f"{exc} {detail.decode(errors='replace')[-300:]} {tail}"
        return PgServer(None, f"cannot start PostgreSQL: {why}")
    return PgServer(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the session (given by URL, or started here)."""
    given = os.environ.get(PG_ENV)
    if given:
        yield PgServer(given)
        return
    tmp = Path(tempfile.mkdtemp(prefix="sm-pg-"))
    server = _start_server(tmp)
    try:
        yield server
    finally:
        if server.url is not None:
            bindir = _pg_bin()
            prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
            stop = [str(bindir / "pg_ctl"), "-D", str(tmp / "data"), "-m", "immediate", "stop"]
            subprocess.run([*prefix, *stop], capture_output=True, timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)


def _new_pg_database(server_url: str, template: str | None = None) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(server_url: str, url: str) -> None:
    """Drop a test database (a given server must not fill up with them)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = make_url(url).database
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def migrated_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Migrated empty registers to copy from (migrating each test's database is slow)."""
    from site_manager.register import open_register

    folder = tmp_path_factory.mktemp("template")
    engine = open_register(f"sqlite:///{folder / 'template.sqlite'}")
    engine.dispose()  # closing the last connection folds the WAL into the file
    assert not (folder / "template.sqlite-wal").exists()
    templates = {"sqlite": str(folder / "template.sqlite")}
    yield templates
    if "postgresql" in templates:
        from sqlalchemy.exc import OperationalError

        # a given server keeps running; a throwaway one may be stopped already
        with contextlib.suppress(OperationalError):
            _drop_pg_database(templates["postgresql_server"], templates["postgresql_url"])


def _pg_template(server_url: str, cache: dict[str, str]) -> str:
    from sqlalchemy.engine import make_url

    from site_manager.register import open_register

    if "postgresql" not in cache:
        url = _new_pg_database(server_url)
        open_register(url).dispose()
        cache["postgresql"] = str(make_url(url).database)
        cache["postgresql_server"] = server_url
        cache["postgresql_url"] = url
    return cache["postgresql"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, migrated_templates: dict
) -> Iterator[str]:
    """A fresh, migrated, empty register database URL, on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        target = tmp_path / "register.sqlite"
        shutil.copyfile(migrated_templates["sqlite"], target)
        yield f"sqlite:///{target}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    if server.url is None:
        pytest.skip(f"PostgreSQL tests skipped: {server.reason}")
    url = _new_pg_database(server.url, _pg_template(server.url, migrated_templates))
    yield url
    _drop_pg_database(server.url, url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database with no tables at all (to test the migrations themselves)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server: PgServer = request.getfixturevalue("pg_server")
    if server.url is None:
        pytest.skip(f"PostgreSQL tests skipped: {server.reason}")
    url = _new_pg_database(server.url)
    yield url
    _drop_pg_database(server.url, url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite register URL (for tests that are about SQLite itself)."""
    return f"sqlite:///{tmp_path / 'register.sqlite'}"


# ---------------------------------------------------------------- building models in code


def make_model(
    spaces: list[dict],
    *,
    path: str = "in-memory.ifc",
    storeys: list[tuple[str, str, float]] | None = None,
) -> BuildingModel:
    """A BuildingModel from space dicts: ``global_id``, ``name``, ``storey``, ``box``
    (x0, y0, x1, y1) [m], optional ``height_m``, ``psets``, ``long_name``."""
    storeys = storeys or sorted({(f"S-{sp['storey']}", sp["storey"], 0.0) for sp in spaces})
    storey_frame = pd.DataFrame(
        [{"global_id": g, "name": n, "building": "Main", "elevation_m": e,
          "space_count": sum(1 for sp in spaces if sp["storey"] == n)} for g, n, e in storeys]
    )  # fmt: skip
    elevation = {n: e for _, n, e in storeys}
    rows = []
    for sp in spaces:
        geom = shapely.box(*sp["box"]) if sp.get("box") else shapely.Polygon()
        h = sp.get("height_m", 4.0)
        rows.append({
            "global_id": sp["global_id"], "name": sp["name"],
            "long_name": sp.get("long_name", ""), "storey": sp["storey"],
            "storey_elevation_m": elevation[sp["storey"]], "building": "Main",
            "area_m2": geom.area if not geom.is_empty else sp.get("area_m2"),
            "height_m": h, "volume_m3": geom.area * h, "z_min_m": elevation[sp["storey"]],
            "zones": [], "area_source": "geometry", "qto_area_m2": float("nan"),
            "psets": sp.get("psets", {}), "geometry_path": "fast", "geometry": geom,
        })  # fmt: skip
    frame = (
        typed_columns(gpd.GeoDataFrame(rows, geometry="geometry"))  # as the importer types them
        if rows
        else gpd.GeoDataFrame(columns=["global_id", "geometry"], geometry="geometry")
    )
    return BuildingModel(
        info=ModelInfo(path=path, schema="IFC4"), storeys=storey_frame, spaces=frame
    )


#: A small two-storey workshop: 4 spaces on the ground floor, 2 upstairs.
SMALL_SPACES = [
    {"global_id": "SP-G01", "name": "G01", "storey": "Ground", "box": (0, 0, 20, 10),
     "height_m": 7.0, "psets": {"Pset_MultifactorySpace.ClearHeight": 6.5,
                                "Pset_MultifactorySpace.FloorLoadCapacity": 20.0,
                                "Pset_MultifactorySpace.DistributionBoard": "DB-G",
                                "Pset_MultifactorySpace.Extraction": True,
                                "Pset_MultifactorySpace.GroundAccess": True}},
    {"global_id": "SP-G02", "name": "G02", "storey": "Ground", "box": (20, 0, 30, 10)},
    {"global_id": "SP-G03", "name": "G03", "storey": "Ground", "box": (0, 10, 15, 20)},
    {"global_id": "SP-G04", "name": "G04", "storey": "Ground", "box": (15, 10, 30, 12)},
    {"global_id": "SP-101", "name": "101", "storey": "First", "box": (0, 0, 12, 8)},
    {"global_id": "SP-102", "name": "102", "storey": "First", "box": (12, 0, 30, 8)},
]  # fmt: skip


@pytest.fixture
def small_model() -> BuildingModel:
    """The small two-storey workshop model (6 spaces, areas 200, 100, 150, 30, 96, 144 m²)."""
    return make_model(SMALL_SPACES, storeys=[("S-G", "Ground", 0.0), ("S-1", "First", 4.0)])


def raw_sql(url: str, *statements: str) -> None:
    """Run SQL on the register at ``url`` behind the verbs' back, in one transaction (a
    tampering or a role grant a test needs)."""
    from sqlalchemy import text

    from site_manager.register.engine import create_register_engine

    engine = create_register_engine(url)
    try:
        with engine.begin() as conn:
            for sql in statements:
                conn.execute(text(sql))
    finally:
        engine.dispose()
