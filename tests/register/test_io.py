"""Importing and exporting tenants, leases and equipment: all or nothing, landlord headings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from site_manager import register
from site_manager.register.io import ImportValidationError

from .test_crash import dump


@pytest.fixture
def engine(db_url: str, small_model) -> Engine:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.define_unit(engine, "U2", ["SP-G02"])
    register.add_tenant(engine, "T1", name="Acme Ltd")
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2026-12-31", rent_eur_per_month=1000, lease_id="L1")  # fmt: skip
    yield engine
    engine.dispose()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_landlords_lease_sheet_is_renamed_and_imported(engine: Engine, tmp_path: Path) -> None:
    f = _write(tmp_path / "leases.csv",
               "Lease ID,Unit,Tenant,Start date,End date,Monthly rent (EUR)\n"
               "L2,U2,T1,2026-02-01,2027-01-31,750.50\n"
               "L3,U1,Acme Ltd,2027-01-01,2027-06-30,1100\n")  # fmt: skip
    result = register.import_table(engine, "leases", f)
    assert (result.added, result.updated) == (2, 0)
    leases = register.list_leases(engine).set_index("lease_id")
    assert leases.loc["L2", "rent_eur_per_month"] == pytest.approx(750.5)
    assert leases.loc["L3", "tenant_id"] == "T1"  # named by the tenant's name
    assert leases.loc["L3", "start"] == dt.date(2027, 1, 1)


def test_a_bad_lease_file_is_refused_whole_listing_every_bad_row(
    engine: Engine, tmp_path: Path
) -> None:
    f = _write(tmp_path / "leases.csv",
               "lease_id,unit_id,tenant_id,start,end,rent_eur_per_month\n"
               "L2,U2,T1,2026-02-01,2026-12-31,500\n"       # row 2: fine
               "L3,U2,T1,2026-13-01,2027-12-31,500\n"       # row 3: bad date
               "L4,U9,T1,2027-01-01,2027-12-31,500\n"       # row 4: unknown unit
               "L5,U2,T1,2028-01-01,2028-12-31,-20\n"       # row 5: negative rent
               "L6,U1,T1,2026-12-31,2027-02-28,500\n"       # row 6: overlaps L1
               "L2,U2,T1,2029-01-01,2029-12-31,500\n"       # row 7: duplicated id
               "L8,U2,T9,2030-01-01,2030-12-31,500\n")  # row 8: unknown tenant  # fmt: skip
    before = dump(engine)
    with pytest.raises(ImportValidationError) as info:
        register.import_table(engine, "leases", f)
    where = {(p.row, p.column) for p in info.value.problems}
    assert where == {(3, "start"), (4, "unit_id"), (5, "rent_eur_per_month"), (6, "start"),
                     (7, "lease_id"), (8, "tenant_id")}  # fmt: skip
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{f}: 6 bad rows: row 3 column start: '2026-13-01' is not a date")
    assert "already leased from 2026-01-01 to 2026-12-31 by lease L1 (tenant T1)" in message
    assert dump(engine) == before


def test_a_duplicated_tenant_refuses_the_tenant_file(engine: Engine, tmp_path: Path) -> None:
    f = _write(tmp_path / "t.csv", "Tenant ID,Tenant,Kind\nT2,Bo,artist\nT2,Bo again,sme\n")
    before = dump(engine)
    with pytest.raises(
        ImportValidationError, match="row 3 column tenant_id: 'T2' is also on row 2"
    ):
        register.import_table(engine, "tenants", f)
    assert dump(engine) == before


def test_a_file_without_a_required_column_says_which(engine: Engine, tmp_path: Path) -> None:
    f = _write(tmp_path / "l.csv", "Unit,Tenant,Start date,End date\nU2,T1,2026-01-01,2026-02-01\n")
    with pytest.raises(ImportValidationError, match="no column rent_eur_per_month"):
        register.import_table(engine, "leases", f)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imports_back_unchanged(engine: Engine, tmp_path: Path, suffix: str) -> None:
    eq = _write(tmp_path / "eq.csv",
                "Equipment ID,Machine,Owner,Space,Power (kW),Noise (dB(A)),Hazards,Shared\n"
                "E1,Band saw,T1,SP-G01,3.5,88,dust;fire,yes\n"
                "E2,Kiln,,SP-G02,12,,fire,no\n")  # fmt: skip
    register.import_table(engine, "equipment", eq)
    for kind in ("tenants", "leases", "equipment"):
        out = tmp_path / f"{kind}{suffix}"
        n = register.export_table(engine, kind, out)
        assert n >= 1
        before = dump(engine)
        result = register.import_table(engine, kind, out)
        assert (result.added, result.updated, result.unchanged) == (0, 0, n)
        assert dump(engine) == before


def test_an_excel_export_carries_the_landlords_headings_and_real_dates(
    engine: Engine, tmp_path: Path
) -> None:
    out = tmp_path / "leases.xlsx"
    register.export_table(engine, "leases", out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    headings = [c.value for c in ws[1]]
    assert headings[:6] == ["Lease ID", "Unit", "Tenant", "Start date", "End date",
                            "Monthly rent (EUR)"]  # fmt: skip
    assert ws["D2"].value.date() == dt.date(2026, 1, 1)


def test_an_excel_sheet_with_date_cells_imports(engine: Engine, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Unit", "Tenant", "Start date", "End date", "Monthly rent (EUR)"])
    ws.append(["U2", "T1", dt.datetime(2026, 3, 1), dt.datetime(2026, 8, 31), 640])
    ws.append(["U2", "T1", "2026-09-01", "2026-09-31", 640])  # row 3: bad date
    path = tmp_path / "l.xlsx"
    wb.save(path)
    with pytest.raises(ImportValidationError, match=r"1 bad row: row 3 column end: '2026-09-31'"):
        register.import_table(engine, "leases", path)
    ws.delete_rows(3)
    wb.save(path)
    assert register.import_table(engine, "leases", path).added == 1
    lease = register.list_leases(engine).set_index("unit_id").loc["U2"]
    assert (lease["start"], lease["end"]) == (dt.date(2026, 3, 1), dt.date(2026, 8, 31))


def test_an_import_updates_known_ids_and_audits_before_and_after(
    engine: Engine, tmp_path: Path
) -> None:
    f = _write(tmp_path / "t.csv", "tenant_id,name,headcount\nT1,Acme Ltd,7\nT2,Bolt,2\n")
    result = register.import_table(engine, "tenants", f, actor="clerk")
    assert (result.added, result.updated) == (1, 1)
    tenants = register.list_tenants(engine).set_index("tenant_id")
    assert tenants.loc["T1", "headcount"] == 7
    audit = register.get_audit(engine)
    update = audit[(audit["record"] == "T1") & (audit["action"] == "update")].iloc[0]
    assert update["actor"] == "clerk"
    assert '"headcount": null' in update["before"] and '"headcount": 7' in update["after"]
