"""users of the dashboard: name, role, tenant, e-mail, argon2 password hash, failed logins

One table added (``users``); nothing else changes, so a register made by 0009 keeps every
row and has no user yet (``site-manager user add`` or, for a demo, ``site-manager user
demo`` creates them). The database holds that a user has a tenant exactly when its role is
``tenant``, and that names and e-mails are unique (several users may have no e-mail).

Revision ID: 0011_users
Revises: 0010_audit_chain
Create Date: 2026-12-05 04:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0011_users"
down_revision: str | Sequence[str] | None = "0010_audit_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ROLES = ("admin", "planner", "landlord", "municipality", "tenant")


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("tenant_pk", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"role IN {_ROLES!r}", name=op.f("ck_users_role")),
        sa.CheckConstraint("(role = 'tenant' AND tenant_pk IS NOT NULL) "
                           "OR (role <> 'tenant' AND tenant_pk IS NULL)",
                           name=op.f("ck_users_tenant_role")),
        sa.CheckConstraint("failed_logins >= 0", name=op.f("ck_users_failed_logins")),
        sa.ForeignKeyConstraint(["tenant_pk"], ["tenants.id"],
                                name=op.f("fk_users_tenant_pk_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )  # fmt: skip
    op.create_index("ix_users_tenant_pk", "users", ["tenant_pk"])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("users")
