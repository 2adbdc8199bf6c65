"""Households, sorting logs, inspections and photos; residents linked to their household.

Revision ID: a479e84ea918
Revises: b3c76fbfc452
Create Date: 2026-11-25 21:05:52.790272

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "a479e84ea918"
down_revision = "b3c76fbfc452"
branch_labels = None
depends_on = None


def upgrade():
    op.create_geospatial_table(
        "households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("house_number", sa.String(length=20), nullable=False),
        sa.Column(
            "point",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("gps_accuracy_m", sa.Float(), nullable=True),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("head_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.Column("occupancy", sa.Enum("occupied", "vacant", name="occupancy"), nullable=False),
        sa.Column(
            "wet_bin",
            sa.Enum("has_bin", "communal", "no_space", "none", name="wet_bin"),
            nullable=False,
        ),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("consents", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("qr_token", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("deactivated_on", sa.Date(), nullable=True),
        sa.Column("deactivation_reason", sa.String(length=200), nullable=True),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("last_log_on", sa.Date(), nullable=True),
        sa.Column("last_inspected_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "house_number ~ '^[0-9A-Za-z\u0e00-\u0e7f/ .-]{1,20}$'",
            name=op.f("ck_households_house_number_format"),
        ),
        sa.CheckConstraint("phone ~ '^\\+66[0-9]{8,9}$'", name=op.f("ck_households_phone_e164")),
        sa.CheckConstraint(
            "gps_accuracy_m is null or gps_accuracy_m >= 0",
            name=op.f("ck_households_accuracy_positive"),
        ),
        sa.CheckConstraint("members between 0 and 60", name=op.f("ck_households_members_range")),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_households_lgo_id_lgos")),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_households_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_households")),
        sa.UniqueConstraint("qr_token", name=op.f("uq_households_qr_token")),
    )
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_households_point",
            ["point"],
            unique=False,
            postgresql_using="gist",
            postgresql_ops={},
        )
        batch_op.create_index(batch_op.f("ix_households_lgo_id"), ["lgo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_households_village_id"), ["village_id"], unique=False)
        batch_op.create_index(
            "uq_households_village_house",
            ["village_id", "house_number"],
            unique=True,
            postgresql_where=sa.text("active"),
        )

    op.create_table(
        "photos",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_photos_household_id_households")
        ),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_photos_lgo_id_lgos")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_photos_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_photos_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photos")),
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_photos_household_id"), ["household_id"], unique=False)

    op.create_geospatial_table(
        "inspections",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("registered", sa.Boolean(), nullable=False),
        sa.Column("bin_built", sa.Boolean(), nullable=False),
        sa.Column("food_waste_in_bin", sa.Boolean(), nullable=False),
        sa.Column("lid_closed", sa.Boolean(), nullable=False),
        sa.Column("used_correctly", sa.Boolean(), nullable=False),
        sa.Column("sorting_ok", sa.Boolean(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("photo_id", sa.UUID(), nullable=True),
        sa.Column(
            "inspector_point",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("gps_accuracy_m", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("mock_location", sa.Boolean(), nullable=False),
        sa.Column("location_flag", sa.String(length=20), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_role", sa.String(length=20), nullable=True),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clock_offset_s", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_inspections_household_id_households")
        ),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_inspections_lgo_id_lgos")),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_inspections_photo_id_photos")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_inspections_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_inspections_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
        sa.UniqueConstraint("client_id", name=op.f("uq_inspections_client_id")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_inspections_household_date", ["household_id", "inspected_on"], unique=False
        )
        batch_op.create_index("ix_inspections_lgo_date", ["lgo_id", "inspected_on"], unique=False)

    op.create_table(
        "sorting_logs",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("log_date", sa.Date(), nullable=False),
        sa.Column("streams", postgresql.ARRAY(sa.String(length=12)), nullable=False),
        sa.Column(
            "organic_handling",
            sa.Enum("wet_bin", "compost", "animal_feed", "other", name="organic_handling"),
            nullable=True,
        ),
        sa.Column("kg_organic", sa.Float(), nullable=True),
        sa.Column("kg_recyclable", sa.Float(), nullable=True),
        sa.Column("kg_general", sa.Float(), nullable=True),
        sa.Column("kg_hazardous", sa.Float(), nullable=True),
        sa.Column("photo_id", sa.UUID(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=200), nullable=True),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_role", sa.String(length=20), nullable=True),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clock_offset_s", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "cardinality(streams) between 1 and 4 and streams <@ array['organic','recyclable','general','hazardous']::varchar[]",
            name=op.f("ck_sorting_logs_known_streams"),
        ),
        sa.CheckConstraint(
            "kg_general is null or (kg_general >= 0 and kg_general <= 100)",
            name=op.f("ck_sorting_logs_kg_general_range"),
        ),
        sa.CheckConstraint(
            "kg_hazardous is null or (kg_hazardous >= 0 and kg_hazardous <= 100)",
            name=op.f("ck_sorting_logs_kg_hazardous_range"),
        ),
        sa.CheckConstraint(
            "kg_organic is null or (kg_organic >= 0 and kg_organic <= 100)",
            name=op.f("ck_sorting_logs_kg_organic_range"),
        ),
        sa.CheckConstraint(
            "kg_recyclable is null or (kg_recyclable >= 0 and kg_recyclable <= 100)",
            name=op.f("ck_sorting_logs_kg_recyclable_range"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_sorting_logs_household_id_households"),
        ),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_sorting_logs_lgo_id_lgos")),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_sorting_logs_photo_id_photos")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_sorting_logs_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_sorting_logs_village_id_villages")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"],
            ["users.id"],
            name=op.f("fk_sorting_logs_voided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sorting_logs")),
        sa.UniqueConstraint("client_id", name=op.f("uq_sorting_logs_client_id")),
    )
    with op.batch_alter_table("sorting_logs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sorting_logs_household_date", ["household_id", "log_date"], unique=False
        )
        batch_op.create_index("ix_sorting_logs_lgo_date", ["lgo_id", "log_date"], unique=False)
        batch_op.create_index(
            "ix_sorting_logs_village_date", ["village_id", "log_date"], unique=False
        )

    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_role_grants_household_id"), ["household_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_role_grants_household_id_households"),
            "households",
            ["household_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("role_grants", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_role_grants_household_id_households"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_role_grants_household_id"))
        batch_op.drop_column("household_id")

    with op.batch_alter_table("sorting_logs", schema=None) as batch_op:
        batch_op.drop_index("ix_sorting_logs_village_date")
        batch_op.drop_index("ix_sorting_logs_lgo_date")
        batch_op.drop_index("ix_sorting_logs_household_date")

    op.drop_table("sorting_logs")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index("ix_inspections_lgo_date")
        batch_op.drop_index("ix_inspections_household_date")

    op.drop_geospatial_table("inspections")
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_household_id"))

    op.drop_table("photos")
    with op.batch_alter_table("households", schema=None) as batch_op:
        batch_op.drop_index("uq_households_village_house", postgresql_where=sa.text("active"))
        batch_op.drop_index(batch_op.f("ix_households_village_id"))
        batch_op.drop_index(batch_op.f("ix_households_lgo_id"))
        batch_op.drop_geospatial_index(
            "idx_households_point", postgresql_using="gist", column_name="point"
        )

    op.drop_geospatial_table("households")
    for name in ("organic_handling", "wet_bin", "occupancy"):
        op.execute(f"DROP TYPE IF EXISTS {name}")
