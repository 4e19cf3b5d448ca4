"""Over-long and control-character values are refused by the contracts before the database.

On both backends (SQLite stores any length; PostgreSQL's ``varchar(n)`` refuses and a NUL
cannot be sent at all), every refusal is one ``error:`` line naming the record and field,
never the value; database errors that get past the rules are one line without values too.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from site_manager import register
from site_manager.cli import main
from site_manager.errors import SiteManagerError
from site_manager.register.engine import transaction

LONG = "n" * 10240  # 10 kB name: the probe


@pytest.fixture
def db(db_url: str, small_model) -> str:
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.add_tenant(engine, "T1", name="Tenant One")
    engine.dispose()
    return db_url


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def _tables(url: str) -> dict[str, list]:
    engine = register.open_register(url)
    try:
        with engine.connect() as conn:
            return {t: sorted(map(tuple, conn.execute(text(f"SELECT * FROM {t}"))))
                    for t in ("sites", "units", "tenants", "leases")}  # fmt: skip
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("tenant", "add", "T-9", "--name", LONG),
         "tenant T-9 name: 10,240 characters; at most 200 allowed"),
        (("tenant", "add", "T\x00-9", "--name", "Nul"),
         "tenant tenant_id: control character U+0000 at character 2; give printable text"),
        (("tenant", "add", "T-9", "--name", "\x1b[31mRed Co"),
         "tenant T-9 name: control character U+001B at character 1; give printable text"),
        (("tenant", "add", "T-9", "--name", "Two\nlines"),
         "tenant T-9 name: control character U+000A at character 4; give printable text"),
        (("unit", "define", "U" * 100, "--spaces", "SP-G02"),
         "unit unit_id: 100 characters; at most 64 allowed"),
        (("unit", "rename", "U1", "--name", LONG),
         "unit U1 name: 10,240 characters; at most 200 allowed"),
        (("lease", "sign", "--id", "L" * 65, "--unit", "U1", "--tenant", "T1", "--start",
          "2030-01-01", "--end", "2030-12-31", "--rent", "100"),
         "lease lease_id: 65 characters; at most 64 allowed"),
        (("lease", "sign", "--unit", "U1", "--tenant", "T\x00", "--start", "2030-01-01",
          "--end", "2030-12-31", "--rent", "100"),
         "lease tenant_id: control character U+0000 at character 2; give printable text"),
        (("tenant", "edit", "T1", "--sector", LONG),
         "tenant T1 sector: 10,240 characters; at most 200 allowed"),
    ],
)  # fmt: skip
def test_a_bad_value_is_one_error_line_naming_record_and_field(capsys, db, args, expected):
    before = _tables(db)
    code, err = _run(capsys, *args, "--db", db)
    # the command line may add the option it came from: "... allowed (--name)"
    assert code == 2 and err.startswith(f"error: {expected}") and err.count("\n") == 1, err
    assert "n" * 30 not in err and "\x00" not in err and "\x1b" not in err
    assert _tables(db) == before


def test_an_import_refuses_long_and_nul_values_by_row_and_column_without_the_data(
    capsys, db, tmp_path: Path
) -> None:
    path = tmp_path / "tenants.csv"
    path.write_text(f"Tenant ID,Tenant\nT-9,{LONG}\nT-10,a\x00b\nT-11,Fine\n", encoding="utf-8")
    before = _tables(db)
    code, err = _run(capsys, "tenant", "import", str(path), "--db", db)
    assert code == 2 and err.count("\n") == 1, err[:500]
    assert "row 2 column name: 10,240 characters; at most 200 allowed" in err
    assert "row 3 column name: control character U+0000 at character 2" in err
    assert "n" * 30 not in err and "\x00" not in err
    assert _tables(db) == before


def test_free_text_may_span_lines_but_not_hold_a_nul(db) -> None:
    engine = register.open_register(db)
    try:
        register.define_unit(engine, "U2", ["SP-G02"], notes="first line\nsecond\tline")
        notes = {u["unit_id"]: u["notes"] for u in register.list_units(engine).to_dict("records")}
        assert notes["U2"] == "first line\nsecond\tline"
        with pytest.raises(SiteManagerError, match="notes: control character U\\+0000"):
            register.define_unit(engine, "U3", ["SP-G03"], notes="a\x00b")
    finally:
        engine.dispose()


def test_an_overlong_site_name_is_refused_when_the_site_is_created(db_url, small_model):
    engine = register.open_register(db_url)
    try:
        with pytest.raises(SiteManagerError, match="^site name: 300 characters; at most 200"):
            register.create_site(engine, small_model, site_id="s", name="s" * 300)
        assert register.list_sites(engine).empty
    finally:
        engine.dispose()


def test_a_database_error_past_the_rules_is_one_line_without_the_values(
    capsys, db, monkeypatch
) -> None:
    """A write that bypasses the contracts: on PostgreSQL the varchar(64) refuses it (a
    DataError), on SQLite the unique tenant id does (an IntegrityError); both come out as
    one ``error:`` line that holds neither the statement nor the row's values."""
    secret = "S" * 65

    def raw_insert(engine, *args, **kwargs):
        with transaction(engine) as s:
            for _ in range(2):
                s.execute(text("INSERT INTO tenants (site_pk, tenant_id, name, sector, "
                               "contact_name, contact_email, contact_phone) VALUES "
                               "(1, :tid, 'x', '', '', '', '')"), {"tid": secret})  # fmt: skip

    monkeypatch.setattr(register, "add_tenant", raw_insert)
    monkeypatch.setattr("site_manager.register.verbs.add_tenant", raw_insert, raising=False)
    code, err = _run(capsys, "tenant", "add", "T-9", "--name", "x", "--db", db)
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1, err
    assert secret[:10] not in err and "INSERT" not in err and "[parameters" not in err


@pytest.mark.parametrize("url", ["mysql://u@localhost/db", "oracle://u@h/db", "foo://x"])
def test_an_unknown_database_scheme_names_the_supported_ones(capsys, url) -> None:
    code, err = _run(capsys, "site", "list", "--db", url)
    assert code == 2 and err.count("\n") == 1
    assert "not supported" in err and "sqlite" in err and "postgresql" in err
