"""Collection schedules: when each stream is collected in a village, or a point takes it

A recurrence rule (RFC 5545 RRULE) from a start day, with exceptions; an LGO-wide schedule
(village_id null) holds for its villages that have none of their own.

Revision ID: c3f5b7d9e1a2
Revises: b2e4a6c8d0f1
Create Date: 2026-12-04 06:10:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "c3f5b7d9e1a2"
down_revision = "b2e4a6c8d0f1"
branch_labels = None
depends_on = None


def upgrade():
    kind = postgresql.ENUM("collection", "dropoff", name="schedule_kind")
    kind.create(op.get_bind())
    op.create_table(
        "collection_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("kind", postgresql.ENUM(name="schedule_kind", create_type=False),
                  nullable=False),
        sa.Column("stream", sa.String(length=12), nullable=False),
        sa.Column("rule", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("ends_at", sa.Time(), nullable=True),
        sa.Column("exceptions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note_th", sa.Text(), nullable=True),
        sa.Column("note_en", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stream in ('organic', 'recyclable', 'general', 'hazardous')",
                           name=op.f("ck_collection_schedules_known_stream")),
        sa.CheckConstraint("ends_on is null or ends_on >= starts_on",
                           name=op.f("ck_collection_schedules_ends_after_start")),
        sa.CheckConstraint("kind <> 'dropoff' or point_id is not null",
                           name=op.f("ck_collection_schedules_dropoff_has_point")),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"],
                                name=op.f("fk_collection_schedules_lgo_id_lgos")),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"],
                                name=op.f("fk_collection_schedules_village_id_villages")),
        sa.ForeignKeyConstraint(["point_id"], ["collection_points.id"],
                                name=op.f("fk_collection_schedules_point_id_collection_points")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_schedules")),
    )
    op.create_index("ix_collection_schedules_lgo_village", "collection_schedules",
                    ["lgo_id", "village_id"])


def downgrade():
    op.drop_table("collection_schedules")
    postgresql.ENUM(name="schedule_kind").drop(op.get_bind())
