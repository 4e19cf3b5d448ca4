"""The textile mill and the brewery complex load their hourly weather; their monthly tables
are the EPW files' monthly means and sums; the engineering works keeps its table."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest

from site_manager import register

SAMPLES = Path(__file__).parents[2] / "sample_sites"


def epw_rows(path: Path) -> list[tuple[int, float, float]]:
    """(month, dry-bulb °C, GHI Wh/m²) of every hour, read with the csv module."""
    with path.open(encoding="latin-1", newline="") as fh:
        rows = list(csv.reader(fh))[8:]
    return [(int(r[1]), float(r[6]), float(r[13])) for r in rows
            if not (r[1] == "2" and r[2] == "29")]  # fmt: skip


def weather_of(site: str) -> Path | None:
    info = tomllib.loads((SAMPLES / site / "site.toml").read_text(encoding="utf-8"))["site"]
    return SAMPLES / site / info["weather"] if "weather" in info else None


@pytest.mark.parametrize("site", ["textile_mill", "brewery_complex"])
def test_the_sample_stores_its_epw_hours_and_their_monthly_means_and_sums(
    tmp_path: Path, site: str
) -> None:
    path = weather_of(site)
    assert path is not None and path.parent.name == "weather" and path.suffix == ".epw"
    hours = epw_rows(path)
    assert len(hours) == 8760
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    register.load_sample(engine, site)
    frames = register.frames(engine, site)
    assert frames.site["climate_source"] == path.name
    stored = frames.climate_hourly
    assert len(stored) == 8760
    assert stored["t_out_c"].tolist() == [t for _, t, _ in hours]
    assert stored["ghi_w_m2"].tolist() == [g for _, _, g in hours]
    monthly = frames.climate_monthly.set_index("month")
    with (SAMPLES / site / "climate_monthly.csv").open(newline="") as fh:
        table = {int(r["month"]): r for r in csv.DictReader(fh)}
    for m in range(1, 13):
        temps = [t for mo, t, _ in hours if mo == m]
        ghi_kwh = sum(g for mo, _, g in hours if mo == m) / 1000.0
        assert float(table[m]["t_out_c"]) == pytest.approx(
            sum(temps) / len(temps), abs=0.005 + 1e-9
        )  # rounded to 0.01
        assert float(table[m]["ghi_kwh_m2"]) == pytest.approx(
            ghi_kwh, abs=0.005 + 1e-9
        )  # rounded to 0.01
        assert monthly.loc[m, "t_out_c"] == float(table[m]["t_out_c"])
    # the weather README's annual figures
    mean = sum(t for _, t, _ in hours) / 8760
    annual = sum(g for _, _, g in hours) / 1000.0
    readme = (SAMPLES / "weather" / "README.md").read_text(encoding="utf-8")
    assert f"{mean:.2f} °C" in readme and f"{annual:,.1f} kWh/m²" in readme


def test_the_engineering_works_keeps_its_monthly_table_and_says_why() -> None:
    assert weather_of("engineering_works") is None
    readme = (SAMPLES / "engineering_works" / "README.md").read_text(encoding="utf-8")
    assert "no redistributable hourly typical year" in readme
