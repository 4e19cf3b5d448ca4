"""The table downloads: CSV and Excel files that read back to the table shown."""

from __future__ import annotations

import datetime as dt
import io

import geopandas as gpd
import pandas as pd
from shapely import box

from site_manager.app import ui


def _table() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "unit_id": ["U1", "U2"],
            "space_global_ids": [["a", "b"], ["c"]],
            "psets": [{"Pset.X": 1}, {}],
            "start": [dt.date(2026, 1, 1), dt.date(2027, 2, 1)],
            "area_m2": [12.5, 40.0],
        },
        geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2)],
    )


def test_csv_downloads_drop_the_geometry_and_join_lists() -> None:
    text = ui.csv_bytes(_table()).decode("utf-8")
    assert text.splitlines() == [
        "unit_id,space_global_ids,psets,start,area_m2",
        "U1,a; b,{'Pset.X': 1},2026-01-01,12.5",
        "U2,c,{},2027-02-01,40.0",
    ]


def test_excel_downloads_read_back_to_the_same_cells() -> None:
    back = pd.read_excel(io.BytesIO(ui.excel_bytes(_table(), sheet="units")), sheet_name="units")
    assert back["unit_id"].tolist() == ["U1", "U2"]
    assert back["space_global_ids"].tolist() == ["a; b", "c"]
    assert back["area_m2"].tolist() == [12.5, 40.0]
    assert "geometry" not in back.columns


def test_the_zoning_table_saves_only_the_rows_given_a_new_use() -> None:
    from site_manager.app.page_zoning import zoning_changes

    before = pd.DataFrame(
        {"global_id": ["a", "b", "c", "d"], "use": ["storage", None, "technical", "outdoor"]}
    )
    after = before.assign(use=["storage", "shared_service", None, "circulation"])
    assert zoning_changes(before, after) == {"b": "shared_service", "d": "circulation"}
