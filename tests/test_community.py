"""Skills and complementarity on a hand-made community, every figure counted by hand.

The community:

- T1 owns a shared kiln and knows "Glaze Chemistry"; T2 owns a cnc_router it does not
  share, holds a training for kilns and booked the site's laser cutter E3;
- A1 provides cnc_router and welding, needs kiln, laser_cutter and welding;
  A2 provides glaze_chemistry, needs cnc_router;
- the site's shared laser cutter E3 has no owner.

By hand: T1 provides {glaze_chemistry, kiln}, needs nothing; T2 provides nothing (its router
is not shared), needs {kiln, laser_cutter}; the site provides {laser_cutter}. Links: T1 → T2
and T1 → A1 (kiln), site → T2 and site → A1 (laser_cutter), A1 → A2 (cnc_router); A1's
welding links to nobody (it provides it itself).
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from site_manager import community

EQUIPMENT = pd.DataFrame(
    [["E1", "kiln", "T1", True], ["E2", "cnc_router", "T2", False],
     ["E3", "laser_cutter", None, True]],
    columns=["equipment_id", "type", "owner_tenant_id", "shared"],
)  # fmt: skip
FRAMES = SimpleNamespace(
    tenants=pd.DataFrame({"tenant_id": ["T1", "T2"], "name": ["Kiln Co", "Router Co"],
                          "kind": ["artisan", "sme"]}),
    skills=pd.DataFrame({"tenant_id": ["T1"], "skill": ["Glaze Chemistry"], "level": ["expert"]}),
    equipment=EQUIPMENT,
    applicants=pd.DataFrame({"applicant_id": ["A1", "A2"], "name": [None, "Glazer"],
                             "kind": ["artisan", "artist"],
                             "provides": ["cnc_router; welding", "glaze_chemistry"],
                             "needs": ["kiln;laser_cutter;welding", "cnc_router"]}),
)  # fmt: skip
TRAININGS = pd.DataFrame({"tenant_id": ["T2"], "equipment_type": ["kiln"]})
BOOKINGS = pd.DataFrame({"tenant_id": ["T2"], "equipment_id": ["E3"]})


def _profiles() -> pd.DataFrame:
    return community.profiles(FRAMES, TRAININGS, BOOKINGS)


def test_profiles_say_what_each_member_provides_and_needs() -> None:
    got = {r.member_id: (r.role, r.provides, r.needs) for r in _profiles().itertuples()}
    assert got == {
        "T1": ("tenant", ["glaze_chemistry", "kiln"], []),
        "T2": ("tenant", [], ["kiln", "laser_cutter"]),
        "A1": ("applicant", ["cnc_router", "welding"], ["kiln", "laser_cutter", "welding"]),
        "A2": ("applicant", ["glaze_chemistry"], ["cnc_router"]),
        community.SITE: ("site", ["laser_cutter"], []),
    }
    # without trainings and bookings a tenant needs nothing
    bare = community.profiles(FRAMES).set_index("member_id")
    assert bare.loc["T2", "needs"] == []


def test_links_join_providers_to_needers_but_never_a_member_to_itself() -> None:
    got = [tuple(r) for r in community.links(_profiles()).itertuples(index=False)]
    assert got == [("A1", "A2", "cnc_router"), ("T1", "A1", "kiln"), ("T1", "T2", "kiln"),
                   ("site", "A1", "laser_cutter"), ("site", "T2", "laser_cutter")]  # fmt: skip


def test_complementarity_of_an_applicant_reads_both_ways() -> None:
    got = community.complementarity(_profiles(), "A1")
    rows = [tuple(r) for r in got.itertuples(index=False)]
    assert rows == [
        (community.PROVIDES_WHAT_IT_NEEDS, "T1", "Kiln Co", "tenant", ["kiln"]),
        (community.PROVIDES_WHAT_IT_NEEDS, "site", "the site (shared machines)", "site",
         ["laser_cutter"]),
        (community.NEEDS_WHAT_IT_BRINGS, "A2", "Glazer", "applicant", ["cnc_router"]),
    ]  # fmt: skip
    # T1 is needed by two members and needs nobody
    t1 = community.complementarity(_profiles(), "T1")
    assert set(t1["relation"]) == {community.NEEDS_WHAT_IT_BRINGS}
    assert sorted(t1["member_id"]) == ["A1", "T2"]


def test_graph_has_every_member_and_one_edge_per_provider_needer_pair() -> None:
    g = community.graph(_profiles())
    assert sorted(g.nodes) == sorted(["T1", "T2", "A1", "A2", community.SITE])
    assert sorted(g.edges) == [("A1", "A2"), ("T1", "A1"), ("T1", "T2"), ("site", "A1"),
                               ("site", "T2")]  # fmt: skip
    assert g.edges["T1", "T2"]["types"] == ["kiln"]
    assert g.nodes["A1"]["role"] == "applicant"


def test_synergy_defaults_count_the_members_served() -> None:
    got = community.synergy_defaults(_profiles(), eur_per_member_served=7.0)
    rows = [tuple(r) for r in got.itertuples(index=False)]
    # kiln: needed by T2 and A1, provided by T1: both served; laser_cutter likewise by the
    # site; cnc_router: A2 served by A1; welding: only A1 provides it, to itself
    assert rows == [("kiln", 2, 1, 2, 14.0), ("laser_cutter", 2, 1, 2, 14.0),
                    ("cnc_router", 1, 1, 1, 7.0), ("welding", 1, 1, 0, 0.0)]  # fmt: skip


def test_skill_spelling_is_the_layout_engines() -> None:
    from site_manager.layout import from_site

    assert community.type_name(" Glaze  Chemistry! ") == "glaze_chemistry"
    assert from_site._slug is community.type_name
