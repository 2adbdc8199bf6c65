"""The register of any day: village_register_steps

A row per village and day on which its register changed, holding the register from that day
until the village's next row, so a day or a custom range reads one row per village however long
the history (``khaya.analytics.registers``). The rows are made by the same rebuild as the
month-end rows: every village is marked stale here, read live until the worker (or ``flask
analytics refresh``) has rebuilt it, so no figure changes meanwhile.

Revision ID: b2e4a6c8d0f1
Revises: a1d3f5b7c9e2
Create Date: 2026-12-04 06:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "b2e4a6c8d0f1"
down_revision = "a1d3f5b7c9e2"
branch_labels = None
depends_on = None

COLUMNS = ("occupied", "persons", "arrangements", "verified", "verified_persons", "bank_members")


def upgrade():
    op.create_table(
        "village_register_steps",
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(c, sa.Integer(), server_default=sa.text("0"), nullable=False)
          for c in COLUMNS),
        sa.PrimaryKeyConstraint("village_id", "day", name=op.f("pk_village_register_steps")),
    )
    op.execute("insert into analytics_stale_villages (village_id) select id from villages")


def downgrade():
    op.drop_table("village_register_steps")
