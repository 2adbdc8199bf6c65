"""Households over any range of days: village_log_gaps, village_inspection_spans

Per village, kind (0 logs, 1 deposits), day and previous day, the households whose log that day
followed their previous one on that previous day; and per village, day, next inspection day and
result, the households whose last counted inspection of that day had that result
(``khaya.analytics.gaps``). Both are filled here for the whole history. Also an index for the
households that were off the register on a past day.

Revision ID: a7d9f1b3c5e7
Revises: f6c8e0a2b4d5
Create Date: 2026-12-06 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "a7d9f1b3c5e7"
down_revision = "f6c8e0a2b4d5"
branch_labels = None
depends_on = None

# Every village's cells, as analytics.gaps makes them with no day before the window.
FILL = """
insert into village_log_gaps (village_id, day, kind, prev_day, households)
select village_id, day, {kind}, coalesce(prev, date '0001-01-01'), count(*)
from (
    select hm.village_id, hm.month + bit as day,
           lag(hm.month + bit) over (partition by hm.village_id, hm.household_id
                                     order by hm.month + bit) as prev
    from household_months hm cross join generate_series(0, 30) as bit
    where hm.{mask} & (1 << bit) <> 0
) d
group by village_id, day, coalesce(prev, date '0001-01-01')
"""
SPANS = """
insert into village_inspection_spans (village_id, day, next_day, passed, households)
select village_id, day, next_day, passed, count(*)
from (
    select village_id, day, passed,
           coalesce(lead(day) over (partition by village_id, household_id order by day),
                    date '9999-12-31') as next_day
    from (
        select distinct on (village_id, household_id, inspected_on)
               village_id, household_id, inspected_on as day, passed
        from inspections where counted
        order by village_id, household_id, inspected_on, received_at desc, id desc
    ) as last_of_day
) as spans
group by village_id, day, next_day, passed
"""


def upgrade():
    op.create_table(
        "village_log_gaps",
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("prev_day", sa.Date(), nullable=False),
        sa.Column("households", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("village_id", "day", "kind", "prev_day",
                                name=op.f("pk_village_log_gaps"),
                                postgresql_include=["households"]),
    )
    op.execute(FILL.format(kind=0, mask="days"))
    op.execute(FILL.format(kind=1, mask="deposit_days"))
    # A range over many villages reads its days from this index alone.
    op.create_index("ix_village_log_gaps_day", "village_log_gaps", ["day", "prev_day"],
                    postgresql_include=["village_id", "kind", "households"])
    op.create_table(
        "village_inspection_spans",
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("next_day", sa.Date(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("households", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("village_id", "day", "next_day", "passed",
                                name=op.f("pk_village_inspection_spans"),
                                postgresql_include=["households"]),
    )
    op.execute(SPANS)
    op.create_index("ix_village_inspection_spans_day", "village_inspection_spans",
                    ["day", "next_day"], postgresql_include=["village_id", "passed", "households"])
    op.create_index("ix_household_states_off_register_until", "household_states",
                    ["valid_until"],
                    postgresql_where=sa.text("not (active and occupancy = 'occupied')"))


def downgrade():
    op.drop_index("ix_household_states_off_register_until", table_name="household_states")
    op.drop_table("village_inspection_spans")
    op.drop_table("village_log_gaps")
