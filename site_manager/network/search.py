"""Cross-site search: who has a machine type or a skill, how far away, how much free time."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from site_manager.network.calendar import total_hours
from site_manager.network.candidates import NetworkIndex, candidates
from site_manager.network.model import Job, Network, Step

#: Columns of :func:`search`.
SEARCH_COLUMNS = ["site_id", "site_name", "distance_km", "kind", "equipment_id", "tenants",
                  "price_eur_per_h", "free_h", "note"]  # fmt: skip


def search(
    network: Network,
    needs: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    from_site: str | None = None,
    max_distance_km: float | None = None,
) -> tuple[pd.DataFrame, str]:
    """Machines of type ``needs`` and holders of the skill ``needs`` across the network.

    Parameters
    ----------
    network : Network
        Every site and what it has.
    needs : str
        A machine type or a skill (without case).
    start, end : datetime
        Aware: the period whose free time is counted.
    from_site : str, optional
        Distances are from this site.
    max_distance_km : float, optional
        With ``from_site``: farther sites are left out. [km]

    Returns
    -------
    (DataFrame, str)
        :data:`SEARCH_COLUMNS` by distance: ``kind`` ``machine`` (one row per machine;
        ``tenants`` its doer: the owner, else the first tenant that may book it for the
        whole period; none, with the reason in ``note``, when no tenant may) or ``skill``
        (one row per site; ``tenants`` its holders); ``price_eur_per_h`` the machine's own;
        ``free_h`` [h] the opening (or working) hours in the period minus live bookings;
        and why nothing was found ("" when something was).
    """
    index = NetworkIndex(network, start, end)
    job = Job((), start.replace(tzinfo=None), end.replace(tzinfo=None), from_site or "",
              math.inf)  # fmt: skip
    unusable: list[tuple[Any, str]] = []
    found, why = candidates(index, job, Step("search", needs, 1.0, ()), unusable)
    listed = [(c.site_id, c.kind, c.equipment_id, ", ".join(c.tenants),
               c.price_eur_per_h if c.priced_by == "machine" else None, c.free, "")
              for c in found]  # fmt: skip
    listed += [(str(m.site_id), "machine", str(m.equipment_id), "", _price(m.price_eur_per_h),
                index.machine_free(str(m.site_id), m), f"no tenant may use it: {note}")
               for m, note in unusable]  # fmt: skip
    rows = []
    for site, kind, eid, tenants, price, free, note in listed:
        km = network.distance_km(from_site, site) if from_site else math.nan
        if max_distance_km is not None and from_site and km > max_distance_km:
            continue
        rows.append([site, index.names.get(site, site),
                     None if math.isnan(km) or math.isinf(km) else round(km, 1), kind, eid,
                     tenants, price, round(total_hours(free), 2), note])  # fmt: skip
    frame = pd.DataFrame(rows, columns=SEARCH_COLUMNS)
    frame = frame.sort_values(["distance_km", "site_id", "kind", "equipment_id"],
                              na_position="last", kind="stable").reset_index(drop=True)  # fmt: skip
    if not rows and (not why or unusable):
        why = f"nothing within {max_distance_km:g} km of site {from_site}"
    return frame, why


def _price(value: Any) -> float | None:
    number = None if value is None else float(value)
    return None if number is None or math.isnan(number) else number
