"""Waste banks, their dated price lists and their members.

Money moves in ``ledger``; this module holds what the ledger prices and posts against.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.exc import IntegrityError

from ..areas.models import Lgo, Village
from ..auth import audit
from ..auth.access import current_principal
from ..auth.models import Role
from ..auth.passwords import mask_phone
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


def caller_lgo_ids() -> frozenset[int] | None:
    """Return the LGOs the caller works or lives in; ``None`` for admins (every LGO).

    A role grant names its LGO, and so do a resident's household and a volunteer's villages:
    an account whose grant lost its LGO still reaches its own banks.
    """
    principal = current_principal()
    if principal.is_admin:
        return None
    ids = set(principal.lgo_ids)
    scope = principal.scope_for("banks.read")
    # Reading one's own household's or villages' LGO is part of knowing who the caller is.
    if scope.household_ids:
        ids.update(
            db.session.execute(
                select(Household.lgo_id).where(Household.id.in_(sorted(scope.household_ids))),
                execution_options=unscoped(),
            ).scalars()
        )
    if scope.village_ids:
        ids.update(
            db.session.execute(
                select(Village.lgo_id).where(Village.id.in_(sorted(scope.village_ids)))
            ).scalars()
        )
    return frozenset(ids)


def bank_in_reach(bank_id: int) -> WasteBank:
    """Return a bank of an LGO the caller works or lives in; another LGO's bank is 404.

    A bank's name and prices are public, but its members and money are the LGO's business.
    """
    bank = get_bank(bank_id)
    lgo_ids = caller_lgo_ids()
    if lgo_ids is not None and bank.lgo_id not in lgo_ids:
        raise BankNotFound()
    return bank


def _banks_listed() -> ColumnElement[bool]:
    lgo_ids = caller_lgo_ids()
    if lgo_ids is None:
        return true()
    provinces = sorted(
        grant.province_id
        for grant in current_principal().grants
        if grant.role is Role.province_officer and grant.province_id
    )
    listed: ColumnElement[bool] = WasteBank.lgo_id.in_(sorted(lgo_ids))
    if provinces:
        # The province compares its LGOs: which run a bank, and when it buys.
        listed = or_(
            listed, WasteBank.lgo_id.in_(select(Lgo.id).where(Lgo.province_id.in_(provinces)))
        )
    return listed


def list_banks(*, page: int, per_page: int, lgo: str | None = None) -> dict[str, Any]:
    """List the banks of the caller's own LGO (their province's for provincial officers,
    every bank for admins). Another LGO's bank is not theirs to run or to join."""
    stmt = select(WasteBank).where(_banks_listed())
    if lgo:
        stmt = stmt.join(Lgo, Lgo.id == WasteBank.lgo_id).where(Lgo.code == lgo)
    stmt = stmt.order_by(WasteBank.lgo_id, WasteBank.name_th, WasteBank.id)
    # The filter above is the list's scope: the hook would hide every bank from residents and
    # volunteers, whose scope names households and villages, not LGOs.
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


def balances_of(member_ids: list[int]) -> dict[int, Decimal]:
    if not member_ids:
        return {}
    return dict(
        db.session.execute(
            select(LedgerEntry.member_id, func.sum(LedgerEntry.amount))
            .where(LedgerEntry.member_id.in_(member_ids))
            .group_by(LedgerEntry.member_id)
            .execution_options(**unscoped())
        )
        .tuples()
        .all()
    )


def households_of(members: list[Member]) -> dict[int, Household]:
    """Return the members' households the caller may see (through the scoping hook)."""
    ids = sorted({m.household_id for m in members})
    if not ids or not current_principal().has("households.read"):
        return {}
    rows = db.session.execute(select(Household).where(Household.id.in_(ids))).scalars()
    return {h.id: h for h in rows}


def household_summary(household: Household | None) -> dict[str, Any] | None:
    """Who holds the account, as a list may show it: the phone masked."""
    if household is None:
        return None
    return {
        "id": household.id,
        "house_number": household.house_number,
        "head_name": household.head_name,
        "phone": mask_phone(household.phone),
        "village_code": household.village.code,
        "village_name_th": household.village.name_th,
        "village_name_en": household.village.name_en,
        "moo": household.village.moo,
    }


def member_view(
    member: Member, balance: Decimal, household: Household | None = None
) -> dict[str, Any]:
    return {
        "id": member.id,
        "bank_id": member.bank_id,
        "household_id": member.household_id,
        "member_number": member.member_number,
        "joined_on": member.joined_on,
        "active": member.active,
        "balance": balance,
        "household": household_summary(household),
    }


def members_view(members: list[Member], *, action: str = "list") -> list[dict[str, Any]]:
    """Return members with balances and households; the households shown are audited."""
    balances = balances_of([m.id for m in members])
    households = households_of(members)
    audit.record(action, "household", [(h.id, h.lgo_id) for h in households.values()])
    return [
        member_view(m, balances.get(m.id, Decimal(0)), households.get(m.household_id))
        for m in members
    ]


def list_members(
    bank_id: int, *, page: int, per_page: int, household_id: int | None = None
) -> dict[str, Any]:
    bank = bank_in_reach(bank_id)
    stmt = select(Member).where(Member.bank_id == bank.id)
    if household_id is not None:
        stmt = stmt.where(Member.household_id == household_id)
    result = paginate(stmt.order_by(Member.member_number), page=page, per_page=per_page)
    result["items"] = members_view(result["items"])
    return result


def read_member(bank_id: int, member_id: int) -> dict[str, Any]:
    bank_in_reach(bank_id)
    member = get_member(bank_id, member_id)
    (view,) = members_view([member], action="read")
    return view
