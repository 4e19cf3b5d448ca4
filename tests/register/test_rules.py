"""One set of lease cases fed to the three ways a lease comes in: ``site-manager lease sign``,
``site-manager lease import FILE`` and the Tenants page's sign form. All three accept and
refuse the same cases, and name the same field of each refusal.

The register: units U1 (let to T1 through 2026 by lease L1) and U2 (vacant), tenants T1 and
T2. The good lease lets U2 to T2 through 2028; each case changes one thing of it. What each
case should do is written here by hand, from the rules as ``docs/register.md`` states them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Selectbox

from site_manager import register
from site_manager.cli import main

GOOD = {"unit_id": "U2", "tenant_id": "T2", "start": "2028-01-01", "end": "2028-12-31",
        "rent_eur_per_month": "900", "common_cost_share": "0.1"}  # fmt: skip

#: case → (what changes in the good lease, the field a refusal names; None: accepted)
CASES: dict[str, tuple[dict[str, str], str | None]] = {
    "good": ({}, None),
    "end before start": ({"end": "2027-12-31"}, "end"),
    "negative rent": ({"rent_eur_per_month": "-5"}, "rent_eur_per_month"),
    "rent 0 (a free let)": ({"rent_eur_per_month": "0"}, None),
    "share 1.5": ({"common_cost_share": "1.5"}, "common_cost_share"),
    "unknown unit": ({"unit_id": "U9"}, "unit_id"),
    "unknown tenant": ({"tenant_id": "T9"}, "tenant_id"),
    "overlapping another lease": (
        {"unit_id": "U1", "start": "2026-12-01", "end": "2027-03-31"},
        "start",
    ),
    "bad date text": ({"start": "2028-02-30"}, "start"),
}

#: The options of ``lease sign`` (``site-manager lease sign --help``).
OPTIONS = {"unit_id": "--unit", "tenant_id": "--tenant", "start": "--start", "end": "--end",
           "rent_eur_per_month": "--rent", "common_cost_share": "--share"}  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import SMALL_SPACES, make_model

    path = tmp_path_factory.mktemp("rules") / "register.sqlite"
    engine = register.open_register(f"sqlite:///{path}")
    model = make_model(SMALL_SPACES, storeys=[("S-G", "Ground", 0.0), ("S-1", "First", 4.0)])
    register.create_site(engine, model, site_id="small", name="Small Works")
    register.define_unit(engine, "U1", ["SP-G01"])
    register.define_unit(engine, "U2", ["SP-G02"])
    register.add_tenant(engine, "T1", name="Acme Ltd")
    register.add_tenant(engine, "T2", name="Bolt & Nut")
    register.sign_lease(engine, unit_id="U1", tenant_id="T1", start="2026-01-01",
                        end="2026-12-31", rent_eur_per_month=1000, lease_id="L1")  # fmt: skip
    engine.dispose()
    return path


def _leases(url: str) -> list[tuple[Any, ...]]:
    engine = register.open_register(url)
    try:
        frame = register.list_leases(engine)
        return sorted(
            (r.unit_id, r.tenant_id, r.start, r.end, r.rent_eur_per_month, r.common_cost_share)
            for r in frame.itertuples()
        )
    finally:
        engine.dispose()


def by_cli(url: str, lease: dict[str, str], capsys: pytest.CaptureFixture, _tmp: Path) -> set:
    args = [a for field, flag in OPTIONS.items() for a in (flag, lease[field])]
    code = main(["lease", "sign", *args, "--db", url])
    err = capsys.readouterr().err
    assert (code == 0) == (err == ""), err
    fields = {field for field, flag in OPTIONS.items() if f"({flag})" in err}
    assert code == 0 or fields, err  # a refusal names at least one option
    return fields


def by_import(url: str, lease: dict[str, str], capsys: pytest.CaptureFixture, tmp: Path) -> set:
    path = tmp / "leases.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(lease))
        writer.writeheader()
        writer.writerow(lease)
    code = main(["lease", "import", str(path), "--db", url])
    err = capsys.readouterr().err
    assert (code == 0) == (err == ""), err
    return set(re.findall(r"row 2 column (\w+):", err))


class _Typed(Selectbox):
    """A select box into which the user typed a new value (``accept_new_options``), as the
    browser sends it; AppTest's own ``set_value`` takes listed options only."""

    typed: str

    @property
    def _widget_state(self) -> WidgetState:
        return WidgetState(id=self.id, string_value=self.typed)


def _pick(box: Selectbox, value: str) -> None:
    if value in box.options or any(o.startswith(f"{value} ") for o in box.options):
        box.set_value(value)
    else:
        box.__class__ = _Typed
        box.typed = value  # type: ignore[attr-defined]


def _day(text: str) -> dt.date | None:
    """What the form's date picker holds for ``text``: the date, or nothing for text that is
    not a date (the picker takes no such text; it is left empty)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _errors_by_slot(node: Any, slot: str | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    key = getattr(node, "proto", None) and isinstance(node, Block) and node.key
    if isinstance(key, str) and key.startswith("sign_error_"):
        slot = key.removeprefix("sign_error_")
    if getattr(node, "type", None) == "error":
        found.setdefault(slot or "(outside the form)", []).append(node.value)
    for child in getattr(node, "children", {}).values():
        for k, v in _errors_by_slot(child, slot).items():
            found.setdefault(k, []).extend(v)
    return found


def by_form(url: str, lease: dict[str, str], _capsys: Any, _tmp: Path) -> set:
    from site_manager.app import state

    app = AppTest.from_string(
        "from site_manager.app import state, page_tenants\nstate.init()\npage_tenants.render()\n",
        default_timeout=120,
    )
    app.session_state[state.DB_URL] = url
    app.run()
    assert not app.exception
    _pick(app.selectbox(key="sign_unit"), lease["unit_id"])
    _pick(app.selectbox(key="sign_tenant"), lease["tenant_id"])
    app.date_input(key="sign_start").set_value(_day(lease["start"]))
    app.date_input(key="sign_end").set_value(_day(lease["end"]))
    app.number_input(key="sign_rent").set_value(float(lease["rent_eur_per_month"]))
    app.number_input(key="sign_share").set_value(float(lease["common_cost_share"]))
    next(b for b in app.get("form_submit_button") if b.proto.label == "Sign").click().run()
    assert [e.value for e in app.exception] == []
    errors = _errors_by_slot(app._tree)
    signed = any("signed" in s.value for s in app.success)
    assert signed == (not errors), errors
    return set(errors)


FRONT_ENDS = {"lease sign": by_cli, "lease import": by_import, "sign form": by_form}


@pytest.mark.parametrize("case", list(CASES))
def test_the_cli_the_import_and_the_form_accept_and_refuse_the_same_leases_naming_one_field(
    case: str, template: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    changes, field = CASES[case]
    lease = GOOD | changes
    expected = {field} if field else set()
    named = {}
    for name, front_end in FRONT_ENDS.items():
        folder = tmp_path / name.replace(" ", "_")
        folder.mkdir()
        url = f"sqlite:///{shutil.copy(template, folder / 'register.sqlite')}"
        before = _leases(url)
        named[name] = front_end(url, lease, capsys, folder)
        after = _leases(url)
        if field is None:
            new = (lease["unit_id"], lease["tenant_id"], dt.date.fromisoformat(lease["start"]),
                   dt.date.fromisoformat(lease["end"]), float(lease["rent_eur_per_month"]),
                   float(lease["common_cost_share"]))  # fmt: skip
            assert after == sorted([*before, new]), name
        else:
            assert after == before, name
    assert named == dict.fromkeys(FRONT_ENDS, expected)
