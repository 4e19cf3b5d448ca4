"""How much an all-or-nothing, validated, audited import costs over a bare insert.

Imports N tenants from a CSV with ``site_manager.register.import_table`` (parse, check,
upsert, audit, one transaction) and, as the baseline in the same run, inserts the same rows
with the standard library's sqlite3 ``executemany`` into a table of the same shape. Prints
both times and the ratio. Also times N single ``sign_lease`` calls (one transaction each).

    .venv/bin/python benchmarks/register_import.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from site_manager import register
from site_manager.model import BuildingModel, ModelInfo


def _model() -> BuildingModel:
    spaces = gpd.GeoDataFrame(
        [{"global_id": f"S{i}", "name": f"S{i}", "storey": "G", "building": "B",
          "area_m2": 100.0, "height_m": 4.0, "psets": {},
          "geometry": shapely.box(10 * i, 0, 10 * i + 10, 10)} for i in range(4)],
        geometry="geometry",
    )  # fmt: skip
    storeys = pd.DataFrame([{"global_id": "G", "name": "G", "building": "B", "elevation_m": 0}])
    return BuildingModel(info=ModelInfo(path="bench.ifc", schema="IFC4"), storeys=storeys,
                         spaces=spaces)  # fmt: skip


def main(n: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="bench-register-"))
    csv_path = tmp / "tenants.csv"
    rows = [(f"X{i:06d}", f"Maker {i}", "artisan", "starting", "wood", i % 9, "2025-01-01")
            for i in range(n)]  # fmt: skip
    csv_path.write_text("tenant_id,name,kind,stage,sector,headcount,joined\n"
                        + "\n".join(",".join(map(str, r)) for r in rows) + "\n")  # fmt: skip

    base = sqlite3.connect(tmp / "base.sqlite")
    base.execute("PRAGMA journal_mode = WAL")
    base.execute(
        "CREATE TABLE tenants (id INTEGER PRIMARY KEY, tenant_id TEXT UNIQUE, name TEXT,"
        " kind TEXT, stage TEXT, sector TEXT, headcount INTEGER, joined TEXT)"
    )
    t0 = time.perf_counter()
    with base:
        base.executemany("INSERT INTO tenants (tenant_id, name, kind, stage, sector, headcount,"
                         " joined) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)  # fmt: skip
    t_base = time.perf_counter() - t0
    base.close()

    engine = register.open_register(f"sqlite:///{tmp / 'register.sqlite'}")
    register.create_site(engine, _model(), site_id="bench", name="Bench")
    t0 = time.perf_counter()
    register.import_table(engine, "tenants", csv_path)
    t_import = time.perf_counter() - t0

    for uid, gid in (("U1", "S0"), ("U2", "S1")):
        register.define_unit(engine, uid, [gid])
    signs = min(n, 200)
    t0 = time.perf_counter()
    for i in range(signs):
        register.sign_lease(
            engine,
            unit_id="U1",
            tenant_id=f"X{i:06d}",
            start=f"{2030 + i // 12}-{i % 12 + 1:02d}-01",
            end=f"{2030 + i // 12}-{i % 12 + 1:02d}-10",
            rent_eur_per_month=100,
        )
    t_sign = time.perf_counter() - t0
    engine.dispose()
    print(
        f"tenants import, {n} rows: register {t_import:.2f} s, bare sqlite3 executemany "
        f"{t_base:.3f} s, ratio {t_import / t_base:.0f}x "
        f"({n / t_import:.0f} rows/s validated, audited, one transaction)"
    )
    print(
        f"sign_lease, {signs} calls (one transaction each): {t_sign:.2f} s, "
        f"{signs / t_sign:.0f} leases/s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
