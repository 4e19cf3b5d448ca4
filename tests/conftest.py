"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Real IFC files written by authoring tools; kept outside the repository (licences vary).
SHARED_IFC = ROOT.parent / "shared" / "ifc"
SAMPLE_SITES = ROOT / "sample_sites"
MODELS = ROOT / "models"


@pytest.fixture(scope="session")
def shared_ifc_dir() -> Path:
    """The folder of real public IFC files; skips the test where it is absent."""
    if not SHARED_IFC.is_dir() or not any(SHARED_IFC.glob("*.ifc")):
        pytest.skip(f"real IFC files not found at {SHARED_IFC} (they live beside the checkout)")
    return SHARED_IFC
