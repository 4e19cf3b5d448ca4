"""site-manager: run a Multifactory from its building model, tenants, machines and energy.

Start here
----------
Data flows one way::

    IFC model ──▶ building model ──▶ site register ──▶ analyses ──▶ dashboard / CLI / reports

- :mod:`site_manager.ifc` reads IFC files (the only code that touches ifcopenshell objects)
  into a :class:`~site_manager.model.BuildingModel`: storeys and the spaces frame.
- :mod:`site_manager.register` is the site's database: zoning, units, tenants, leases,
  equipment, skills, audit trail.
- :mod:`site_manager.tenancy` computes landlord figures (occupancy, vacancy, rent roll).
- :mod:`site_manager.energy` is the ISO 13790 5R1C hourly heating and cooling model.
- :mod:`site_manager.layout` places applicants in units (CP-SAT and a greedy baseline).
- :mod:`site_manager.figures` builds plotly figures; :mod:`site_manager.app` is the
  Streamlit dashboard (the only code that imports streamlit).
- :mod:`site_manager.cli` is the ``site-manager`` command line.

Errors a user can act on are :class:`~site_manager.errors.SiteManagerError`.
"""

from site_manager.errors import (
    IfcImportError,
    NotFoundError,
    RegisterError,
    SiteManagerError,
    ValidationError,
)
from site_manager.model import BuildingModel, ModelInfo

__all__ = [
    "BuildingModel",
    "IfcImportError",
    "ModelInfo",
    "NotFoundError",
    "RegisterError",
    "SiteManagerError",
    "ValidationError",
]

__version__ = "0.1.0"
