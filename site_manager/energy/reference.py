"""A plain per-zone, per-hour Python loop of ISO 13790 Annex C: the yardstick.

This is the baseline of ``benchmarks/energy_speed.py`` and a second implementation for the
tests. It keeps the literal forms of the standard (C.4–C.13, with divisions by H_ve and
H_tr,2), uses only Python floats, and shares no code with
:func:`site_manager.energy.iso13790.simulate` beyond the :class:`Network` record. It
therefore needs H_ve > 0 and H_tr,w + H_tr,1 > 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from site_manager.energy.iso13790 import MONTH_OF_HOUR, Network


@dataclass
class ReferenceZoneResult:
    """Results of one zone from :func:`simulate_zone_reference`.

    Attributes
    ----------
    phi_hc_w : list of float
        Heating (+) or cooling (−) power per hour. [W]
    theta_air_c : list of float
        Air temperature per hour. [°C]
    heating_kwh, cooling_kwh : float
        Totals (both positive). [kWh]
    peak_heating_kw, peak_cooling_kw : float
        Largest hourly powers. [kW]
    monthly_heating_kwh, monthly_cooling_kwh : list of float
        12 values each. [kWh]
    """

    phi_hc_w: list[float]
    theta_air_c: list[float]
    heating_kwh: float
    cooling_kwh: float
    peak_heating_kw: float
    peak_cooling_kw: float
    monthly_heating_kwh: list[float]
    monthly_cooling_kwh: list[float]


def simulate_zone_reference(
    *,
    a_f: float,
    h_ve: float,
    h_tr_is: float,
    h_tr_w: float,
    h_tr_ms: float,
    h_tr_em: float,
    c_m: float,
    a_m: float,
    a_t: float,
    t_out_c: list[float],
    internal_w: list[float],
    solar_w: list[float],
    heating_setpoint_c: float,
    cooling_setpoint_c: float,
    theta_m0_c: float | None = None,
) -> ReferenceZoneResult:
    """One zone, hour by hour, exactly as written in ISO 13790:2008 Annex C.

    Parameters are the 5R1C parameters of one zone ([W/K], [J/K], [m²]), the hourly
    outdoor temperature [°C] and gains [W], and constant set-points [°C].
    """
    h_tr_1 = 1.0 / (1.0 / h_ve + 1.0 / h_tr_is)  # C.6
    h_tr_2 = h_tr_1 + h_tr_w  # C.7
    h_tr_3 = 1.0 / (1.0 / h_tr_2 + 1.0 / h_tr_ms)  # C.8
    theta_m_prev = heating_setpoint_c if theta_m0_c is None else theta_m0_c
    if not math.isfinite(theta_m_prev):
        theta_m_prev = t_out_c[0]

    def solve(theta_e: float, phi_int: float, phi_sol: float, phi_hc: float, tm_prev: float):
        theta_sup = theta_e
        phi_ia = 0.5 * phi_int  # C.1
        phi_m = a_m / a_t * (0.5 * phi_int + phi_sol)  # C.2
        phi_st = (1.0 - a_m / a_t - h_tr_w / (9.1 * a_t)) * (0.5 * phi_int + phi_sol)  # C.3
        phi_m_tot = (
            phi_m
            + h_tr_em * theta_e
            + h_tr_3
            * (phi_st + h_tr_w * theta_e + h_tr_1 * ((phi_ia + phi_hc) / h_ve + theta_sup))
            / h_tr_2
        )  # C.5
        theta_m_t = (tm_prev * (c_m / 3600.0 - 0.5 * (h_tr_3 + h_tr_em)) + phi_m_tot) / (
            c_m / 3600.0 + 0.5 * (h_tr_3 + h_tr_em)
        )  # C.4
        theta_m = (theta_m_t + tm_prev) / 2.0  # C.9
        theta_s = (
            h_tr_ms * theta_m
            + phi_st
            + h_tr_w * theta_e
            + h_tr_1 * (theta_sup + (phi_ia + phi_hc) / h_ve)
        ) / (h_tr_ms + h_tr_w + h_tr_1)  # C.10
        theta_air = (h_tr_is * theta_s + h_ve * theta_sup + phi_ia + phi_hc) / (
            h_tr_is + h_ve
        )  # C.11
        return theta_m_t, theta_air

    phi_hc_all: list[float] = []
    theta_air_all: list[float] = []
    monthly_h = [0.0] * 12
    monthly_c = [0.0] * 12
    peak_h = 0.0
    peak_c = 0.0
    n_year = len(MONTH_OF_HOUR)
    for t in range(len(t_out_c)):
        te, pint, psol = t_out_c[t], internal_w[t], solar_w[t]
        tm_t, theta_air_0 = solve(te, pint, psol, 0.0, theta_m_prev)  # C.4.2 step 1
        if theta_air_0 < heating_setpoint_c or theta_air_0 > cooling_setpoint_c:
            theta_set = (
                heating_setpoint_c if theta_air_0 < heating_setpoint_c else cooling_setpoint_c
            )
            phi_10 = 10.0 * a_f  # step 2
            _, theta_air_10 = solve(te, pint, psol, phi_10, theta_m_prev)
            phi_hc = phi_10 * (theta_set - theta_air_0) / (theta_air_10 - theta_air_0)  # C.13
            tm_t, theta_air = solve(te, pint, psol, phi_hc, theta_m_prev)  # step 4
        else:
            phi_hc = 0.0
            theta_air = theta_air_0
        phi_hc_all.append(phi_hc)
        theta_air_all.append(theta_air)
        month = int(MONTH_OF_HOUR[t % n_year])
        if phi_hc > 0:
            monthly_h[month] += phi_hc / 1000.0
            peak_h = max(peak_h, phi_hc)
        elif phi_hc < 0:
            monthly_c[month] -= phi_hc / 1000.0
            peak_c = max(peak_c, -phi_hc)
        theta_m_prev = tm_t
    return ReferenceZoneResult(
        phi_hc_w=phi_hc_all,
        theta_air_c=theta_air_all,
        heating_kwh=sum(monthly_h),
        cooling_kwh=sum(monthly_c),
        peak_heating_kw=peak_h / 1000.0,
        peak_cooling_kw=peak_c / 1000.0,
        monthly_heating_kwh=monthly_h,
        monthly_cooling_kwh=monthly_c,
    )


def simulate_reference(
    network: Network,
    t_out_c: npt.ArrayLike,
    *,
    internal_w: npt.ArrayLike,
    solar_w: npt.ArrayLike,
    heating_setpoint_c: npt.ArrayLike,
    cooling_setpoint_c: npt.ArrayLike,
) -> list[ReferenceZoneResult]:
    """:func:`simulate_zone_reference` for every zone of ``network``, one after the other.

    Gains are arrays of shape ``(n_hours, n_zones)``; set-points of shape ``(n_zones,)``.
    """
    t_out = [float(x) for x in np.asarray(t_out_c, dtype=float).ravel()]
    n_h, n_z = len(t_out), network.n_zones
    gi = np.broadcast_to(np.asarray(internal_w, dtype=float), (n_h, n_z))
    gs = np.broadcast_to(np.asarray(solar_w, dtype=float), (n_h, n_z))
    sh = np.broadcast_to(np.asarray(heating_setpoint_c, dtype=float), (n_z,))
    sc = np.broadcast_to(np.asarray(cooling_setpoint_c, dtype=float), (n_z,))
    out = []
    for z in range(n_z):
        out.append(
            simulate_zone_reference(
                a_f=float(network.floor_area_m2[z]),
                h_ve=float(network.h_ve[z]),
                h_tr_is=float(network.h_tr_is[z]),
                h_tr_w=float(network.h_tr_w[z]),
                h_tr_ms=float(network.h_tr_ms[z]),
                h_tr_em=float(network.h_tr_em[z]),
                c_m=float(network.c_m[z]),
                a_m=float(network.a_m[z]),
                a_t=float(network.a_t[z]),
                t_out_c=t_out,
                internal_w=gi[:, z].tolist(),
                solar_w=gs[:, z].tolist(),
                heating_setpoint_c=float(sh[z]),
                cooling_setpoint_c=float(sc[z]),
            )
        )
    return out
