"""Exports that run no code in a spreadsheet, and CSV that round-trips, hostile names included.

The written files are read back with the standard library's ``csv`` and with openpyxl, not
with the register's own reader, wherever a claim is about the file itself.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from site_manager import register
from site_manager.cli import main
from site_manager.errors import ValidationError
from site_manager.register import contracts
from tests.hostile import CONTROL, HOSTILE_NAMES

KINDS = ("tenants", "leases", "equipment", "applicants")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _tenant_id(i: int) -> str:
    return f"T{i:02d}"


def _fit(kind: str, column: str, text: str) -> str:
    """``text`` cut to the longest the table's contract allows in ``column`` (and, as the
    register stores a text, without surrounding spaces)."""
    limit = next(c.max_length for c in contracts.TABLES[kind].columns if c.name == column)
    return (text[:limit] if limit else text).strip()


def _tenant_fields(name: str) -> dict[str, str]:
    return {c: _fit("tenants", c, name) for c in ("name", "sector", "contact_name",
                                                  "contact_phone")}  # fmt: skip


@pytest.fixture
def engine(db_url: str, small_model, tmp_path: Path) -> Engine:
    """A register whose every free text is a hostile name (tenants, equipment, applicants)."""
    engine = register.open_register(db_url)
    register.create_site(engine, small_model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"], name=HOSTILE_NAMES[0])
    register.define_unit(engine, "U2", ["SP-G02"], name=HOSTILE_NAMES[7])
    for i, name in enumerate(HOSTILE_NAMES):
        register.add_tenant(engine, _tenant_id(i), **_tenant_fields(name))
        fields = {c: _fit("equipment", c, name) for c in ("name", "type", "share_terms")}
        register.add_equipment(engine, f"E{i:02d}", owner_tenant_id=_tenant_id(i),
                               power_kw=i + 0.5, **fields)  # fmt: skip
    # a line break is refused in names but kept in free text: it must survive the round trip
    register.add_equipment(engine, "E-NL", name="Loom", share_terms="two\nlines, \"quoted\"",
                           power_kw=1.0)  # fmt: skip
    register.sign_lease(engine, unit_id="U1", tenant_id=_tenant_id(0), start="2026-01-01",
                        end="2026-12-31", rent_eur_per_month=1000, lease_id="L1")  # fmt: skip
    register.sign_lease(engine, unit_id="U2", tenant_id=_tenant_id(1), start="2026-01-01",
                        end="2026-06-30", rent_eur_per_month=550.5, lease_id="L2")  # fmt: skip
    applicants = tmp_path / "applicants-in.csv"
    with applicants.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["applicant_id", "name", "contact_name", "area_min_m2", "area_max_m2",
                    "rent_eur_per_m2_month"])  # fmt: skip
        for i, name in enumerate(HOSTILE_NAMES):
            # as a careful landlord writes it: formula-like texts with the ' of the OWASP rule
            cell = "'" + name if name.lstrip("'")[:1] in FORMULA_START else name
            w.writerow([f"A{i:02d}", _fit("applicants", "name", cell),
                        _fit("applicants", "contact_name", cell), 50, 100, 9.5])  # fmt: skip
    register.import_table(engine, "applicants", applicants)
    yield engine
    engine.dispose()


def test_the_register_holds_the_names_as_written(engine: Engine) -> None:
    tenants = register.list_tenants(engine).set_index("tenant_id")
    names = [_fit("tenants", "name", n) for n in HOSTILE_NAMES]
    assert [tenants.loc[_tenant_id(i), "name"] for i in range(len(names))] == names
    applicants = register.list_applicants(engine).sort_values("applicant_id")
    names = [_fit("applicants", "name", n) for n in HOSTILE_NAMES]
    assert applicants["name"].tolist() == names  # the one ' of each was removed


@pytest.mark.parametrize("kind", KINDS)
def test_an_xlsx_export_has_no_formula_cell(engine: Engine, tmp_path: Path, kind: str) -> None:
    out = tmp_path / f"{kind}.xlsx"
    register.export_table(engine, kind, out)
    ws = openpyxl.load_workbook(out).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    if kind != "leases":  # leases hold no free text
        # every formula-like name is there, as written, as text
        formulas = {n for n in HOSTILE_NAMES if n[:1] in FORMULA_START}
        assert formulas <= texts


@pytest.mark.parametrize("kind", KINDS)
def test_a_csv_export_prefixes_every_formula_like_text(
    engine: Engine, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"{kind}.csv"
    register.export_table(engine, kind, out)
    raw = out.read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw, newline="")))  # RFC 4180 as Python reads it
    assert len({len(r) for r in rows}) == 1  # no row's columns shifted
    for cell in (c for r in rows for c in r):
        if cell[:1] in FORMULA_START:  # only numbers may start so
            float(cell)
    if kind != "leases":
        cells = {c for r in rows for c in r}
        for name in (_fit("tenants", "name", n) for n in HOSTILE_NAMES):
            expected = "'" + name if name.lstrip("'")[:1] in FORMULA_START else name
            assert expected in cells
    assert raw.count("\r\n") >= len(rows)  # RFC 4180 line ends


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", KINDS)
def test_export_import_export_is_byte_identical(
    engine: Engine, tmp_path: Path, kind: str, suffix: str
) -> None:
    first = tmp_path / f"first{suffix}"
    second = tmp_path / f"second{suffix}"
    n = register.export_table(engine, kind, first)
    result = register.import_table(engine, kind, first)
    assert (result.added, result.updated, result.unchanged) == (0, 0, n)
    register.export_table(engine, kind, second)
    assert second.read_bytes() == first.read_bytes()


def test_a_quoted_name_does_not_grow_over_cycles(engine: Engine, tmp_path: Path) -> None:
    register.add_tenant(engine, "Q1", name='The "Best" Co')
    for cycle in range(3):
        out = tmp_path / f"t{cycle}.csv"
        register.export_table(engine, "tenants", out)
        result = register.import_table(engine, "tenants", out)
        assert result.updated == 0
    assert register.list_tenants(engine).set_index("tenant_id").loc["Q1", "name"] == (
        'The "Best" Co'
    )


def test_a_european_semicolon_csv_with_quoted_commas_imports(
    engine: Engine, tmp_path: Path
) -> None:
    f = tmp_path / "t.csv"
    f.write_bytes(b'Tenant ID;Tenant;Sector\r\nS1;"Smith, Jones; Co";"a ""b"""\r\n'
                  b'S2;Plain;"semi;colon, comma"\r\n')  # fmt: skip
    register.import_table(engine, "tenants", f)
    t = register.list_tenants(engine).set_index("tenant_id")
    assert (t.loc["S1", "name"], t.loc["S1", "sector"]) == ("Smith, Jones; Co", 'a "b"')
    assert t.loc["S2", "sector"] == "semi;colon, comma"


