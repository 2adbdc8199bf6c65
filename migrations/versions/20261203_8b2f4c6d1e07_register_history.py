"""Register history: the values of every household field an indicator reads, with their dates

household_states holds one row per span of days in which a household's village, LGO, members,
occupancy, wet-bin arrangement and active flag held: valid_from (inclusive; -infinity for the
span a household was registered with) to valid_until (exclusive; null while current). The
database keeps it: statement-level triggers on households add a span when a household is
registered and, when an edit changes one of those fields, end the current span and open one
from the edit's day (Asia/Bangkok), or from the deactivation's date when a household is taken
out of the register. Two edits on one day leave one span for that day: the last value of the
day holds for the day. An exclusion constraint keeps a household's spans from overlapping.

Today's register migrates as holding since registration; a household already deactivated on a
date holds as occupied until that date and vacant from it, which is how the register counted it
until now.

Revision ID: 8b2f4c6d1e07
Revises: 7a4e2c9d1f03
Create Date: 2026-12-03 17:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "8b2f4c6d1e07"
down_revision = "7a4e2c9d1f03"
branch_labels = None
depends_on = None

FIELDS = "village_id, lgo_id, members, occupancy, wet_bin, active"
TODAY = "(now() at time zone 'Asia/Bangkok')::date"


def first_spans(source: str) -> str:
    """The spans a household starts with, from the rows of ``source``."""
    return f"""
        insert into household_states (household_id, valid_from, valid_until, {FIELDS})
        select id, date '-infinity', null::date, {FIELDS} from {source}
        where active or deactivated_on is null
        union all
        select id, date '-infinity', deactivated_on, village_id, lgo_id, members,
               'occupied'::occupancy, wet_bin, true
        from {source} where not active and deactivated_on is not null
        union all
        select id, deactivated_on, null, {FIELDS} from {source}
        where not active and deactivated_on is not null"""


# The rows of an UPDATE statement whose tracked fields changed, and the day the change holds
# from: the deactivation date for a household taken out of the register, else today; never
# before the current span began (a backdated change rewrites the current span instead).
CHANGED = f"""
    select n.id, n.village_id, n.lgo_id, n.members, n.occupancy, n.wet_bin, n.active,
           greatest(s.valid_from, case when o.active and not n.active
                                            and n.deactivated_on is not null
                                       then n.deactivated_on else {TODAY} end) as since
    from old_rows o join new_rows n on n.id = o.id
    join household_states s on s.household_id = n.id and s.valid_until is null
    where (o.village_id, o.lgo_id, o.members, o.occupancy, o.wet_bin, o.active)
          is distinct from (n.village_id, n.lgo_id, n.members, n.occupancy, n.wet_bin, n.active)"""

FUNCTIONS = {
    "household_states_registered": first_spans("new_rows"),
    "household_states_changed": f"""
        with changed as ({CHANGED}),
        rewritten as (
            update household_states s
            set village_id = c.village_id, lgo_id = c.lgo_id, members = c.members,
                occupancy = c.occupancy, wet_bin = c.wet_bin, active = c.active
            from changed c
            where s.household_id = c.id and s.valid_until is null and c.since = s.valid_from
        ),
        closed as (
            update household_states s set valid_until = c.since
            from changed c
            where s.household_id = c.id and s.valid_until is null and c.since > s.valid_from
            returning c.*
        )
        insert into household_states (household_id, valid_from, valid_until, {FIELDS})
        select id, since, null, {FIELDS} from closed""",
}
TRIGGERS = (
    ("household_states_insert", "insert", "new table as new_rows", "household_states_registered"),
    ("household_states_update", "update", "old table as old_rows new table as new_rows",
     "household_states_changed"),
)


def upgrade():
    op.execute("create extension if not exists btree_gist")
    op.create_table(
        "household_states",
        sa.Column("household_id", sa.Integer(),
                  sa.ForeignKey("households.id", ondelete="CASCADE"), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("village_id", sa.Integer(), sa.ForeignKey("villages.id"), nullable=False),
        sa.Column("lgo_id", sa.Integer(), sa.ForeignKey("lgos.id"), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("occupancy", postgresql.ENUM(name="occupancy", create_type=False),
                  nullable=False),
        sa.Column("wet_bin", postgresql.ENUM(name="wet_bin", create_type=False), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("household_id", "valid_from", name="pk_household_states"),
        sa.CheckConstraint("valid_until is null or valid_until > valid_from",
                           name="ck_household_states_span"),
        postgresql.ExcludeConstraint(
            ("household_id", "="),
            (sa.text("daterange(valid_from, valid_until)"), "&&"),
            using="gist", name="ex_household_states_overlap"),
    )
    op.create_index("ix_household_states_village", "household_states",
                    ["village_id", "valid_from"])
    op.create_index("ix_household_states_off_register", "household_states", ["household_id"],
                    postgresql_where=sa.text("not (active and occupancy = 'occupied')"))
    op.execute(first_spans("households"))
    for name, body in FUNCTIONS.items():
        op.execute(f"create or replace function {name}() returns trigger language plpgsql as $$"
                   f" begin {body}; return null; end $$")
    for trigger, event, referencing, function in TRIGGERS:
        op.execute(f"create trigger {trigger} after {event} on households"
                   f" referencing {referencing} for each statement execute function {function}()")


def downgrade():
    for trigger, _event, _referencing, function in TRIGGERS:
        op.execute(f"drop trigger if exists {trigger} on households")
        op.execute(f"drop function if exists {function}()")
    op.drop_table("household_states")
