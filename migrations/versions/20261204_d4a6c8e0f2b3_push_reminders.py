"""Reminders by Web Push: push_subscriptions and push_deliveries

A subscription is one browser's push endpoint for one person, with the topics chosen, quiet
hours and language; a delivery is a message sent, at most one a day per subscription and topic.

Revision ID: d4a6c8e0f2b3
Revises: c3f5b7d9e1a2
Create Date: 2026-12-04 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "d4a6c8e0f2b3"
down_revision = "c3f5b7d9e1a2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.Text(), nullable=False),
        sa.Column("p256dh", sa.String(length=120), nullable=False),
        sa.Column("auth", sa.String(length=40), nullable=False),
        sa.Column("topics", postgresql.ARRAY(sa.String(length=24)), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("not_logged_days", sa.Integer(), nullable=False),
        sa.Column("quiet_from", sa.Time(), nullable=False),
        sa.Column("quiet_until", sa.Time(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_push_subscriptions_user_id_users")),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"],
                                name=op.f("fk_push_subscriptions_village_id_villages")),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"], ondelete="SET NULL",
                                name=op.f("fk_push_subscriptions_household_id_households")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_subscriptions")),
        sa.UniqueConstraint("endpoint", name=op.f("uq_push_subscriptions_endpoint")),
    )
    op.create_index(op.f("ix_push_subscriptions_user_id"), "push_subscriptions", ["user_id"])
    op.create_table(
        "push_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subscription_id"], ["push_subscriptions.id"],
                                ondelete="CASCADE",
                                name=op.f("fk_push_deliveries_subscription_id_push_subscriptions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_push_deliveries")),
        sa.UniqueConstraint("subscription_id", "topic", "day", name="uq_push_deliveries_once"),
    )
    op.create_index("ix_push_deliveries_day", "push_deliveries", ["day"])


def downgrade():
    op.drop_table("push_deliveries")
    op.drop_table("push_subscriptions")
