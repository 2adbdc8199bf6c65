"""Waste banks, their dated price lists and their members.

Money moves in ``ledger``; this module holds what the ledger prices and posts against.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..areas.models import Lgo, Village
from ..auth.access import current_principal
from ..auth.scoping import current_scope, unscoped
from ..common.db import insert_guarded
from ..common.pagination import paginate
from ..common.time import local_today
from ..extensions import db
from ..households.models import Household
from .errors import (
    AlreadyMember,
    BankNotFound,
    InvalidLedgerEntry,
    MemberNotFound,
    PriceExists,
)
from .models import LedgerEntry, Member, Price, WasteBank

CENT = Decimal("0.01")


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


def bank_in_reach(bank_id: int) -> WasteBank:
    """Return a bank of an LGO the caller works or lives in; another LGO's bank is 404.

    A bank's name and prices are public, but its members and money are the LGO's business.
    """
    bank = get_bank(bank_id)
    principal = current_principal()
    if not principal.is_admin and bank.lgo_id not in principal.lgo_ids:
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


def get_member(bank_id: int, member_id: int, *, lock: bool = False) -> Member:
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
    bank_in_reach(bank_id)
    # Locked, so two enrolments at once cannot take the same member number.
    bank = db.session.execute(
        select(WasteBank).where(WasteBank.id == bank_id).with_for_update(of=WasteBank),
        execution_options=unscoped(),
    ).scalar_one()
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
    return [member_view(m, balances.get(m.id, Decimal(0))) for m in members]


def member_view(member: Member, balance: Decimal) -> dict[str, Any]:
    return {
        "id": member.id,
        "bank_id": member.bank_id,
        "household_id": member.household_id,
        "member_number": member.member_number,
        "joined_on": member.joined_on,
        "active": member.active,
        "balance": balance,
    }


def list_members(
    bank_id: int, *, page: int, per_page: int, household_id: int | None = None
) -> dict[str, Any]:
    bank = bank_in_reach(bank_id)
    stmt = select(Member).where(Member.bank_id == bank.id)
    if household_id is not None:
        stmt = stmt.where(Member.household_id == household_id)
    result = paginate(stmt.order_by(Member.member_number), page=page, per_page=per_page)
    result["items"] = _with_balances(result["items"])
    return result


def read_member(bank_id: int, member_id: int) -> dict[str, Any]:
    bank_in_reach(bank_id)
    member = get_member(bank_id, member_id)
    return member_view(member, balance_of(member.id))
