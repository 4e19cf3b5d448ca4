"""The register's users: add, disable, change a password, list, and check a login.

A user has one role for the whole register (:class:`~site_manager.register.access.Role`);
a user of role ``tenant`` acts for one tenant, named by its site and tenant id (tenant ids
are unique only within a site). Passwords are stored as argon2id hashes (argon2-cffi's
defaults), never in clear, and never written to the audit trail or the log; a user with no
password logs in only through the site's OpenID Connect provider, matched by e-mail
(:func:`principal_for_email`).

Managing users is the action ``manage_users`` (admin); each change is on the audit trail
(verb ``manage_users``, table ``users``). Every login and failed login is on the trail too
(:func:`~site_manager.register.audit.record_event`, action ``login`` or ``login_failed``).

Failed logins
-------------
After :data:`FREE_FAILURES` failed logins in a row, a user's next attempts are refused
without looking at the password until ``last_failed_at`` plus :func:`wait_after`: a delay
that starts at :data:`SLOW_BASE_S` and doubles with each further failure, up to
:data:`SLOW_CAP_S`. A success resets the count. An unknown user name and a wrong password
are refused with the same message.

Examples
--------
>>> from site_manager import register
>>> engine = register.open_register("sqlite://")
>>> add_user(engine, "ana", role="planner", password="correct horse battery")
'ana'
>>> p = check_login(engine, "ana", "correct horse battery")
>>> p.name, p.role.value, p.via
('ana', 'planner', 'password')
>>> wait_after(4), wait_after(5), wait_after(6), wait_after(40)
(0.0, 4.0, 8.0, 900.0)
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from site_manager.errors import ValidationError
from site_manager.register import access, contracts, core, rules
from site_manager.register.access import AccessDenied, Principal, Role
from site_manager.register.audit import Audit, now, record_event
from site_manager.register.engine import KEEP_REVISION, get_actor, transaction
from site_manager.register.schema import AuditEntry, Site, Tenant
from site_manager.register.user_schema import User

log = logging.getLogger(__name__)

Bind = Engine | Session

#: Failed logins in a row that are not slowed. [-]
FREE_FAILURES = 5
#: The wait after :data:`FREE_FAILURES` failures; it doubles with each further one. [s]
SLOW_BASE_S = 4.0
#: The longest wait between two attempts. [s]
SLOW_CAP_S = 15 * 60.0
#: Shortest password accepted. [characters]
MIN_PASSWORD_LENGTH = 8
#: Longest password accepted (argon2 hashes any length; this bounds the work). [characters]
MAX_PASSWORD_LENGTH = 1024
#: The one message for an unknown user name and a wrong password.
WRONG = "wrong user name or password"

_hasher = PasswordHasher()  # argon2id, argon2-cffi's recommended parameters
#: A hash to verify against when the user is unknown, so both refusals take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class LoginFailed(AccessDenied):
    """A login refused: unknown user or wrong password (one message), disabled, or slowed."""


def wait_after(failed_logins: int) -> float:
    """How long a user must wait after its last failed login before the next attempt. [s]

    0 below :data:`FREE_FAILURES` failures in a row; then :data:`SLOW_BASE_S`, doubling with
    each further failure, at most :data:`SLOW_CAP_S`.
    """
    extra = failed_logins - FREE_FAILURES
    if extra < 0:
        return 0.0
    return min(SLOW_BASE_S * 2.0 ** min(extra, 64), SLOW_CAP_S)


def _check_password(password: str) -> str:
    if not isinstance(password, str) or not password:
        raise ValidationError("a password is required; give one")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"the password is too short ({len(password)} characters); use at least "
            f"{MIN_PASSWORD_LENGTH}"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"the password is longer than {MAX_PASSWORD_LENGTH} characters")
    if "\x00" in password or "\n" in password or "\r" in password:
        raise ValidationError("the password holds a NUL or line break; type it on one line")
    return password


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (refused: shorter than :data:`MIN_PASSWORD_LENGTH`)."""
    return _hasher.hash(_check_password(password))


