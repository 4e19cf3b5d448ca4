"""The planning situation of a sample site: what the Layout lab has to let (issue 15).

The large samples draw their lease histories at random (``make_sample_sites.py``); a
situation written here is then applied to them, so that the lab has something worth
planning:

- **engineering_works**: the saw-tooth hall's five east production bays ``W.B4`` to
  ``W.B8`` (10 × 22 m each on the hall's 10 m column grid, 1,091.2 m² in all) were vacated
  this autumn: every lease running there ends on 31 October 2026 (cut short by agreement)
  and a lease signed to start later is withdrawn, so that the hall can be let again by the
  bays of its column grid (``layout problem --bay-area``).
- **textile_mill**: a waiting list longer than its vacancies: the knitwear workshop
  ``2.05`` (an artisan's, so the community's cap on artisans has room for one more) and the
  electronics studio ``3.01`` were given back on 31 October 2026; with the four units the
  seeded histories leave empty until February 2027 (``0.03``, ``1.04``, ``2.01``,
  ``2.07``), six vacancies for eighteen applicants.

Everything else the generator draws stays as it was: the draws that followed the old
leases (a departing tenant's machines, its unit's meter readings) are still made, and
their rows left out, so the seeded stream, and every other file, is unchanged; leases and
machines keep the numbers they were drawn with (a withdrawn lease leaves a gap).
"""

from __future__ import annotations

import datetime as dt

#: site -> (space names of the units vacated, the last day of their leases)
VACATED: dict[str, tuple[tuple[str, ...], dt.date]] = {
    "engineering_works": (("W.B4", "W.B5", "W.B6", "W.B7", "W.B8"), dt.date(2026, 10, 31)),
    "textile_mill": (("2.05", "3.01"), dt.date(2026, 10, 31)),
}


def vacate(
    name: str, leases: list[list], current: dict[str, dict]
) -> tuple[list[int], list[list], dict[str, dict]]:
    """The leases' numbers (1-based, as drawn), the leases (``[unit, tenant, start, end,
    factor]``) and each let unit's current tenant after the site's situation: on a vacated
    unit, a lease running past the day ends on it and one starting after it is dropped; the
    unit has no current tenant.
    """
    if name not in VACATED:
        return list(range(1, len(leases) + 1)), leases, current
    spaces, last = VACATED[name]
    numbers, out = [], []
    for k, (unit, tenant, start, end, factor) in enumerate(leases, start=1):
        if unit["spaces"][0].name in spaces:
            if start > last:
                continue
            end = min(end, last)
        numbers.append(k)
        out.append([unit, tenant, start, end, factor])
    gone = {u["unit_id"] for u, *_ in leases if u["spaces"][0].name in spaces}
    return numbers, out, {uid: t for uid, t in current.items() if uid not in gone}


#: site -> the situation in the words of its README
TEXT = {
    "engineering_works": "The saw-tooth hall's five east production bays (W.B4 to W.B8, "
    "10 × 22 m each on the 10 m column grid) were vacated this autumn: their leases ended on "
    "31 October 2026 and a lease signed for W.B5 was withdrawn. The Layout lab lets the hall "
    "again by the bays of its column grid (`layout problem --bay-area 150`).",
    "textile_mill": "Its waiting list is longer than its vacancies: the knitwear workshop "
    "2.05 and the electronics studio 3.01 were given back on 31 October 2026; with four "
    "units empty until February 2027, eighteen applicants wait for six vacant units.",
}


def readme_text(name: str) -> str:
    """The paragraph on the site's situation for its README ("" if it has none)."""
    return f"\n\n{TEXT[name]}" if name in TEXT else ""
