"""Waste banks: prices by date, members, deposits, withdrawals, welfare events, reversals.

The ledger is append-only and the balance is always the sum of a member's entries. Rules:
- a deposit line is priced at the bank's price for that material in force on the deposit date,
  copied onto the line; a material with no price that day is refused;
- a withdrawal never takes a balance below zero;
- overdraft rule: a welfare debit (each member's share of a funeral) and a reversal may take a
  balance below zero; the member then owes the fund and their next deposits repay it;
- a correction is a reversing entry, once per entry; nothing is ever edited.
"""

from __future__ import annotations

import bisect
import datetime as dt
import uuid
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError

from ..areas.models import Lgo, Village
from ..auth import audit
from ..auth.access import Principal, current_principal
from ..auth.scoping import current_scope, unscoped
from ..common.batch import BatchContext, BatchItem, ItemResult, load, settle
from ..common.db import insert_guarded
from ..common.pagination import paginate
from ..common.time import local_today
from ..extensions import db
from ..households.models import Household
from .errors import (
    AlreadyMember,
    AlreadyReversed,
    BankNotFound,
    EntryNotFound,
    InsufficientBalance,
    InvalidLedgerEntry,
    MemberNotFound,
    PriceExists,
)
from .models import EntryKind, LedgerEntry, LedgerLine, Member, Price, WasteBank, WelfareEvent
from .schemas import DepositDataSchema

CENT = Decimal("0.01")
_DEPOSIT_SCHEMA = DepositDataSchema()


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# Banks -------------------------------------------------------------------------------------


def get_bank(bank_id: int, *, for_change: bool = False) -> WasteBank:
    """Return a bank. Reading sees past scope (banks are public in the scheme); changing
    goes through the caller's scope, so another LGO's bank answers 404."""
    options = {} if for_change else unscoped()
    bank = db.session.execute(
        select(WasteBank).where(WasteBank.id == bank_id), execution_options=options
    ).scalar_one_or_none()
    if bank is None:
        raise BankNotFound()
    return bank


def list_banks(*, page: int, per_page: int, lgo: str | None = None) -> dict[str, Any]:
    stmt = select(WasteBank)
    if lgo:
        stmt = stmt.join(Lgo, Lgo.id == WasteBank.lgo_id).where(Lgo.code == lgo)
    stmt = stmt.order_by(WasteBank.lgo_id, WasteBank.name_th, WasteBank.id)
    # Banks are public within the scheme, like collection points.
    return paginate(stmt.execution_options(**unscoped()), page=page, per_page=per_page)


def _lgo_for_new_bank(code: str | None) -> Lgo:
    scope = current_scope()
    if code:
        lgo = db.session.execute(select(Lgo).where(Lgo.code == code)).scalar_one_or_none()
        if lgo is None:
            raise InvalidLedgerEntry(errors={"lgo_code": [f"No LGO has the code {code!r}."]})
    elif scope is not None and len(scope.lgo_ids) == 1:
        lgo = db.session.get(Lgo, next(iter(scope.lgo_ids)))
    else:
        lgo = None
    if lgo is None:
        raise InvalidLedgerEntry(errors={"lgo_code": ["Name the LGO."]})
    if scope is not None and not scope.covers_lgo(lgo.id):
        raise InvalidLedgerEntry(errors={"lgo_code": ["Not an LGO of yours."]})
    return lgo


def create_bank(data: dict[str, Any]) -> WasteBank:
    lgo = _lgo_for_new_bank(data.pop("lgo_code", None))
    village_id = None
    if code := data.pop("village_code", None):
        village = db.session.execute(
            select(Village).where(Village.code == code)
        ).scalar_one_or_none()
        if village is None or village.lgo_id != lgo.id:
            raise InvalidLedgerEntry(errors={"village_code": [f"No village {code} in this LGO."]})
        village_id = village.id
    bank = WasteBank(lgo_id=lgo.id, village_id=village_id, **data)
    db.session.add(bank)
    db.session.flush()
    return bank


def update_bank(bank_id: int, data: dict[str, Any]) -> WasteBank:
    bank = get_bank(bank_id, for_change=True)
    for key, value in data.items():
        setattr(bank, key, value)
    db.session.flush()
    return bank


# Prices ------------------------------------------------------------------------------------


def add_price(bank_id: int, data: dict[str, Any]) -> Price:
    bank = get_bank(bank_id, for_change=True)
    price = Price(bank_id=bank.id, **data)
    try:
        insert_guarded(price)
    except IntegrityError:
        raise PriceExists() from None
    return price


def price_list(bank_id: int, on: dt.date | None = None) -> dict[str, Any]:
    """Return the price of every material in force on a day."""
    bank = get_bank(bank_id)
    day = on or local_today()
    prices = (
        db.session.execute(
            select(Price)
            .where(Price.bank_id == bank.id, Price.valid_from <= day)
            .distinct(Price.material)
            .order_by(Price.material, Price.valid_from.desc())
        )
        .scalars()
        .all()
    )
    return {"on": day, "prices": prices}


