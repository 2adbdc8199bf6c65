"""A household tile view is one audit event with the tile's area, not one per household

audit_events.area holds the ground a "household_tile" event showed (the tile's envelope in
SRID 4326), so "who saw household X" finds tile views whose area holds the household's point;
a GiST index serves that search.

Revision ID: a1d3f5b7c9e2
Revises: 9c3a5e7f2b18
Create Date: 2026-12-04 01:10:00.000000

"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "a1d3f5b7c9e2"
down_revision = "9c3a5e7f2b18"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "audit_events",
        sa.Column("area", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=True),
    )
    op.create_index(
        "ix_audit_events_area", "audit_events", ["area"], postgresql_using="gist",
        postgresql_where=sa.text("area is not null"),
    )


def downgrade():
    op.drop_index("ix_audit_events_area", table_name="audit_events")
    op.drop_column("audit_events", "area")
