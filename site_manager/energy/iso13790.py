"""The ISO 13790:2008 Annex C simple hourly method (5R1C), for many zones at once.

Every zone is the network of ISO 13790 Figure 12: an air node (θ_air), a central node
(θ_s, the mix of air and mean radiant temperature) and one thermal mass node (θ_m), coupled
to the outdoors (θ_e) and to each other by five conductances:

======== ====================================================================== =========
H_ve     ventilation, air node ↔ supply air at θ_sup = θ_e                      [W/K]
H_tr,is  air node ↔ central node, ``h_is · A_t``                                 [W/K]
H_tr,w   central node ↔ outdoors: windows **and doors** (light, no mass)        [W/K]
H_tr,ms  central node ↔ mass node, ``h_ms · A_m``                               [W/K]
H_tr,em  mass node ↔ outdoors, from the opaque elements (walls, roofs, slabs)   [W/K]
======== ====================================================================== =========

Conventions, all as in the standard (clause numbers of ISO 13790:2008):

- ``H_tr,op = Σ b·U·A`` over opaque elements (walls, roofs, slabs); ``b`` is the
  temperature adjustment factor (1 for elements to outdoor air). The opaque conductance is
  split into the mass coupling and the rest (12.2.2, eq. 63–64):
  ``H_tr,ms = h_ms·A_m`` and ``H_tr,em = 1 / (1/H_tr,op − 1/H_tr,ms)``, so that H_tr,em in
  series with H_tr,ms is exactly H_tr,op. This needs ``H_tr,op < H_tr,ms``; a zone whose
  opaque conductance exceeds its mass coupling is refused with a :class:`ValidationError`.
- ``H_tr,w = Σ U·A`` over windows and doors (with their ``b``, normally 1). Doors are put
  with the windows because, like them, they have next to no thermal mass; they get no solar
  gain.
- ``A_t = 4.5·A_f`` (7.2.2.2), ``h_is = 3.45`` W/m²K, ``H_tr,is = h_is·A_t`` (eq. 9);
  ``h_ms = 9.1`` W/m²K (eq. 64).
- ``A_m`` and ``C_m`` from the mass class of Table 12 (12.3.1.2): very light 2.5·A_f and
  80 000·A_f J/K; light 2.5·A_f, 110 000·A_f; medium 2.5·A_f, 165 000·A_f; heavy 3.0·A_f,
  260 000·A_f; very heavy 3.5·A_f, 370 000·A_f (see :data:`MASS_CLASSES`).
- ``H_ve = ρ_a c_a · V · (n_inf + n_mech·(1 − η)) / 3600`` with ``ρ_a c_a = 1200`` J/m³K;
  the supply air is at the outdoor temperature (θ_sup = θ_e), and heat recovery η lowers
  the mechanical share (the ``b_ve`` of 9.3.2 folded into the air change rate).
- Gains (C.2, eq. C.1–C.3): ``φ_ia = 0.5·φ_int``;
  ``φ_m = A_m/A_t · (0.5·φ_int + φ_sol)``;
  ``φ_st = (1 − A_m/A_t − H_tr,w/(9.1·A_t)) · (0.5·φ_int + φ_sol)``. As in the standard,
  the three do not add up to the gains: the share ``H_tr,w/(9.1·A_t)`` of
  ``0.5·φ_int + φ_sol`` goes to no node (it is taken to leave through the windows at once),
  which the energy balance in the tests accounts for.
- Time step 1 h; the mass node by Crank–Nicolson (C.3, eq. C.4–C.5), θ_m,t from θ_m,t−1,
  with θ_m = (θ_m,t + θ_m,t−1)/2 (C.9) used for θ_s (C.10) and θ_air (C.11).
- Heating and cooling (C.4.2, C.4.3) are ideal and unlimited, delivered to the air node and
  controlled on the air temperature: step 1 with φ_HC = 0 gives θ_air,0; if it lies outside
  the set-points, step 2 evaluates φ_HC,10 = 10 W/m²·A_f, giving θ_air,10, and the need is
  ``φ_HC,nd = φ_HC,10 · (θ_set − θ_air,0) / (θ_air,10 − θ_air,0)``; the hour is solved again
  with that φ_HC (step 4 of C.4.3 with no power limit). Heating is positive, cooling
  negative.
- Set-points are constant unless arrays of shape (n_hours, n_zones) are given; a cooling
  set-point of ``+inf`` means the zone is not cooled. The mass temperature starts at the
  heating set-point of the first hour.
- Solar gains are an input here (W per zone per hour); :mod:`site_manager.energy.zones`
  computes them as ``I_h · irradiance_factor · A · (1 − F_F) · g`` per window.

Algebraic rearrangements (exact, for zones without ventilation): ``H_tr,1·(θ_sup +
(φ_ia+φ_HC)/H_ve)`` is written ``H_tr,1·θ_sup + H_tr,is/(H_tr,is + H_ve)·(φ_ia + φ_HC)``,
and ``H_tr,3/H_tr,2`` as ``H_tr,ms/(H_tr,2 + H_tr,ms)``, so that H_ve = 0 and H_tr,w = 0
are allowed. :mod:`site_manager.energy.reference` keeps the literal forms of the standard.

The time recursion is sequential, so the model loops over the hours and does each hour for
all zones at once with numpy arrays of shape ``(n_zones,)``. Because C.4–C.11 are linear in
θ_m,t−1 and φ_HC, each zone's θ_air is ``A·θ_m,t−1 + C(t) + B·φ_HC`` with constants A, B
and a term C(t) that holds all the hour's inputs and is computed for a month of hours at
once; the 10 W/m² test step of C.4.2 then gives exactly ``θ_air,10 − θ_air,0 = B·φ_HC,10``,
so step 2's interpolation is ``(θ_set − θ_air,0)·φ_HC,10/(B·φ_HC,10)``. This is the same
arithmetic in another order: the plain loop of the literal equations in
:mod:`site_manager.energy.reference` agrees to about 1e-12 relative.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from site_manager.errors import ValidationError

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Heat transfer coefficient between the air node and the central node (7.2.2.2). [W/m²K]
H_IS = 3.45
#: Heat transfer coefficient between the mass node and the central node (12.2.2). [W/m²K]
H_MS = 9.1
#: Area of all surfaces facing the zone per floor area (7.2.2.2). [m²/m²]
A_T_PER_A_F = 4.5
#: Heat capacity of air per volume (9.3.1). [J/m³K]
RHO_C_AIR = 1200.0
#: The heating/cooling test step of C.4.2 step 2. [W/m²]
TEST_STEP_W_M2 = 10.0


class MassClass(StrEnum):
    """The mass classes of ISO 13790 Table 12."""

    VERY_LIGHT = "very_light"
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"
    VERY_HEAVY = "very_heavy"


#: ISO 13790:2008 Table 12: mass class → (A_m per A_f [m²/m²], C_m per A_f [J/m²K]).
MASS_CLASSES: dict[str, tuple[float, float]] = {
    MassClass.VERY_LIGHT.value: (2.5, 80_000.0),
    MassClass.LIGHT.value: (2.5, 110_000.0),
    MassClass.MEDIUM.value: (2.5, 165_000.0),
    MassClass.HEAVY.value: (3.0, 260_000.0),
    MassClass.VERY_HEAVY.value: (3.5, 370_000.0),
}

#: Month (0–11) of each hour of a non-leap year starting 1 January 00:00.
MONTH_OF_HOUR: npt.NDArray[np.int64] = np.repeat(
    np.arange(12), 24 * np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
)


@dataclass(frozen=True)
class Network:
    """The 5R1C parameters of ``n`` zones, each an array of shape ``(n,)``.

    Attributes
    ----------
    floor_area_m2 : ndarray
        Conditioned floor area A_f (sets the 10 W/m² test step). [m²]
    h_ve, h_tr_is, h_tr_w, h_tr_ms, h_tr_em : ndarray
        The five conductances of the network. [W/K]
    c_m : ndarray
        Heat capacity of the mass node. [J/K]
    a_m, a_t : ndarray
        Effective mass area and area of all surfaces facing the zone. [m²]
    """

    floor_area_m2: FloatArray
    h_ve: FloatArray
    h_tr_is: FloatArray
    h_tr_w: FloatArray
    h_tr_ms: FloatArray
    h_tr_em: FloatArray
    c_m: FloatArray
    a_m: FloatArray
    a_t: FloatArray

    def __post_init__(self) -> None:
        n = None
        for name in self.__dataclass_fields__:
            value = np.atleast_1d(np.asarray(getattr(self, name), dtype=float))
            object.__setattr__(self, name, value)
            if n is None:
                n = value.shape
            elif value.shape != n:
                raise ValidationError(
                    f"network field {name!r} has shape {value.shape}, expected {n}"
                )

    @property
    def n_zones(self) -> int:
        """Number of zones."""
        return int(self.floor_area_m2.shape[0])

    def subset(self, index: npt.ArrayLike) -> Network:
        """The network of the zones at ``index`` (an integer or boolean index)."""
        return Network(**{name: getattr(self, name)[index] for name in self.__dataclass_fields__})


def network_from_parameters(
    *,
    floor_area_m2: npt.ArrayLike,
    volume_m3: npt.ArrayLike,
    h_tr_op: npt.ArrayLike,
    h_tr_w: npt.ArrayLike,
    mass_class: list[str] | tuple[str, ...],
    n_inf_ach: npt.ArrayLike,
    n_mech_ach: npt.ArrayLike = 0.0,
    heat_recovery: npt.ArrayLike = 0.0,
    ids: list[str] | None = None,
) -> Network:
    """The 5R1C network of zones from their ISO 13790 parameters.

    Parameters
    ----------
    floor_area_m2 : array_like
        Conditioned floor area A_f. [m²]
    volume_m3 : array_like
        Air volume V. [m³]
    h_tr_op : array_like
        Opaque transmission conductance Σ b·U·A of walls, roofs and slabs. [W/K]
    h_tr_w : array_like
        Transmission conductance Σ b·U·A of windows and doors. [W/K]
    mass_class : list of str
        One of :data:`MASS_CLASSES` per zone.
    n_inf_ach, n_mech_ach : array_like
        Infiltration and mechanical ventilation air change rates. [1/h]
    heat_recovery : array_like
        Heat recovery efficiency η of the mechanical ventilation. [0–1]
    ids : list of str, optional
        Zone names used in error messages.

    Returns
    -------
    Network

    Raises
    ------
    ValidationError
        An unknown mass class, or a zone with ``H_tr,op ≥ H_tr,ms`` (12.2.2 has no
        solution: the opaque elements conduct more than the mass coupling allows).
    """
    a_f = np.atleast_1d(np.asarray(floor_area_m2, dtype=float))
    n = a_f.shape[0]
    names = ids if ids is not None else [str(i) for i in range(n)]
    try:
        factors = np.array([MASS_CLASSES[str(m)] for m in mass_class], dtype=float)
    except KeyError as exc:
        raise ValidationError(
            f"unknown mass class {exc.args[0]!r}; use one of {', '.join(MASS_CLASSES)}"
        ) from None
    if factors.shape[0] != n:
        raise ValidationError(f"{factors.shape[0]} mass classes for {n} zones")
    a_m = factors[:, 0] * a_f
    c_m = factors[:, 1] * a_f
    a_t = A_T_PER_A_F * a_f
    h_tr_ms = H_MS * a_m
    h_tr_is = H_IS * a_t
    op = np.broadcast_to(np.asarray(h_tr_op, dtype=float), (n,)).astype(float)
    bad = np.flatnonzero(op >= h_tr_ms)
    if bad.size:
        i = int(bad[0])
        raise ValidationError(
            f"zone {names[i]!r}: opaque conductance H_tr,op = {op[i]:.1f} W/K is not below "
            f"the mass coupling H_tr,ms = {h_tr_ms[i]:.1f} W/K (ISO 13790 12.2.2); "
            "check its element areas and U-values against its floor area"
        )
    with np.errstate(divide="ignore"):
        # 1/(1/H_op − 1/H_ms) written as H_op·H_ms/(H_ms − H_op): exact, and 0 when H_op = 0.
        h_tr_em = op * h_tr_ms / (h_tr_ms - op)
    v = np.broadcast_to(np.asarray(volume_m3, dtype=float), (n,))
    n_inf = np.broadcast_to(np.asarray(n_inf_ach, dtype=float), (n,))
    n_mech = np.broadcast_to(np.asarray(n_mech_ach, dtype=float), (n,))
    eta = np.broadcast_to(np.asarray(heat_recovery, dtype=float), (n,))
    h_ve = RHO_C_AIR * v * (n_inf + n_mech * (1.0 - eta)) / 3600.0
    return Network(
        floor_area_m2=a_f,
        h_ve=h_ve,
        h_tr_is=h_tr_is,
        h_tr_w=np.broadcast_to(np.asarray(h_tr_w, dtype=float), (n,)).copy(),
        h_tr_ms=h_tr_ms,
        h_tr_em=h_tr_em,
        c_m=c_m,
        a_m=a_m,
        a_t=a_t,
    )


@dataclass
class SimulationResult:
    """What :func:`simulate` returns. Energies are positive for heating and for cooling.

    Attributes
    ----------
    heating_kwh, cooling_kwh : ndarray (n_zones,)
        Annual (whole-run) heating and cooling need. [kWh]
    peak_heating_kw, peak_cooling_kw : ndarray (n_zones,)
        Largest hourly heating and cooling power. [kW]
    monthly_heating_kwh, monthly_cooling_kwh : ndarray (12, n_zones)
        Need per calendar month (hour 0 is 1 January 00:00 of a non-leap year). [kWh]
    theta_m_end_c : ndarray (n_zones,)
        Mass node temperature θ_m,t at the end of the last hour. [°C]
    theta_m_start_c : ndarray (n_zones,)
        Mass node temperature at the start. [°C]
    hourly : dict of str to ndarray (n_hours, n_zones)
        With ``hourly=True`` only: ``phi_hc_w`` (heating +, cooling −) [W],
        ``theta_air_c``, ``theta_s_c``, ``theta_m_c`` (the C.9 mean of the hour),
        ``theta_op_c`` [°C], and the gains ``phi_int_w``, ``phi_sol_w`` [W].
    """

    heating_kwh: FloatArray
    cooling_kwh: FloatArray
    peak_heating_kw: FloatArray
    peak_cooling_kw: FloatArray
    monthly_heating_kwh: FloatArray
    monthly_cooling_kwh: FloatArray
    theta_m_start_c: FloatArray
    theta_m_end_c: FloatArray
    hourly: dict[str, FloatArray] = field(default_factory=dict)


@dataclass(frozen=True)
class HourlyProduct:
    """An (n_hours, n_zones) array held as the product ``hours @ levels``. [as its factors]

    :func:`simulate` forms it one run of hours at a time, so the whole array (140 MB at
    2,000 zones) is never allocated. Where each row of the product has one non-zero term
    (a zone's level times its schedule), every element equals that product exactly.
    """

    hours: FloatArray  # (n_hours, k)
    levels: FloatArray  # (k, n_zones)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_hours, n_zones)``."""
        return (self.hours.shape[0], self.levels.shape[1])

    def __getitem__(self, rows: slice) -> FloatArray:
        """The rows ``rows`` of the product."""
        return np.asarray(self.hours[rows] @ self.levels, dtype=float)

    def __array__(self, dtype: Any = None, copy: Any = None) -> FloatArray:
        """The whole product."""
        out = self.hours @ self.levels
        return out if dtype is None else out.astype(dtype)


def _as_hourly(
    value: npt.ArrayLike | HourlyProduct, n_hours: int, n_zones: int, name: str
) -> FloatArray | HourlyProduct:
    """Broadcast a scalar, a (n_zones,) or a (n_hours, n_zones) array to the latter."""
    if isinstance(value, HourlyProduct):
        if value.shape != (n_hours, n_zones):
            raise ValidationError(
                f"{name} has shape {value.shape}; expected ({n_hours}, {n_zones})"
            )
        return value
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 1 and arr.shape[0] == n_hours and n_hours != n_zones:
        arr = arr[:, None]
    try:
        return np.broadcast_to(arr, (n_hours, n_zones))
    except ValueError:
        raise ValidationError(
            f"{name} has shape {arr.shape}; expected (), ({n_zones},) or ({n_hours}, {n_zones})"
        ) from None


def _chunks(months: npt.NDArray[np.int64], n_zones: int) -> list[tuple[int, int]]:
    """Runs of hours within one month, each at most about 250,000 zone-hours (cache-sized)."""
    limit = max(1, 250_000 // max(n_zones, 1))
    cuts = [0, *np.flatnonzero(np.diff(months) != 0) + 1, months.shape[0]]
    out: list[tuple[int, int]] = []
    for a, b in zip(cuts[:-1], cuts[1:], strict=True):
        out.extend((s, min(s + limit, b)) for s in range(int(a), int(b), limit))
    return out


def simulate(
    network: Network,
    t_out_c: npt.ArrayLike,
    *,
    internal_w: npt.ArrayLike | HourlyProduct = 0.0,
    solar_w: npt.ArrayLike | HourlyProduct = 0.0,
    heating_setpoint_c: npt.ArrayLike = 20.0,
    cooling_setpoint_c: npt.ArrayLike = np.inf,
    theta_m0_c: npt.ArrayLike | None = None,
    hourly: bool = False,
) -> SimulationResult:
    """Hourly heating and cooling needs of every zone of ``network`` (ISO 13790 Annex C).

    Parameters
    ----------
    network : Network
        The zones, see :func:`network_from_parameters`.
    t_out_c : array_like (n_hours,)
        Outdoor air temperature θ_e, also the supply temperature. [°C]
    internal_w, solar_w : array_like
        Internal and solar heat gains φ_int, φ_sol per zone and hour; a scalar, shape
        ``(n_zones,)`` or ``(n_hours, n_zones)``, or a :class:`HourlyProduct`. [W]
    heating_setpoint_c, cooling_setpoint_c : array_like
        Air temperature set-points; same shapes. ``-inf``/``+inf`` switch heating/cooling
        off. [°C]
    theta_m0_c : array_like, optional
        Mass temperature θ_m,t−1 before the first hour; default the first hour's heating
        set-point (or θ_e of the first hour where the zone is not heated). [°C]
    hourly : bool
        Keep the hourly arrays (memory: 7 × 8 bytes × hours × zones).

    Returns
    -------
    SimulationResult
    """
    t_out = np.asarray(t_out_c, dtype=float).ravel()
    n_h, n_z = t_out.shape[0], network.n_zones
    phi_int = _as_hourly(internal_w, n_h, n_z, "internal_w")
    phi_sol = _as_hourly(solar_w, n_h, n_z, "solar_w")
    set_h = np.asarray(_as_hourly(heating_setpoint_c, n_h, n_z, "heating_setpoint_c"))
    set_c = np.asarray(_as_hourly(cooling_setpoint_c, n_h, n_z, "cooling_setpoint_c"))
    if np.any(set_h > set_c):
        raise ValidationError("a heating set-point is above the cooling set-point")

    nw = network
    a_f, h_ve, h_is, h_w, h_ms, h_em = (
        nw.floor_area_m2,
        nw.h_ve,
        nw.h_tr_is,
        nw.h_tr_w,
        nw.h_tr_ms,
        nw.h_tr_em,
    )
    # C.6–C.8, in forms that stay finite for H_ve = 0 (see the module docstring).
    h1 = h_ve * h_is / (h_ve + h_is)
    r1 = h_is / (h_ve + h_is)  # H_tr,1 / H_ve
    h2 = h1 + h_w
    h3 = h2 * h_ms / (h2 + h_ms)
    r3 = h_ms / (h2 + h_ms)  # H_tr,3 / H_tr,2
    cm_h = nw.c_m / 3600.0
    k_prev = cm_h - 0.5 * (h3 + h_em)
    k_next = cm_h + 0.5 * (h3 + h_em)
    den_s = h_ms + h_w + h1
    den_a = h_is + h_ve
    f_m = nw.a_m / nw.a_t  # C.2
    f_st = 1.0 - nw.a_m / nw.a_t - h_w / (H_MS * nw.a_t)  # C.3

    # Equations C.4–C.11 are linear in θ_m,t−1 and in φ_HC. Per zone, with q = φ_ia + φ_HC:
    #   θ_m,t = D·θ_m,t−1 + E(t) + F·φ_HC          (C.4 with C.5)
    #   θ_air = A·θ_m,t−1 + C(t) + B·φ_HC          (C.9–C.11)
    # where E(t), C(t) hold every input of hour t and are computed for many hours at once.
    d_coef = k_prev / k_next
    f_coef = r3 * r1 / k_next
    a_coef = h_is * (h_ms * 0.5 * (d_coef + 1.0) / den_s) / den_a
    b_coef = (h_is * (h_ms * 0.5 * f_coef + r1) / den_s + 1.0) / den_a
    # C.4.2 step 2: with φ_HC,10 = 10 W/m²·A_f, θ_air,10 − θ_air,0 = B·φ_HC,10 in every hour,
    # so C.13 is φ_HC,nd = (θ_set − θ_air,0) · φ_HC,10 / (θ_air,10 − θ_air,0) = (θ_set − θ_air,0)/B.
    step = TEST_STEP_W_M2 * a_f
    per_kelvin = step / (b_coef * step)

    if theta_m0_c is None:
        theta_m_prev = np.where(np.isfinite(set_h[0]), set_h[0], t_out[0]).astype(float)
    else:
        theta_m_prev = np.broadcast_to(np.asarray(theta_m0_c, dtype=float), (n_z,)).copy()
    theta_m_start = theta_m_prev.copy()

    heat_month = np.zeros((12, n_z))
    cool_month = np.zeros((12, n_z))
    peak_h = np.zeros(n_z)
    peak_c = np.zeros(n_z)
    months = MONTH_OF_HOUR[np.arange(n_h) % MONTH_OF_HOUR.shape[0]]
    keep: dict[str, FloatArray] = {}
    if hourly:
        for key in ("phi_hc_w", "theta_air_c", "theta_s_c", "theta_m_c", "theta_op_c"):
            keep[key] = np.empty((n_h, n_z))

    # E(t) and C(t) are linear in φ_int, φ_sol and θ_e (= θ_sup): their coefficients per zone,
    # following C.1–C.3 into C.5, C.4 (θ_m,t−1 = 0, φ_HC = 0), C.9, C.10 and C.11.
    bs_i, bs_s, bs_e = 0.5 * f_st, f_st, h_w + h1  # numerator of C.10 less H_ms·θ_m, q terms
    bm_i, bm_s, bm_e = 0.5 * f_m + r3 * bs_i, f_m + r3 * bs_s, h_em + r3 * bs_e  # C.5
    e_i, e_s, e_e = (bm_i + 0.5 * r3 * r1) / k_next, bm_s / k_next, bm_e / k_next  # C.4
    ts_i = (0.5 * h_ms * e_i + bs_i + 0.5 * r1) / den_s  # C.9, C.10
    ts_s = (0.5 * h_ms * e_s + bs_s) / den_s
    ts_e = (0.5 * h_ms * e_e + bs_e) / den_s
    c_i, c_s, c_e = (h_is * ts_i + 0.5) / den_a, h_is * ts_s / den_a, (h_is * ts_e + h_ve) / den_a

    for t0, t1 in _chunks(months, n_z):
        te = t_out[t0:t1, None]
        p_int, p_sol = phi_int[t0:t1], phi_sol[t0:t1]
        e_t = e_i * p_int
        e_t += e_s * p_sol
        e_t += e_e * te
        c_t = c_i * p_int
        c_t += c_s * p_sol
        c_t += c_e * te
        sh, sc = set_h[t0:t1], set_c[t0:t1]
        phi_buf = np.empty((t1 - t0, n_z))
        for k in range(t1 - t0):
            ta0 = a_coef * theta_m_prev
            ta0 += c_t[k]  # step 1: θ_air,0 with φ_HC = 0
            # θ_set − θ_air,0 where θ_air,0 is outside the set-points, else 0 (as the
            # heating set-point is not above the cooling one, at most one term is not 0).
            d_set = np.maximum(sh[k] - ta0, 0.0)
            d_set -= np.maximum(ta0 - sc[k], 0.0)
            phi_hc = phi_buf[k]
            np.multiply(d_set, per_kelvin, out=phi_hc)  # steps 2–3, unlimited power
            theta_m_t = d_coef * theta_m_prev
            theta_m_t += e_t[k]
            theta_m_t += f_coef * phi_hc  # step 4: the hour with the actual φ_HC
            if hourly:
                q = 0.5 * p_int[k] + phi_hc  # φ_ia + φ_HC
                base_s = bs_i * p_int[k] + bs_s * p_sol[k] + bs_e * te[k]
                tm = 0.5 * (theta_m_t + theta_m_prev)  # C.9
                ts = (h_ms * tm + base_s + r1 * q) / den_s  # C.10
                ta = (h_is * ts + h_ve * te[k] + q) / den_a  # C.11
                keep["theta_m_c"][t0 + k] = tm
                keep["theta_s_c"][t0 + k] = ts
                keep["theta_air_c"][t0 + k] = ta
                keep["theta_op_c"][t0 + k] = 0.3 * ta + 0.7 * ts  # C.12
            theta_m_prev = theta_m_t
        m = months[t0]
        heat_month[m] += np.maximum(phi_buf, 0.0).sum(axis=0)
        cool_month[m] -= np.minimum(phi_buf, 0.0).sum(axis=0)
        np.maximum(peak_h, phi_buf.max(axis=0), out=peak_h)
        np.maximum(peak_c, -phi_buf.min(axis=0), out=peak_c)
        if hourly:
            keep["phi_hc_w"][t0:t1] = phi_buf

    if hourly:
        keep["phi_int_w"] = np.array(phi_int)
        keep["phi_sol_w"] = np.array(phi_sol)
    return SimulationResult(
        heating_kwh=heat_month.sum(axis=0) / 1000.0,
        cooling_kwh=cool_month.sum(axis=0) / 1000.0,
        peak_heating_kw=peak_h / 1000.0,
        peak_cooling_kw=peak_c / 1000.0 + 0.0,  # + 0.0 turns −0 into 0
        monthly_heating_kwh=heat_month / 1000.0,
        monthly_cooling_kwh=cool_month / 1000.0,
        theta_m_start_c=theta_m_start,
        theta_m_end_c=theta_m_prev,
        hourly=keep,
    )


def equivalent_conductance(network: Network) -> FloatArray:
    """Steady-state conductance from the air node to the outdoors, per zone. [W/K]

    With no gains and constant θ_e, the heating that holds θ_air is this times
    (θ_air − θ_e): H_ve in parallel with H_tr,is in series with (H_tr,w in parallel with
    H_tr,ms in series with H_tr,em).
    """
    nw = network
    with np.errstate(divide="ignore", invalid="ignore"):
        mass_path = np.where(
            nw.h_tr_em > 0, nw.h_tr_ms * nw.h_tr_em / (nw.h_tr_ms + nw.h_tr_em), 0.0
        )
        outer = nw.h_tr_w + mass_path
        inner = np.where(outer > 0, nw.h_tr_is * outer / (nw.h_tr_is + outer), 0.0)
    return np.asarray(nw.h_ve + inner, dtype=float)
