"""How fast is the array 5R1C model against a plain per-zone, per-hour Python loop?

Both implement ISO 13790 Annex C (site_manager.energy.iso13790.simulate and
site_manager.energy.reference.simulate_reference). The plain loop over all 2,000 zones would
take minutes, so it runs over the first ``LOOP_ZONES`` zones for the whole year; the array
model runs over the same zones (to check agreement) and over all 2,000 zones (the figure
that matters). The loop's time for 2,000 zones is its measured time per zone-hour times
2,000 × 8,760: the loop does the same work for every zone, so it scales linearly.

Times are wall-clock and CPU time of this process (``time.process_time``); on a shared
machine the CPU-time ratio is the steadier of the two.

With ``--page`` it also times the whole Energy page computation (the library calls the
dashboard's Energy page makes on a first visit, :func:`site_manager.energy.overview.
energy_page`, and the storey plan it draws) on a synthetic site of ``--zones`` spaces made of
copies of the textile mill (``benchmarks/energy_page_site.py``), each step on its own; goal
≤ 2 s of server time. Retrofits run on a click only and are timed apart.

Usage: python benchmarks/energy_speed.py [--zones 2000] [--loop-zones 50] [--page] [--page-only]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from site_manager.energy.iso13790 import network_from_parameters, simulate
from site_manager.energy.reference import simulate_reference

HOURS = 8760


def make_inputs(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    a_f = rng.uniform(20, 3000, n)
    classes = list(rng.choice(["very_light", "light", "medium", "heavy", "very_heavy"], n))
    network = network_from_parameters(
        floor_area_m2=a_f,
        volume_m3=a_f * rng.uniform(3, 10, n),
        h_tr_op=a_f * rng.uniform(0.2, 4, n),
        h_tr_w=a_f * rng.uniform(0.05, 1.0, n),
        mass_class=classes,
        n_inf_ach=rng.uniform(0.1, 1.5, n),
        n_mech_ach=rng.uniform(0, 1, n),
        heat_recovery=rng.uniform(0, 0.8, n),
    )
    hours = np.arange(HOURS)
    t_out = 9 + 11 * np.sin(2 * np.pi * (hours / HOURS - 0.3)) + 4 * np.sin(2 * np.pi * hours / 24)
    day = np.clip(np.sin(np.pi * ((hours % 24) - 6) / 12), 0, None)
    internal = np.where((hours % 24 >= 7) & (hours % 24 < 18), 1.0, 0.1)[:, None] * (
        a_f * rng.uniform(2, 30, n)
    )
    solar = day[:, None] * a_f * rng.uniform(0, 20, n)
    heat = rng.uniform(15, 21, n)
    cool = np.where(rng.uniform(size=n) < 0.5, np.inf, heat + rng.uniform(4, 8, n))
    return network, t_out, internal, solar, heat, cool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zones", type=int, default=2000)
    parser.add_argument("--loop-zones", type=int, default=50)
    parser.add_argument("--page", action="store_true", help="also time the Energy page")
    parser.add_argument("--page-only", action="store_true", help="time the Energy page only")
    args = parser.parse_args()
    if args.page or args.page_only:
        measure_page(args.zones)
        if args.page_only:
            return
    n, m = args.zones, args.loop_zones
    network, t_out, internal, solar, heat, cool = make_inputs(n)

    t0, c0 = time.perf_counter(), time.process_time()
    full = simulate(network, t_out, internal_w=internal, solar_w=solar,
                    heating_setpoint_c=heat, cooling_setpoint_c=cool)  # fmt: skip
    t_array_full, c_array_full = time.perf_counter() - t0, time.process_time() - c0

    sub = network.subset(slice(0, m))
    t0 = time.perf_counter()
    fast = simulate(sub, t_out, internal_w=internal[:, :m], solar_w=solar[:, :m],
                    heating_setpoint_c=heat[:m], cooling_setpoint_c=cool[:m])  # fmt: skip
    t_array_sub = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    slow = simulate_reference(sub, t_out, internal_w=internal[:, :m], solar_w=solar[:, :m],
                              heating_setpoint_c=heat[:m], cooling_setpoint_c=cool[:m])  # fmt: skip
    t_loop_sub, c_loop_sub = time.perf_counter() - t0, time.process_time() - c0

    ref_h = np.array([r.heating_kwh for r in slow])
    ref_c = np.array([r.cooling_kwh for r in slow])
    ref_ph = np.array([r.peak_heating_kw for r in slow])
    ref_mh = np.array([r.monthly_heating_kwh for r in slow]).T

    def rel(a: np.ndarray, b: np.ndarray) -> float:
        scale = np.maximum(np.abs(b), 1e-9 * max(float(np.abs(b).max()), 1.0))
        return float(np.max(np.abs(a - b) / scale))

    worst = max(
        rel(fast.heating_kwh, ref_h),
        rel(fast.cooling_kwh, ref_c),
        rel(fast.peak_heating_kw, ref_ph),
        rel(fast.monthly_heating_kwh, ref_mh),
        rel(full.heating_kwh[:m], ref_h),
    )
    per_zh_loop = t_loop_sub / (m * HOURS)
    per_zh_array = t_array_full / (n * HOURS)
    t_loop_full_est = per_zh_loop * n * HOURS
    c_loop_full_est = c_loop_sub / m * n
    print(f"5R1C, {n} zones x {HOURS} h (ISO 13790 Annex C)            wall        CPU")
    print(f"  array model, {n} zones:            {t_array_full:8.2f} s {c_array_full:8.2f} s  "
          f"({per_zh_array * 1e9:6.1f} ns per zone-hour, wall)")  # fmt: skip
    print(f"  array model, {m} zones:              {t_array_sub:8.2f} s")
    print(f"  plain loop,  {m} zones (measured):   {t_loop_sub:8.2f} s {c_loop_sub:8.2f} s  "
          f"({per_zh_loop * 1e9:6.0f} ns per zone-hour, wall)")  # fmt: skip
    print(
        f"  plain loop,  {n} zones (x {n}/{m}):   {t_loop_full_est:8.1f} s {c_loop_full_est:8.1f} s"
    )
    print(
        f"  speed-up at {n} zones: {t_loop_full_est / t_array_full:6.0f}x wall, "
        f"{c_loop_full_est / c_array_full:6.0f}x CPU  (per zone-hour, loop scaled linearly)"
    )
    print(f"  agreement on the {m} shared zones: max relative difference {worst:.2e} "
          f"({'OK' if worst <= 1e-6 else 'FAILS'} against 1e-6)")  # fmt: skip
    print(f"  total heating {full.heating_kwh.sum() / 1e6:.2f} GWh, cooling "
          f"{full.cooling_kwh.sum() / 1e6:.2f} GWh")  # fmt: skip


#: Server-time goal of the Energy page's first visit on a 2,000-space site. [s]
PAGE_GOAL_S = 2.0


def measure_page(spaces: int) -> None:
    """Each library call of a first visit of the Energy page, on a synthetic site."""
    import sys
    import tempfile
    from pathlib import Path

    import plotly.io

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from energy_page_site import replicate

    from site_manager import figures, register
    from site_manager.energy import overview
    from site_manager.energy.loads import board_loads_for_site
    from site_manager.energy.pv import PVOptions, pv_site
    from site_manager.energy.retrofit import retrofit_options
    from site_manager.energy.tenant_reports import measured_vs_modelled
    from site_manager.energy.tenants import split_energy

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='energy-page-')) / 'r.sqlite'}"
    engine = register.open_register(url)
    register.load_sample(engine, "textile_mill")
    mill = register.frames(engine, "textile_mill")
    frames = replicate(mill, spaces)
    engine.dispose()
    # a running server has imported pvlib and scipy at its first page view: warm up on the
    # mill itself, and time that too
    t0, c0 = time.perf_counter(), time.process_time()
    overview.energy_page(mill)
    print(
        f"warm-up: the textile mill's page ({len(mill.spaces)} spaces, imports included): "
        f"{time.perf_counter() - t0:.2f} s wall {time.process_time() - c0:.2f} s CPU"
    )
    t0, c0 = time.perf_counter(), time.process_time()
    overview.energy_page(mill)
    print(
        f"the textile mill's page again: {time.perf_counter() - t0:.2f} s wall "
        f"{time.process_time() - c0:.2f} s CPU"
    )
    months = overview.months_of("last12", frames)
    print(f"Energy page computation, {len(frames.spaces)} spaces ({len(frames.tenants)} tenants, "
          f"{len(frames.meters)} meter readings, {len(frames.fabric)} fabric rows; copies of "
          f"the textile mill), {len(months)} months")  # fmt: skip
    steps: list[tuple[str, float, float]] = []
    result: dict[str, Any] = {}

    def step(label: str, call: Any) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        result[label] = call()
        steps.append((label, time.perf_counter() - wall, time.process_time() - cpu))

    step("space loads (5R1C, every space)", lambda: overview.site_loads(frames)[0])
    loads = result["space loads (5R1C, every space)"]
    step("heat table, intensity, monthly", lambda: (
        overview.heat_by_space(loads), overview.space_intensity(loads),
        overview.monthly_demand(loads)))  # fmt: skip
    heat = result["heat table, intensity, monthly"][0]
    step("board loads", lambda: board_loads_for_site(frames))
    step("per-tenant split (12 months)", lambda: split_energy(frames, months, heat=heat))
    split = result["per-tenant split (12 months)"]
    step("period table + measured vs modelled", lambda: (
        overview.tenant_period(split, frames.tenants),
        measured_vs_modelled(split, "bench")))  # fmt: skip
    step("roof PV", lambda: pv_site(frames, PVOptions()))
    step("PV per month", lambda: overview.pv_monthly(result["roof PV"]))
    gdf = frames.spaces_gdf()
    storey = str(gdf["storey"].iloc[0])

    def plan() -> int:
        on = gdf[gdf["storey"] == storey].copy()
        values = overview.space_intensity(loads).set_index("global_id")["heating_kwh_m2a"]
        on["heating_kwh_m2a"] = on["global_id"].map(values).astype(float)
        fig = figures.floor_plan_figure(on, color_by="heating_kwh_m2a", numeric=True)
        return len(plotly.io.to_json(fig, validate=False))

    step(f"storey plan ({storey}) + JSON", plan)
    wall = sum(s[1] for s in steps)
    cpu = sum(s[2] for s in steps)
    for label, w, c in steps:
        print(f"  {label:<40} {w:7.3f} s wall {c:7.3f} s CPU")
    verdict = "within" if min(wall, cpu) <= PAGE_GOAL_S else "OVER"
    print(f"  {'first visit, total':<40} {wall:7.3f} s wall {cpu:7.3f} s CPU  "
          f"({verdict} the {PAGE_GOAL_S:g} s goal)")  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    retrofit_options(frames, ["roof", "walls", "glazing", "heat_pump"])
    print(f"  {'retrofits on a click (6 scenarios)':<40} {time.perf_counter() - t0:7.3f} s wall "
          f"{time.process_time() - c0:7.3f} s CPU")  # fmt: skip


if __name__ == "__main__":
    main()
