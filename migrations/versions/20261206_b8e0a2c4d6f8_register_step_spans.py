"""The register of a day for every village at once: village_register_steps.until

Each step now carries the day of its village's next step (none for the last) and the span
``daterange(day, until)`` it holds, generated; a GiST index on the span, holding the register
columns, finds the step of a day for every village from the index alone, however long the
history (``khaya.analytics.registers``).

Revision ID: b8e0a2c4d6f8
Revises: a7d9f1b3c5e7
Create Date: 2026-12-06 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "b8e0a2c4d6f8"
down_revision = "a7d9f1b3c5e7"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("village_register_steps", sa.Column("until", sa.Date(), nullable=True))
    op.execute("""
        update village_register_steps s set until = n.until
        from (select village_id, day,
                     lead(day) over (partition by village_id order by day) as until
              from village_register_steps) as n
        where n.village_id = s.village_id and n.day = s.day and n.until is not null
    """)
    op.add_column("village_register_steps", sa.Column(
        "span", postgresql.DATERANGE(), sa.Computed("daterange(day, until)", persisted=True)))
    op.create_index("ix_village_register_steps_span", "village_register_steps", ["span"],
                    postgresql_using="gist",
                    postgresql_include=["village_id", "occupied", "persons", "arrangements",
                                        "verified", "verified_persons", "bank_members"])


def downgrade():
    op.drop_index("ix_village_register_steps_span", table_name="village_register_steps")
    op.drop_column("village_register_steps", "span")
    op.drop_column("village_register_steps", "until")
