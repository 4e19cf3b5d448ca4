"""A child process for the concurrency test: random lease signings, one JSON line each.

Usage: python _signer.py URL ATTEMPTS SEED GO_FILE UNITS TENANTS

The child prints ``ready`` once connected, then waits for GO_FILE to exist, so that both
children start signing at the same moment.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time

from site_manager import register
from site_manager.errors import SiteManagerError


def main() -> None:
    url, attempts, seed, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    units, tenants = sys.argv[5].split(","), sys.argv[6].split(",")
    rng = random.Random(seed)
    engine = register.open_register(url)
    register.list_units(engine)  # connected and ready
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while not os.path.exists(go):
        time.sleep(0.001)
    day0 = dt.date(2026, 1, 1)
    out = sys.stdout
    for i in range(attempts):
        unit, tenant = rng.choice(units), rng.choice(tenants)
        start = day0 + dt.timedelta(days=rng.randrange(0, 730))
        end = start + dt.timedelta(days=rng.randrange(0, 60))
        rec = {"i": i, "seed": seed, "unit": unit, "tenant": tenant, "start": start.isoformat(),
               "end": end.isoformat(), "t0": time.time()}  # fmt: skip
        try:
            rec["lease_id"] = register.sign_lease(
                engine, unit_id=unit, tenant_id=tenant, start=start, end=end,
                rent_eur_per_month=rng.randrange(100, 3000), actor=f"signer-{seed}",
            )  # fmt: skip
            rec["ok"] = True
        except SiteManagerError as exc:
            rec["ok"] = False
            rec["error"] = type(exc).__name__
            rec["message"] = str(exc)
        rec["t1"] = time.time()
        out.write(json.dumps(rec) + "\n")
    out.flush()
    engine.dispose()


if __name__ == "__main__":
    main()
