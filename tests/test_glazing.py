"""Glazing ratio per space: window area from the fabric rows over the floor area."""

from __future__ import annotations

import io
import math
import sqlite3
from contextlib import closing
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from site_manager.assumptions import glazing_assumptions
from site_manager.cli import main
from site_manager.glazing import GLAZING_COLUMNS, glazing_ratio


def _frames(fabric: pd.DataFrame | None) -> SimpleNamespace:
    spaces = pd.DataFrame(
        {
            "global_id": ["S1", "S2", "S3", "S4", "S5"],
            "name": ["Workshop", "Studio", "Old store", "Shaft", "Store"],
            "storey": ["EG", "EG", "EG", "EG", "OG"],
            "area_m2": [40.0, 25.0, 30.0, 0.0, 12.0],
            "removed": [False, False, True, False, False],
        }
    )
    return SimpleNamespace(site={"site_id": "MILL"}, spaces=spaces, fabric=fabric)


FABRIC = pd.DataFrame(
    {
        "kind": ["window", "window", "wall", "door", "window", "window", "window", "window"],
        "space_global_ids": [["S1"], ["S1", "S2"], ["S1"], ["S2"], [], ["S3"], ["S4"], ["S2"]],
        "space_areas_m2": [[6.0], [2.5, 1.5], [30.0], [2.0], [], [5.0], [2.0], [3.0]],
        "tilt_deg": [90.0, 90.0, 90.0, 90.0, 90.0, 90.0, 90.0, 0.0],  # the last a rooflight
    }
)


def test_window_shares_are_summed_per_space_and_divided_by_its_floor_area() -> None:
    frames = _frames(FABRIC.copy())
    out = glazing_ratio(frames)
    assert list(out.columns) == list(GLAZING_COLUMNS)
    # S3 is removed; the wall, the door and the window bounding no space count for nobody
    assert list(out["global_id"]) == ["S1", "S2", "S4", "S5"]
    by_id = out.set_index("global_id")
    # by hand: S1 6.0 + 2.5 of the shared window; S2 1.5 of it + the 3.0 rooflight
    assert by_id.loc["S1", "window_area_m2"] == pytest.approx(8.5)
    assert by_id.loc["S1", "glazing_ratio"] == pytest.approx(8.5 / 40.0)
    assert by_id.loc["S2", "window_area_m2"] == pytest.approx(4.5)
    assert by_id.loc["S2", "glazing_ratio"] == pytest.approx(4.5 / 25.0)
    assert by_id.loc["S4", "window_area_m2"] == pytest.approx(2.0)
    assert math.isnan(by_id.loc["S4", "glazing_ratio"])  # no floor area: no ratio
    assert by_id.loc["S5", "window_area_m2"] == 0.0 and by_id.loc["S5", "glazing_ratio"] == 0.0
    pd.testing.assert_frame_equal(frames.fabric, FABRIC)  # its input is left as it was
    assert glazing_assumptions(frames) == []


@pytest.mark.parametrize("fabric", [None, FABRIC.iloc[0:0]])
def test_without_fabric_the_window_areas_are_unknown_and_the_note_says_so(fabric) -> None:
    frames = _frames(fabric)
    out = glazing_ratio(frames)
    assert out["window_area_m2"].isna().all() and out["glazing_ratio"].isna().all()
    (note,) = glazing_assumptions(frames)
    assert note.topic == "fabric"
    assert "site-manager site revise MODEL.ifc --site MILL" in note.remedy


@pytest.fixture(scope="module")
def mill(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A register holding the textile mill sample (its URL)."""
    from site_manager import register

    path = tmp_path_factory.mktemp("glazing") / "register.sqlite"
    register.load_sample(register.open_register(f"sqlite:///{path}"), "textile_mill")
    return f"sqlite:///{path}"


def test_the_command_sums_each_spaces_windows_from_the_stored_fabric_rows(
    mill: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from site_manager import register

    assert main(["energy", "glazing", "--site", "textile_mill", "--db", mill,
                 "--format", "csv"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert captured.err == ""  # the mill's fabric is stored: nothing assumed
    out = pd.read_csv(io.StringIO(captured.out))
    frames = register.frames(register.open_register(mill), "textile_mill")
    # the other path: a plain walk over the fabric rows, window by window
    expected: dict[str, float] = {}
    for row in frames.fabric.itertuples(index=False):
        if row.kind != "window":
            continue
        for gid, area in zip(row.space_global_ids, row.space_areas_m2, strict=True):
            expected[gid] = expected.get(gid, 0.0) + area
    live = frames.spaces[~frames.spaces["removed"].astype(bool)]
    assert sorted(out["global_id"]) == sorted(live["global_id"])
    assert sum(expected.values()) > 0
    floor = dict(zip(live["global_id"], live["area_m2"], strict=True))
    for r in out.itertuples(index=False):
        assert r.window_area_m2 == pytest.approx(expected.get(r.global_id, 0.0))
        assert r.glazing_ratio == pytest.approx(expected.get(r.global_id, 0.0) / floor[r.global_id])


def test_a_site_without_stored_fabric_gets_empty_areas_and_one_note(
    mill: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a site made by an older release: its register holds no fabric rows
    copy = tmp_path / "old.sqlite"
    source = sqlite3.connect(mill.removeprefix("sqlite:///"))
    with closing(source) as src, closing(sqlite3.connect(copy)) as dst:
        src.backup(dst)
    with closing(sqlite3.connect(copy)) as con, con:
        con.execute("DELETE FROM fabric_elements")
    assert main(["energy", "glazing", "--site", "textile_mill", "--db", f"sqlite:///{copy}",
                 "--format", "csv"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    notes = captured.err.splitlines()
    assert len(notes) == 1 and notes[0].startswith("note: no building fabric is stored")
    assert "--site textile_mill" in notes[0]
    out = pd.read_csv(io.StringIO(captured.out))
    assert len(out) > 0 and out["window_area_m2"].isna().all()
