"""site_manager.sites reads a site folder with the contract's types, and names bad rows."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from site_manager.errors import NotFoundError, SiteManagerError, ValidationError
from site_manager.sites import FILES, list_sample_sites, read_csv, read_site, sample_site_dir

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A writable copy of the textile mill whose model path still resolves."""
    src = ROOT / "sample_sites" / "textile_mill"
    folder = tmp_path / "mill"
    shutil.copytree(src, folder)
    toml = folder / "site.toml"
    model = (ROOT / "models" / "textile_mill.ifc").as_posix()
    toml.write_text(
        toml.read_text(encoding="utf-8").replace("../../models/textile_mill.ifc", model),
        encoding="utf-8",
    )
    return folder


def _edit_line(path: Path, line_no: int, old: str, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert old in lines[line_no - 1]
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_sample_site_is_read_with_the_contract_s_types() -> None:
    site = read_site("textile_mill")
    assert site.id == "textile_mill" and site.crs == "EPSG:25832" and site.currency == "EUR"
    assert site.model_path == (ROOT / "models" / "textile_mill.ifc").resolve()
    assert set(site.tariffs) == {"electricity_eur_per_kwh", "heat_eur_per_kwh", "gas_eur_per_kwh"}
    assert pd.api.types.is_datetime64_any_dtype(site.leases["start"])
    assert pd.api.types.is_float_dtype(site.leases["rent_eur_per_month"])
    assert site.equipment["shared"].dtype == bool
    assert site.applicants["extraction"].dtype == bool
    for kind, columns in FILES.items():
        frame = site.climate if kind == "climate_monthly" else getattr(site, kind)
        assert list(frame.columns)[: len(columns)] == list(columns), kind


def test_the_values_are_those_of_the_file() -> None:
    site = read_site("textile_mill")
    raw = (ROOT / "sample_sites" / "textile_mill" / "leases.csv").read_text().splitlines()
    first = raw[1].split(",")
    row = site.leases.iloc[0]
    assert row["lease_id"] == first[0] and row["unit_id"] == first[1]
    assert row["start"] == pd.Timestamp(first[3]) and row["end"] == pd.Timestamp(first[4])
    assert row["rent_eur_per_month"] == float(first[5])


def test_a_folder_path_reads_like_a_name(site_copy: Path) -> None:
    assert read_site(site_copy).tenants.equals(read_site("textile_mill").tenants)


def test_every_sample_site_reads() -> None:
    names = list_sample_sites()
    assert {"textile_mill", "engineering_works", "brewery_complex"} <= set(names)
    for name in names:
        assert len(read_site(name).units) > 0


def test_unit_spaces_split_the_global_ids() -> None:
    site = read_site("engineering_works")
    joined = site.unit_spaces()["EW-W.B2a+W.B2b"]
    assert len(joined) == 2 and all(len(g) == 22 for g in joined)


def test_an_unknown_site_is_not_found_and_the_message_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="textile_mill"):
        sample_site_dir("chocolate_factory")
    with pytest.raises(NotFoundError):
        read_site("chocolate_factory")


def test_a_folder_without_site_toml_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no site.toml"):
        read_site(tmp_path)


def test_a_missing_model_is_named(site_copy: Path) -> None:
    toml = site_copy / "site.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("textile_mill.ifc", "nowhere.ifc"), encoding="utf-8")
    with pytest.raises(NotFoundError, match="nowhere.ifc"):
        read_site(site_copy)


def test_broken_toml_is_a_validation_error(site_copy: Path) -> None:
    (site_copy / "site.toml").write_text("[site\nid = 1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="site.toml: not valid TOML"):
        read_site(site_copy)


def test_a_negative_tariff_is_refused(site_copy: Path) -> None:
    toml = site_copy / "site.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("electricity_eur_per_kwh = 0.27", "electricity_eur_per_kwh = -1"))
    with pytest.raises(ValidationError, match="electricity_eur_per_kwh"):
        read_site(site_copy)


def test_a_bad_date_names_the_file_line_and_column(site_copy: Path) -> None:
    leases = site_copy / "leases.csv"
    start = leases.read_text().splitlines()[3].split(",")[3]
    _edit_line(leases, 4, start, "2026-02-30")
    with pytest.raises(ValidationError) as err:
        read_site(site_copy)
    msg = str(err.value)
    assert "leases.csv" in msg and "line 4" in msg and "column start" in msg and "2026-02-30" in msg
    assert "\n" not in msg


def test_a_rent_that_is_not_a_number_is_refused(site_copy: Path) -> None:
    leases = site_copy / "leases.csv"
    rent = leases.read_text().splitlines()[1].split(",")[5]
    _edit_line(leases, 2, f",{rent},", ",lots,")
    with pytest.raises(ValidationError, match=r"line 2, column rent_eur_per_month: 'lots'"):
        read_site(site_copy)


def test_a_missing_column_is_named(site_copy: Path) -> None:
    tenants = site_copy / "tenants.csv"
    _edit_line(tenants, 1, "stage", "phase")
    with pytest.raises(ValidationError, match="missing column.*stage"):
        read_site(site_copy)


def test_an_empty_required_value_is_named(site_copy: Path) -> None:
    units = site_copy / "units.csv"
    line = units.read_text().splitlines()[2]
    _edit_line(units, 3, line.split(",")[0] + ",", ",")
    with pytest.raises(ValidationError, match="units.csv: line 3, column unit_id: empty"):
        read_site(site_copy)


def test_a_shared_flag_other_than_yes_or_no_is_refused(site_copy: Path) -> None:
    eq = site_copy / "equipment.csv"
    _edit_line(eq, 2, ",yes,", ",perhaps,")
    with pytest.raises(ValidationError, match="column shared: 'perhaps' is not a yes/no"):
        read_site(site_copy)


def test_a_file_that_is_not_text_is_refused(site_copy: Path) -> None:
    (site_copy / "skills.csv").write_bytes(b"\xff\xfe\x00\x81binary")
    with pytest.raises(SiteManagerError, match="skills.csv"):
        read_site(site_copy)


def test_an_absent_optional_file_gives_an_empty_frame_with_its_columns(site_copy: Path) -> None:
    (site_copy / "applicants.csv").unlink()
    site = read_site(site_copy)
    assert len(site.applicants) == 0
    assert list(site.applicants.columns) == list(FILES["applicants"])


def test_read_csv_keeps_extra_columns_as_text(tmp_path: Path) -> None:
    path = tmp_path / "boards.csv"
    path.write_text("board_id,storey,capacity_kw,colour\nDB-1,Ground,120,red\n", encoding="utf-8")
    frame = read_csv(path, "boards")
    assert frame.loc[0, "capacity_kw"] == 120.0 and frame.loc[0, "colour"] == "red"
