"""Map data versions for tile caching (change log + triggers), and export jobs.

Revision ID: f22141d865ed
Revises: b348666f2388
Create Date: 2026-11-25 21:34:52.298771

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "f22141d865ed"
down_revision = "b348666f2388"
branch_labels = None
depends_on = None

# khaya.maps.models.WATCHED_TABLES, frozen here as a migration must be.
WATCHED_TABLES = (
    "districts",
    "tambons",
    "lgos",
    "villages",
    "households",
    "collection_points",
    "sorting_logs",
    "inspections",
    "waste_bank_members",
    "ledger_entries",
)


def upgrade():
    op.create_table(
        "map_data_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("source", sa.String(length=63), nullable=False),
        sa.Column(
            "changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_map_data_changes")),
    )
    with op.batch_alter_table("map_data_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_map_data_changes_source"), ["source"], unique=False)

    op.create_table(
        "map_data_versions",
        sa.Column("source", sa.String(length=63), nullable=False),
        sa.Column("base", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_map_data_versions")),
    )
    op.create_table(
        "export_jobs",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "running", "done", "failed", name="export_job_status"),
            nullable=False,
        ),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("content_type", sa.String(length=120), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_export_jobs_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_jobs")),
    )
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_export_jobs_user_created", ["user_id", "created_at"], unique=False
        )

    # One insert per write statement: no counter row to lock, so writers never wait on each
    # other or deadlock over it (see khaya.maps.models).
    op.execute(
        """
        CREATE OR REPLACE FUNCTION khaya_map_data_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO map_data_changes (source) VALUES (TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table in WATCHED_TABLES:
        op.execute(
            f"CREATE TRIGGER map_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION khaya_map_data_changed()"
        )


def downgrade():
    for table in WATCHED_TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS map_data_changed ON {table}")
    op.execute("DROP FUNCTION IF EXISTS khaya_map_data_changed()")
    with op.batch_alter_table("export_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_export_jobs_user_created")

    op.drop_table("export_jobs")
    op.execute("DROP TYPE IF EXISTS export_job_status")
    op.drop_table("map_data_versions")
    with op.batch_alter_table("map_data_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_map_data_changes_source"))

    op.drop_table("map_data_changes")
