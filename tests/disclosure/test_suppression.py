"""Disclosure control over random registers (hypothesis): no published cell counts fewer than
3 tenants, and no suppressed cell can be worked out from a published total.

The registers are made at the frames level (tenants, units and leases as the register's
frames hold them) and go through the real jobs, mix and trips code of the impact report; the
checks below are written from the rule alone (docs/disclosure-control.md), not from the
layer's code: the truth is recounted here from the random tenants.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from types import SimpleNamespace

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from site_manager.disclosure import MARK, THRESHOLD, public_view, suppression
from site_manager.impact import ImpactOptions, ImpactReport
from site_manager.impact.footprint import Energy, Reuse
from site_manager.impact.jobs import jobs_and_mix, trips
from site_manager.impact.noise import CONTRIBUTOR_COLUMNS, RECEPTOR_COLUMNS, Noise
from site_manager.register.schema import TENANT_KINDS, TENANT_STAGES

DAY = dt.date(2026, 6, 1)
SECTORS = ("textiles", "ceramics", "print", "wood", "food")

tenant = st.fixed_dictionaries(
    {
        "kind": st.sampled_from((*TENANT_KINDS, None)),
        "sector": st.sampled_from((*SECTORS, None)),
        "stage": st.sampled_from((*TENANT_STAGES, None)),
        "headcount": st.one_of(st.none(), st.integers(0, 9)),
        "let": st.booleans() | st.just(True),
        "name": st.text("abcdefghijklmnopqrstuvwxyz", min_size=6, max_size=10),
    }
)


def _frames(tenants: list[dict]) -> SimpleNamespace:
    rows, units, leases = [], [], []
    for i, t in enumerate(tenants):
        tid, uid = f"TX{i:03d}", f"UX{i:03d}"
        rows.append(
            {"tenant_id": tid, "name": f"Secret {t['name']}", "kind": t["kind"],
             "sector": t["sector"], "stage": t["stage"], "headcount": t["headcount"],
             "contact_email": f"{t['name']}@example.org"}
        )  # fmt: skip
        units.append({"unit_id": uid, "use": "private_production", "area_m2": 50.0 + i})
        start, end = (DAY - dt.timedelta(days=10), DAY + dt.timedelta(days=10))
        if not t["let"]:  # a lease that has ended: the tenant is not counted
            start, end = DAY - dt.timedelta(days=100), DAY - dt.timedelta(days=1)
        leases.append({"lease_id": f"LX{i:03d}", "unit_id": uid, "tenant_id": tid,
                       "start": start, "end": end, "rent_eur_per_month": 777.0 + i})  # fmt: skip
    cols_t = ["tenant_id", "name", "kind", "sector", "stage", "headcount", "contact_email"]
    return SimpleNamespace(
        site={"site_id": "s", "name": "Random site"},
        tenants=pd.DataFrame(rows, columns=cols_t),
        units=pd.DataFrame(units, columns=["unit_id", "use", "area_m2"]),
        leases=pd.DataFrame(
            leases,
            columns=["lease_id", "unit_id", "tenant_id", "start", "end", "rent_eur_per_month"],
        ),  # fmt: skip
    )


def _report(frames: SimpleNamespace) -> ImpactReport:
    j = jobs_and_mix(frames, DAY)
    t = trips(frames, j)
    noise = Noise(pd.DataFrame(columns=RECEPTOR_COLUMNS), pd.DataFrame(columns=CONTRIBUTOR_COLUMNS),
                  pd.DataFrame(), 55.0, 45.0)  # fmt: skip
    energy = Energy(1e5, 2e4, 3e4, 1000.0, j.jobs, "test", [])
    reuse = Reuse(1000.0, 400.0, 1e5, 2e5, 100.0, 200.0, [])
    return ImpactReport(frames.site, ImpactOptions(on=DAY), j, t, noise, energy, reuse, [])


def _truth(tenants: list[dict], dim: str) -> dict[str, tuple[int, float]]:
    """Tenants and jobs by ``dim`` among the tenants let on the day, recounted here."""
    n: Counter[str] = Counter()
    jobs: Counter[str] = Counter()
    for t in tenants:
        if t["let"]:
            key = t[dim] or "(none)"
            n[key] += 1
            jobs[key] += 1 if t["headcount"] is None else t["headcount"]
    return {k: (n[k], float(jobs[k])) for k in n}


def check_table(table: pd.DataFrame, dim: str, truth: dict, total_published: bool) -> None:
    """The independent checker of one published table against the truth."""
    assert set(table[dim]) <= set(truth)
    suppressed = table[table["status"] != ""]
    published = table[table["status"] == ""]
    assert set(suppressed["status"]) <= {MARK}
    for row in published.itertuples(index=False):
        n, jobs = truth[getattr(row, dim)]
        assert n >= THRESHOLD, f"{dim} {getattr(row, dim)!r}: {n} tenants published"
        assert row.tenants == n and row.jobs == jobs  # published cells are true
    for row in suppressed.itertuples(index=False):
        assert row.tenants is None and row.jobs is None
    small = {k for k, (n, _) in truth.items() if n < THRESHOLD}
    assert not small & set(published[dim]), "a small row is published"
    if len(table) < len(truth):  # rows left out: all of them, and no value of any published
        assert len(table) == 0
    if total_published and len(suppressed):
        # differencing: the suppressed cells of each column sum to total - published cells;
        # two or more, and not all at their lower bound (≥ 1 tenant, ≥ 0 jobs), so that
        # none of them is determined
        total_n = sum(n for n, _ in truth.values())
        total_j = sum(j for _, j in truth.values())
        rest_n = total_n - sum(int(x) for x in published["tenants"])
        rest_j = total_j - sum(float(x) for x in published["jobs"])
        assert len(suppressed) >= 2
        assert rest_n > len(suppressed) * 1
        assert rest_j > 0.0
        if "trips_per_day" in table:
            assert all(x is None for x in suppressed["trips_per_day"])


@settings(max_examples=50, deadline=None)
@given(st.lists(tenant, max_size=24))
def test_no_published_cell_counts_fewer_than_3_tenants_nor_can_be_worked_out(tenants) -> None:
    frames = _frames(tenants)
    p = public_view(_report(frames))
    let = [t for t in tenants if t["let"]]
    n = len(let)
    if 0 < n < THRESHOLD:
        assert p.tenants is None and p.jobs is None and p.trips_per_day is None
        assert all(len(t) == 0 for t in p.tables.values())
        assert p.shannon_h is None and p.energy.kwh_per_job is None
    else:
        assert p.tenants == n
        assert p.jobs == sum(1 if t["headcount"] is None else t["headcount"] for t in let)
    for dim in ("kind", "sector", "stage"):
        check_table(p.tables[dim], dim, _truth(tenants, dim), p.tenants is not None)
    missing = sum(1 for t in let if t["headcount"] is None)
    assert p.missing_headcounts in (None, missing)
    if p.missing_headcounts:
        assert p.missing_headcounts >= THRESHOLD
    text = json.dumps(p.to_dict(), ensure_ascii=False) + p.table_rows().to_csv()
    for row in frames.tenants.itertuples():
        assert row.name not in text and row.contact_email not in text
        assert row.tenant_id not in text
    for row in frames.leases.itertuples():
        assert row.lease_id not in text
        # a rent as a number of its own (777 in "777" or "777.0", not in "1777" or "777.5")
        rent = re.escape(f"{row.rent_eur_per_month:g}")
        assert not re.search(rf"(?<![\d.]){rent}(?:\.0+)?(?!\d|\.\d)", text), rent


def test_the_example_of_the_rule() -> None:
    # docs/disclosure-control.md: textiles 5, ceramics 2, print 4, total 11
    assert suppression([5, 2, 4], [5.0, 2.0, 4.0]) == ["", "primary", "secondary"]
    # two small rows summing to their number (1 + 1) would be known: one more goes
    got = suppression([1, 1, 7, 9], [1.0, 1.0, 7.0, 9.0])
    assert got == ["primary", "primary", "secondary", ""]
    # 1 + 2 = 3 over two rows: either could be 1 or 2, no secondary needed
    assert suppression([1, 2, 7], [1.0, 2.0, 7.0]) == ["primary", "primary", ""]
    # every row small and at its bound: nothing protects them, the rows are not shown
    assert suppression([1, 1, 1], [3.0, 1.0, 2.0]) == ["hidden"] * 3
    assert suppression([4, 6], [4.0, 6.0]) == ["", ""]
