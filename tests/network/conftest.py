"""Hand-made networks: registers built with the library's verbs, sites on the equator.

Sites lie on the equator, so the great-circle distance between two of them is
R × Δlongitude in radians (R = 6371.0088 km): 1° is 111.195 km, a value computed here
independently of the haversine formula the router uses.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from site_manager import register
from tests.register.conftest import SMALL_SPACES, make_model

R_KM = 6371.0088
#: Distance along the equator per degree of longitude. [km]
KM_PER_DEG = R_KM * math.pi / 180.0
#: A Monday and the window used by the tests (UTC sites unless said otherwise).
MONDAY = "2027-03-01"


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Any]:
    eng = register.open_register(f"sqlite:///{tmp_path / 'network.sqlite'}")
    yield eng
    eng.dispose()


@pytest.fixture
def add_site(engine: Any) -> Callable[..., str]:
    """``add_site(site_id, lon_deg, tenants=[...], zone="UTC")``: a site on the equator whose
    tenants each hold a lease of their own unit through 2027 (members)."""
    model = make_model(SMALL_SPACES, storeys=[("S-G", "Ground", 0.0), ("S-1", "First", 4.0)])

    def add(site_id: str, lon_deg: float | None, tenants: list[str], zone: str = "UTC",
            emails: dict[str, str] | None = None) -> str:  # fmt: skip
        register.create_site(engine, model, site_id=site_id, name=f"Site {site_id}")
        if lon_deg is None:
            register.set_site_settings(engine, site=site_id, time_zone=zone)
        else:
            register.set_site_settings(engine, site=site_id, latitude_deg=0.0,
                                       longitude_deg=lon_deg, time_zone=zone)  # fmt: skip
        spaces = [s["global_id"] for s in SMALL_SPACES]
        for i, tid in enumerate(tenants):
            email = (emails or {}).get(tid, "")
            register.add_tenant(engine, tid, name=f"Tenant {tid}", site=site_id,
                                contact_email=email)  # fmt: skip
            register.define_unit(engine, f"U{i}", [spaces[i]], site=site_id)
            register.sign_lease(engine, unit_id=f"U{i}", tenant_id=tid, start="2026-01-01",
                                end="2027-12-31", rent_eur_per_month=100, site=site_id)  # fmt: skip
        return site_id

    return add
