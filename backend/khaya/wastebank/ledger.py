"""The ledger: deposits, withdrawals, welfare events, reversals and passbooks.

The ledger is append-only and the balance is always the sum of a member's entries. Rules:
- a deposit line is priced at the bank's price for that material in force on the deposit date,
  copied onto the line; a material with no price that day is refused;
- a withdrawal never takes a balance below zero;
- overdraft rule: a welfare debit (each member's share of a funeral) and a reversal may take a
  balance below zero; the member then owes the fund and their next deposits repay it;
- a correction is a reversing entry, once per entry; nothing is ever edited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from ..auth import audit
from ..auth.access import Principal, current_principal
from ..auth.scoping import unscoped
from ..common.batch import CLIENT_ID_REUSED, BatchContext, BatchItem, ItemResult, load, settle
from ..common.db import insert_guarded
from ..common.pagination import paginate
from ..common.time import local_today
from ..errors import Conflict
from ..extensions import db
from ..jobs import changes
from .errors import (
    AlreadyReversed,
    EntryNotFound,
    InsufficientBalance,
    InvalidLedgerEntry,
)
from .models import EntryKind, LedgerEntry, LedgerLine, Member, WasteBank, WelfareEvent
from .schemas import DepositDataSchema
from .services import (
    PriceBook,
    balance_of,
    bank_in_reach,
    get_bank,
    get_member,
    households_of,
    member_view,
    money,
)

_DEPOSIT_SCHEMA = DepositDataSchema()
REUSED_MESSAGE = "That client_id was used for another deposit; generate a new one."
REUSED_MESSAGE_TH = "client_id นี้ใช้กับการฝากรายการอื่นไปแล้ว ให้สร้างรหัสใหม่"
TAKEN_MESSAGE = "That client_id belongs to a record you cannot see; generate a new one."
TAKEN_MESSAGE_TH = "client_id นี้เป็นของรายการที่คุณไม่มีสิทธิ์เห็น ให้สร้างรหัสใหม่"


# Deposits ----------------------------------------------------------------------------------


def record_deposits(items: list[BatchItem], ctx: BatchContext) -> list[ItemResult]:
    """Store a batch of weighed deposits (online or from the sync endpoint)."""
    valid, errors = load(items, _DEPOSIT_SCHEMA)
    member_ids = {data["member_id"] for _, data in valid}
    members = (
        {
            m.id: m
            for m in db.session.execute(select(Member).where(Member.id.in_(member_ids))).scalars()
        }
        if member_ids
        else {}
    )
    prices = PriceBook({data["bank_id"] for _, data in valid})
    rows: dict[int, dict[str, Any]] = {}
    lines: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for item, data in valid:
        member = members.get(data["member_id"])
        problems = _deposit_problems(data, member)
        priced = []
        for line in data["lines"]:
            price = prices.on(data["bank_id"], line["material"].value, data["deposit_date"])
            if price is None:
                problems.setdefault("lines", []).append(
                    f"No price for {line['material'].value} on {data['deposit_date']}."
                )
                continue
            priced.append(
                {
                    "material": line["material"],
                    "kg": line["kg"],
                    "unit_price": price,
                    "amount": money(line["kg"] * price),
                }
            )
        if problems or member is None:
            errors[item.index] = problems
            continue
        rows[item.index] = {
            **_entry_base(member, ctx, item),
            "entry_date": data["deposit_date"],
            "kind": EntryKind.deposit,
            "amount": sum((p["amount"] for p in priced), Decimal(0)),
            "note": data.get("note"),
        }
        lines[item.client_id] = priced
    results, created = settle(LedgerEntry, items, rows, errors, ctx.principal)
    line_rows = [
        {**line, "entry_id": entry_id}
        for client_id, entry_id in created.items()
        for line in lines[client_id]
    ]
    if line_rows:
        db.session.execute(insert(LedgerLine), line_rows)
    changes.announce("deposits_added", created.values())
    return results


def _deposit_problems(data: dict[str, Any], member: Member | None) -> dict[str, list[str]]:
    if member is None:
        return {"member_id": ["No such member in your area."]}
    if member.bank_id != data["bank_id"]:
        return {"member_id": ["A member of another bank."]}
    if not member.active:
        return {"member_id": ["The account is closed."]}
    if data["deposit_date"] > local_today():
        return {"deposit_date": ["Dated in the future by the server's clock."]}
    if data["deposit_date"] < member.joined_on:
        return {"deposit_date": [f"Before the member joined ({member.joined_on})."]}
    return {}


def _entry_base(member: Member, ctx: BatchContext | None, item: BatchItem | None):
    principal: Principal = ctx.principal if ctx else current_principal()
    return {
        "client_id": item.client_id if item else uuid.uuid4(),
        "bank_id": member.bank_id,
        "member_id": member.id,
        "household_id": member.household_id,
        "lgo_id": member.lgo_id,
        "village_id": member.village_id,
        "recorded_by_id": principal.user_id,
        "recorded_role": principal.primary_role(),
        "device_id": ctx.device_id if ctx else None,
        "device_time": item.device_time if item else None,
        "received_at": ctx.received_at if ctx else dt.datetime.now(dt.UTC),
        "clock_offset_s": ctx.clock_offset_s if ctx else None,
    }


def deposit_online(bank_id: int, data: dict[str, Any]) -> ItemResult:
    """Record one deposit typed at the office; a resent client_id returns the first one."""
    bank_in_reach(bank_id)
    item = BatchItem(
        0,
        "deposit",
        data.pop("client_id", None) or uuid.uuid4(),
        {**data, "bank_id": bank_id},
    )
    item.data = _DEPOSIT_SCHEMA.dump(item.data)
    ctx = BatchContext(current_principal(), dt.datetime.now(dt.UTC), None, None)
    (result,) = record_deposits([item], ctx)
    if result.status == "rejected" and result.code:
        reused = result.code == CLIENT_ID_REUSED
        raise Conflict(REUSED_MESSAGE if reused else TAKEN_MESSAGE,
                       message_th=REUSED_MESSAGE_TH if reused else TAKEN_MESSAGE_TH,
                       code=result.code, errors=result.errors)
    if result.status == "rejected":
        raise InvalidLedgerEntry(errors=result.errors)
    return result


def entry(entry_id: int) -> LedgerEntry:
    found = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.id == entry_id)
    ).scalar_one_or_none()
    if found is None:
        raise EntryNotFound()
    return found


# Withdrawals, welfare events, reversals ------------------------------------------------------


def withdraw(bank_id: int, data: dict[str, Any]) -> LedgerEntry:
    """Pay a member cash; never more than their balance."""
    bank_in_reach(bank_id)
    member = get_member(bank_id, data["member_id"], lock=True)
    amount = money(data["amount"])
    balance = balance_of(member.id)
    if amount > balance:
        raise InsufficientBalance(
            extra={"balance": float(balance)},
            errors={"amount": [f"The balance is {balance} baht."]},
        )
    day = data.get("entry_date") or local_today()
    if day > local_today():
        raise InvalidLedgerEntry(errors={"entry_date": ["Cannot be in the future."]})
    row = LedgerEntry(
        **_entry_base(member, None, None),
        entry_date=day,
        kind=EntryKind.withdrawal,
        amount=-amount,
        note=data.get("note"),
    )
    db.session.add(row)
    db.session.flush()
    return row


def welfare_event(bank_id: int, data: dict[str, Any]) -> WelfareEvent:
    """Debit every other active member a fixed share and credit the bereaved, all at once."""
    bank = get_bank(bank_id, for_change=True)
    # Lock the bank so members cannot join or leave half-way through the event.
    db.session.execute(select(WasteBank.id).where(WasteBank.id == bank.id).with_for_update())
    beneficiary = get_member(bank.id, data["beneficiary_member_id"])
    day = data.get("event_date") or local_today()
    if day > local_today():
        raise InvalidLedgerEntry(errors={"event_date": ["Cannot be in the future."]})
    share = money(data["amount_per_member"])
    payers = (
        db.session.execute(
            select(Member)
            .where(Member.bank_id == bank.id, Member.active.is_(True), Member.id != beneficiary.id)
            .order_by(Member.id)
            .execution_options(**unscoped())
        )
        .scalars()
        .all()
    )
    if not payers:
        raise InvalidLedgerEntry(errors={"beneficiary_member_id": ["No other member to pay."]})
    total = share * len(payers)
    event = WelfareEvent(
        bank_id=bank.id,
        beneficiary_member_id=beneficiary.id,
        event_date=day,
        amount_per_member=share,
        members_debited=len(payers),
        total=total,
        note=data.get("note"),
        recorded_by_id=current_principal().user_id,
    )
    db.session.add(event)
    db.session.flush()
    note = data.get("note") or "funeral fund"
    rows = [
        {
            **_entry_base(m, None, None),
            "entry_date": day,
            "kind": EntryKind.welfare_debit,
            "amount": -share,
            "event_id": event.id,
            "note": note,
        }
        for m in payers
    ]
    rows.append(
        {
            **_entry_base(beneficiary, None, None),
            "entry_date": day,
            "kind": EntryKind.welfare_credit,
            "amount": total,
            "event_id": event.id,
            "note": note,
        }
    )
    db.session.execute(insert(LedgerEntry), rows)
    return event


def reverse(bank_id: int, entry_id: int, note: str) -> LedgerEntry:
    """Cancel an entry with an equal and opposite one (once)."""
    bank_in_reach(bank_id)
    original = entry(entry_id)
    if original.bank_id != bank_id:
        raise EntryNotFound()
    if original.kind is EntryKind.reversal:
        raise InvalidLedgerEntry(errors={"entry_id": ["A reversal cannot be reversed."]})
    member = get_member(bank_id, original.member_id, lock=True)
    row = LedgerEntry(
        **_entry_base(member, None, None),
        entry_date=local_today(),
        kind=EntryKind.reversal,
        amount=-original.amount,
        reverses_id=original.id,
        note=note,
    )
    try:
        insert_guarded(row)
    except IntegrityError:
        raise AlreadyReversed() from None
    if original.kind is EntryKind.deposit:
        changes.announce("deposits_reversed", [original.id])
    return row


# Reading the ledger ------------------------------------------------------------------------


def bank_entries(bank_id: int, *, page: int, per_page: int) -> dict[str, Any]:
    bank = bank_in_reach(bank_id)
    stmt = (
        select(LedgerEntry)
        .where(LedgerEntry.bank_id == bank.id)
        .order_by(LedgerEntry.entry_date.desc(), LedgerEntry.id.desc())
    )
    return paginate(stmt, page=page, per_page=per_page)


def passbook(
    bank_id: int, member_id: int, since: dt.date | None = None, until: dt.date | None = None
) -> dict[str, Any]:
    """Return a member's statement: opening balance, entries with running balance, closing."""
    bank = bank_in_reach(bank_id)
    member = get_member(bank.id, member_id)
    until = until or local_today()
    opening = Decimal(0)
    if since:
        opening = Decimal(
            db.session.scalar(
                select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                    LedgerEntry.member_id == member.id, LedgerEntry.entry_date < since
                )
            )
        )
    stmt = select(LedgerEntry).where(
        LedgerEntry.member_id == member.id, LedgerEntry.entry_date <= until
    )
    if since:
        stmt = stmt.where(LedgerEntry.entry_date >= since)
    running = opening
    lines = []
    for row in db.session.execute(stmt.order_by(LedgerEntry.entry_date, LedgerEntry.id)).scalars():
        running += row.amount
        lines.append(
            {
                **{
                    c: getattr(row, c)
                    for c in (
                        "id",
                        "client_id",
                        "member_id",
                        "entry_date",
                        "kind",
                        "amount",
                        "reverses_id",
                        "event_id",
                        "note",
                        "lines",
                    )
                },
                "balance": running,
            }
        )
    audit.record(
        "read", "household", [(member.household_id, member.lgo_id)], details={"passbook": member.id}
    )
    household = households_of([member]).get(member.household_id)
    return {
        "member": member_view(member, balance_of(member.id), household),
        "bank": bank,
        "since": since,
        "until": until,
        "opening_balance": opening,
        "closing_balance": running,
        "entries": lines,
    }
