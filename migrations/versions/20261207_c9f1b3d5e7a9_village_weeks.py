"""The sums of each village's weeks of a month: village_weeks

A custom range sums its whole months, whole weeks (days 1-7, 8-14, 15-21, 22-28 and 29 to the
end of a month) and the days left over, instead of every day: a 30-day range reads 6-11 rows a
village, not 30 (``khaya.analytics.figures``). Filled from village_days.

Revision ID: c9f1b3d5e7a9
Revises: b8e0a2c4d6f8
Create Date: 2026-12-07 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "c9f1b3d5e7a9"
down_revision = "b8e0a2c4d6f8"
branch_labels = None
depends_on = None

KG = ("kg_organic", "kg_recyclable", "kg_general", "kg_hazardous", "deposit_kg",
      "bank_kg_pet", "bank_kg_plastic_other", "bank_kg_paper", "bank_kg_carton",
      "bank_kg_glass", "bank_kg_aluminium", "bank_kg_iron", "bank_kg_other")
COUNTS = ("logs", "deposits")


def upgrade():
    zero = sa.text("0")
    op.create_table(
        "village_weeks",
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        *(sa.Column(c, sa.Integer(), server_default=zero, nullable=False) for c in COUNTS),
        *(sa.Column(c, sa.Numeric(14, 3), server_default=zero, nullable=False) for c in KG),
        sa.Column("deposit_baht", sa.Numeric(14, 2), server_default=zero, nullable=False),
        sa.PrimaryKeyConstraint("week", "village_id", name=op.f("pk_village_weeks")),
    )
    sums = (*COUNTS, *KG, "deposit_baht")
    op.execute(f"""
        insert into village_weeks (week, village_id, {", ".join(sums)})
        select (day - ((extract(day from day)::int - 1) % 7))::date, village_id,
               {", ".join(f"sum({c})" for c in sums)}
        from village_days
        group by 1, village_id
    """)


def downgrade():
    op.drop_table("village_weeks")
