"""Who is acting, and what each role may do: the one access check of the register.

Every write to the register goes through :class:`~site_manager.register.audit.Audit`, whose
constructor calls :func:`authorize` with the verb's name, so no verb (and no page calling it)
can skip the check; read functions that return tenants' names, contacts or rents call
:func:`authorize` with a read action. The acting user is a :class:`Principal`: a ``str`` (its
name, which is what the audit trail records) that also carries its role.

Who acts
--------
- The **dashboard** logs a user in and runs each script run inside :func:`acting_as` with
  that user's principal; it calls :func:`require_login` once, so that in its process a verb
  called with no principal is refused instead of acting as the server's OS user.
- The **CLI** and the library, on a machine that holds the register, act as the OS user
  with full rights (role ``admin``, ``via="os"``): whoever can open the database file (or
  holds its PostgreSQL credentials) can change it anyway. The audit trail records the OS
  user; no environment variable names the actor.

Examples
--------
>>> p = Principal("ana", Role.PLANNER)
>>> p == "ana", p.role.value
(True, 'planner')
>>> allowed("sign_lease", p), allowed("define_unit", p)
(False, True)
"""

from __future__ import annotations

import contextlib
import contextvars
import getpass
from collections.abc import Iterator
from enum import StrEnum

from site_manager.errors import SiteManagerError


class Role(StrEnum):
    """One role per user, for the whole register."""

    ADMIN = "admin"
    PLANNER = "planner"
    LANDLORD = "landlord"
    MUNICIPALITY = "municipality"
    TENANT = "tenant"


class AccessDenied(SiteManagerError, PermissionError):
    """The acting user's role may not do this (or nobody is logged in)."""

    def __init__(self, message: str, *, actor: str = "", action: str = "") -> None:
        super().__init__(message)
        self.actor = actor
        self.action = action


class Principal(str):
    """The acting user: its name (the ``str`` value), role, tenant (role tenant) and how known.

    ``via`` is ``"os"`` (the CLI or library: the OS user), ``"password"`` (the dashboard's
    login form) or ``"oidc"`` (a site's OpenID Connect provider).
    """

    role: Role
    tenant_id: str | None
    via: str

    def __new__(
        cls, name: str, role: Role | str, tenant_id: str | None = None, via: str = "os"
    ) -> Principal:
        """A principal named ``name`` of ``role``."""
        self = super().__new__(cls, name)
        self.role = Role(role)
        self.tenant_id = tenant_id
        self.via = via
        return self

    @property
    def name(self) -> str:
        """The user's name, as a plain ``str``."""
        return str.__str__(self)

    def __repr__(self) -> str:
        tenant = f", tenant_id={self.tenant_id!r}" if self.tenant_id else ""
        return f"Principal({self.name!r}, {self.role.value!r}{tenant}, via={self.via!r})"

    def __reduce__(self):  # type: ignore[no-untyped-def]  # pickling (caches, threads)
        return (Principal, (self.name, self.role.value, self.tenant_id, self.via))


_ALL = frozenset(Role)
_STAFF = frozenset({Role.ADMIN, Role.PLANNER, Role.LANDLORD})
_PLANNING = frozenset({Role.ADMIN, Role.PLANNER})
_LETTING = frozenset({Role.ADMIN, Role.LANDLORD})
_SITE = frozenset({Role.ADMIN, Role.PLANNER, Role.LANDLORD})