def _verify(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def _get_user(s: Session, name: str) -> User:
    user = s.scalars(select(User).where(User.name == name)).one_or_none()
    if user is None:
        rules.refuse([rules.Problem("name", f"user {name!r} does not exist; see "
                                    "`site-manager user list`", kind="unknown")])  # fmt: skip
    assert user is not None
    return user


def _normal_email(email: str | None) -> str | None:
    if email is None or not str(email).strip():
        return None
    text = str(email).strip().lower()
    if "@" not in text.strip("@"):
        raise ValidationError(f"user e-mail {text!r} is not an e-mail address (name@domain)")
    return text


def _entry(user: User, tenant: Tenant | None, site: Site | None) -> dict[str, Any]:
    """A user as its audit entries show it (never the hash: only whether there is one)."""
    return {"name": user.name, "role": user.role, "email": user.email,
            "tenant_id": None if tenant is None else tenant.tenant_id,
            "site": None if site is None else site.site_id, "disabled": user.disabled,
            "password": "set" if user.password_hash else "none"}  # fmt: skip


def add_user(
    bind: Bind,
    name: str,
    *,
    role: Role | str,
    password: str | None = None,
    tenant_id: str | None = None,
    site: str | None = None,
    email: str | None = None,
    actor: str | None = None,
) -> str:
    """Add a user who may log in to the dashboard.

    Parameters
    ----------
    bind : Engine or Session
        The register.
    name : str
        User name typed at login, unique in the register (one line, at most 200 characters).
    role : Role or str
        ``admin``, ``planner``, ``landlord``, ``municipality`` or ``tenant``.
    password : str, optional
        At least :data:`MIN_PASSWORD_LENGTH` characters; stored as an argon2id hash. None:
        the user logs in only through OpenID Connect (give ``email``).
    tenant_id : str, optional
        Role tenant (required there, refused otherwise): the tenant it acts for.
    site : str, optional
        Role tenant: the tenant's site id (default: the only site).
    email : str, optional
        Unique; OpenID Connect logins are matched by it (stored lower-case).
    actor : str, optional
        Who adds it (default: the acting user; must be an admin).

    Returns
    -------
    str
        The user's name.
    """
    values, problems = rules.values_from_contract(
        contracts.USERS,
        {"name": name, "role": str(role), "tenant_id": tenant_id, "site": site, "email": email},
    )
    rules.refuse(problems)
    role = Role(values["role"])
    if role is Role.TENANT and not values["tenant_id"]:
        rules.refuse([rules.Problem("tenant_id", f"user {name!r} of role tenant needs the "
                                    "tenant it acts for; give --tenant ID")])  # fmt: skip
    if role is not Role.TENANT and (values["tenant_id"] or values["site"]):
        message = (f"user {name!r} of role {role.value} acts for no tenant; give --tenant "
                   "only with role tenant")  # fmt: skip
        rules.refuse([rules.Problem("tenant_id", message)])
    email_value = _normal_email(values["email"])
    hashed = None if password is None else hash_password(password)
    if hashed is None and email_value is None:
        raise ValidationError(f"user {name!r} needs a password or an e-mail (OpenID Connect)")
    who = get_actor(actor)
    with transaction(bind) as s:
        audit = Audit(s, None, who, "manage_users")
        same = User.name == values["name"]
        if email_value is not None:  # (``== None`` would match every user without one)
            same = same | (User.email == email_value)
        clash = s.scalars(select(User.name).where(same)).first()
        if clash is not None:
            field = "name" if clash == values["name"] else "email"
            rules.refuse([rules.Problem(field, f"user {clash!r} already has this {field}; "
                                        "choose another", kind="conflict")])  # fmt: skip
        st = tenant = None
        if role is Role.TENANT:
            st = core.get_site(s, values["site"])
            tenant = core.get_tenant(s, st, values["tenant_id"])
        user = User(name=values["name"], role=role.value, email=email_value,
                    tenant_pk=None if tenant is None else tenant.id, password_hash=hashed,
                    disabled=False, failed_logins=0, created_at=now())  # fmt: skip
        s.add(user)
        s.flush()
        audit.note("users", user.name, "insert", after=_entry(user, tenant, st))
    log.info("user %s added (role %s)", values["name"], role.value)
    return str(values["name"])


def set_password(bind: Bind, name: str, password: str, *, actor: str | None = None) -> None:
    """Give user ``name`` a new password (argon2id hash); its failed logins are reset.

    Refused: a password shorter than :data:`MIN_PASSWORD_LENGTH` characters, an unknown
    user, an actor who is not an admin.
    """
    hashed = hash_password(password)
    who = get_actor(actor)
    with transaction(bind) as s:
        audit = Audit(s, None, who, "manage_users")
        user = _get_user(s, name)
        had = "set" if user.password_hash else "none"
        user.password_hash, user.failed_logins, user.last_failed_at = hashed, 0, None
        audit.note("users", name, "update", before={"password": had},
                   after={"password": "changed"})  # fmt: skip
    log.info("password of user %s changed", name)


def disable_user(bind: Bind, name: str, *, actor: str | None = None) -> None:
    """Disable user ``name``: it can no longer log in (the record and its trail stay)."""
    who = get_actor(actor)
    with transaction(bind) as s:
        audit = Audit(s, None, who, "manage_users")
        user = _get_user(s, name)
        if not user.disabled:
            user.disabled = True
            audit.note("users", name, "update", before={"disabled": False},
                       after={"disabled": True})  # fmt: skip
    log.info("user %s disabled", name)


#: The columns of :func:`list_users`.
USER_COLUMNS = ["name", "role", "site", "tenant_id", "email", "login", "disabled",
                "failed_logins", "last_failed_at", "created_at"]  # fmt: skip


def list_users(bind: Bind, *, actor: str | None = None) -> pd.DataFrame:
    """The users, by name: :data:`USER_COLUMNS` (never a password hash).

    ``login`` is ``password`` (it has one) or ``oidc only``; ``site`` and ``tenant_id`` name
    the tenant a user of role tenant acts for; ``last_failed_at`` is UTC. Admins only.
    """
    access.authorize("manage_users", actor)
    with transaction(bind, readonly=True) as s:
        rows = s.execute(
            select(User, Tenant.tenant_id, Site.site_id)
            .outerjoin(Tenant, Tenant.id == User.tenant_pk)
            .outerjoin(Site, Site.id == Tenant.site_pk)
            .order_by(User.name)
        ).all()
        out = [{"name": u.name, "role": u.role, "site": site_id, "tenant_id": tenant_id,
                "email": u.email, "login": "password" if u.password_hash else "oidc only",
                "disabled": bool(u.disabled), "failed_logins": int(u.failed_logins),
                "last_failed_at": _aware(u.last_failed_at), "created_at": _aware(u.created_at)}
               for u, tenant_id, site_id in rows]  # fmt: skip
    return pd.DataFrame(out, columns=USER_COLUMNS)


def _aware(at: dt.datetime | None) -> dt.datetime | None:
    """A stored time as UTC-aware (SQLite gives naive times back)."""
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=dt.UTC)


