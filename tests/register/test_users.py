"""Users of the dashboard: hashed passwords, refusals, the slow-down, the trail, no clear text."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, update

from site_manager import register
from site_manager.errors import SiteManagerError
from site_manager.register import access, users
from site_manager.register.access import AccessDenied, Principal, Role
from site_manager.register.schema import AuditEntry
from site_manager.register.user_schema import User

T0 = dt.datetime(2030, 1, 1, 12, 0, tzinfo=dt.UTC)
PASSWORD = "Sesame-open-4711"


def _engine(url: str, model):  # type: ignore[no-untyped-def]
    engine = register.open_register(url)
    register.create_site(engine, model, site_id="works", name="Works")
    register.add_tenant(engine, "T01", name="Weaver & Co", site="works")
    return engine


@pytest.fixture
def engine(db_url, small_model):  # type: ignore[no-untyped-def]
    e = _engine(db_url, small_model)
    yield e
    e.dispose()


def _trail(engine, actions=("login", "login_failed")):  # type: ignore[no-untyped-def]
    with register.transaction(engine, readonly=True) as s:
        e = AuditEntry
        rows = s.execute(select(e.actor, e.action, e.after_json).where(e.action.in_(actions))
                         .order_by(e.id)).all()  # fmt: skip
    return [tuple(r) for r in rows]


def _stored(engine, name):  # type: ignore[no-untyped-def]
    with register.transaction(engine, readonly=True) as s:
        return s.scalars(select(User).where(User.name == name)).one()


def test_the_password_is_stored_as_an_argon2id_hash_that_verifies(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    stored = _stored(engine, "ana").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PasswordHasher().verify(stored, PASSWORD)  # argon2 itself, not our wrapper
    p = register.check_login(engine, "ana", PASSWORD)
    assert (p, p.role, p.tenant_id, p.via) == ("ana", Role.PLANNER, None, "password")


def test_an_unknown_user_and_a_wrong_password_get_the_same_message(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    with pytest.raises(users.LoginFailed) as wrong:
        register.check_login(engine, "ana", PASSWORD + "x", now=T0)
    with pytest.raises(users.LoginFailed) as unknown:
        register.check_login(engine, "bob", PASSWORD, now=T0)
    assert str(wrong.value) == str(unknown.value) == "wrong user name or password"
    assert isinstance(wrong.value, AccessDenied)
    assert _stored(engine, "ana").failed_logins == 1


def test_a_disabled_user_is_refused_even_with_the_right_password(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="landlord", password=PASSWORD)
    register.disable_user(engine, "ana")
    with pytest.raises(users.LoginFailed, match="'ana' is disabled"):
        register.check_login(engine, "ana", PASSWORD)
    with pytest.raises(users.LoginFailed, match="^wrong user name or password$"):
        register.check_login(engine, "ana", "not the password")  # tells nothing more
    assert bool(register.list_users(engine).set_index("name").loc["ana", "disabled"])


def test_five_failures_slow_the_next_attempts_with_a_doubling_wait(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    for i in range(5):  # five failures, one a second: none slowed
        with pytest.raises(users.LoginFailed, match="^wrong"):
            register.check_login(engine, "ana", "bad-guess", now=T0 + dt.timedelta(seconds=i))
    last = T0 + dt.timedelta(seconds=4)
    # 1 s after the 5th failure, even the right password is refused: 4 s wait, 3 s left
    with pytest.raises(users.LoginFailed, match="wait 3 s"):
        register.check_login(engine, "ana", PASSWORD, now=last + dt.timedelta(seconds=1))
    assert _stored(engine, "ana").failed_logins == 5  # a refused attempt is not counted
    # after the wait a wrong password is checked again and the wait doubles (8 s)
    last = last + dt.timedelta(seconds=4)
    with pytest.raises(users.LoginFailed, match="^wrong"):
        register.check_login(engine, "ana", "bad-guess", now=last)
    with pytest.raises(users.LoginFailed, match="wait 6 s"):
        register.check_login(engine, "ana", PASSWORD, now=last + dt.timedelta(seconds=2))
    # after 8 s the right password logs in and the count starts again
    p = register.check_login(engine, "ana", PASSWORD, now=last + dt.timedelta(seconds=8))
    assert p == "ana"
    after = _stored(engine, "ana")
    assert (after.failed_logins, after.last_failed_at) == (0, None)


def test_a_name_that_is_no_user_is_slowed_exactly_as_a_user_is(engine) -> None:  # type: ignore[no-untyped-def]
    """The same attempts at a user's name with wrong passwords and at a name that is no
    user get the same messages, waits included: the login form tells neither apart."""
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    seconds = [0, 1, 2, 3, 4, 5, 8, 9, 16, 17, 40]  # five free, then waits of 4, 8, 16 s

    def messages(name: str, start: dt.datetime) -> list[str]:
        out = []
        for t in seconds:
            with pytest.raises(users.LoginFailed) as refused:
                register.check_login(engine, name, "bad-guess",
                                     now=start + dt.timedelta(seconds=t))  # fmt: skip
            out.append(str(refused.value))
        return out

    known = messages("ana", T0)
    unknown = messages("nobody", T0 + dt.timedelta(hours=1))
    assert known == unknown
    assert sum("wait" in m for m in known) >= 3, known  # the sequence did reach the waits


def test_the_wait_is_capped_at_fifteen_minutes(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    with register.transaction(engine) as s:
        s.execute(update(User).where(User.name == "ana").values(failed_logins=40,
                                                                 last_failed_at=T0))  # fmt: skip
    with pytest.raises(users.LoginFailed, match="wait 1 s"):  # 15 min = 900 s after T0
        register.check_login(engine, "ana", PASSWORD, now=T0 + dt.timedelta(seconds=899))
    assert register.check_login(engine, "ana", PASSWORD, now=T0 + dt.timedelta(seconds=900))


def test_logins_and_failed_logins_are_on_the_trail(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    register.check_login(engine, "ana", PASSWORD)
    with pytest.raises(users.LoginFailed):
        register.check_login(engine, "ana", "bad-guess")
    with pytest.raises(users.LoginFailed):
        register.check_login(engine, "nobody", "bad-guess")
    trail = [(actor, action) for actor, action, _ in _trail(engine)]
    assert trail == [("ana", "login"), ("ana", "login_failed"), ("nobody", "login_failed")]
    with register.transaction(engine, readonly=True) as s:
        entries = [tuple(r) for r in s.execute(select(AuditEntry.__table__))]
    assert entries and "bad-guess" not in repr(entries)


def test_a_tenant_user_acts_for_its_tenant_and_needs_one(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "wes", role="tenant", password=PASSWORD, tenant_id="T01",
                      site="works")  # fmt: skip
    p = register.check_login(engine, "wes", PASSWORD)
    assert (p.role, p.tenant_id) == (Role.TENANT, "T01")
    listed = register.list_users(engine).set_index("name").loc["wes"]
    assert (listed["site"], listed["tenant_id"]) == ("works", "T01")
    with pytest.raises(SiteManagerError, match="needs the tenant"):
        register.add_user(engine, "tom", role="tenant", password=PASSWORD)
    with pytest.raises(SiteManagerError, match="T99"):
        register.add_user(engine, "tom", role="tenant", password=PASSWORD, tenant_id="T99")
    with pytest.raises(SiteManagerError, match="acts for no tenant"):
        register.add_user(engine, "tom", role="planner", password=PASSWORD, tenant_id="T01")
    with pytest.raises(SiteManagerError, match="role"):
        register.add_user(engine, "tom", role="mayor", password=PASSWORD)
    with pytest.raises(SiteManagerError, match="already"):
        register.add_user(engine, "wes", role="planner", password=PASSWORD)
    assert list(register.list_users(engine)["name"]) == ["wes"]


def test_only_an_admin_manages_users(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    pia = Principal("pia", Role.PLANNER, via="password")
    with access.acting_as(pia), pytest.raises(AccessDenied, match="manage users"):
        register.add_user(engine, "eve", role="admin", password=PASSWORD)
    with access.acting_as(pia), pytest.raises(AccessDenied):
        register.set_password(engine, "ana", "another-password")
    with access.acting_as(pia), pytest.raises(AccessDenied):
        register.list_users(engine)
    assert list(register.list_users(engine)["name"]) == ["ana"]
    assert register.check_login(engine, "ana", PASSWORD) == "ana"


def test_a_new_password_replaces_the_old_one(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    with pytest.raises(SiteManagerError, match="too short"):
        register.set_password(engine, "ana", "short")
    register.set_password(engine, "ana", "a-brand-new-one")
    with pytest.raises(users.LoginFailed):
        register.check_login(engine, "ana", PASSWORD)
    assert register.check_login(engine, "ana", "a-brand-new-one") == "ana"


def test_an_oidc_login_is_matched_by_email(engine) -> None:  # type: ignore[no-untyped-def]
    register.add_user(engine, "olga", role="municipality", email="Olga@Town.example")
    p = register.principal_for_email(engine, "olga@town.EXAMPLE")
    assert (p, p.role, p.via) == ("olga", Role.MUNICIPALITY, "oidc")
    with pytest.raises(AccessDenied, match="mallory@evil.example"):
        register.principal_for_email(engine, "mallory@evil.example")
    register.disable_user(engine, "olga")
    with pytest.raises(AccessDenied):
        register.principal_for_email(engine, "olga@town.example")
    with pytest.raises(users.LoginFailed):  # no password: no password login
        register.check_login(engine, "olga", "")
    outcomes = [(a, act) for a, act, _ in _trail(engine)]
    failed = "login_failed"
    assert outcomes == [("olga", "login"), ("mallory@evil.example", failed),
                        ("olga@town.example", failed), ("olga", failed)]  # fmt: skip


def test_demo_accounts_one_per_role_only_on_a_register_without_users(engine) -> None:  # type: ignore[no-untyped-def]
    made = register.ensure_demo_accounts(engine)
    assert len(made) == len(Role) and len(set(made.values())) == len(Role)
    roles = {}
    for name, password in made.items():
        p = register.check_login(engine, name, password)
        roles[p.role] = p
    assert set(roles) == set(Role)
    assert roles[Role.TENANT].tenant_id == "T01"  # the register's only tenant
    assert register.ensure_demo_accounts(engine) == {}
    assert len(register.list_users(engine)) == len(Role)


def test_no_clear_password_in_the_database_file_or_the_log(
    sqlite_url: str, small_model, caplog: pytest.LogCaptureFixture
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    engine = _engine(sqlite_url, small_model)
    register.add_user(engine, "ana", role="planner", password=PASSWORD)
    register.set_password(engine, "ana", "Second-secret-99")
    with pytest.raises(users.LoginFailed):
        register.check_login(engine, "ana", "Third-guess-1234")
    register.check_login(engine, "ana", "Second-secret-99")
    demo = register.ensure_demo_accounts(engine)  # users exist: none made
    register.disable_user(engine, "ana")
    register.add_user(engine, "bo", role="landlord", password="Fourth-secret-55")
    assert demo == {}
    engine.dispose()  # the WAL is folded into the file
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    data = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    logged = caplog.text
    assert "user ana added" in logged  # the log was captured
    for secret in (PASSWORD, "Second-secret-99", "Third-guess-1234", "Fourth-secret-55"):
        assert secret.encode() not in data, secret
        assert secret not in logged, secret
    assert b"$argon2id$" in data
