"""Inspections: the LGO's review of flagged ones, whether each counts, the arrangement confirmed

A flagged inspection (inspector far from the house, no GPS, mock location) now waits for the
LGO: ``review`` holds the decision, ``counted`` (generated) says whether its result counts.
Households that an existing flagged pass verified are recomputed here, and their villages are
marked stale so the month-end registers are rebuilt; the inspected/passed counts of the
rollups follow with ``flask analytics reconcile --repair`` (see the README).

Revision ID: c41d7e2a9b10
Revises: 4752de1e5cef
Create Date: 2026-12-01 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "c41d7e2a9b10"
down_revision = "4752de1e5cef"
branch_labels = None
depends_on = None

COUNTED = ("case when review is null then location_flag is null or not passed "
           "else review = 'accepted'::inspection_review end")
REVIEW = postgresql.ENUM("accepted", "rejected", name="inspection_review")
WET_BIN = postgresql.ENUM("has_bin", "communal", "no_space", "none", name="wet_bin",
                          create_type=False)

# The latest counted inspection decides, exactly as participation.verification does.
RECOMPUTE = """
    with affected as (
        select distinct household_id from inspections where location_flag is not null
    ), latest as (
        select distinct on (i.household_id) i.household_id, i.passed, i.inspected_on
        from inspections i join affected a on a.household_id = i.household_id
        where i.counted
        order by i.household_id, i.inspected_on desc, i.received_at desc, i.id desc
    )
    update households h
    set verified_on = case when latest.passed then latest.inspected_on end
    from affected a left join latest on latest.household_id = a.household_id
    where h.id = a.household_id
"""
MARK_STALE = """
    insert into analytics_stale_villages (village_id)
    select distinct village_id from inspections where location_flag is not null
"""


def upgrade():
    REVIEW.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wet_bin", WET_BIN, nullable=True))
        batch_op.add_column(sa.Column("review", REVIEW, nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("review_reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("counted", sa.Boolean(),
                                      sa.Computed(COUNTED, persisted=True), nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_inspections_reviewed_by_id_users"), "users", ["reviewed_by_id"],
            ["id"], ondelete="SET NULL")
        batch_op.create_check_constraint(
            batch_op.f("ck_inspections_review_flagged"),
            "review is null or location_flag is not null")
        batch_op.create_check_constraint(
            batch_op.f("ck_inspections_review_dated"), "(review is null) = (reviewed_at is null)")
        batch_op.create_check_constraint(
            batch_op.f("ck_inspections_arrangement"), "wet_bin is null or wet_bin <> 'none'")
        batch_op.create_index(
            "ix_inspections_review_queue", ["lgo_id", "received_at"], unique=False,
            postgresql_where=sa.text("location_flag is not null and review is null"))
    op.execute(RECOMPUTE)
    op.execute(MARK_STALE)


def downgrade():
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_review_queue",
                            postgresql_where=sa.text("location_flag is not null and review is null"))
        batch_op.drop_constraint(batch_op.f("ck_inspections_arrangement"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_inspections_review_dated"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_inspections_review_flagged"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_inspections_reviewed_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_column("counted")
        batch_op.drop_column("review_reason")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("review")
        batch_op.drop_column("wet_bin")
    REVIEW.drop(op.get_bind(), checkfirst=True)
