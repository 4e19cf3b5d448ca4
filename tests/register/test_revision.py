"""A revised model keeps every lease: removed spaces are flagged, changes are reported."""

from __future__ import annotations

import copy

import pytest
import shapely
from sqlalchemy import Engine

from site_manager import register
from site_manager.model import BuildingModel

from .conftest import SMALL_SPACES, make_model


@pytest.fixture
def engine(db_url: str, small_model: BuildingModel) -> Engine:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.set_zoning(engine, {"SP-G01": "private_production", "SP-G02": "storage"})
    register.define_unit(engine, "U1", ["SP-G01"])
    register.define_unit(engine, "U2", ["SP-G02"])
    register.define_unit(engine, "U3", ["SP-G03"])
    register.add_tenant(engine, "T1", name="Acme")
    register.add_tenant(engine, "T2", name="Bolt")
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2028-12-31", rent_eur_per_month=2000, lease_id="L1")  # fmt: skip
    register.sign_lease(engine, unit_id="U2", tenant_id="T2", start="2026-01-01",
                        end="2026-12-31", rent_eur_per_month=800, lease_id="L2")  # fmt: skip
    yield engine
    engine.dispose()


def _revised() -> BuildingModel:
    spaces = [copy.deepcopy(sp) for sp in SMALL_SPACES if sp["global_id"] != "SP-G01"]
    for sp in spaces:
        if sp["global_id"] == "SP-G02":
            sp["box"] = (20, 0, 32, 10)  # 120 m² instead of 100
        if sp["global_id"] == "SP-G03":
            sp["name"] = "G03-new"
    spaces.append({"global_id": "SP-G07", "name": "G07", "storey": "Ground",
                   "box": (30, 10, 40, 20)})  # fmt: skip
    return make_model(spaces, path="revised.ifc",
                      storeys=[("S-G", "Ground", 0.0), ("S-1", "First", 4.0)])  # fmt: skip


def test_a_revision_that_removes_a_leased_space_and_changes_another_keeps_both_leases(
    engine: Engine,
) -> None:
    report = register.revise_site(engine, _revised(), actor="planner")
    assert list(report.added["global_id"]) == ["SP-G07"]
    assert list(report.removed["global_id"]) == ["SP-G01"]
    assert report.removed.loc[0, "unit_ids"] == ["U1"]
    changed = {(r.global_id, r.field) for r in report.changed.itertuples()}
    assert changed == {("SP-G02", "area_m2"), ("SP-G02", "geometry"), ("SP-G03", "name")}
    area = report.changed[(report.changed["global_id"] == "SP-G02")
                          & (report.changed["field"] == "area_m2")].iloc[0]  # fmt: skip
    assert (area["before"], area["after"]) == pytest.approx((100.0, 120.0))
    affected = report.affected_leases.set_index("lease_id")
    assert affected.loc["L1", "reason"] == "space_removed"
    assert affected.loc["L2", "reason"] == "space_changed: area_m2, geometry"
    # both leases are still there; the one on the removed space is flagged
    leases = register.list_leases(engine).set_index("lease_id")
    assert set(leases.index) == {"L1", "L2"}
    assert bool(leases.loc["L1", "space_removed"]) is True
    assert bool(leases.loc["L2", "space_removed"]) is False
    # the removed space is kept (flagged), the new one is there, U2 follows the new area
    f = register.frames(engine)
    spaces = f.spaces.set_index("global_id")
    assert bool(spaces.loc["SP-G01", "removed"]) is True
    assert spaces.loc["SP-G01", "use"] == "private_production"  # zoning not lost
    assert spaces.loc["SP-G07", "area_m2"] == pytest.approx(100.0)
    assert shapely.from_wkt(spaces.loc["SP-G02", "footprint_wkt"]).area == pytest.approx(120.0)
    assert f.units.set_index("unit_id").loc["U2", "area_m2"] == pytest.approx(120.0)
    assert "1 spaces added, 1 removed, 2 changed" in report.summary()
    audit = register.get_audit(engine)
    assert (audit["verb"] == "revise_site").sum() >= 4
    assert set(audit[audit["verb"] == "revise_site"]["actor"]) == {"planner"}


def test_revising_with_the_same_model_changes_nothing(
    engine: Engine, small_model: BuildingModel
) -> None:
    report = register.revise_site(engine, small_model)
    assert (len(report.added), len(report.removed), len(report.changed)) == (0, 0, 0)
    assert len(report.affected_leases) == 0


def test_a_space_that_comes_back_is_no_longer_removed(
    engine: Engine, small_model: BuildingModel
) -> None:
    register.revise_site(engine, _revised())
    report = register.revise_site(engine, small_model)
    assert list(report.added["global_id"]) == []
    assert ("SP-G01", "removed") in {(r.global_id, r.field) for r in report.changed.itertuples()}
    spaces = register.frames(engine).spaces.set_index("global_id")
    assert bool(spaces.loc["SP-G01", "removed"]) is False
    # the lease keeps its flag: a person should look at it
    assert bool(register.list_leases(engine).set_index("lease_id").loc["L1", "space_removed"])
