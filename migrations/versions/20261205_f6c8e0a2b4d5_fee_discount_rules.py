"""Fee discounts for verified sorters: an LGO's rule (fee_discount_rules)

Revision ID: f6c8e0a2b4d5
Revises: e5b7d9f1a3c4
Create Date: 2026-12-04 07:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "f6c8e0a2b4d5"
down_revision = "e5b7d9f1a3c4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fee_discount_rules",
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("verified_within_days", sa.Integer(), nullable=False),
        sa.Column("min_log_days", sa.SmallInteger(), nullable=False),
        sa.Column("fee_baht", sa.Numeric(8, 2), nullable=True),
        sa.Column("discounted_fee_baht", sa.Numeric(8, 2), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"],
                                name=op.f("fk_fee_discount_rules_lgo_id_lgos")),
        sa.PrimaryKeyConstraint("lgo_id", name=op.f("pk_fee_discount_rules")),
    )


def downgrade():
    op.drop_table("fee_discount_rules")
