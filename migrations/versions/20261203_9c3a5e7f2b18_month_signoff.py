"""Sign-off of LGO months: states, steps, village confirmations, frozen figures, late items

- month_approvals: where an LGO's month stands (open when absent);
- month_approval_steps: every step with who, when and why;
- village_confirmations: villages whose volunteer or head confirmed the month;
- frozen_months: an accepted month's base numbers per village, its hazardous kg and the late
  block it was accepted with;
- late_items: rows of an accepted month that reached the figures after acceptance, with the
  month whose view counts them; a trigger adds hazardous collections (no change is announced
  for them), the change applier the rest;
- provinces.late_items (next_month | reopen) and lgos.confirm_villages: the settings.

Revision ID: 9c3a5e7f2b18
Revises: 8b2f4c6d1e07
Create Date: 2026-12-03 17:30:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "9c3a5e7f2b18"
down_revision = "8b2f4c6d1e07"
branch_labels = None
depends_on = None

STATE = postgresql.ENUM("open", "submitted", "approved", "accepted", name="approval_state")
ACTION = postgresql.ENUM("confirm", "submit", "approve", "accept", "return", "reopen",
                         name="approval_action")
COUNTED_IN = """
    (select min(m)::date from generate_series(({month} + interval '1 month')::date,
                                             ({month} + interval '120 months')::date,
                                             interval '1 month') as g(m)
     where not exists (select 1 from frozen_months f
                       where f.lgo_id = {lgo} and f.month = g.m::date))"""
HAZARD_LATE = f"""
    insert into late_items (kind, row_id, sign, lgo_id, village_id, month, counted_in, settled,
                            recorded_at)
    select 'hazardous_added', n.id, 1, n.lgo_id, p.village_id, f.month,
           {COUNTED_IN.format(month="f.month", lgo="n.lgo_id")}, false, now()
    from new_rows n
    join collection_points p on p.id = n.point_id
    join frozen_months f on f.lgo_id = n.lgo_id
         and f.month = date_trunc('month', n.collected_on)::date"""


def upgrade():
    op.add_column("provinces", sa.Column("late_items", sa.String(16), nullable=False,
                                         server_default="next_month"))
    op.create_check_constraint("ck_provinces_late_items", "provinces",
                               "late_items in ('next_month', 'reopen')")
    op.add_column("lgos", sa.Column("confirm_villages", sa.Boolean(), nullable=False,
                                    server_default=sa.false()))
    op.create_table(
        "month_approvals",
        sa.Column("lgo_id", sa.Integer(), sa.ForeignKey("lgos.id"), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("state", STATE, nullable=False),
        sa.Column("returned_reason", sa.Text()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("lgo_id", "month", name="pk_month_approvals"),
        sa.CheckConstraint("extract(day from month) = 1", name="ck_month_approvals_first_day"),
    )
    op.create_table(
        "month_approval_steps",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("lgo_id", sa.Integer(), sa.ForeignKey("lgos.id"), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("action", ACTION, nullable=False),
        sa.Column("village_id", sa.Integer(), sa.ForeignKey("villages.id")),
        sa.Column("actor_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("actor_role", sa.String(20)),
        sa.Column("reason", sa.Text()),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_month_approval_steps_month", "month_approval_steps",
                    ["lgo_id", "month", "id"])
    op.create_table(
        "village_confirmations",
        sa.Column("village_id", sa.Integer(), sa.ForeignKey("villages.id"), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), sa.ForeignKey("lgos.id"), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("village_id", "month", name="pk_village_confirmations"),
    )
    op.create_table(
        "frozen_months",
        sa.Column("lgo_id", sa.Integer(), sa.ForeignKey("lgos.id"), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("villages", postgresql.JSONB(), nullable=False),
        sa.Column("hazards", postgresql.JSONB(), nullable=False),
        sa.Column("late", postgresql.JSONB(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(),
                  sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.PrimaryKeyConstraint("lgo_id", "month", name="pk_frozen_months"),
    )
    op.create_table(
        "late_items",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("sign", sa.SmallInteger(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), sa.ForeignKey("lgos.id"), nullable=False),
        sa.Column("village_id", sa.Integer()),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("counted_in", sa.Date(), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_late_items_counted_in", "late_items", ["lgo_id", "counted_in"])
    op.create_index("ix_late_items_unsettled", "late_items", ["id"],
                    postgresql_where=sa.text("not settled"))
    op.execute("create or replace function late_hazardous_collections() returns trigger"
               f" language plpgsql as $$ begin {HAZARD_LATE}; return null; end $$")
    op.execute("create trigger late_hazardous_collections after insert on hazardous_collections"
               " referencing new table as new_rows for each statement"
               " execute function late_hazardous_collections()")


def downgrade():
    op.execute("drop trigger if exists late_hazardous_collections on hazardous_collections")
    op.execute("drop function if exists late_hazardous_collections()")
    op.drop_table("late_items")
    op.drop_table("frozen_months")
    op.drop_table("village_confirmations")
    op.drop_table("month_approval_steps")
    op.drop_table("month_approvals")
    ACTION.drop(op.get_bind())
    STATE.drop(op.get_bind())
    op.drop_column("lgos", "confirm_villages")
    op.drop_constraint("ck_provinces_late_items", "provinces")
    op.drop_column("provinces", "late_items")
