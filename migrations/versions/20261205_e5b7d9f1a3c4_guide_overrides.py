"""Sorting guide: guide_overrides, an LGO's change to one item of the province's guide

The guide's items live in backend/khaya/collection/guide_items.json; a row here changes one of
them for one LGO (a null field follows the province default).

Revision ID: e5b7d9f1a3c4
Revises: d4a6c8e0f2b3
Create Date: 2026-12-05 08:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

revision = "e5b7d9f1a3c4"
down_revision = "d4a6c8e0f2b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "guide_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("stream", sa.String(length=12), nullable=True),
        sa.Column("where", sa.String(length=20), nullable=True),
        sa.Column("prepare_th", sa.Text(), nullable=True),
        sa.Column("prepare_en", sa.Text(), nullable=True),
        sa.Column("note_th", sa.Text(), nullable=True),
        sa.Column("note_en", sa.Text(), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stream is null or stream in ('organic', 'recyclable', 'general', 'hazardous')",
                           name=op.f("ck_guide_overrides_known_stream")),
        sa.CheckConstraint("\"where\" is null or \"where\" in ('wet_bin', 'waste_bank', 'hazardous_dropoff', 'general_collection')",
                           name=op.f("ck_guide_overrides_known_where")),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"],
                                name=op.f("fk_guide_overrides_lgo_id_lgos")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_guide_overrides_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guide_overrides")),
        sa.UniqueConstraint("lgo_id", "key", name="uq_guide_overrides_lgo_key"),
    )


def downgrade():
    op.drop_table("guide_overrides")