def _principal(s: Session, user: User, via: str) -> Principal:
    tenant_id = None
    if user.tenant_pk is not None:
        tenant_id = s.scalar(select(Tenant.tenant_id).where(Tenant.id == user.tenant_pk))
    return Principal(user.name, user.role, tenant_id, via=via)


def _unknown_name_wait_s(s: Session, name: str, at: dt.datetime) -> float:
    """The wait before the next attempt at a name that is no user, as if it were one. [s]

    A user's failed logins in a row are counted on its row; a name that is no user has none,
    so its failures are counted on the audit trail (each is there, with the outcome
    ``unknown user``): the same :func:`wait_after` from the last of them. Without it only
    an existing user's name was ever told to wait, which told that the name exists.
    """
    if not name:
        return 0.0
    failed = s.scalars(
        select(AuditEntry.at)
        .where(AuditEntry.action == "login_failed", AuditEntry.record == name[:200],
               AuditEntry.after_json.contains('"unknown user"'))
        .order_by(AuditEntry.id)
    ).all()  # fmt: skip
    if not failed:
        return 0.0
    last = _aware(failed[-1])
    assert last is not None
    return (last + dt.timedelta(seconds=wait_after(len(failed))) - at).total_seconds()


def check_login(
    bind: Engine, name: str, password: str, *, now: dt.datetime | None = None
) -> Principal:
    """The user ``name`` if ``password`` is its password; every attempt is audited.

    Parameters
    ----------
    bind : Engine
        The register (the count of failed logins is committed even when refused).
    name, password : str
        As typed at the login form.
    now : datetime, optional
        The time of the attempt, timezone-aware (default: now; tests drive the clock).

    Returns
    -------
    Principal
        ``via="password"``, with the user's role and (role tenant) tenant id.

    Raises
    ------
    LoginFailed
        Unknown user or wrong password (the same message: :data:`WRONG`), a disabled user,
        or an attempt within the wait after too many failures (the message says how many
        seconds remain; the password is not checked).
    """
    at = now or dt.datetime.now(dt.UTC)
    name = (name or "").strip()
    outcome, wait_s = "wrong password", 0.0
    principal: Principal | None = None
    with transaction(bind) as s:
        s.info[KEEP_REVISION] = True  # a login changes no data the analyses read
        user = s.scalars(select(User).where(User.name == name)).one_or_none() if name else None
        last = None if user is None else _aware(user.last_failed_at)
        if user is not None and last is not None:
            wait_s = (last + dt.timedelta(seconds=wait_after(user.failed_logins)) - at
                      ).total_seconds()  # fmt: skip
        if user is None:
            wait_s = _unknown_name_wait_s(s, name, at)
            if wait_s > 0:
                outcome = "slowed"
            else:
                _verify(None, password or "")  # as long as a wrong password takes
                outcome = "unknown user"
        elif wait_s > 0:
            outcome = "slowed"
        elif not _verify(user.password_hash, password or ""):
            user.failed_logins += 1
            user.last_failed_at = at
        elif user.disabled:
            outcome = "disabled"
        else:
            outcome = "ok"
            if user.failed_logins or user.last_failed_at is not None:
                user.failed_logins, user.last_failed_at = 0, None
            if _hasher.check_needs_rehash(str(user.password_hash)):
                user.password_hash = _hasher.hash(password)
            principal = _principal(s, user, "password")
    ok = principal is not None
    record_event(bind, actor=name, verb="login", action="login" if ok else "login_failed",
                 record=name, after={"via": "password", "outcome": outcome}, at=at)  # fmt: skip
    if principal is not None:
        log.info("user %s logged in (role %s)", name, principal.role.value)
        return principal
    log.warning("login of user %r refused: %s", name[:200], outcome)
    if outcome == "slowed":
        message = (f"too many failed logins in a row; wait {math.ceil(wait_s)} s "
                   "before the next attempt")  # fmt: skip
    elif outcome == "disabled":
        message = f"user {name!r} is disabled; ask an administrator"
    else:
        message = WRONG
    raise LoginFailed(message, actor=name, action="login")


