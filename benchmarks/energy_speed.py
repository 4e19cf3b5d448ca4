"""How fast is the array 5R1C model against a plain per-zone, per-hour Python loop?

Both implement ISO 13790 Annex C (site_manager.energy.iso13790.simulate and
site_manager.energy.reference.simulate_reference). The plain loop over all 2,000 zones would
take minutes, so it runs over the first ``LOOP_ZONES`` zones for the whole year; the array
model runs over the same zones (to check agreement) and over all 2,000 zones (the figure
that matters). The loop's time for 2,000 zones is its measured time per zone-hour times
2,000 × 8,760: the loop does the same work for every zone, so it scales linearly.

Times are wall-clock and CPU time of this process (``time.process_time``); on a shared
machine the CPU-time ratio is the steadier of the two.

Usage: python benchmarks/energy_speed.py [--zones 2000] [--loop-zones 50]
"""

from __future__ import annotations

import argparse
import time

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
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