def test_a_quoted_line_break_in_free_text_is_one_record(engine: Engine, tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_bytes(b'Equipment ID;Name;Share terms\r\nQ1;Press;"multi\nline; ""terms"""\r\n'
                  b"Q2;Saw;plain\r\n")  # fmt: skip
    register.import_table(engine, "equipment", f)
    e = register.list_equipment(engine).set_index("equipment_id")
    assert e.loc["Q1", "share_terms"] == 'multi\nline; "terms"'
    assert e.loc["Q2", "name"] == "Saw"


@pytest.mark.parametrize("text", CONTROL)
def test_a_name_with_control_characters_is_refused_naming_record_and_field(
    engine: Engine, text: str
) -> None:
    before = register.list_tenants(engine)
    with pytest.raises(ValidationError) as err:
        register.add_tenant(engine, "TX", name=text)
    message = str(err.value)
    assert message.startswith("tenant TX name: control character") and "\n" not in message
    assert "\x1b" not in message
    assert len(register.list_tenants(engine)) == len(before)


@pytest.fixture
def cli_on(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> str:
    """The register's URL, for commands run in this process on the test's own engine (an
    engine of their own would be left with an open PostgreSQL connection)."""
    from site_manager.cli import register_cmds

    monkeypatch.setattr(register_cmds, "_engine", lambda args: engine)
    return engine.url.render_as_string(hide_password=False)


def test_the_delimiter_option_overrides_the_guess(
    engine: Engine, cli_on: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # one column of names holding commas: the guess would split at the commas
    f = tmp_path / "t.csv"
    f.write_text("Tenant ID;Tenant\nC1;a,b,c\n", encoding="utf-8")
    assert main(["tenant", "import", str(f), "--delimiter", ";", "--db", cli_on]) == 0
    assert register.list_tenants(engine).set_index("tenant_id").loc["C1", "name"] == "a,b,c"
    capsys.readouterr()


def test_tenant_list_strips_terminal_escapes(
    engine: Engine, cli_on: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # the verbs refuse escapes; a register written by another tool (or an older release)
    # may still hold them: put one there behind the verbs' back
    from sqlalchemy import update

    from site_manager.register.schema import Tenant

    with engine.begin() as conn:
        conn.execute(update(Tenant).where(Tenant.tenant_id == _tenant_id(0))
                     .values(name="\x1b[31mred\x1b[0m"))  # fmt: skip
    assert main(["tenant", "list", "--db", cli_on]) == 0
    out = capsys.readouterr().out
    assert "red" in out  # the name is there ...
    assert "\x1b" not in out  # ... without its escapes
    assert all(ch in "\n\t" or ord(ch) >= 0x20 for ch in out if ord(ch) < 0xA0)
