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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser journeys run one at a time on one worker when the run is split
    (``make test`` runs two workers with ``--dist loadgroup``): each starts a dashboard server
    and a Chromium, and two of them beside each other on a two-core machine wait on each
    other's pages rather than on their own."""
    for item in items:
        if item.get_closest_marker("browser") is not None:
            item.add_marker(pytest.mark.xdist_group("browser"))
