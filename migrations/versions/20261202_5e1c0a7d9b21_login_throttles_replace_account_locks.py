"""Login throttles per identifier replace account locks.

Revision ID: 5e1c0a7d9b21
Revises: c41d7e2a9b10
Create Date: 2026-12-02 16:00:00

Locking an account after wrong passwords let anyone lock anyone out and told an attacker which
logins exist (locked accounts answered 423, unknown ones 401). Wrong passwords now slow down the
identifier they were typed for, known or not (``khaya.auth.throttle``).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e1c0a7d9b21"
down_revision = "c41d7e2a9b10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_last_failure_at"), "login_throttles",
                    ["last_failure_at"], unique=False)
    op.drop_column("users", "failed_logins")
    op.drop_column("users", "locked_until")


def downgrade():
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("failed_logins", sa.Integer(), nullable=False,
                                     server_default="0"))
    op.drop_index(op.f("ix_login_throttles_last_failure_at"), table_name="login_throttles")
    op.drop_table("login_throttles")
