"""The register's users: who may log in to the dashboard, with which role (ORM class).

Kept apart from :mod:`site_manager.register.schema` (near the house limit of 600 lines) on
the same :class:`~site_manager.register.schema.Base`, so the metadata holds it. Created by
migration ``0011_users``; the verbs are :mod:`site_manager.register.users`.

Users are of the whole register, not of a site: one role each
(:class:`site_manager.register.access.Role`). A user of role ``tenant`` is bound to one
tenant record (``tenant_pk``, the ``tenants`` row's integer id); tenant ids are unique only
within a site, so the verbs name it by site id and tenant id, and the tenant's site is the
row's ``site_pk``. The database holds that a user has a tenant exactly when its role is
``tenant``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from site_manager.register.access import Role
from site_manager.register.schema import Base

#: The roles a user may have, as stored.
ROLE_VALUES = tuple(r.value for r in Role)


class User(Base):
    """A person who logs in: name, role, tenant (role tenant), password hash, failed logins.

    ``password_hash`` is an argon2id hash (``$argon2id$...``), ``None`` for a user who logs
    in only through the site's OpenID Connect provider (matched by ``email``).
    ``failed_logins`` counts the failed logins in a row (a success resets it), the last at
    ``last_failed_at``.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLE_VALUES!r}", name="role"),
        CheckConstraint(
            "(role = 'tenant' AND tenant_pk IS NOT NULL) "
            "OR (role <> 'tenant' AND tenant_pk IS NULL)",
            name="tenant_role",
        ),
        CheckConstraint("failed_logins >= 0", name="failed_logins"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    tenant_pk: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
