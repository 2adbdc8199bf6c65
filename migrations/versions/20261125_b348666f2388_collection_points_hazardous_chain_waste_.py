"""Collection points, the hazardous-waste chain, waste banks, prices, members and the ledger.

Revision ID: b348666f2388
Revises: a479e84ea918
Create Date: 2026-11-25 21:14:39.738953

"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "b348666f2388"
down_revision = "a479e84ea918"
branch_labels = None
depends_on = None


def upgrade():
    op.create_geospatial_table(
        "collection_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "hazardous_dropoff",
                "recycling",
                "compost",
                "general_bin",
                "pao_handover",
                name="point_kind",
            ),
            nullable=False,
        ),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
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
        sa.Column("streams", postgresql.ARRAY(sa.String(length=12)), nullable=False),
        sa.Column("opening", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "status", sa.Enum("active", "full", "closed", name="point_status"), nullable=False
        ),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "streams <@ array['organic','recyclable','general','hazardous']::varchar[]",
            name=op.f("ck_collection_points_known_streams"),
        ),
        sa.ForeignKeyConstraint(
            ["lgo_id"], ["lgos.id"], name=op.f("fk_collection_points_lgo_id_lgos")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_collection_points_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_points")),
    )
    with op.batch_alter_table("collection_points", schema=None) as batch_op:
        batch_op.create_geospatial_index(
            "idx_collection_points_point",
            ["point"],
            unique=False,
            postgresql_using="gist",
            postgresql_ops={},
        )
        batch_op.create_index("ix_collection_points_lgo_kind", ["lgo_id", "kind"], unique=False)

    op.create_table(
        "hazardous_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("collected_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kg_bulbs", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_batteries", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_spray_cans", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_pesticide_containers", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_e_waste", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_other", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint(
            "kg_batteries >= 0 and kg_batteries <= 20000",
            name=op.f("ck_hazardous_collections_kg_batteries_range"),
        ),
        sa.CheckConstraint(
            "kg_bulbs + kg_batteries + kg_spray_cans + kg_pesticide_containers + kg_e_waste + kg_other > 0",
            name=op.f("ck_hazardous_collections_some_weight"),
        ),
        sa.CheckConstraint(
            "kg_bulbs >= 0 and kg_bulbs <= 20000",
            name=op.f("ck_hazardous_collections_kg_bulbs_range"),
        ),
        sa.CheckConstraint(
            "kg_e_waste >= 0 and kg_e_waste <= 20000",
            name=op.f("ck_hazardous_collections_kg_e_waste_range"),
        ),
        sa.CheckConstraint(
            "kg_other >= 0 and kg_other <= 20000",
            name=op.f("ck_hazardous_collections_kg_other_range"),
        ),
        sa.CheckConstraint(
            "kg_pesticide_containers >= 0 and kg_pesticide_containers <= 20000",
            name=op.f("ck_hazardous_collections_kg_pesticide_containers_range"),
        ),
        sa.CheckConstraint(
            "kg_spray_cans >= 0 and kg_spray_cans <= 20000",
            name=op.f("ck_hazardous_collections_kg_spray_cans_range"),
        ),
        sa.ForeignKeyConstraint(
            ["lgo_id"], ["lgos.id"], name=op.f("fk_hazardous_collections_lgo_id_lgos")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["collection_points.id"],
            name=op.f("fk_hazardous_collections_point_id_collection_points"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_hazardous_collections_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazardous_collections")),
        sa.UniqueConstraint("client_id", name=op.f("uq_hazardous_collections_client_id")),
    )
    with op.batch_alter_table("hazardous_collections", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hazardous_collections_lgo_date", ["lgo_id", "collected_on"], unique=False
        )

    op.create_table(
        "hazardous_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("to_point_id", sa.Integer(), nullable=False),
        sa.Column("handed_over_on", sa.Date(), nullable=False),
        sa.Column("receipt_number", sa.String(length=60), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kg_bulbs", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_batteries", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_spray_cans", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_pesticide_containers", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_e_waste", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("kg_other", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.CheckConstraint(
            "kg_batteries >= 0 and kg_batteries <= 20000",
            name=op.f("ck_hazardous_handovers_kg_batteries_range"),
        ),
        sa.CheckConstraint(
            "kg_bulbs + kg_batteries + kg_spray_cans + kg_pesticide_containers + kg_e_waste + kg_other > 0",
            name=op.f("ck_hazardous_handovers_some_weight"),
        ),
        sa.CheckConstraint(
            "kg_bulbs >= 0 and kg_bulbs <= 20000",
            name=op.f("ck_hazardous_handovers_kg_bulbs_range"),
        ),
        sa.CheckConstraint(
            "kg_e_waste >= 0 and kg_e_waste <= 20000",
            name=op.f("ck_hazardous_handovers_kg_e_waste_range"),
        ),
        sa.CheckConstraint(
            "kg_other >= 0 and kg_other <= 20000",
            name=op.f("ck_hazardous_handovers_kg_other_range"),
        ),
        sa.CheckConstraint(
            "kg_pesticide_containers >= 0 and kg_pesticide_containers <= 20000",
            name=op.f("ck_hazardous_handovers_kg_pesticide_containers_range"),
        ),
        sa.CheckConstraint(
            "kg_spray_cans >= 0 and kg_spray_cans <= 20000",
            name=op.f("ck_hazardous_handovers_kg_spray_cans_range"),
        ),
        sa.ForeignKeyConstraint(
            ["lgo_id"], ["lgos.id"], name=op.f("fk_hazardous_handovers_lgo_id_lgos")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_hazardous_handovers_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["to_point_id"],
            ["collection_points.id"],
            name=op.f("fk_hazardous_handovers_to_point_id_collection_points"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazardous_handovers")),
        sa.UniqueConstraint("client_id", name=op.f("uq_hazardous_handovers_client_id")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_hazardous_handovers_receipt_number")),
    )
    with op.batch_alter_table("hazardous_handovers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hazardous_handovers_lgo_date", ["lgo_id", "handed_over_on"], unique=False
        )

    op.create_table(
        "waste_banks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("name_th", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("partner_buyer", sa.String(length=200), nullable=True),
        sa.Column("buying_schedule", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lgo_id"], ["lgos.id"], name=op.f("fk_waste_banks_lgo_id_lgos")),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["collection_points.id"],
            name=op.f("fk_waste_banks_point_id_collection_points"),
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_waste_banks_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_banks")),
    )
    with op.batch_alter_table("waste_banks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_waste_banks_lgo_id"), ["lgo_id"], unique=False)

    op.create_table(
        "waste_bank_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("member_number", sa.Integer(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["waste_banks.id"], name=op.f("fk_waste_bank_members_bank_id_waste_banks")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_waste_bank_members_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["lgo_id"], ["lgos.id"], name=op.f("fk_waste_bank_members_lgo_id_lgos")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_waste_bank_members_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_bank_members")),
        sa.UniqueConstraint("bank_id", "household_id", name="uq_members_once"),
    )
    with op.batch_alter_table("waste_bank_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_waste_bank_members_bank_id"), ["bank_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_waste_bank_members_household_id"), ["household_id"], unique=False
        )

    op.create_table(
        "waste_bank_prices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column(
            "material",
            sa.Enum(
                "pet",
                "plastic_other",
                "paper",
                "carton",
                "glass",
                "aluminium",
                "iron",
                "other",
                name="material",
            ),
            nullable=False,
        ),
        sa.Column("price_per_kg", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "price_per_kg >= 0 and price_per_kg <= 10000",
            name=op.f("ck_waste_bank_prices_price_range"),
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["waste_banks.id"], name=op.f("fk_waste_bank_prices_bank_id_waste_banks")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waste_bank_prices")),
        sa.UniqueConstraint("bank_id", "material", "valid_from", name="uq_prices_from"),
    )
    with op.batch_alter_table("waste_bank_prices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_waste_bank_prices_bank_id"), ["bank_id"], unique=False)

    op.create_table(
        "welfare_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("beneficiary_member_id", sa.Integer(), nullable=False),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("amount_per_member", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("members_debited", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["waste_banks.id"], name=op.f("fk_welfare_events_bank_id_waste_banks")
        ),
        sa.ForeignKeyConstraint(
            ["beneficiary_member_id"],
            ["waste_bank_members.id"],
            name=op.f("fk_welfare_events_beneficiary_member_id_waste_bank_members"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_welfare_events_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_welfare_events")),
    )
    with op.batch_alter_table("welfare_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_welfare_events_bank_id"), ["bank_id"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("client_id", sa.UUID(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("lgo_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "deposit",
                "withdrawal",
                "welfare_debit",
                "welfare_credit",
                "reversal",
                name="ledger_entry_kind",
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("reverses_id", sa.BigInteger(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_role", sa.String(length=20), nullable=True),
        sa.Column("device_id", sa.String(length=100), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("clock_offset_s", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(kind = 'deposit' and amount >= 0) or (kind = 'withdrawal' and amount < 0) or (kind = 'welfare_debit' and amount < 0) or (kind = 'welfare_credit' and amount > 0) or (kind = 'reversal' and reverses_id is not null)",
            name=op.f("ck_ledger_entries_sign_fits_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"], ["waste_banks.id"], name=op.f("fk_ledger_entries_bank_id_waste_banks")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["welfare_events.id"],
            name=op.f("fk_ledger_entries_event_id_welfare_events"),
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_ledger_entries_household_id_households"),
        ),
        sa.ForeignKeyConstraint(
            ["lgo_id"], ["lgos.id"], name=op.f("fk_ledger_entries_lgo_id_lgos")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["waste_bank_members.id"],
            name=op.f("fk_ledger_entries_member_id_waste_bank_members"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_ledger_entries_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_entries_reverses_id_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_ledger_entries_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("client_id", name=op.f("uq_ledger_entries_client_id")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_entries_bank_date", ["bank_id", "entry_date"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_entries_event_id"), ["event_id"], unique=False)
        batch_op.create_index(
            "ix_ledger_entries_member", ["member_id", "entry_date", "id"], unique=False
        )
        batch_op.create_index(
            "uq_ledger_entries_reverses",
            ["reverses_id"],
            unique=True,
            postgresql_where=sa.text("reverses_id is not null"),
        )

    op.create_table(
        "ledger_lines",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("entry_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "material",
            sa.Enum(
                "pet",
                "plastic_other",
                "paper",
                "carton",
                "glass",
                "aluminium",
                "iron",
                "other",
                name="material",
            ),
            nullable=False,
        ),
        sa.Column("kg", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.CheckConstraint(
            "amount = round(kg * unit_price, 2)",
            name=op.f("ck_ledger_lines_amount_is_kg_times_price"),
        ),
        sa.CheckConstraint("kg > 0 and kg <= 1000", name=op.f("ck_ledger_lines_kg_range")),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entries.id"],
            name=op.f("fk_ledger_lines_entry_id_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lines")),
    )
    with op.batch_alter_table("ledger_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_lines_entry_id"), ["entry_id"], unique=False)
    # Money is never edited: a correction is a reversing entry. The audit log's trigger function
    # now names whichever table refused the change.
    op.execute("""
        CREATE OR REPLACE FUNCTION khaya_audit_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME
                USING ERRCODE = 'insufficient_privilege';
        END $$
    """)
    for table in ("ledger_entries", "ledger_lines"):
        op.execute(f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION khaya_audit_append_only()
        """)
        op.execute(f"""
            CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
            FOR EACH STATEMENT EXECUTE FUNCTION khaya_audit_append_only()
        """)


