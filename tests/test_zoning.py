"""The zoning balance: shared and private areas, and what is not zoned."""

from __future__ import annotations

import pandas as pd

from site_manager import zoning


def test_a_fully_zoned_site_has_no_negative_rest_not_zoned() -> None:
    # summed space by space and use by use these areas differ in the last bit (-1.1e-13),
    # which the dashboard showed as "Not zoned −0 m²"
    spaces = pd.DataFrame({
        "area_m2": [175.23, 61.97, 171.84, 62.76, 187.92, 149.02],
        "use": ["shared_production", "storage", "shared_production", "private_production",
                "private_production", "storage"],
    })  # fmt: skip
    balance = zoning.shared_private_balance(spaces)
    assert balance["unzoned_m2"] == 0.0
    assert f"{balance['unzoned_m2']:,.0f}" == "0"
    assert balance["shared_m2"] == 175.23 + 171.84
    assert balance["private_m2"] == 62.76 + 187.92


def test_the_rest_not_zoned_is_the_area_of_the_spaces_without_a_use() -> None:
    spaces = pd.DataFrame({"area_m2": [40.0, 60.0, 25.5], "use": ["storage", None, None]})
    assert zoning.shared_private_balance(spaces)["unzoned_m2"] == 85.5
