"""Citizen reports: reports, their photos and events, the LGOs' report settings, Open311 apps

Revision ID: d1a3c5e7f9b2
Revises: c9f1b3d5e7a9
Create Date: 2026-12-07 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "d1a3c5e7f9b2"
down_revision = "c9f1b3d5e7a9"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_settings",
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("public_reports", sa.Boolean(), nullable=False),
        sa.Column("duplicate_metres", sa.SmallInteger(), nullable=False),
        sa.Column("duplicate_days", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lgo_id"], ["lgos.id"], name=op.f("fk_report_settings_lgo_id_lgos")
        ),
        sa.PrimaryKeyConstraint("lgo_id", name=op.f("pk_report_settings")),
    )
    op.create_table(
        "report_apps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=True),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("key_hint", sa.String(length=8), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_report_apps_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_report_apps_lgo_id_lgos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_apps")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_report_apps_key_hash")),
    )
    with op.batch_alter_table("report_apps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_apps_lgo_id"), ["lgo_id"], unique=False)

    op.create_geospatial_table(
        "reports",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "illegal_dumping",
                "open_burning",
                "collection_point",
                "missed_collection",
                "hazardous_found",
                "other",
                name="report_type",
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("open", "acknowledged", "in_progress", "closed", name="report_status"),
            nullable=False,
        ),
        sa.Column(
            "point",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("accuracy_m", sa.Integer(), nullable=True),
        sa.Column("located_by", sa.Enum("gps", "map", name="report_located"), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("collection_point_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.Enum("app", "web", "open311", name="report_source"), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("app_id", sa.Integer(), nullable=True),
        sa.Column("media_url", sa.String(length=500), nullable=True),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("duplicate_of_id", sa.BigInteger(), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("content_digest", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_role", sa.String(length=20), nullable=True),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clock_offset_s", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at is not null)", name=op.f("ck_reports_closed_when")
        ),
        sa.CheckConstraint(
            "accuracy_m is null or (accuracy_m >= 0 and accuracy_m <= 100000)",
            name=op.f("ck_reports_accuracy_range"),
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["report_apps.id"], name=op.f("fk_reports_app_id_report_apps")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["users.id"],
            name=op.f("fk_reports_assigned_to_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["collection_point_id"],
            ["collection_points.id"],
            name=op.f("fk_reports_collection_point_id_collection_points"),
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"], ["reports.id"], name=op.f("fk_reports_duplicate_of_id_reports")
        ),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_reports_lgo_id_lgos")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_reports_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_reports_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("client_id", name=op.f("uq_reports_client_id")),
        sa.UniqueConstraint("token", name=op.f("uq_reports_token")),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_reports_point", ["point"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(
            "ix_reports_lgo_status", ["lgo_id", "status", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_reports_recorded_by",
            ["recorded_by_id"],
            unique=False,
            postgresql_where="recorded_by_id is not null",
        )
        batch_op.create_index("ix_reports_type_received", ["type", "received_at"], unique=False)

    op.create_table(
        "report_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column(
            "status", postgresql.ENUM(name="report_status", create_type=False), nullable=False
        ),
        sa.Column("assigned_to_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_report_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"],
            ["users.id"],
            name=op.f("fk_report_events_assigned_to_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_events_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_events")),
    )
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_events_report_id"), ["report_id"], unique=False)

    op.create_table(
        "report_photos",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("report_id", sa.BigInteger(), nullable=True),
        sa.Column("stage", sa.String(length=8), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stage in ('report', 'after')", name=op.f("ck_report_photos_known_stage")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name=op.f("fk_report_photos_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_report_photos_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_photos")),
    )
    with op.batch_alter_table("report_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_photos_report_id"), ["report_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_report_photos_uploaded_by_id"), ["uploaded_by_id"], unique=False
        )
    # Open reports are a public map layer: its tiles and OGC pages are cached by data version.
    op.execute(
        "CREATE TRIGGER map_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON reports FOR EACH STATEMENT EXECUTE FUNCTION khaya_map_data_changed()"
    )


def downgrade():
    with op.batch_alter_table("report_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_photos_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_report_photos_report_id"))

    op.drop_table("report_photos")
    with op.batch_alter_table("report_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_events_report_id"))

    op.drop_table("report_events")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index("ix_reports_type_received")
        batch_op.drop_index("ix_reports_recorded_by", postgresql_where="recorded_by_id is not null")
        batch_op.drop_index("ix_reports_lgo_status")
        batch_op.drop_geospatial_index(
            "idx_reports_point", postgresql_using="gist", column_name="point"
        )

    op.drop_geospatial_table("reports")
    with op.batch_alter_table("report_apps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_apps_lgo_id"))

    op.drop_table("report_apps")
    op.drop_table("report_settings")
    for name in ("report_type", "report_status", "report_located", "report_source"):
        op.execute(f"drop type if exists {name}")
