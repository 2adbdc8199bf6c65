"""Demo waste banks: price lists with a change, members, monthly deposits, a withdrawal and one
funeral-fund event per bank. Deterministic and idempotent (banks by name, entries by client
ids derived from stable keys in the database's own secret namespace, ``seed.ids``); rows go
straight in, priced exactly as the ledger would price them.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from khaya.areas.models import Lgo
from khaya.households.models import Household, Occupancy
from khaya.wastebank.models import (
    EntryKind,
    LedgerEntry,
    LedgerLine,
    Material,
    Member,
    Price,
    WasteBank,
    WelfareEvent,
)

from . import ids
from .accounts import MUEANG_NGA, TOWN

# The fixed namespace of databases seeded before each kept a secret one (seed.ids).
LEGACY_NAMESPACE = uuid.UUID("6f1c2a4e-9d0b-4c55-8f6e-2b7d3e1a9c40")
CENT = Decimal("0.01")
# Baht per kg from a buyer's quote; the second list takes effect two months before today.
PRICES = {
    Material.pet: ("8.50", "9.00"),
    Material.plastic_other: ("4.00", "4.00"),
    Material.paper: ("3.00", "3.20"),
    Material.carton: ("2.50", "2.50"),
    Material.glass: ("1.00", "1.00"),
    Material.aluminium: ("40.00", "42.00"),
    Material.iron: ("6.00", "6.50"),
}
BANKS = (
    (TOWN, "ธนาคารขยะเทศบาลเมืองลำพูน", "Lamphun Town Waste Bank", "สำนักงานเทศบาล"),
    (MUEANG_NGA, "ธนาคารขยะบ้านต้นผึ้ง", "Ban Ton Phueng Waste Bank", "วัดบ้านต้นผึ้ง"),
)
FUNERAL_SHARE = Decimal("20.00")


def _key(*parts: object) -> str:
    return "/".join(str(p) for p in parts)


def _month_starts(today: dt.date, count: int) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for back in range(count, 0, -1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(dt.date(year, month + 1, 1))
    return months


def load_waste_bank_demo(session: Session, today: dt.date) -> dict[str, int]:
    """Add the demo banks and their history where missing; no commit. Returns created counts."""
    created = {"banks": 0, "members": 0, "entries": 0}
    rng = random.Random(2567)
    months = _month_starts(today, 4)
    change_day = months[2]
    for lgo_code, name_th, name_en, host in BANKS:
        lgo_id = session.scalar(select(Lgo.id).where(Lgo.code == lgo_code))
        bank = session.scalar(
            select(WasteBank).where(WasteBank.lgo_id == lgo_id, WasteBank.name_th == name_th)
        )
        if bank is None:
            bank = WasteBank(
                lgo_id=lgo_id,
                name_th=name_th,
                name_en=name_en,
                host=host,
                partner_buyer="ร้านรับซื้อของเก่าลำพูน",
                buying_schedule={
                    "weekly": [],
                    "dates": [(m + dt.timedelta(days=4)).isoformat() for m in months],
                },
            )
            session.add(bank)
            session.flush()
            created["banks"] += 1
        for material, (first, second) in PRICES.items():
            for valid_from, price in ((months[0], first), (change_day, second)):
                session.execute(
                    insert(Price)
                    .values(
                        bank_id=bank.id,
                        material=material,
                        price_per_kg=Decimal(price),
                        valid_from=valid_from,
                    )
                    .on_conflict_do_nothing(constraint="uq_prices_from")
                )
        households = session.execute(
            select(Household.id, Household.village_id)
            .where(
                Household.lgo_id == lgo_id,
                Household.active.is_(True),
                Household.occupancy == Occupancy.occupied,
            )
            .order_by(Household.id)
        ).all()
        chosen = [h for h in households if rng.random() < 0.35][:120]
        next_number = (
            session.scalar(select(func.max(Member.member_number)).where(Member.bank_id == bank.id))
            or 0
        ) + 1
        for household_id, village_id in chosen:
            result = session.execute(
                insert(Member)
                .values(
                    bank_id=bank.id,
                    household_id=household_id,
                    lgo_id=lgo_id,
                    village_id=village_id,
                    member_number=next_number,
                    joined_on=months[0],
                )
                .on_conflict_do_nothing(constraint="uq_members_once")
                .returning(Member.id)
            )
            if result.first() is not None:
                next_number += 1
                created["members"] += 1
        members = (
            session.execute(
                select(Member).where(Member.bank_id == bank.id).order_by(Member.member_number)
            )
            .scalars()
            .all()
        )
        created["entries"] += _history(session, bank, members, months, change_day, rng)
    session.flush()
    return created


def _entry(
    space: uuid.UUID,
    bank: WasteBank,
    member: Member,
    day: dt.date,
    kind: EntryKind,
    amount: Decimal,
    key: str,
    **extra,
) -> dict:
    return {
        "client_id": uuid.uuid5(space, _key(bank.id, member.id, key)),
        "bank_id": bank.id,
        "member_id": member.id,
        "household_id": member.household_id,
        "lgo_id": member.lgo_id,
        "village_id": member.village_id,
        "entry_date": day,
        "kind": kind,
        "amount": amount,
        "recorded_role": "lgo_staff",
        **extra,
    }


def _history(session, bank, members, months, change_day, rng) -> int:
    made = 0
    space = ids.namespace(session, LedgerEntry.__table__, LEGACY_NAMESPACE,
                          [_key(bank.id, m.id, f"deposit/{month}") for m in members
                           for month in months])
    for member in members:
        balance = Decimal(0)
        for month in months:
            if rng.random() < 0.3:
                continue
            day = month + dt.timedelta(days=4)
            lines = []
            for material in rng.sample(list(PRICES), rng.randint(1, 3)):
                kg = Decimal(str(round(rng.uniform(0.5, 12), 1)))
                price = Decimal(PRICES[material][1 if day >= change_day else 0])
                lines.append(
                    {
                        "material": material,
                        "kg": kg,
                        "unit_price": price,
                        "amount": (kg * price).quantize(CENT, ROUND_HALF_UP),
                    }
                )
            total = sum((line["amount"] for line in lines), Decimal(0))
            row = _entry(space, bank, member, day, EntryKind.deposit, total, f"deposit/{month}")
            entry_id = session.execute(
                insert(LedgerEntry)
                .values(row)
                .on_conflict_do_nothing(index_elements=["client_id"])
                .returning(LedgerEntry.id)
            ).scalar()
            if entry_id is not None:
                session.execute(
                    insert(LedgerLine), [{**line, "entry_id": entry_id} for line in lines]
                )
                made += 1
            balance += total
        if balance > 100 and rng.random() < 0.15:
            amount = (balance / 2).quantize(Decimal("1"))
            row = _entry(
                space,
                bank,
                member,
                months[-1] + dt.timedelta(days=6),
                EntryKind.withdrawal,
                -amount,
                "withdrawal",
                note="ถอนเงินสด",
            )
            made += _insert_plain(session, row)
    if (
        len(members) > 2
        and session.scalar(select(func.count()).where(WelfareEvent.bank_id == bank.id)) == 0
    ):
        beneficiary, payers = members[0], members[1:]
        day = months[-1] + dt.timedelta(days=10)
        event = WelfareEvent(
            bank_id=bank.id,
            beneficiary_member_id=beneficiary.id,
            event_date=day,
            amount_per_member=FUNERAL_SHARE,
            members_debited=len(payers),
            total=FUNERAL_SHARE * len(payers),
            note="กองทุนฌาปนกิจ",
        )
        session.add(event)
        session.flush()
        for payer in payers:
            made += _insert_plain(
                session,
                _entry(
                    space,
                    bank,
                    payer,
                    day,
                    EntryKind.welfare_debit,
                    -FUNERAL_SHARE,
                    f"funeral/{event.id}",
                    event_id=event.id,
                    note="กองทุนฌาปนกิจ",
                ),
            )
        made += _insert_plain(
            session,
            _entry(
                space,
                bank,
                beneficiary,
                day,
                EntryKind.welfare_credit,
                event.total,
                f"funeral/{event.id}",
                event_id=event.id,
                note="กองทุนฌาปนกิจ",
            ),
        )
    return made


def _insert_plain(session, row: dict) -> int:
    result = session.execute(
        insert(LedgerEntry)
        .values(row)
        .on_conflict_do_nothing(index_elements=["client_id"])
        .returning(LedgerEntry.id)
    )
    return 1 if result.first() is not None else 0