def principal_for_email(bind: Engine, email: str, *, via: str = "oidc") -> Principal:
    """The user whose e-mail is ``email`` (an OpenID Connect login); audited either way.

    Raises
    ------
    AccessDenied
        No user has this e-mail, or the user is disabled.
    """
    text = (email or "").strip().lower()
    principal: Principal | None = None
    outcome = "unknown e-mail"
    with transaction(bind, readonly=True) as s:
        user = s.scalars(select(User).where(User.email == text)).one_or_none() if text else None
        if user is not None and user.disabled:
            outcome = "disabled"
        elif user is not None:
            outcome, principal = "ok", _principal(s, user, via)
    ok = principal is not None
    record_event(bind, actor=principal.name if principal else text, verb="login",
                 action="login" if ok else "login_failed", record=text,
                 after={"via": via, "outcome": outcome})  # fmt: skip
    if principal is None:
        log.warning("%s login of %r refused: %s", via, text[:200], outcome)
        raise AccessDenied(
            f"no enabled user of this register has the e-mail {text!r}; ask an administrator "
            "to add one (`site-manager user add NAME --role ROLE --email E`)",
            actor=text,
            action="login",
        )
    return principal


#: The demo accounts' names, one per role.
DEMO_NAMES = {role: f"demo-{role.value}" for role in Role}


def ensure_demo_accounts(bind: Engine) -> dict[str, str]:
    """On a register with no user: one demo user per role, with random passwords.

    The tenant one acts for the first tenant of the register (by site id, tenant id); on a
    register with no tenant yet it is not made. Creates nothing where any user exists.

    Returns
    -------
    dict
        User name → password (clear: show it once; only its hash is stored). Empty when
        users existed.
    """
    who = get_actor(None)
    made: dict[str, str] = {}
    with transaction(bind) as s:
        if s.scalar(select(func.count()).select_from(User)):
            return {}
        audit = Audit(s, None, who, "manage_users")
        first = s.execute(select(Tenant, Site).join(Site, Site.id == Tenant.site_pk)
                          .order_by(Site.site_id, Tenant.tenant_id).limit(1)).first()  # fmt: skip
        for role, name in DEMO_NAMES.items():
            tenant, st = (first[0], first[1]) if first is not None else (None, None)
            if role is Role.TENANT and tenant is None:
                log.info("no tenant in the register yet: no demo tenant account")
                continue
            password = secrets.token_urlsafe(12)
            user = User(name=name, role=role.value, email=None, password_hash=hash_password(
                password), tenant_pk=tenant.id if role is Role.TENANT and tenant else None,
                disabled=False, failed_logins=0, created_at=now())  # fmt: skip
            s.add(user)
            s.flush()
            shown = (tenant, st) if role is Role.TENANT else (None, None)
            audit.note("users", name, "insert", after=_entry(user, *shown))
            made[name] = password
    log.info("demo accounts made: %s", ", ".join(made))
    return made
