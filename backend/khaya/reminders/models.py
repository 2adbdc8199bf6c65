"""Push subscriptions (one per browser and person) and the messages sent to them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Village
from ..columns import TIMESTAMP, utcnow
from ..extensions import Model

# What a person may be reminded of.
TOPICS = ("collection_tomorrow", "buying_day_tomorrow", "not_logged", "inspection_due",
          "report_closed")


class PushSubscription(Model):
    """A browser's push endpoint for one person, the topics they chose and their quiet hours.

    The endpoint and keys come from the browser's PushManager; they name a device, not a person,
    and are deleted when the push service says the subscription is gone (404 or 410).
    """

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(Text, unique=True)
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(40))
    topics: Mapped[list[str]] = mapped_column(ARRAY(String(24)))
    # The village whose calendar the collection and buying-day reminders follow.
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    # The household whose logging "not logged for N days" watches (a resident's own).
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"))
    not_logged_days: Mapped[int] = mapped_column(Integer, default=3)
    # Nothing is sent from quiet_from until quiet_until, Thai time (the span may cross midnight).
    quiet_from: Mapped[dt.time] = mapped_column(Time, default=dt.time(21))
    quiet_until: Mapped[dt.time] = mapped_column(Time, default=dt.time(7))
    lang: Mapped[str] = mapped_column(String(2), default="th")
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)

    village: Mapped[Village | None] = relationship(lazy="joined")


class PushDelivery(Model):
    """A message sent: at most one a day per subscription and topic (the unique key)."""

    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "topic", "day", name="uq_push_deliveries_once"),
        Index("ix_push_deliveries_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("push_subscriptions.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(24))
    day: Mapped[dt.date]
    status: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
