"""Reading IFC building models: the only package that touches ifcopenshell objects.

Start here
----------
- :func:`read_model` reads an ``.ifc`` or ``.ifczip`` file into a
  :class:`~site_manager.model.BuildingModel` of plain frames (storeys, spaces). Parsing and
  building run in a child process with a time and a memory limit, so a malformed file that
  crashes the parser gives an :class:`~site_manager.errors.IfcImportError`, never a dead
  program (:mod:`site_manager.ifc.safe_open`).
- :func:`summary_from_model` gives what ``site-manager inspect`` shows: schema, application,
  units, storeys, spaces, total area, CRS and warnings.
- :mod:`site_manager.ifc.build` turns an opened ifcopenshell file into the model (the fast
  geometry path, storeys, property sets, zones).
- :mod:`site_manager.ifc.space_attributes` is the one reader of our property set
  ``Pset_MultifactorySpace``: the spaces frame carries its values as typed columns
  (``clear_height_m``, ``floor_load_kn_m2``, ``board_id``, ...), and nothing outside this
  package reads property keys.
- ``read_model(path, fabric=True, columns=True)`` also reads the building fabric
  (:mod:`site_manager.ifc.fabric`) and the structural columns
  (:mod:`site_manager.ifc.columns`) in the child, into ``model.fabric`` / ``model.columns``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from site_manager.errors import IfcImportError, ValidationError
from site_manager.ifc.safe_open import (
    DEFAULT_BUILDER,
    DEFAULT_MEMORY_MB,
    DEFAULT_TIMEOUT_S,
    CheckedFile,
    IsolatedReadError,
    check_file,
    read_isolated,
)
from site_manager.model import BuildingModel

__all__ = [
    "CheckedFile",
    "IfcImportError",
    "IsolatedReadError",
    "check_file",
    "read_model",
    "summary_from_model",
]

#: Names of common length units by their size in metres, for summaries.
_LENGTH_UNITS = {
    1.0: "metre",
    0.001: "millimetre",
    0.01: "centimetre",
    0.1: "decimetre",
    0.3048: "foot",
    0.0254: "inch",
    1000.0: "kilometre",
}


def read_model(
    path: str | os.PathLike[str],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: float | None = DEFAULT_MEMORY_MB,
    progress: Callable[..., Any] | None = None,
    fabric: bool = False,
    columns: bool = False,
    start_method: str = "auto",
) -> BuildingModel:
    """Read an IFC model (``.ifc`` or ``.ifczip``) into a building model.

    Cheap checks run first in this process (the file exists, is IFC-SPF text or a zip of
    one, names a supported schema, is not truncated); then a child process parses the file
    and builds the model under ``timeout_s`` and ``memory_mb``.

    Parameters
    ----------
    path
        The model file.
    timeout_s
        Wall-clock limit for parsing and building. [s]
    memory_mb
        Extra address space the reading process may use; ``None`` for no limit. [MB]
    progress
        Called in this process as the builder reports progress (same arguments).
    fabric
        Also read the building fabric (external walls, windows, doors, roofs, ground slabs)
        into ``model.fabric`` (:mod:`site_manager.ifc.fabric`).
    columns
        Also read the structural drawing: the columns into ``model.columns``
        (:mod:`site_manager.ifc.columns`) and the footprints of all walls and doors into
        ``model.outlines`` (:mod:`site_manager.ifc.outlines`), for floor plans.
    start_method
        How to start the child: ``"auto"`` forks when this process runs one thread, else
        uses a fork server (safe in the Streamlit server); or ``"fork"``, ``"forkserver"``,
        ``"spawn"``.

    Returns
    -------
    BuildingModel
        Storeys, the spaces frame (with the space attributes typed from the model's
        property sets), the warnings of the import, and ``fabric``/``columns`` where asked
        for (else ``None``).

    Raises
    ------
    IfcImportError
        ``<file>: <what is wrong, and what to do>``: a missing, empty, non-IFC, truncated,
        unsupported or damaged file, or a crash, memory overrun or timeout while reading.

    Examples
    --------
    >>> from site_manager.ifc import read_model
    >>> read_model("no-such-model.ifc")
    Traceback (most recent call last):
    ...
    site_manager.errors.IfcImportError: no-such-model.ifc: file not found: check the path ...
    """
    if timeout_s <= 0:
        raise ValidationError(f"timeout_s: must be positive, got {timeout_s}")
    if memory_mb is not None and memory_mb <= 0:
        raise ValidationError(f"memory_mb: must be positive or None, got {memory_mb}")
    checked = check_file(path, max_unzipped_mb=memory_mb)
    try:
        return read_isolated(  # type: ignore[no-any-return]
            checked,
            timeout_s=timeout_s,
            memory_mb=memory_mb,
            progress=progress,
            fabric=fabric,
            columns=columns,
            builder=DEFAULT_BUILDER,
            start_method=start_method,
        )
    finally:
        checked.cleanup()


def summary_from_model(model: BuildingModel) -> dict[str, Any]:
    """What ``site-manager inspect`` shows about a model, as JSON-ready values.

    Parameters
    ----------
    model
        A model from :func:`read_model`.

    Returns
    -------
    dict
        ``file``, ``schema``, ``application``, ``project``, ``length_unit`` (name),
        ``length_unit_m`` [m], ``crs``, ``map_conversion``, ``latitude``, ``longitude``,
        ``storeys`` (list of ``name``, ``building``, ``elevation_m`` [m], ``space_count``),
        ``space_count``, ``spaces_without_geometry``, ``total_area_m2`` [m²] and
        ``warnings`` (list of str).
    """
    info = model.info
    spaces = model.spaces
    storeys = []
    for row in model.storeys.to_dict("records"):
        storeys.append(
            {
                "name": _plain(row.get("name")),
                "building": _plain(row.get("building")),
                "elevation_m": _plain(row.get("elevation_m")),
                "space_count": _plain(row.get("space_count")),
            }
        )
    without_geometry = 0
    if len(spaces) and "area_source" in spaces:
        without_geometry = int((spaces["area_source"] != "geometry").sum())
    unit = info.length_unit_m
    unit_name = next(
        (name for size, name in _LENGTH_UNITS.items() if abs(unit - size) <= 1e-9 * size),
        f"{unit:g} m",
    )
    return {
        "file": info.path,
        "schema": info.schema,
        "application": info.application,
        "project": info.project_name,
        "length_unit": unit_name,
        "length_unit_m": unit,
        "crs": info.crs,
        "map_conversion": info.map_conversion,
        "latitude": info.latitude,
        "longitude": info.longitude,
        "storeys": storeys,
        "space_count": len(spaces),
        "spaces_without_geometry": without_geometry,
        "total_area_m2": round(model.total_area_m2, 3),
        "warnings": list(model.warnings),
    }


def _plain(value: Any) -> Any:
    """A numpy or pandas scalar as a JSON-ready Python value (NaN as None)."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value