class PriceBook:
    """Every price of some banks, to price many deposits with one query."""

    def __init__(self, bank_ids: set[int]) -> None:
        self._dates: dict[tuple[int, str], list[dt.date]] = defaultdict(list)
        self._prices: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
        rows: Any = (
            db.session.execute(
                select(Price.bank_id, Price.material, Price.valid_from, Price.price_per_kg)
                .where(Price.bank_id.in_(bank_ids))
                .order_by(Price.valid_from)
            )
            if bank_ids
            else []
        )
        for bank_id, material, valid_from, price in rows:
            self._dates[(bank_id, material.value)].append(valid_from)
            self._prices[(bank_id, material.value)].append(price)

    def on(self, bank_id: int, material: str, day: dt.date) -> Decimal | None:
        dates = self._dates.get((bank_id, material), [])
        index = bisect.bisect_right(dates, day) - 1
        return self._prices[(bank_id, material)][index] if index >= 0 else None


# Members -----------------------------------------------------------------------------------


def _member(bank_id: int, member_id: int, *, lock: bool = False) -> Member:
    stmt = select(Member).where(Member.id == member_id, Member.bank_id == bank_id)
    if lock:
        # Serialises money leaving one account: two withdrawals cannot both see the old balance.
        stmt = stmt.with_for_update()
    member = db.session.execute(stmt).scalar_one_or_none()
    if member is None:
        raise MemberNotFound()
    return member


def balance_of(member_id: int) -> Decimal:
    total = db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount), 0))
        .where(LedgerEntry.member_id == member_id)
        .execution_options(**unscoped())
    )
    return Decimal(total or 0)


def enrol(bank_id: int, household_id: int, joined_on: dt.date | None) -> Member:
    """Open a household's account at a bank of its LGO."""
    bank = db.session.execute(
        select(WasteBank).where(WasteBank.id == bank_id).with_for_update(of=WasteBank),
        execution_options=unscoped(),
    ).scalar_one_or_none()
    if bank is None:
        raise BankNotFound()
    household = db.session.execute(
        select(Household).where(Household.id == household_id)
    ).scalar_one_or_none()
    if household is None or not household.active:
        raise InvalidLedgerEntry(errors={"household_id": ["No such household in your area."]})
    if household.lgo_id != bank.lgo_id:
        raise InvalidLedgerEntry(errors={"household_id": ["The household is in another LGO."]})
    number = db.session.scalar(
        select(func.coalesce(func.max(Member.member_number), 0) + 1)
        .where(Member.bank_id == bank.id)
        .execution_options(**unscoped())
    )
    member = Member(
        bank_id=bank.id,
        household_id=household.id,
        lgo_id=household.lgo_id,
        village_id=household.village_id,
        member_number=number,
        joined_on=joined_on or local_today(),
    )
    try:
        insert_guarded(member)
    except IntegrityError:
        raise AlreadyMember() from None
    return member


def _with_balances(members: list[Member]) -> list[dict[str, Any]]:
    ids = [m.id for m in members]
    balances = (
        dict(
            db.session.execute(
                select(LedgerEntry.member_id, func.sum(LedgerEntry.amount))
                .where(LedgerEntry.member_id.in_(ids))
                .group_by(LedgerEntry.member_id)
                .execution_options(**unscoped())
            )
            .tuples()
            .all()
        )
        if ids
        else {}
    )
    return [_member_dict(m, balances.get(m.id, Decimal(0))) for m in members]


def _member_dict(member: Member, balance: Decimal) -> dict[str, Any]:
    return {
        "id": member.id,
        "bank_id": member.bank_id,
        "household_id": member.household_id,
        "member_number": member.member_number,
        "joined_on": member.joined_on,
        "active": member.active,
        "balance": balance,
    }


def list_members(bank_id: int, *, page: int, per_page: int) -> dict[str, Any]:
    bank = get_bank(bank_id)
    result = paginate(
        select(Member).where(Member.bank_id == bank.id).order_by(Member.member_number),
        page=page,
        per_page=per_page,
    )
    result["items"] = _with_balances(result["items"])
    return result


def read_member(bank_id: int, member_id: int) -> dict[str, Any]:
    member = _member(bank_id, member_id)
    return _member_dict(member, balance_of(member.id))


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
    results, created = settle(LedgerEntry, items, rows, errors)
    line_rows = [
        {**line, "entry_id": entry_id}
        for client_id, entry_id in created.items()
        for line in lines[client_id]
    ]
    if line_rows:
        db.session.execute(insert(LedgerLine), line_rows)
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
    get_bank(bank_id)
    item = BatchItem(
        0,
        "deposit",
        data.pop("client_id", None) or uuid.uuid4(),
        {**{k: v for k, v in data.items()}, "bank_id": bank_id},
    )
    item.data = _DEPOSIT_SCHEMA.dump(item.data)
    ctx = BatchContext(current_principal(), dt.datetime.now(dt.UTC), None, None)
    (result,) = record_deposits([item], ctx)
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
    member = _member(bank_id, data["member_id"], lock=True)
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
    beneficiary = _member(bank.id, data["beneficiary_member_id"])
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
    original = entry(entry_id)
    if original.bank_id != bank_id:
        raise EntryNotFound()
    if original.kind is EntryKind.reversal:
        raise InvalidLedgerEntry(errors={"entry_id": ["A reversal cannot be reversed."]})
    member = _member(bank_id, original.member_id, lock=True)
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
    return row


# Reading the ledger ------------------------------------------------------------------------


def ledger(bank_id: int, *, page: int, per_page: int) -> dict[str, Any]:
    bank = get_bank(bank_id)
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
    bank = get_bank(bank_id)
    member = _member(bank.id, member_id)
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
    return {
        "member": _member_dict(member, balance_of(member.id)),
        "bank": bank,
        "since": since,
        "until": until,
        "opening_balance": opening,
        "closing_balance": running,
        "entries": lines,
    }
