"""The sample factories in models/*.ifc import cleanly: no warnings, our areas = their Qto."""

from __future__ import annotations

from pathlib import Path

import ifcopenshell
import pytest

from site_manager.ifc.build import model_from_ifc

MODELS = sorted((Path(__file__).resolve().parents[2] / "models").glob("*.ifc"))


@pytest.mark.skipif(not MODELS, reason="no sample factory models in models/ yet")
@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_a_sample_factory_imports_without_warnings_and_its_areas_equal_its_quantities(path):
    model = model_from_ifc(ifcopenshell.open(str(path)), str(path))
    s = model.spaces
    assert len(s) > 0
    assert model.warnings == []
    assert (s["geometry_path"] == "fast").all()
    assert (s["storey"] != "").all()
    assert s["qto_area_m2"].notna().all()
    assert ((s["area_m2"] - s["qto_area_m2"]).abs() <= 1e-3 * s["area_m2"]).all()
