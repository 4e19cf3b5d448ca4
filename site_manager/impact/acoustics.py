"""Sound from a machine in a room to a point outside: the formulas, one function each.

1. **Machine**: the register's ``noise_db`` is the A-weighted sound pressure level 1 m from
   the machine, inside its room. A machine on the floor radiates into a half space, so its
   sound power is Lw = Lp(1 m) + 10 lg(2π·1²) (:func:`machine_power_db`).
2. **Room**: the reverberant level of a diffuse room, Lp,rev = Lw + 10 lg(4 / A), with
   A = α·S the absorption area of its surface S (:func:`room_level_db`).
3. **Façade** (EN ISO 12354-4, diffuse field inside): an element of area S and sound
   reduction R radiates Lw,out = Lp,in − 6 − R + 10 lg(S / 1 m²) (:func:`facade_power_db`),
   taken as a point source at the element's centre radiating into the half space in front
   of it (directivity +3 dB in front, nothing behind).
4. **Outdoors** (ISO 9613-2): Lp = Lw + D − (Adiv + Aatm + Agr) with
   Adiv = 20 lg(d / 1 m) + 11 (:func:`divergence_db`), Aatm = α·d / 1000
   (:func:`atmospheric_db`), and the ground effect of §7.3.2 (:func:`ground_db`): over
   porous or mixed ground (G ≥ 0.5) Agr = 4.8 − (2hm / d)(17 + 300 / d) ≥ 0 with the
   directivity correction DΩ = 10 lg{1 + [dp² + (hs − hr)²] / [dp² + (hs + hr)²]} (eq. 11);
   over hard ground (G < 0.5) the general method's As = Ar = −1.5 dB and Am = −3q.
   Barriers (screening by other buildings) and reflections are not modelled: the levels
   are those of free propagation over flat ground, an upper estimate behind buildings.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Array = npt.NDArray[np.float64]


def machine_power_db(lp_1m_db: float) -> float:
    """Sound power level of a machine from its level 1 m away (half-space). [dB(A)]

    >>> round(machine_power_db(80.0), 2)
    87.98
    """
    return lp_1m_db + 10.0 * math.log10(2.0 * math.pi)


def room_absorption_m2(floor_m2: float, perimeter_m: float, height_m: float, alpha: float) -> float:
    """Absorption area A = α × (2 × floor + perimeter × height). [m²]"""
    return alpha * (2.0 * floor_m2 + perimeter_m * height_m)


def room_level_db(power_db: float, absorption_m2: float) -> float:
    """Reverberant sound pressure level Lp = Lw + 10 lg(4 / A) of a diffuse room. [dB(A)]"""
    return power_db + 10.0 * math.log10(4.0 / absorption_m2)


def facade_power_db(lp_in_db: float, area_m2: float, r_db: float) -> float:
    """Sound power radiated outwards by a façade element, Lp,in − 6 − R + 10 lg S. [dB(A)]"""
    return lp_in_db - 6.0 - r_db + 10.0 * math.log10(area_m2)


def divergence_db(d_m: Array | float) -> Array:
    """ISO 9613-2 eq. (7): Adiv = 20 lg(d / 1 m) + 11. [dB]"""
    return np.asarray(20.0 * np.log10(np.asarray(d_m, dtype=float)) + 11.0, dtype=float)


def atmospheric_db(d_m: Array | float, alpha_db_per_km: float) -> Array:
    """ISO 9613-2 eq. (8): Aatm = α d / 1000. [dB]"""
    return np.asarray(alpha_db_per_km * np.asarray(d_m, dtype=float) / 1000.0, dtype=float)


def ground_db(
    dp_m: Array | float, hs_m: Array | float, hr_m: Array | float, ground_factor: float
) -> tuple[Array, Array]:
    """Ground attenuation Agr and the directivity correction DΩ that goes with it. [dB]

    Parameters
    ----------
    dp_m : array
        Source–receiver distance projected on the ground. [m]
    hs_m, hr_m : array
        Heights of the source and the receiver above the ground. [m]
    ground_factor : float
        G, 0 (hard) to 1 (porous). [–]
    """
    dp = np.asarray(dp_m, dtype=float)
    hs = np.broadcast_to(np.asarray(hs_m, dtype=float), dp.shape)
    hr = np.broadcast_to(np.asarray(hr_m, dtype=float), dp.shape)
    d = np.sqrt(dp**2 + (hs - hr) ** 2)
    if ground_factor >= 0.5:
        hm = (hs + hr) / 2.0
        agr = np.maximum(0.0, 4.8 - (2.0 * hm / d) * (17.0 + 300.0 / d))
        d_omega = 10.0 * np.log10(1.0 + (dp**2 + (hs - hr) ** 2) / (dp**2 + (hs + hr) ** 2))
        return agr, d_omega
    q = np.where(dp <= 30.0 * (hs + hr), 0.0, 1.0 - 30.0 * (hs + hr) / np.maximum(dp, 1e-9))
    return -3.0 - 3.0 * q, np.zeros_like(dp)


def point_source_level(
    power_db: float,
    dp_m: Array | float,
    hs_m: Array | float,
    hr_m: Array | float,
    *,
    ground_factor: float,
    alpha_db_per_km: float,
    directivity_db: Array | float = 0.0,
) -> Array:
    """ISO 9613-2 eq. (3) without barriers: Lp = Lw + Dc − Adiv − Aatm − Agr. [dB(A)]"""
    dp = np.asarray(dp_m, dtype=float)
    d = np.sqrt(dp**2 + (np.asarray(hs_m, dtype=float) - np.asarray(hr_m, dtype=float)) ** 2)
    d = np.maximum(d, 1.0)
    agr, d_omega = ground_db(dp, hs_m, hr_m, ground_factor)
    return np.asarray(
        power_db
        + directivity_db
        + d_omega
        - divergence_db(d)
        - atmospheric_db(d, alpha_db_per_km)
        - agr,
        dtype=float,
    )


def energy_sum_db(levels: Array, axis: int | None = None) -> Array:
    """10 lg Σ 10^(L/10) (−inf for no sound). [dB]"""
    with np.errstate(divide="ignore"):
        return np.asarray(10.0 * np.log10(np.sum(10.0 ** (np.asarray(levels) / 10.0), axis=axis)))
