"""The job queue's tables and functions (Procrastinate 3.10's schema); pending changes

- Procrastinate's schema, for every background job.
- pending_changes: what the domains announced (rows stored, voided, reversed) and the
  rollups have not taken in yet; written in the same transaction as the rows, deleted by the
  worker that applies them.

The schema comes from the pinned Procrastinate itself, so the tables match the library the
workers run. Upgrading Procrastinate means a new migration that applies its own migration
scripts (procrastinate/sql/migrations) between the two versions.

Revision ID: 7a4e2c9d1f03
Revises: 5e3c1a7d9b04
Create Date: 2026-12-02 19:40:00.000000

"""
import sqlalchemy as sa
from alembic import op
from procrastinate.schema import SchemaManager
from sqlalchemy.dialects import postgresql

revision = "7a4e2c9d1f03"
down_revision = "5e3c1a7d9b04"
branch_labels = None
depends_on = None


def upgrade():
    # The raw cursor: the schema's own text holds '%' and '::' that a driver or SQLAlchemy
    # would otherwise read as parameters.
    cursor = op.get_bind().connection.cursor()
    try:
        cursor.execute(SchemaManager.get_schema())
    finally:
        cursor.close()
    op.create_table(
        "pending_changes",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("ids", postgresql.ARRAY(sa.BigInteger()), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.text("now()")),
    )


def downgrade():
    op.drop_table("pending_changes")
    op.execute("""
        do $$
        declare r record;
        begin
            for r in select p.oid::regprocedure as sig, p.prokind from pg_proc p
                     join pg_namespace n on n.oid = p.pronamespace
                     where n.nspname = current_schema() and p.proname like 'procrastinate%'
            loop
                if r.prokind = 'p' then
                    execute 'drop procedure ' || r.sig || ' cascade';
                else
                    execute 'drop function ' || r.sig || ' cascade';
                end if;
            end loop;
        end $$
    """)
    for table in ("procrastinate_events", "procrastinate_periodic_defers",
                  "procrastinate_jobs", "procrastinate_workers"):
        op.execute(f"drop table if exists {table} cascade")
    for kind in ("procrastinate_job_to_defer_v1", "procrastinate_job_event_type",
                 "procrastinate_job_status"):
        op.execute(f"drop type if exists {kind} cascade")
