"""Energy: the ISO 13790 5R1C hourly heating and cooling model, its zones, climate and loads.

- :mod:`~site_manager.energy.iso13790`: the array model, all zones at once (``simulate``).
- :mod:`~site_manager.energy.reference`: the same equations as a plain loop (the yardstick).
- :mod:`~site_manager.energy.zones`: the ZONES.json contract, gains, ``simulate_zones``.
- :mod:`~site_manager.energy.climate`: hourly CSV, EPW (pvlib) or monthly table to hours.
- :mod:`~site_manager.energy.loads`: coincident electrical load per distribution board.
- :mod:`~site_manager.energy.pv`: roof PV per roof face (pvlib), self-consumption, savings.
- :mod:`~site_manager.energy.retrofit`: retrofit what-ifs through the 5R1C model.
- :mod:`~site_manager.energy.emissions`: emission factors per carrier and country.
- :mod:`~site_manager.energy.site`: zones and per-space results of a site in the register
  (``space_loads(register.frames(engine, site))``) or zones of an IFC model file.
"""

from site_manager.energy.climate import read_climate
from site_manager.energy.iso13790 import (
    MASS_CLASSES,
    Network,
    SimulationResult,
    network_from_parameters,
    simulate,
)
from site_manager.energy.zones import Element, Zone, read_zones, simulate_zones, validate_zones

__all__ = [
    "MASS_CLASSES",
    "Element",
    "Network",
    "SimulationResult",
    "Zone",
    "network_from_parameters",
    "read_climate",
    "read_zones",
    "simulate",
    "simulate_zones",
    "validate_zones",
]
