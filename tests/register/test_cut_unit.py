"""register.cut_unit: part of a hall unit cut out as a new unit, the hall keeping the rest,
in one write; refused whole while the hall is let.

The hall is the largest space of the small test model; the part cut is a 2 m strip along
its west side, whose area is the strip clipped to the space's footprint (shapely), and the
hall keeps the footprint's area less that.
"""

from __future__ import annotations

import pytest
import shapely

from site_manager import register
from site_manager.errors import SiteManagerError
from site_manager.register import rules


@pytest.fixture
def hall(db_url: str, small_model) -> tuple[str, str]:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    gid = str(register.frames(engine).spaces.sort_values("area_m2")["global_id"].iloc[-1])
    engine.dispose()
    return db_url, gid


def _outline(engine, gid: str):
    return shapely.wkt.loads(register.frames(engine).spaces.set_index("global_id").at[
        gid, "footprint_wkt"])  # fmt: skip


def test_a_cut_leaves_the_rest_to_the_hall_and_a_cut_of_all_retires_it(hall) -> None:
    url, gid = hall
    engine = register.open_register(url)
    try:
        whole = _outline(engine, gid)
        register.define_unit(engine, "H", [gid], name="Hall")
        minx, miny, maxx, maxy = whole.bounds
        cut = (
            f"POLYGON (({minx} {miny}, {minx + 2} {miny}, {minx + 2} {maxy}, {minx} {maxy}, "
            f"{minx} {miny}))"
        )  # a 2 m strip along the west side
        strip = whole.intersection(shapely.wkt.loads(cut)).area
        before = register.get_revision(engine)
        register.cut_unit(engine, "H", "H-W", cut, name="west strip", on="2026-01-01")
        assert register.get_revision(engine) == before + 1  # one transaction
        units = register.frames(engine).units.set_index("unit_id")
        assert units.at["H-W", "area_m2"] == pytest.approx(strip, abs=0.01)
        assert units.at["H", "area_m2"] == pytest.approx(whole.area - strip, abs=0.01)
        # cutting all that is left retires the hall from the day given
        register.cut_unit(engine, "H", "H-E", whole.buffer(1).wkt, on="2026-02-01")
        ctx = register.unit_context(engine)
        assert str(ctx.retired["H"]) == "2026-02-01"
        units = register.frames(engine).units.set_index("unit_id")
        assert units.at["H-E", "area_m2"] == pytest.approx(whole.area - strip, abs=0.01)
    finally:
        engine.dispose()


def test_a_let_hall_or_a_taken_id_is_refused_and_nothing_changes(hall) -> None:
    url, gid = hall
    engine = register.open_register(url)
    try:
        whole = _outline(engine, gid)
        register.define_unit(engine, "H", [gid], name="Hall")
        register.add_tenant(engine, "T1", name="Acme")
        lid = register.sign_lease(engine, unit_id="H", tenant_id="T1", start="2027-01-01",
                                  end="2027-12-31", rent_eur_per_month=100)  # fmt: skip
        before = register.get_revision(engine)
        with pytest.raises(SiteManagerError) as refused:
            register.cut_unit(engine, "H", "H-1", whole.wkt, on="2026-06-01")
        (p,) = rules.problems_of(refused.value)
        assert p.field == "unit_id" and f"unit H has lease {lid}" in p.message
        assert "cut unit H-1 out of it after 2027-12-31" in p.message
        with pytest.raises(SiteManagerError) as refused:
            register.cut_unit(engine, "H", "H", whole.wkt, on="2028-01-01")
        assert "exists already" in str(refused.value)
        assert register.get_revision(engine) == before
        assert set(register.frames(engine).units["unit_id"]) == {"H"}
    finally:
        engine.dispose()
