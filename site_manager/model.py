"""The building model: what the IFC importer hands to the rest of site-manager.

Only :mod:`site_manager.ifc` builds these records; everything downstream reads them as plain
frames. Coordinates are the model's world XY in metres after every IFC placement; every
number is SI and every column name carries its unit (see ``SPACES_COLUMNS``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Columns of the spaces frame (one row per IfcSpace), with their unit. DESIGN.md §4.
SPACES_COLUMNS: dict[str, str] = {
    "global_id": "IFC GlobalId of the IfcSpace",
    "name": "IfcSpace.Name (often the room number)",
    "long_name": "IfcSpace.LongName (often the room name)",
    "storey": "name of the containing IfcBuildingStorey",
    "storey_elevation_m": "elevation of that storey from its placement [m]",
    "building": "name of the containing IfcBuilding",
    "area_m2": "floor area: of the footprint where there is geometry, else of the quantities [m²]",
    "height_m": "vertical extent of the space's geometry [m]",
    "volume_m3": "volume of the space's geometry [m³]",
    "z_min_m": "world elevation of the space's lowest point [m]",
    "zones": "names of the IfcZone groups the space belongs to (list of str)",
    "area_source": "'geometry' or 'quantity'",
    "qto_area_m2": "the exporter's own floor area quantity, scaled to m² (NaN if none) [m²]",
    "psets": "property and quantity sets flattened to {'Pset.Prop': value} (dict)",
    "clear_height_m": "clear height under obstructions: the model's, else height_m [m]",
    "clear_height_source": "where clear_height_m came from: 'model', 'geometry' or None",
    "floor_load_kn_m2": "floor load capacity given by the model [kN/m²]",
    "board_id": "the distribution board feeding the space (str or None)",
    "board_capacity_kw": "that board's electrical capacity [kW]",
    "power_kw": "electrical power available at the space itself, where known [kW]",
    "extraction": "fume extraction available (True, False or None if not given)",
    "daylight": "daylight available (True, False or None)",
    "ground_access": "at ground level with direct access (True, False or None)",
    "crane": "an overhead crane serves the space (True, False or None)",
    "crane_capacity_t": "that crane's capacity [t]",
    "loading_access": "how goods arrive: 'ground', 'goods_lift', 'none' (str or None)",
    "geometry_path": "how the geometry was read: 'fast', 'engine' (fallback) or 'none'",
    "geometry": "footprint: shapely Polygon/MultiPolygon in world XY [m]; empty if none",
}

#: The space attributes the importer reads from the model's property sets (typed, ``None``
#: or NaN where the model says nothing): what the register stores as a space's attributes.
SPACE_ATTRIBUTE_COLUMNS: tuple[str, ...] = (
    "clear_height_m",
    "clear_height_source",
    "floor_load_kn_m2",
    "board_id",
    "board_capacity_kw",
    "power_kw",
    "extraction",
    "daylight",
    "ground_access",
    "crane",
    "crane_capacity_t",
    "loading_access",
)

#: Columns of the storeys frame (one row per IfcBuildingStorey).
STOREYS_COLUMNS: dict[str, str] = {
    "global_id": "IFC GlobalId of the IfcBuildingStorey",
    "name": "IfcBuildingStorey.Name",
    "building": "name of the containing IfcBuilding",
    "elevation_m": "elevation of the storey from its placement [m]",
    "space_count": "number of IfcSpace in the storey",
}


@dataclass(frozen=True)
class ModelInfo:
    """Facts about an IFC file as a whole.

    Attributes
    ----------
    path : str
        The file that was read.
    schema : str
        ``IFC2X3``, ``IFC4`` or ``IFC4X3``.
    application : str
        The authoring tool named in the file (``IfcApplication``), or ``""``.
    length_unit_m : float
        Metres per model length unit (0.001 for millimetres). [m]
    project_name : str
        ``IfcProject.Name``.
    crs : str | None
        The map CRS named by an ``IfcMapConversion`` (``EPSG:25832``), if any.
    map_conversion : dict | None
        ``eastings``, ``northings``, ``orthogonal_height`` [m], ``x_axis_abscissa``,
        ``x_axis_ordinate``, ``scale``: from model XY to map XY.
    latitude, longitude : float | None
        ``IfcSite.RefLatitude`` / ``RefLongitude`` in decimal degrees, if given.
    true_north_deg : float | None
        Direction of true north in the model's XY, clockwise from +Y, from the model
        context's ``TrueNorth``; None where the model gives none (north is +Y). [°]
    """

    path: str
    schema: str
    application: str = ""
    length_unit_m: float = 1.0
    project_name: str = ""
    crs: str | None = None
    map_conversion: dict[str, float] | None = None
    latitude: float | None = None
    longitude: float | None = None
    true_north_deg: float | None = None


@dataclass
class BuildingModel:
    """A building model read from IFC: storeys, spaces and what the import noticed.

    Attributes
    ----------
    info : ModelInfo
        The file's schema, units, application and georeference.
    storeys : pandas.DataFrame
        One row per storey, columns ``STOREYS_COLUMNS``.
    spaces : geopandas.GeoDataFrame
        One row per IfcSpace, columns ``SPACES_COLUMNS``.
    warnings : list of str
        Everything the import noticed and absorbed (fallbacks, quantity disagreements,
        a model without spaces, ...), each naming the element.
    fabric : geopandas.GeoDataFrame or None
        The external walls, windows, doors, roofs and ground slabs, one row per element
        (columns :data:`site_manager.ifc.fabric.FABRIC_COLUMNS`); ``None`` unless the model
        was read with ``read_model(..., fabric=True)``.
    columns : pandas.DataFrame or None
        The structural columns (:data:`site_manager.ifc.columns.COLUMNS_COLUMNS`); ``None``
        unless read with ``read_model(..., columns=True)``.
    outlines : geopandas.GeoDataFrame or None
        The footprints of all walls and doors, for floor plans
        (:data:`site_manager.ifc.outlines.OUTLINES_COLUMNS`); read with the columns
        (``read_model(..., columns=True)``), else ``None``.
    """

    info: ModelInfo
    storeys: pd.DataFrame
    spaces: Any  # geopandas.GeoDataFrame; Any keeps geopandas out of import time
    warnings: list[str] = field(default_factory=list)
    fabric: Any = None  # geopandas.GeoDataFrame | None
    columns: pd.DataFrame | None = None
    outlines: Any = None  # geopandas.GeoDataFrame | None

    @property
    def total_area_m2(self) -> float:
        """Sum of the spaces' floor areas. [m²]"""
        return float(self.spaces["area_m2"].fillna(0.0).sum()) if len(self.spaces) else 0.0
