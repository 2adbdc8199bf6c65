"""Territory: PostGIS, provinces, districts, tambons, LGOs with history, villages.

Revision ID: 2ef681ff792d
Revises:
Create Date: 2026-11-25 20:48:27.847520

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = "2ef681ff792d"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    # The launcher creates the extension as a superuser; on a managed server the owner may.
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_geospatial_table(
        "provinces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=2), nullable=False),
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
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "boundary_source",
            sa.Enum("approximate", "imported", name="boundary_source"),
            nullable=False,
        ),
        sa.Column("boundary_updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provinces")),
        sa.UniqueConstraint("code", name=op.f("uq_provinces_code")),
    )
    with op.batch_alter_table("provinces", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_provinces_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )

    op.create_geospatial_table(
        "districts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
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
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "boundary_source",
            sa.Enum("approximate", "imported", name="boundary_source"),
            nullable=False,
        ),
        sa.Column("boundary_updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_districts_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_districts")),
        sa.UniqueConstraint("code", name=op.f("uq_districts_code")),
    )
    with op.batch_alter_table("districts", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_districts_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(batch_op.f("ix_districts_province_id"), ["province_id"], unique=False)

    op.create_geospatial_table(
        "lgos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "PAO",
                "city_municipality",
                "town_municipality",
                "subdistrict_municipality",
                "SAO",
                name="lgo_type",
            ),
            nullable=False,
        ),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column(
            "office_point",
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
        sa.Column("office_point_source", sa.String(length=200), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "boundary_source",
            sa.Enum("approximate", "imported", name="boundary_source"),
            nullable=False,
        ),
        sa.Column("boundary_updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("code ~ '^[a-z0-9-]+$'", name=op.f("ck_lgos_code_slug")),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_lgos_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["provinces.id"], name=op.f("fk_lgos_province_id_provinces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lgos")),
        sa.UniqueConstraint("code", name=op.f("uq_lgos_code")),
    )
    with op.batch_alter_table("lgos", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_lgos_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(batch_op.f("ix_lgos_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lgos_province_id"), ["province_id"], unique=False)

    op.create_geospatial_table(
        "tambons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("postcode", sa.String(length=5), nullable=True),
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
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=True),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "boundary_source",
            sa.Enum("approximate", "imported", name="boundary_source"),
            nullable=False,
        ),
        sa.Column("boundary_updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_tambons_district_id_districts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tambons")),
        sa.UniqueConstraint("code", name=op.f("uq_tambons_code")),
    )
    with op.batch_alter_table("tambons", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_tambons_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(batch_op.f("ix_tambons_district_id"), ["district_id"], unique=False)

    op.create_table(
        "lgo_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column(
            "type",
            sa.Enum(
                "PAO",
                "city_municipality",
                "town_municipality",
                "subdistrict_municipality",
                "SAO",
                name="lgo_type",
            ),
            nullable=False,
        ),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "valid_to is null or valid_to > valid_from", name=op.f("ck_lgo_versions_period_order")
        ),
        sa.ForeignKeyConstraint(
            ["lgo_id"], ["lgos.id"], name=op.f("fk_lgo_versions_lgo_id_lgos"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lgo_versions")),
    )
    with op.batch_alter_table("lgo_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lgo_versions_lgo_id"), ["lgo_id"], unique=False)
        batch_op.create_index(
            "uq_lgo_versions_open",
            ["lgo_id"],
            unique=True,
            postgresql_where=sa.text("valid_to is null"),
        )

    op.create_geospatial_table(
        "villages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("tambon_id", sa.Integer(), nullable=False),
        sa.Column("moo", sa.Integer(), nullable=True),
        sa.Column("kind", sa.Enum("village", "community", name="village_kind"), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column(
            "lgo_assignment",
            sa.Enum("reference", "approximate", name="lgo_assignment"),
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
            ),
            nullable=True,
        ),
        sa.Column("households_estimate", sa.Integer(), nullable=True),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "boundary_source",
            sa.Enum("approximate", "imported", name="boundary_source"),
            nullable=False,
        ),
        sa.Column("boundary_updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("code ~ '^[0-9]{8}$'", name=op.f("ck_villages_code_digits")),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_villages_lgo_id_lgos")),
        sa.ForeignKeyConstraint(
            ["tambon_id"], ["tambons.id"], name=op.f("fk_villages_tambon_id_tambons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_villages")),
        sa.UniqueConstraint("code", name=op.f("uq_villages_code")),
    )
    with op.batch_alter_table("villages", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_villages_geom", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
        )
        batch_op.create_index(batch_op.f("ix_villages_lgo_id"), ["lgo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_villages_tambon_id"), ["tambon_id"], unique=False)


def downgrade():
    with op.batch_alter_table("villages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_villages_tambon_id"))
        batch_op.drop_index(batch_op.f("ix_villages_lgo_id"))
        batch_op.drop_geospatial_index(
            "idx_villages_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("villages")
    with op.batch_alter_table("lgo_versions", schema=None) as batch_op:
        batch_op.drop_index("uq_lgo_versions_open", postgresql_where=sa.text("valid_to is null"))
        batch_op.drop_index(batch_op.f("ix_lgo_versions_lgo_id"))

    op.drop_table("lgo_versions")
    with op.batch_alter_table("tambons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tambons_district_id"))
        batch_op.drop_geospatial_index(
            "idx_tambons_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("tambons")
    with op.batch_alter_table("lgos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lgos_province_id"))
        batch_op.drop_index(batch_op.f("ix_lgos_district_id"))
        batch_op.drop_geospatial_index("idx_lgos_geom", postgresql_using="gist", column_name="geom")

    op.drop_geospatial_table("lgos")
    with op.batch_alter_table("districts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_districts_province_id"))
        batch_op.drop_geospatial_index(
            "idx_districts_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("districts")
    with op.batch_alter_table("provinces", schema=None) as batch_op:
        batch_op.drop_geospatial_index(
            "idx_provinces_geom", postgresql_using="gist", column_name="geom"
        )

    op.drop_geospatial_table("provinces")
    for name in ("lgo_assignment", "village_kind", "lgo_type", "boundary_source"):
        op.execute(f"DROP TYPE IF EXISTS {name}")
    # PostGIS stays: other databases objects may use it and dropping it needs a superuser.
