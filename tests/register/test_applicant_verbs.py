"""Adding and editing one applicant: the verbs, their refusals, the audit trail and the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from site_manager import register
from site_manager.cli import main
from site_manager.errors import NotFoundError, SiteManagerError, ValidationError
from site_manager.register import rules
from site_manager.register.schema import AuditEntry


@pytest.fixture
def engine(tmp_path: Path) -> Any:
    """A register with one bare site (no model needed for applicants)."""
    e = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    with register.transaction(e) as s:
        from site_manager.register.schema import Site

        s.add(Site(site_id="s1", name="Site one", created_at=dt.datetime.now(dt.UTC)))
    yield e
    e.dispose()


def _applicants(engine: Any) -> Any:
    return register.list_applicants(engine).set_index("applicant_id")


def _entries(engine: Any) -> list[Any]:
    with register.transaction(engine) as s:
        return [(e.verb, e.record, e.before_json, e.after_json) for e in s.scalars(
            select(AuditEntry).order_by(AuditEntry.id))]  # fmt: skip


def test_add_applicant_stores_the_values_given_and_the_defaults(engine: Any) -> None:
    register.add_applicant(engine, "A1", name="Kiln co", area_min_m2="40", area_max_m2=80,
                           rent_eur_per_m2_month=9.5, needs="kiln; laser_cutter",
                           noise_sensitive="yes")  # fmt: skip
    row = _applicants(engine).loc["A1"]
    assert (row["name"], row["area_min_m2"], row["area_max_m2"]) == ("Kiln co", 40.0, 80.0)
    assert (row["needs"], bool(row["noise_sensitive"]), row["hazard"]) == (
        "kiln;laser_cutter", True, 0)  # fmt: skip
    verb, record, before, after = _entries(engine)[-1]
    assert (verb, record, before) == ("add_applicant", "A1", None)
    assert json.loads(after)["rent_eur_per_m2_month"] == 9.5


def test_edit_applicant_changes_only_the_fields_given_and_audits_before_and_after(
    engine: Any,
) -> None:
    register.add_applicant(engine, "A1", area_min_m2=40, area_max_m2=80,
                           rent_eur_per_m2_month=9.5, power_kw=10)  # fmt: skip
    after = register.edit_applicant(engine, "A1", area_max_m2=120, hazard=2)
    row = _applicants(engine).loc["A1"]
    assert (row["area_min_m2"], row["area_max_m2"], row["hazard"], row["power_kw"]) == (
        40.0, 120.0, 2, 10.0)  # fmt: skip
    assert after["area_max_m2"] == 120.0
    verb, _, before, after_text = _entries(engine)[-1]
    assert verb == "edit_applicant"
    assert (json.loads(before)["area_max_m2"], json.loads(after_text)["area_max_m2"]) == (80, 120)


def test_applicant_verbs_refuse_bad_values_duplicates_and_unknown_ids_changing_nothing(
    engine: Any,
) -> None:
    register.add_applicant(engine, "A1", area_min_m2=40, area_max_m2=80, rent_eur_per_m2_month=9)
    revision = register.get_revision(engine)
    with pytest.raises(ValidationError) as err:
        register.add_applicant(engine, "A2", area_min_m2=90, area_max_m2=80,
                               rent_eur_per_m2_month=-1)  # fmt: skip
    assert sorted(p.field for p in rules.problems_of(err.value)) == [
        "area_max_m2", "rent_eur_per_m2_month"]  # fmt: skip
    with pytest.raises(ValidationError) as err:
        register.edit_applicant(engine, "A1", area_min_m2=100)  # above the stored maximum
    assert [p.field for p in rules.problems_of(err.value)] == ["area_max_m2"]
    with pytest.raises(SiteManagerError):
        register.add_applicant(engine, "A1", area_min_m2=1, area_max_m2=2, rent_eur_per_m2_month=1)
    with pytest.raises(NotFoundError):
        register.edit_applicant(engine, "A9", name="x")
    with pytest.raises(ValidationError):
        register.edit_applicant(engine, "A1", colour="red")
    assert register.get_revision(engine) == revision
    assert _applicants(engine).loc["A1", "area_min_m2"] == 40.0


def test_cli_applicant_add_and_edit(engine: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(engine.url)
    assert main(["applicant", "add", "A7", "--area-min", "30", "--area-max", "60",
                 "--rent", "8", "--needs", "kiln", "--db", url]) == 0  # fmt: skip
    assert main(["applicant", "edit", "A7", "--rent", "8.5", "--db", url]) == 0
    row = _applicants(engine).loc["A7"]
    assert (row["area_max_m2"], row["rent_eur_per_m2_month"], row["needs"]) == (60.0, 8.5, "kiln")
    assert main(["applicant", "edit", "A7", "--area-min", "70", "--db", url]) == 2
    assert "--area-max" in capsys.readouterr().err
