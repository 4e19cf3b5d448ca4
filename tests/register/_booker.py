"""A child process for the booking race: random bookings, one JSON line each.

Usage: python _booker.py URL ATTEMPTS SEED GO_FILE MACHINES TENANTS

Prints ``ready`` once connected, then waits for GO_FILE, so both children start together.
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
    machines, tenants = sys.argv[5].split(","), sys.argv[6].split(",")
    rng = random.Random(seed)
    engine = register.open_register(url)
    register.list_bookings(engine)  # connected and ready
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while not os.path.exists(go):
        time.sleep(0.001)
    t0 = dt.datetime(2027, 1, 4, 0, 0)
    for i in range(attempts):
        machine, tenant = rng.choice(machines), rng.choice(tenants)
        start = t0 + dt.timedelta(minutes=30 * rng.randrange(0, 24 * 2 * 14))
        end = start + dt.timedelta(minutes=30 * rng.randrange(1, 13))
        rec = {"i": i, "seed": seed, "machine": machine, "tenant": tenant,
               "start": start.isoformat(), "end": end.isoformat(), "t0": time.time()}  # fmt: skip
        try:
            rec["booking_id"] = register.make_booking(
                engine, equipment_id=machine, tenant_id=tenant, start=start, end=end,
                actor=f"booker-{seed}")  # fmt: skip
            rec["ok"] = True
        except SiteManagerError as exc:
            rec["ok"] = False
            rec["error"] = type(exc).__name__
            rec["message"] = str(exc)
        rec["t1"] = time.time()
        sys.stdout.write(json.dumps(rec) + "\n")
    sys.stdout.flush()
    engine.dispose()


if __name__ == "__main__":
    main()
