"""Who may do what: the check below every verb, and refusals on the audit trail."""

from __future__ import annotations

import pytest

from site_manager import register
from site_manager.register import access
from site_manager.register.access import AccessDenied, Principal, Role


def _site(tmp_path):  # type: ignore[no-untyped-def]
    engine = register.open_register(f"sqlite:///{tmp_path / 'r.sqlite'}")
    register.load_sample(engine, "textile_mill")
    return engine


def _trail(engine):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from site_manager.register.schema import AuditEntry

    with register.transaction(engine, readonly=True) as s:
        e = AuditEntry
        rows = s.execute(select(e.actor, e.verb, e.action, e.site_pk).order_by(e.id)).all()
    return [tuple(r) for r in rows]


def test_a_municipality_user_cannot_sign_a_lease_and_the_refusal_is_on_the_trail(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = _site(tmp_path)
    f = register.frames(engine)
    unit = f.units["unit_id"].iloc[0]
    tenant = f.tenants["tenant_id"].iloc[0]
    leases_before = len(f.leases)
    audit_before = _trail(engine)
    clerk = Principal("clerk", Role.MUNICIPALITY, via="password")
    with (
        access.acting_as(clerk),
        pytest.raises(AccessDenied, match="'clerk' .municipality. may not sign lease"),
    ):
        register.sign_lease(engine, unit_id=unit, tenant_id=tenant, start="2040-01-01",
                            end="2040-12-31", rent_eur_per_month=100)  # fmt: skip
    assert len(register.frames(engine).leases) == leases_before
    trail = _trail(engine)
    assert trail[:-1] == audit_before
    assert trail[-1] == ("clerk", "sign_lease", "refused", None)  # a register-wide entry


def test_a_landlord_signs_and_is_recorded_by_name_a_planner_may_not(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = _site(tmp_path)
    f = register.frames(engine)
    lid = f.leases["lease_id"].iloc[0]
    end = f.leases["end"].iloc[0]
    with access.acting_as(Principal("pia", Role.PLANNER)), pytest.raises(AccessDenied):
        register.end_lease(engine, lid, on=end)
    with access.acting_as(Principal("lou", Role.LANDLORD)):
        register.rename_unit(engine, f.units["unit_id"].iloc[0], name="Renamed by the landlord")
    audit = register.get_audit(engine)
    assert "lou" in set(audit.loc[audit["verb"] == "rename_unit", "actor"])


def test_with_login_required_nobody_acting_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine = _site(tmp_path)
    monkeypatch.setattr(access, "_login_required", True)
    with pytest.raises(AccessDenied, match="log in"):
        register.rename_unit(engine, register.frames(engine).units["unit_id"].iloc[0], name="x")


def test_a_tenant_books_only_for_itself() -> None:
    me = Principal("tess", Role.TENANT, tenant_id="T01")
    assert access.authorize("make_booking", me, tenant_id="T01") == "tess"
    with pytest.raises(AccessDenied, match="for tenant 'T02'"):
        access.authorize("make_booking", me, tenant_id="T02")
    with pytest.raises(AccessDenied):
        access.authorize("sign_lease", me)


def test_every_verb_that_writes_the_trail_has_an_entry_in_the_permissions_table() -> None:
    import re
    from pathlib import Path

    package = Path(register.__file__).parent
    verbs = set()
    for path in package.glob("*.py"):
        verbs |= set(re.findall(r'Audit\([^)]*?"(\w+)"\)', path.read_text(encoding="utf-8")))
    verbs |= {f"import_{k}" for k in ("tenants", "leases", "equipment", "applicants")}
    assert len(verbs) > 25
    assert verbs - set(access.PERMISSIONS) == {"example"}  # audit.py's docstring example


def test_logins_and_refusals_go_on_the_trail_without_changing_the_data_revision(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from site_manager.register import users

    engine = _site(tmp_path)
    users.add_user(engine, "lou", role="landlord", password="a long enough passphrase")
    revision, trail = register.get_revision(engine), len(_trail(engine))
    users.check_login(engine, "lou", "a long enough passphrase")
    with pytest.raises(AccessDenied):
        users.check_login(engine, "lou", "wrong")
    with access.acting_as(Principal("clerk", Role.MUNICIPALITY)), pytest.raises(AccessDenied):
        register.rename_unit(engine, register.frames(engine).units["unit_id"].iloc[0], name="x")
    assert len(_trail(engine)) == trail + 3  # login, failed login, refusal: all on the trail
    assert register.get_revision(engine) == revision  # the caches of the site stay valid
    register.rename_unit(engine, register.frames(engine).units["unit_id"].iloc[0], name="y")
    assert register.get_revision(engine) == revision + 1
