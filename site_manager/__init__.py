"""site-manager: run a Multifactory from its building model, tenants, machines and energy.

Start here
----------
Data flows one way::

    IFC model ──▶ building model ──▶ site register ──▶ analyses ──▶ dashboard / CLI / reports

- :mod:`site_manager.ifc` reads IFC files (the only code that touches ifcopenshell objects)
  into a :class:`~site_manager.model.BuildingModel`: storeys, the spaces frame, and on
  request the fabric and the column grid.
- :mod:`site_manager.register` is the site's database and the single source of truth:
  spaces with their attributes, the stored fabric and columns, zoning, units, tenants,
  leases, equipment, skills, applicants, the site's location, climate, tariffs and
  neighbourhood, and the audit trail. ``register.frames(engine, site)`` reads it all as
  frames; the analyses take those frames, never a file.
- :mod:`site_manager.tenancy` computes landlord figures (occupancy, vacancy, rent roll).
- :mod:`site_manager.energy` is the ISO 13790 5R1C hourly heating and cooling model.
- :mod:`site_manager.layout` places applicants in units (CP-SAT and a greedy baseline).
- :mod:`site_manager.assumptions` names every default an analysis falls back on where the
  register says nothing, with the command that supplies the real value.
- :mod:`site_manager.figures` builds plotly figures; :mod:`site_manager.app` is the
  Streamlit dashboard (the only code that imports streamlit).
- :mod:`site_manager.cli` is the ``site-manager`` command line.
- :mod:`site_manager.sites` reads the sample-site folders, for ``sample load`` only.

A site from its own IFC file, analysed::

    from site_manager import register
    from site_manager.energy.site import space_loads
    from site_manager.layout.from_site import problem_from_register

    engine = register.open_register("sqlite:///site.sqlite")
    site = register.create_site(engine, "factory.ifc", name="Old Mill")  # file not needed after
    frames = register.frames(engine, site)
    space_loads(frames)               # heating and cooling per space [kWh/a]
    problem_from_register(frames)     # the layout problem: units, tenants, applicants

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
