"""The network as the register holds it: every site, with what routing reads of it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from site_manager import register
from site_manager.network.model import NETWORK_COLUMNS, Network


def read_network(bind: Any) -> Network:
    """Every site of the register (``bind``: an Engine or Session) as one :class:`Network`.

    Reads each site's frames, live bookings and trainings; rows carry their ``site_id``.
    """
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in NETWORK_COLUMNS}
    sites = []
    for site_id in register.list_sites(bind)["site_id"]:
        f = register.frames(bind, site_id)
        sites.append({c: f.site.get(c) for c in NETWORK_COLUMNS["sites"]})
        tables = {"tenants": f.tenants, "leases": f.leases, "equipment": f.equipment,
                  "skills": f.skills, "trainings": register.list_trainings(bind, site_id),
                  "bookings": register.list_bookings(bind, site_id)}  # fmt: skip
        for name, frame in tables.items():
            cols = [c for c in NETWORK_COLUMNS[name] if c != "site_id"]
            parts[name].append(frame[cols].assign(site_id=site_id))
    out = {name: (pd.concat(frames, ignore_index=True)[NETWORK_COLUMNS[name]] if frames
                  else pd.DataFrame(columns=NETWORK_COLUMNS[name]))
           for name, frames in parts.items() if name != "sites"}  # fmt: skip
    return Network(sites=pd.DataFrame(sites, columns=NETWORK_COLUMNS["sites"]), **out)