#: Action (a verb's name as its audit entries record it, or a read) → the roles that may.
#: The one table of who may do what: the verbs (through ``Audit``), the read functions and
#: the dashboard's pages all read it.
PERMISSIONS: dict[str, frozenset[Role]] = {
    # the building and the site's settings
    "create_site": _PLANNING,
    "revise_site": _PLANNING,
    "load_sample": frozenset({Role.ADMIN}),
    "retire_site": frozenset({Role.ADMIN}),
    "set_site_settings": _SITE,
    "set_tariffs": _LETTING,
    "set_noise_hours": _SITE,  # machines' operating hours, as set_site_settings
    "set_climate": _PLANNING,
    "set_neighbourhood": _PLANNING,
    "set_space_attributes": _PLANNING,
    # zoning and units
    "set_zoning": _PLANNING,
    "define_unit": _SITE,
    "rename_unit": _SITE,
    "retire_unit": _SITE,
    # tenants, leases and members
    "add_tenant": _LETTING,
    "edit_tenant": _LETTING,
    "import_tenants": _LETTING,
    "sign_lease": _LETTING,
    "end_lease": _LETTING,
    "import_leases": _LETTING,
    "add_equipment": _SITE,
    "edit_equipment": _SITE,
    "import_equipment": _SITE,
    "add_skill": _SITE,
    # planning
    "add_applicant": _SITE,
    "edit_applicant": _SITE,
    "import_applicants": _SITE,
    "save_scenario": _PLANNING,
    "delete_scenario": _PLANNING,
    "commit_scenario": _PLANNING,
    "load_rules": _PLANNING,
    # sharing: a tenant books for itself (the booking verbs check the tenant)
    "make_booking": _SITE | {Role.TENANT},
    "cancel_booking": _SITE | {Role.TENANT},
    "grant_training": _SITE,
    # users and the audit trail
    "manage_users": frozenset({Role.ADMIN}),
    "read_audit": frozenset({Role.ADMIN}),
    # reads
    "read_register": _STAFF,  # every record: tenants' names, contacts, rents
    "read_own": frozenset({Role.TENANT}),  # a tenant's own leases, statements, bookings
    "read_aggregates": _ALL,  # counts and totals under disclosure control
}

#: Actions a tenant may take only for its own tenant id.
OWN_TENANT_ONLY = frozenset({"make_booking", "cancel_booking", "read_own"})

_acting: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "site_manager_acting", default=None
)
_login_required = False


def require_login() -> None:
    """In this process, a verb or read with no logged-in user is refused (the dashboard)."""
    global _login_required
    _login_required = True


def login_required() -> bool:
    """Whether :func:`require_login` was called in this process."""
    return _login_required


@contextlib.contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Run the block as ``principal`` (the dashboard wraps each script run in it)."""
    token = _acting.set(principal)
    try:
        yield principal
    finally:
        _acting.reset(token)


def os_user() -> str:
    """The operating system's user name (``"unknown"`` where there is no passwd entry)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


def current(actor: str | None = None) -> Principal:
    """The acting user.

    ``actor`` a :class:`Principal` is taken as it is. Otherwise the user of
    :func:`acting_as`; a plain ``actor`` string must then be that user's name. With nobody
    acting: refused where :func:`require_login` was called, else the OS user as ``admin``
    (named ``actor`` where a library caller gives one).
    """
    if isinstance(actor, Principal):
        return actor
    acting = _acting.get()
    if acting is not None:
        if actor and actor != acting:
            raise AccessDenied(
                f"user {acting.name!r} cannot act as {actor!r}; log in as {actor!r} instead",
                actor=acting.name,
            )
        return acting
    if _login_required:
        raise AccessDenied("nobody is logged in; log in first", action="")
    return Principal(actor or os_user(), Role.ADMIN, via="os")


def allowed(action: str, principal: Principal) -> bool:
    """Whether ``principal``'s role may do ``action`` (an unknown action: nobody but admin)."""
    if principal.role is Role.ADMIN:
        return True
    return principal.role in PERMISSIONS.get(action, frozenset())


def authorize(action: str, actor: str | None = None, *, tenant_id: str | None = None) -> Principal:
    """The acting user (see :func:`current`) if it may do ``action``; else refused.

    Parameters
    ----------
    action : str
        A key of :data:`PERMISSIONS` (a verb's name or a read).
    actor : str or Principal, optional
        Who acts (default: the user of :func:`acting_as`, else the OS user).
    tenant_id : str, optional
        The tenant the action is for; a user of role tenant may act only for its own.

    Raises
    ------
    AccessDenied
        One line naming the user, its role and the action.
    """
    who = current(actor)
    if not allowed(action, who):
        raise AccessDenied(
            f"user {who.name!r} ({who.role.value}) may not {action.replace('_', ' ')}; "
            "ask an administrator for a role that may",
            actor=who.name,
            action=action,
        )
    own = who.role is not Role.TENANT or action not in OWN_TENANT_ONLY or tenant_id is None
    if not own and tenant_id != who.tenant_id:
        raise AccessDenied(
            f"user {who.name!r} acts for tenant {who.tenant_id!r} and may not "
            f"{action.replace('_', ' ')} for tenant {tenant_id!r}",
            actor=who.name,
            action=action,
        )
    return who


def roles_for(action: str) -> frozenset[Role]:
    """The roles that may do ``action`` (admin always may)."""
    return PERMISSIONS.get(action, frozenset()) | {Role.ADMIN}
