"""Does a lease import scale linearly, and how long does it hold the write lock?

Imports N leases (default 10k, 40k and 200k rows) from a CSV with
``site_manager.register.import_table`` into a fresh SQLite register holding 20 units and
20 tenants (``--units``): parse, check every row by the contract and the rules
(references, dates, no lease overlapping another of its unit, in the file or stored),
upsert, audit, all or nothing. Each size runs in its own process, so its peak memory
(``ru_maxrss``) is its own.
Prints, per size: wall time, time per row, its ratio to the smallest size's time per row
(the baseline, measured in the same run), how long the write transaction held the lock,
and the process's peak resident memory. The goal is a time per row within 1.5x of the
baseline's at 200k rows.

The leases of row ``i`` run for a week: unit ``i % 20``, week ``i // 20`` (a file sorted
by date, as exports are); ``--shuffle`` shuffles the rows (the same seed every run).

    .venv/bin/python benchmarks/register_import.py [--sizes 10000 40000 200000] [--shuffle]
    .venv/bin/python benchmarks/register_import.py --sizes 1000 4000   # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UNITS = 20  # the default; --units


def _model():  # type: ignore[no-untyped-def]
    import geopandas as gpd
    import pandas as pd
    import shapely

    from site_manager.model import BuildingModel, ModelInfo

    spaces = gpd.GeoDataFrame(
        [{"global_id": f"S{i}", "name": f"S{i}", "storey": "G", "building": "B",
          "area_m2": 100.0, "height_m": 4.0, "psets": {},
          "geometry": shapely.box(10 * i, 0, 10 * i + 10, 10)} for i in range(UNITS)],
        geometry="geometry",
    )  # fmt: skip
    storeys = pd.DataFrame([{"global_id": "G", "name": "G", "building": "B", "elevation_m": 0}])
    return BuildingModel(info=ModelInfo(path="bench.ifc", schema="IFC4"), storeys=storeys,
                         spaces=spaces)  # fmt: skip


def one_size(n: int, shuffle: bool, units: int) -> dict[str, float]:
    """Import ``n`` leases into a fresh register; the figures of that run."""
    from site_manager import register

    global UNITS
    UNITS = units
    tmp = Path(tempfile.mkdtemp(prefix="bench-register-import-"))
    engine = register.open_register(f"sqlite:///{tmp / 'register.sqlite'}")
    register.create_site(engine, _model(), site_id="bench", name="Bench")
    (tmp / "tenants.csv").write_text(
        "tenant_id,name,kind\n" + "".join(f"T{i:03d},Maker {i},artisan\n" for i in range(UNITS))
    )
    register.import_table(engine, "tenants", tmp / "tenants.csv")
    for i in range(UNITS):
        register.define_unit(engine, f"U{i:03d}", [f"S{i}"])
    day0 = dt.date(2000, 1, 3)
    rows = []
    for i in range(n):
        start = day0 + dt.timedelta(weeks=i // UNITS)
        rows.append(f"L{i:07d},U{i % UNITS:03d},T{(i * 7) % UNITS:03d},{start},"
                    f"{start + dt.timedelta(days=6)},{100 + i % 50}\n")  # fmt: skip
    if shuffle:
        random.Random(1).shuffle(rows)
    csv_path = tmp / "leases.csv"
    csv_path.write_text("lease_id,unit_id,tenant_id,start,end,rent_eur_per_month\n"
                        + "".join(rows))  # fmt: skip
    del rows
    held: list[float] = []

    class _Held(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if hasattr(record, "write_held_s"):
                held.append(record.write_held_s)

    logging.getLogger("site_manager.register.io").addHandler(_Held())
    logging.getLogger("site_manager.register.io").setLevel(logging.DEBUG)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0, c0 = time.perf_counter(), time.process_time()
    result = register.import_table(engine, "leases", csv_path)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert result.added == n, result
    engine.dispose()
    return {"n": n, "wall_s": wall, "cpu_s": cpu, "held_s": held[-1] if held else float("nan"),
            "rss_before_mb": rss0,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 40_000, 200_000])
    parser.add_argument("--shuffle", action="store_true", help="shuffle the file's rows")
    parser.add_argument("--units", type=int, default=UNITS, help="units (and tenants)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a size, in a child
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one, args.shuffle, args.units)))
        return
    base: tuple[float, float] | None = None
    print(f"lease import, {args.units} units{', rows shuffled' if args.shuffle else ''}")
    print(f"{'rows':>8} {'wall s':>8} {'µs/row':>8} {'ratio':>6} {'CPU µs/row':>10} "
          f"{'ratio':>6} {'lock held s':>11} {'peak RSS MB':>11} {'(at start)':>10}")  # fmt: skip
    for n in sorted(args.sizes):
        cmd = [sys.executable, __file__, "--one", str(n), "--units", str(args.units)]
        cmd += ["--shuffle"] if args.shuffle else []
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        per_row, cpu_row = r["wall_s"] / n * 1e6, r["cpu_s"] / n * 1e6
        base = base or (per_row, cpu_row)
        print(f"{n:>8} {r['wall_s']:>8.2f} {per_row:>8.1f} {per_row / base[0]:>6.2f} "
              f"{cpu_row:>10.1f} {cpu_row / base[1]:>6.2f} {r['held_s']:>11.2f} "
              f"{r['peak_rss_mb']:>11.0f} {r['rss_before_mb']:>10.0f}", flush=True)  # fmt: skip
    print(
        "ratio: time per row over the smallest size's (goal: <= 1.5 at 200k rows); CPU time"
        " is the steadier of the two on a shared machine"
    )


if __name__ == "__main__":
    main()