def downgrade():
    with op.batch_alter_table("ledger_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_lines_entry_id"))

    op.drop_table("ledger_lines")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ledger_entries_reverses", postgresql_where=sa.text("reverses_id is not null")
        )
        batch_op.drop_index("ix_ledger_entries_member")
        batch_op.drop_index(batch_op.f("ix_ledger_entries_event_id"))
        batch_op.drop_index("ix_ledger_entries_bank_date")

    op.drop_table("ledger_entries")
    with op.batch_alter_table("welfare_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_welfare_events_bank_id"))

    op.drop_table("welfare_events")
    with op.batch_alter_table("waste_bank_prices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waste_bank_prices_bank_id"))

    op.drop_table("waste_bank_prices")
    with op.batch_alter_table("waste_bank_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waste_bank_members_household_id"))
        batch_op.drop_index(batch_op.f("ix_waste_bank_members_bank_id"))

    op.drop_table("waste_bank_members")
    with op.batch_alter_table("waste_banks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waste_banks_lgo_id"))

    op.drop_table("waste_banks")
    with op.batch_alter_table("hazardous_handovers", schema=None) as batch_op:
        batch_op.drop_index("ix_hazardous_handovers_lgo_date")

    op.drop_table("hazardous_handovers")
    with op.batch_alter_table("hazardous_collections", schema=None) as batch_op:
        batch_op.drop_index("ix_hazardous_collections_lgo_date")

    op.drop_table("hazardous_collections")
    with op.batch_alter_table("collection_points", schema=None) as batch_op:
        batch_op.drop_index("ix_collection_points_lgo_kind")
        batch_op.drop_geospatial_index(
            "idx_collection_points_point", postgresql_using="gist", column_name="point"
        )

    op.drop_geospatial_table("collection_points")
    for name in ("ledger_entry_kind", "material", "point_status", "point_kind"):
        op.execute(f"DROP TYPE IF EXISTS {name}")
