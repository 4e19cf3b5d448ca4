"""Our property set on spaces, ``Pset_MultifactorySpace``, as typed columns of the spaces frame.

The only reader of that property set: the register, the layout and energy engines take the
typed columns (``clear_height_m``, ``floor_load_kn_m2``, ``board_id``, ... of
:data:`~site_manager.model.SPACE_ATTRIBUTE_COLUMNS`), never the property keys.

- Numbers are read as floats; a value that is not a finite number is left empty.
- Yes/no properties are read with :func:`site_manager.parsing.parse_bool`; a value it does
  not understand is left empty (a property set is not a form: nobody is there to ask).
- Text is kept as text; an empty text is left empty.
- ``clear_height_m`` falls back to the space's geometric height where the property set does
  not give it; ``clear_height_source`` says which: ``'model'`` or ``'geometry'``.

Examples
--------
>>> a = space_attributes({"Pset_MultifactorySpace.ClearHeight": 6.5,
...                       "Pset_MultifactorySpace.Extraction": ".T."}, height_m=7.0)
>>> a["clear_height_m"], a["clear_height_source"], a["extraction"], a["crane"]
(6.5, 'model', True, None)
>>> space_attributes({}, height_m=4.0)["clear_height_source"]
'geometry'
"""

from __future__ import annotations

import math
from typing import Any

from site_manager.errors import ValidationError
from site_manager.model import SPACE_ATTRIBUTE_COLUMNS
from site_manager.parsing import is_missing, optional_float, parse_bool

__all__ = ["PSET", "PSET_PROPERTIES", "pset_property", "space_attributes", "typed_columns"]

#: The property set site-manager reads on every IfcSpace (docs/sample-site-format.md).
PSET = "Pset_MultifactorySpace"

#: Its properties → (spaces frame column, how the value is read: float, bool or str).
PSET_PROPERTIES: dict[str, tuple[str, str]] = {
    "ClearHeight": ("clear_height_m", "float"),
    "FloorLoadCapacity": ("floor_load_kn_m2", "float"),
    "DistributionBoard": ("board_id", "str"),
    "ElectricalCapacity": ("board_capacity_kw", "float"),
    "PowerAvailable": ("power_kw", "float"),
    "Extraction": ("extraction", "bool"),
    "Daylight": ("daylight", "bool"),
    "GroundAccess": ("ground_access", "bool"),
    "Crane": ("crane", "bool"),
    "CraneCapacity": ("crane_capacity_t", "float"),
    "LoadingAccess": ("loading_access", "str"),
}

_KIND = {col: how for col, how in PSET_PROPERTIES.values()}


def pset_property(column: str) -> str:
    """The property a modeller sets for a space attribute column (for remedy messages).

    Examples
    --------
    >>> pset_property("floor_load_kn_m2")
    'Pset_MultifactorySpace.FloorLoadCapacity'
    """
    for prop, (col, _) in PSET_PROPERTIES.items():
        if col == column:
            return f"{PSET}.{prop}"
    raise KeyError(column)


def _read(value: Any, how: str) -> Any:
    """One property value as a float, a bool or a str; None where it is empty or unreadable."""
    if is_missing(value):
        return None
    if how == "float":
        return optional_float(value)
    if how == "bool":
        try:
            return parse_bool(value)
        except ValidationError:
            return None
    return str(value)


def space_attributes(psets: Any, height_m: Any = None) -> dict[str, Any]:
    """The attribute columns of one space from its flattened property sets.

    Parameters
    ----------
    psets : dict
        ``{"Pset.Property": value}`` as the spaces frame's ``psets`` column holds them.
    height_m : float, optional
        The space's geometric height, the fallback for ``clear_height_m``. [m]

    Returns
    -------
    dict
        Every column of :data:`~site_manager.model.SPACE_ATTRIBUTE_COLUMNS`, ``None`` where
        the model says nothing readable.
    """
    psets = psets if isinstance(psets, dict) else {}
    out: dict[str, Any] = {}
    for prop, (col, how) in PSET_PROPERTIES.items():
        out[col] = _read(psets.get(f"{PSET}.{prop}"), how)
    out["clear_height_source"] = "model" if out["clear_height_m"] is not None else None
    if out["clear_height_m"] is None:
        out["clear_height_m"] = _read(height_m, "float")
        out["clear_height_source"] = "geometry" if out["clear_height_m"] is not None else None
    return {col: out[col] for col in SPACE_ATTRIBUTE_COLUMNS}


def typed_columns(frame: Any) -> Any:
    """Set the attribute columns of a spaces frame from its ``psets`` and ``height_m``.

    Floats are ``float64`` (NaN where empty); yes/no and text columns hold ``True``/
    ``False``/text or ``None`` (object). Returns the frame, changed in place.
    """
    rows = [
        space_attributes(p, h)
        for p, h in zip(frame["psets"].tolist(), frame["height_m"].tolist(), strict=True)
    ]
    import pandas as pd

    for col in SPACE_ATTRIBUTE_COLUMNS:
        values = [r[col] for r in rows]
        if _KIND.get(col) == "float":
            values = [math.nan if v is None else v for v in values]
            frame[col] = pd.Series(values, index=frame.index, dtype=float)
        else:  # object, so that None stays None (a str column would make it NaN)
            frame[col] = pd.Series(values, index=frame.index, dtype=object)
    return frame
