"""``site-manager site revise`` on a real IFC revision of a sample factory.

The revised file is written here with ifcopenshell from the textile mill model: the space
of unit TM-0.01 (leased by L001) is deleted and the space of unit TM-0.03 (leased by L002
and L003) is renamed. Both leases stay; the report names them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_manager import register
from site_manager.cli import main

ROOT = Path(__file__).resolve().parents[2]
REMOVED = "1hxoB6yvDP6Busop1trfy3"  # space of unit TM-0.01 in units.csv
RENAMED = "27LW$o5m1R9Ot_nVOisoSf"  # space of unit TM-0.03


def _revise_ifc(src: Path, dst: Path) -> None:
    import ifcopenshell
    import ifcopenshell.api

    f = ifcopenshell.open(str(src))
    ifcopenshell.api.run("root.remove_product", f, product=f.by_guid(REMOVED))
    f.by_guid(RENAMED).Name = "0.03 revised"
    f.write(str(dst))


def _loaded_and_revised(tmp_path: Path) -> tuple[str, Path]:
    """The mill loaded into a new register, and its revised model: (database URL, IFC)."""
    model = ROOT / "models" / "textile_mill.ifc"
    if not (ROOT / "sample_sites" / "textile_mill" / "site.toml").is_file() or not model.exists():
        pytest.skip("sample site textile_mill not generated yet")
    revised = tmp_path / "textile_mill_v2.ifc"
    _revise_ifc(model, revised)
    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    assert main(["sample", "load", "textile_mill", "--db", url]) == 0
    return url, revised


def test_a_revised_ifc_that_removes_a_leased_space_and_renames_another_keeps_the_leases(
    tmp_path: Path, capsys
) -> None:
    url, revised = _loaded_and_revised(tmp_path)
    capsys.readouterr()
    assert main(["site", "revise", str(revised), "--db", url, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [r["global_id"] for r in report["removed"]] == [REMOVED]
    assert report["removed"][0]["unit_ids"] == ["TM-0.01"]
    assert {(r["global_id"], r["field"]) for r in report["changed"]} == {(RENAMED, "name")}
    reasons = {r["lease_id"]: r["reason"] for r in report["affected_leases"]}
    assert reasons == {"L001": "space_removed", "L002": "space_changed: name",
                       "L003": "space_changed: name"}  # fmt: skip
    engine = register.open_register(url)
    leases = register.list_leases(engine).set_index("lease_id")
    assert len(leases) == 28
    assert bool(leases.loc["L001", "space_removed"]) and not leases.loc["L002", "space_removed"]
    engine.dispose()
