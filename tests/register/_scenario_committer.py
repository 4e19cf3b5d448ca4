"""A child process for the scenario concurrency test: commit one scenario, print one JSON line.

Usage: python _scenario_committer.py URL SCENARIO GO_FILE

Prints ``ready`` once connected, waits for GO_FILE to exist, then commits.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time

from site_manager import register
from site_manager.errors import SiteManagerError
from site_manager.layout.scenarios import commit_scenario


def main() -> None:
    url, name, go = sys.argv[1], sys.argv[2], sys.argv[3]
    engine = register.open_register(url)
    register.list_units(engine)  # connected and ready
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while not os.path.exists(go):
        time.sleep(0.001)
    rec: dict = {"name": name, "t0": time.time()}
    try:
        signed = commit_scenario(engine, None, name, start=dt.date(2031, 1, 1), actor=name)
        rec |= {"ok": True, "leases": sorted(signed["lease_id"])}
    except SiteManagerError as exc:
        rec |= {"ok": False, "error": type(exc).__name__, "message": str(exc)}
    rec["t1"] = time.time()
    sys.stdout.write(json.dumps(rec) + "\n")
    sys.stdout.flush()
    engine.dispose()


if __name__ == "__main__":
    main()
