"""``site-manager user``: add, list, disable, passwd, demo; passwords from stdin or typed twice."""

from __future__ import annotations

import io
import json

import pytest

from site_manager import register
from site_manager.cli import main, user_cmds
from site_manager.register.access import Role
from site_manager.register.users import LoginFailed


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def db(sqlite_url, small_model):  # type: ignore[no-untyped-def]
    engine = register.open_register(sqlite_url)
    register.create_site(engine, small_model, site_id="works", name="Works")
    register.add_tenant(engine, "T01", name="Weaver & Co", site="works")
    engine.dispose()
    return sqlite_url


def _run(args, capsys, monkeypatch, stdin="") -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def _login(url, name, password):  # type: ignore[no-untyped-def]
    engine = register.open_register(url)
    try:
        return register.check_login(engine, name, password)
    finally:
        engine.dispose()


def test_add_reads_the_password_from_stdin_and_list_never_shows_it(db, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["user", "add", "wes", "--role", "tenant", "--tenant", "T01", "--db", db],
                        capsys, monkeypatch, "weaving-is-fun\nsecond line ignored\n")  # fmt: skip
    assert (code, out) == (0, "added user wes (tenant for tenant T01)\n")
    p = _login(db, "wes", "weaving-is-fun")
    assert (p.role, p.tenant_id) == (Role.TENANT, "T01")
    code, out, _ = _run(["user", "list", "--format", "json", "--db", db], capsys, monkeypatch)
    (row,) = json.loads(out)
    assert (row["name"], row["role"], row["site"], row["tenant_id"], row["login"]) == (
        "wes", "tenant", "works", "T01", "password")  # fmt: skip
    assert "weaving-is-fun" not in out and "argon2" not in out


def test_passwd_and_disable(db, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _run(["user", "add", "ana", "--role", "planner", "--db", db], capsys, monkeypatch,
         "first-password\n")  # fmt: skip
    code, out, _ = _run(["user", "passwd", "ana", "--db", db], capsys, monkeypatch,
                        "second-password\n")  # fmt: skip
    assert (code, out) == (0, "changed the password of user ana\n")
    assert _login(db, "ana", "second-password") == "ana"
    assert _run(["user", "disable", "ana", "--db", db], capsys, monkeypatch)[0] == 0
    with pytest.raises(LoginFailed, match="disabled"):
        _login(db, "ana", "second-password")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "mayor"], "error: user ana role 'mayor' is not one of admin, planner, "),
        (["--role", "tenant", "--tenant", "T99"], "error: tenant 'T99' does not exist in site "),
        (["--role", "tenant"], "error: user 'ana' of role tenant needs the tenant "),
        (["--role", "planner", "--tenant", "T01"], "error: user 'ana' of role planner acts for "),
    ],
)
def test_a_bad_role_or_tenant_is_one_line_exit_2(db, capsys, monkeypatch, args, message) -> None:  # type: ignore[no-untyped-def]
    code, out, err = _run(["user", "add", "ana", *args, "--db", db], capsys, monkeypatch,
                          "a-good-password\n")  # fmt: skip
    assert (code, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1, err
    listed = _run(["user", "list", "--format", "json", "--db", db], capsys, monkeypatch)[1]
    assert json.loads(listed) == []


def test_a_terminal_is_asked_twice_and_two_different_answers_change_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    answers = iter(["typed-once-1", "typed-once-1", "typed-one", "typed-two"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert user_cmds.read_password(_Tty()) == "typed-once-1"
    with pytest.raises(Exception, match="the two passwords differ"):
        user_cmds.read_password(_Tty())


def test_demo_prints_one_password_per_role_once(db, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(["user", "demo", "--db", db], capsys, monkeypatch)
    assert code == 0
    lines = [line.split() for line in out.splitlines()[1:]]
    assert {name for name, _ in lines} == {f"demo-{r.value}" for r in Role}
    for name, password in lines:
        assert _login(db, name, password).role.value == name.removeprefix("demo-")
    code, out, _ = _run(["user", "demo", "--db", db], capsys, monkeypatch)
    assert (code, "no demo account made" in out) == (0, True)


def test_demo_load_samples_fills_an_empty_register_first(tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("site_manager.register.samples.sample_names", lambda: ["textile_mill"])
    db = f"sqlite:///{tmp_path / 'new.sqlite'}"
    code, out, _ = _run(["user", "demo", "--load-samples", "--db", db], capsys, monkeypatch)
    assert code == 0 and out.startswith("loaded the sample sites: textile_mill\n")
    engine = register.open_register(db)
    first_tenant = sorted(register.list_tenants(engine, "textile_mill")["tenant_id"])[0]
    engine.dispose()
    password = dict(line.split() for line in out.splitlines()[2:])["demo-tenant"]
    assert _login(db, "demo-tenant", password).tenant_id == first_tenant
    # a register with a site: nothing loaded again
    code, out, _ = _run(["user", "demo", "--load-samples", "--db", db], capsys, monkeypatch)
    assert "loaded" not in out
