"""``site-manager site revise --format csv`` writes one CSV table that pandas reads back.

The revision deletes the space of unit TM-0.01 and renames the space of TM-0.03 (as in
``test_revision_ifc.py``). What the table must hold is worked out here from the sample
site's own ``units.csv`` and ``leases.csv`` and the mill's floor plan in
``models/make_models.py``, not from the register.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from site_manager.cli import main

from .test_revision_ifc import REMOVED, RENAMED, ROOT, _loaded_and_revised

SITE = ROOT / "sample_sites" / "textile_mill"
COLUMNS = [
    "change", "global_id", "name", "storey", "area_m2", "unit_ids", "field", "before",
    "after", "lease_id", "unit_id", "tenant_id", "start", "end", "reason",
]  # fmt: skip


def test_the_revision_csv_is_one_table_with_a_change_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, revised = _loaded_and_revised(tmp_path)
    capsys.readouterr()
    assert main(["site", "revise", str(revised), "--db", url, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    table = pd.read_csv(io.StringIO(out), dtype=str, keep_default_na=False)
    assert "141.1200000" not in out  # the room's polygon area is 141.12000000000003
    assert list(table.columns) == COLUMNS
    assert "1 removed" in err  # the summary goes to stderr, not into the CSV

    units = pd.read_csv(SITE / "units.csv", dtype=str).set_index("unit_id")
    leases = pd.read_csv(SITE / "leases.csv", dtype=str)
    space_of = {u: units.loc[u, "space_global_ids"] for u in ("TM-0.01", "TM-0.03")}
    assert space_of == {"TM-0.01": REMOVED, "TM-0.03": RENAMED}
    expected_leases = leases[leases["unit_id"].isin(space_of)].sort_values("lease_id")

    assert table["change"].tolist() == ["removed", "changed"] + ["affected_lease"] * len(
        expected_leases
    )
    removed = table[table["change"] == "removed"].iloc[0]
    assert removed["global_id"] == REMOVED and removed["unit_ids"] == "TM-0.01"
    # the dyeing room: the west L of the plan, 11.4 × 13.8 m less its 5.4 × 3.0 m notch
    assert float(removed["area_m2"]) == pytest.approx(11.4 * 13.8 - 5.4 * 3.0)
    assert removed["area_m2"] == "141.12"  # printed to 0.01 m², not 141.12000000000003
    changed = table[table["change"] == "changed"].iloc[0]
    assert (changed["global_id"], changed["field"], changed["before"], changed["after"]) == (
        RENAMED, "name", "0.03", "0.03 revised",
    )  # fmt: skip
    affected = table[table["change"] == "affected_lease"].sort_values("lease_id")
    assert affected["lease_id"].tolist() == expected_leases["lease_id"].tolist()
    assert affected["tenant_id"].tolist() == expected_leases["tenant_id"].tolist()
    assert affected["start"].tolist() == expected_leases["start"].tolist()
    reasons = {"TM-0.01": "space_removed", "TM-0.03": "space_changed: name"}
    assert affected["reason"].tolist() == [reasons[u] for u in expected_leases["unit_id"]]
    assert affected["global_id"].tolist() == [space_of[u] for u in expected_leases["unit_id"]]

    # revising again changes nothing: the header alone, still CSV
    assert main(["site", "revise", str(revised), "--db", url, "--format", "csv"]) == 0
    again = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert list(again.columns) == COLUMNS and len(again) == 0


def test_the_revision_table_prints_areas_to_the_hundredth_of_a_square_metre(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, revised = _loaded_and_revised(tmp_path)
    capsys.readouterr()
    assert main(["site", "revise", str(revised), "--db", url]) == 0
    out = capsys.readouterr().out
    removed = next(line for line in out.splitlines() if line.startswith(REMOVED))
    # the dyeing room, 11.4 × 13.8 − 5.4 × 3.0 = 141.12 m²
    assert removed.split()[-2] == "141.12"


def test_a_changed_area_is_rounded_in_before_and_after_but_other_fields_are_not() -> None:
    from site_manager.cli.site_cmds import _rounded_areas

    changed = pd.DataFrame(
        {
            "global_id": ["a", "a"],
            "field": ["area_m2", "name"],
            "before": [141.12000000000003, "0.1000000000000000055"],
            "after": [6.0 * 13.8, "x"],  # 82.80000000000001
        }
    )
    out = _rounded_areas(changed)
    assert out["before"].tolist() == [141.12, "0.1000000000000000055"]
    assert out["after"].tolist() == [82.8, "x"]
    assert changed.loc[0, "before"] == 141.12000000000003  # the input is left alone
