"""The contracts agree with the schema, the documentation and the files that use them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Date, Float, Integer, String, Text, Time

from site_manager.errors import ValidationError
from site_manager.register import contract_docs, contracts
from site_manager.register.schema import Base
from site_manager.register.values import parse_value, rename_headings

ROOT = Path(__file__).resolve().parents[2]
ALL_TABLES = [
    *contracts.TABLES.values(),
    contracts.SPACE_ATTRIBUTES,
    contracts.UNIT_PARTS,
    contracts.BOOKINGS,
    contracts.TRAININGS,
    contracts.USERS,
]
#: Column types of the contract and the SQL types that may store them.
STORED_AS = {"text": (String, Text), "choice": (String,), "list": (String, Text),
             "month": (String,), "number": (Float,), "integer": (Integer,), "date": (Date,),
             "bool": (Boolean,), "time": (Time,)}  # fmt: skip
#: Schema columns that are no one's input: keys, and what the register keeps for itself.
KEYS = {"id", "site_pk", "unit_pk", "tenant_pk", "owner_tenant_pk", "space_pk", "equipment_pk"}
NOT_INPUT = {
    "leases.space_removed",
    "leases.notes",
    "space_attributes.clear_height_source",
    # a booking's start and end are read as local times and stored as UTC instants
    "bookings.start_at",
    "bookings.end_at",
    "bookings.created_at",
    "bookings.created_by",
    "bookings.cancelled_at",
    "bookings.cancelled_by",
    "trainings.granted_at",
}


def _stored() -> list[tuple[str, contracts.Column]]:
    return [(t.name, c) for t in ALL_TABLES for c in t.columns if c.stored]


@pytest.mark.parametrize(("table", "col"), _stored(), ids=lambda x: getattr(x, "name", x))
def test_a_stored_column_has_the_length_and_type_of_its_schema_column(table, col) -> None:
    name, column = col.stored.split(".")
    stored = Base.metadata.tables[name].c[column]
    assert isinstance(stored.type, STORED_AS[col.type]), (table, col.name, stored.type)
    length = getattr(stored.type, "length", None)
    if length is not None:  # String(n): the contract's limit is n
        assert col.max_length == length, (table, col.name)
    elif col.type in contracts.TEXT_TYPES:  # Text: unbounded in the schema; the contract limits
        assert col.max_length is not None, (table, col.name)
    else:
        assert col.max_length is None, (table, col.name)


def test_every_text_column_has_a_longest_value() -> None:
    unbounded = [(t.name, c.name) for t in ALL_TABLES for c in t.columns
                 if c.type in contracts.TEXT_TYPES and c.max_length is None]  # fmt: skip
    assert unbounded == []


def test_a_limit_that_differs_from_the_schema_is_refused_when_the_contract_is_made() -> None:
    assert contracts.Column("x", stored="tenants.name").max_length == 200  # String(200)
    with pytest.raises(ValueError, match="differs from tenants.name String"):
        contracts.Column("x", max_length=100, stored="tenants.name")


@pytest.mark.parametrize("table", ["tenants", "leases", "equipment", "applicants", "units",
                                   "boards", "skills", "meter_readings", "zoning",
                                   "space_attributes", "climate_months",
                                   "unit_spaces", "bookings", "trainings"])  # fmt: skip
def test_every_input_column_of_the_schema_has_a_contract(table: str) -> None:
    declared = {c.stored for _, c in _stored()}
    inputs = {f"{table}.{c.name}" for c in Base.metadata.tables[table].c if c.name not in KEYS}
    assert inputs - NOT_INPUT - declared == set()


def test_the_documented_tables_are_those_the_contracts_generate() -> None:
    doc = (ROOT / "docs" / "sample-site-format.md").read_text(encoding="utf-8")
    assert contract_docs.DOC_BEGIN in doc and contract_docs.DOC_END in doc
    assert contract_docs.with_tables(doc) == doc, "run python docs/make_contract_tables.py"
    for table in contracts.TABLES.values():
        assert f"### `{table.name}.csv`" in doc
        for col in table.columns:
            assert f"| `{col.name}` |" in doc, (table.name, col.name)


@pytest.mark.parametrize("table", list(contracts.TABLES))
def test_each_sample_file_has_the_headings_of_its_contract(table: str) -> None:
    expected = list(contracts.TABLES[table].sample_columns())
    for site in sorted((ROOT / "sample_sites").glob("*/site.toml")):
        path = site.parent / f"{table}.csv"
        if path.is_file():
            assert path.read_text(encoding="utf-8").splitlines()[0].split(",") == expected


def test_a_sample_heading_is_one_an_import_accepts() -> None:
    for table in contracts.TABLES.values():
        headings = list(table.sample_columns())
        names, problems = rename_headings(table, headings)
        assert problems == [] and names == [c.name for c in table.sample_columns().values()]


def test_headings_are_matched_ignoring_case_and_punctuation_and_a_column_twice_is_refused() -> None:
    names, problems = rename_headings(contracts.LEASES, ["monthly RENT (eur)", "Unit", "unit_id"])
    assert names == ["rent_eur_per_month", "unit_id", "unit_id"]
    assert "columns 'Unit' and 'unit_id' both mean unit_id; keep one of them" in problems
    assert any(p.startswith("no column tenant_id") for p in problems)


@pytest.mark.parametrize(
    ("table", "column", "given", "expected"),
    [
        ("leases", "rent_eur_per_month", " 0 ", 0.0),
        ("leases", "common_cost_share", "1", 1.0),
        ("leases", "start", "2028-02-29", dt.date(2028, 2, 29)),
        ("leases", "start", dt.date(2028, 2, 29), dt.date(2028, 2, 29)),
        ("equipment", "shared", "Ja", True),
        ("equipment", "shared", "", False),
        ("equipment", "hazards", "Fire, dust", "fire;dust"),
        ("tenants", "kind", "Smart Factory", "smart_factory"),
        ("tenants", "headcount", "12", 12),
        ("meters", "month", "2026-07", "2026-07"),
        ("units", "space_global_ids", "A; B;", "A;B"),
        ("applicants", "kind", "", ""),
        ("tenants", "kind", "", None),
    ],
)
def test_a_value_is_read_by_its_column(table, column, given, expected) -> None:
    got = parse_value(contracts.TABLES[table].column(column), given)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize(
    ("table", "column", "given", "message"),
    [
        ("leases", "rent_eur_per_month", "-0.01", "'-0.01' is below 0; give at least 0"),
        ("leases", "common_cost_share", "1.01", "'1.01' is above 1; give at most 1"),
        ("leases", "rent_eur_per_month", "1,5", "'1,5' is not a number"),
        ("leases", "rent_eur_per_month", "nan", "'nan' is not a finite number"),
        ("leases", "start", "2026-02-30", "'2026-02-30' is not a date YYYY-MM-DD"),
        ("leases", "unit_id", " ", "empty; fill it in"),
        ("leases", "unit_id", "U" * 65, "65 characters; at most 64 allowed"),
        ("units", "area_m2", "0", "'0' is not above 0; give more than 0"),
        ("tenants", "headcount", "2.5", "'2.5' is not a whole number"),
        ("equipment", "shared", "perhaps", "'perhaps' is not a yes/no"),
        ("equipment", "hazards", "fire;radiation", "radiation not allowed"),
        ("meters", "month", "2026-13", "'2026-13' is not a month YYYY-MM"),
        ("zoning", "use", "office", "'office' is not one of private_production"),
    ],
)
def test_a_value_outside_its_column_is_refused_saying_what_to_give(
    table, column, given, message
) -> None:
    with pytest.raises(ValidationError) as info:
        parse_value(contracts.TABLES[table].column(column), given)
    assert message in str(info.value)
    with pytest.raises(ValidationError, match=f"^{column}[ :]"):
        parse_value(contracts.TABLES[table].column(column), given, what=column)


def test_the_property_set_the_importer_reads_and_the_space_attribute_contract_agree() -> None:
    """ifc/ reads Pset_MultifactorySpace into typed columns (below the register); the
    register's contract checks the same columns when a user sets them: same names, same
    kinds of value."""
    from site_manager.ifc.space_attributes import PSET_PROPERTIES
    from site_manager.model import SPACE_ATTRIBUTE_COLUMNS
    from site_manager.register.contracts import SPACE_ATTRIBUTES

    kinds = {"float": {"number"}, "bool": {"bool"}, "str": {"text", "id", "choice"}}
    contract = {c.name: c for c in SPACE_ATTRIBUTES.columns}
    read = dict(PSET_PROPERTIES.values())
    assert set(read) == set(contract) == set(SPACE_ATTRIBUTE_COLUMNS) - {"clear_height_source"}
    for column, how in read.items():
        assert contract[column].type in kinds[how], (column, how, contract[column].type)
