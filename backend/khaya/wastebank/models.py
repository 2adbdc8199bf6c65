"""Waste banks, their price lists, members and the append-only ledger."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..areas.models import Lgo, Village
from ..auth.scoping import Scoped
from ..columns import TIMESTAMP, pg_enum, utcnow
from ..common.time import local_today
from ..extensions import Model


class Material(enum.StrEnum):
    pet = "pet"
    plastic_other = "plastic_other"
    paper = "paper"
    carton = "carton"
    glass = "glass"
    aluminium = "aluminium"
    iron = "iron"
    other = "other"


class EntryKind(enum.StrEnum):
    deposit = "deposit"  # recyclables weighed and bought
    withdrawal = "withdrawal"  # cash paid out to the member
    welfare_debit = "welfare_debit"  # e.g. each member's share of a funeral
    welfare_credit = "welfare_credit"  # e.g. the bereaved household's payment
    reversal = "reversal"  # cancels one earlier entry


def first_buying_day(schedule: dict | None, today: dt.date) -> dt.date | None:
    """Return the first buying day on or after ``today``: a dated day or a weekly one.

    Weekly slots count Monday as 0, as ``OpeningSchema`` stores them and ``date.weekday()``
    reads them.
    """
    schedule = schedule or {}
    days = [d for d in map(dt.date.fromisoformat, schedule.get("dates") or []) if d >= today]
    for slot in schedule.get("weekly") or []:
        days.append(today + dt.timedelta(days=(slot["day"] - today.weekday()) % 7))
    return min(days, default=None)


# A member brings at most this much of one material at once; more is a typing slip.
LINE_KG_CEILING = 1000
MONEY = Numeric(12, 2)


class WasteBank(Scoped, Model):
    """A bank and its buying days. Public within the scheme: reads see past scope on purpose,
    changes go through the LGO's scope."""

    __tablename__ = "waste_banks"
    __scope_columns__ = {"lgo": "lgo_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    host: Mapped[str | None] = mapped_column(String(200))  # a school, temple or community
    partner_buyer: Mapped[str | None] = mapped_column(String(200))
    # {"weekly": [...]} or {"dates": ["2026-12-05", ...]}: usually one buying day a month.
    buying_schedule: Mapped[dict] = mapped_column(JSONB, default=dict)
    point_id: Mapped[int | None] = mapped_column(ForeignKey("collection_points.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)

    lgo: Mapped[Lgo] = relationship(lazy="joined", innerjoin=True)
    village: Mapped[Village | None] = relationship(lazy="joined")

    @property
    def next_buying_day(self) -> dt.date | None:
        """The bank's next buying day by Thailand's calendar (today counts)."""
        return first_buying_day(self.buying_schedule, local_today())


class Price(Model):
    """The buyer's price for one material from a date; the next price closes it."""

    __tablename__ = "waste_bank_prices"
    __table_args__ = (
        UniqueConstraint("bank_id", "material", "valid_from", name="uq_prices_from"),
        CheckConstraint("price_per_kg >= 0 and price_per_kg <= 10000", name="price_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("waste_banks.id"), index=True)
    material: Mapped[Material] = mapped_column(pg_enum(Material, "material"))
    price_per_kg: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class Member(Scoped, Model):
    """A household's account at one bank (one account per household per bank)."""

    __tablename__ = "waste_bank_members"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id", "household": "household_id"}
    __table_args__ = (UniqueConstraint("bank_id", "household_id", name="uq_members_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("waste_banks.id"), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"), index=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    member_number: Mapped[int]
    joined_on: Mapped[dt.date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(default=True)


class LedgerEntry(Scoped, Model):
    """One movement of a member's money. Never updated or deleted: a trigger refuses it."""

    __tablename__ = "ledger_entries"
    __scope_columns__ = {"lgo": "lgo_id", "village": "village_id", "household": "household_id"}
    __table_args__ = (
        Index("ix_ledger_entries_member", "member_id", "entry_date", "id"),
        Index("ix_ledger_entries_bank_date", "bank_id", "entry_date"),
        # An entry can be reversed once.
        Index(
            "uq_ledger_entries_reverses",
            "reverses_id",
            unique=True,
            postgresql_where=text("reverses_id is not null"),
        ),
        CheckConstraint(
            "(kind = 'deposit' and amount >= 0) or (kind = 'withdrawal' and amount < 0)"
            " or (kind = 'welfare_debit' and amount < 0)"
            " or (kind = 'welfare_credit' and amount > 0)"
            " or (kind = 'reversal' and reverses_id is not null)",
            name="sign_fits_kind",
        ),
        CheckConstraint(
            "(event_id is not null) = (kind in ('welfare_debit', 'welfare_credit'))",
            name="only_welfare_names_an_event",
        ),
        CheckConstraint("reverses_id is null or kind = 'reversal'", name="only_reversals_reverse"),
        # Deferred constraint triggers (migration 5e3c1a7d9b04) keep the rest, at commit: a
        # deposit's amount is the sum of its lines; an entry's bank and household are its
        # member's; a reversal mirrors its entry; a welfare event's debits and credit add up.
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), unique=True, default=uuid.uuid4
    )
    # What a deposit item said (common.batch.content_digest); null on office-made entries.
    content_digest: Mapped[bytes | None] = mapped_column(LargeBinary)
    bank_id: Mapped[int] = mapped_column(ForeignKey("waste_banks.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("waste_bank_members.id"))
    household_id: Mapped[int] = mapped_column(ForeignKey("households.id"))
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"))
    entry_date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[EntryKind] = mapped_column(pg_enum(EntryKind, "ledger_entry_kind"))
    # Positive credits the member, negative debits; the balance is the sum.
    amount: Mapped[Decimal] = mapped_column(MONEY)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("welfare_events.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_role: Mapped[str | None] = mapped_column(String(20))
    device_id: Mapped[str | None] = mapped_column(String(100))
    device_time: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    received_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    clock_offset_s: Mapped[int | None]

    lines: Mapped[list[LedgerLine]] = relationship(order_by="LedgerLine.id", lazy="selectin")


class LedgerLine(Model):
    """One weighed material of a deposit, at the price in force that day (copied, not linked)."""

    __tablename__ = "ledger_lines"
    __table_args__ = (
        CheckConstraint(f"kg > 0 and kg <= {LINE_KG_CEILING}", name="kg_range"),
        CheckConstraint("amount = round(kg * unit_price, 2)", name="amount_is_kg_times_price"),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), index=True)
    material: Mapped[Material] = mapped_column(pg_enum(Material, "material"))
    kg: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    unit_price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    amount: Mapped[Decimal] = mapped_column(MONEY)


class WelfareEvent(Model):
    """A welfare payout funded by members, e.g. a funeral: every member pays, one receives."""

    __tablename__ = "welfare_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("waste_banks.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="funeral")
    beneficiary_member_id: Mapped[int] = mapped_column(ForeignKey("waste_bank_members.id"))
    event_date: Mapped[dt.date] = mapped_column(Date)
    amount_per_member: Mapped[Decimal] = mapped_column(MONEY)
    members_debited: Mapped[int]
    total: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
