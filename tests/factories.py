"""Rows several test modules build the same way."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from PIL import Image

from khaya.extensions import db
from khaya.households.models import Household
from khaya.wastebank.models import (
    EntryKind,
    LedgerEntry,
    LedgerLine,
    Material,
    Member,
    Price,
    WasteBank,
)


def bank_with_member(lgo_id: int, household: Household, *, name: str = "ธนาคารขยะทดสอบ",
                     amount: Decimal = Decimal("8.00")) -> tuple[WasteBank, Member, LedgerEntry]:
    """Make a bank with a PET price, the household as member no. 1 and one deposit: 1 kg of PET
    worth ``amount``, its one line adding up to the entry as the ledger requires."""
    bank = WasteBank(lgo_id=lgo_id, name_th=name)
    db.session.add(bank)
    db.session.flush()
    db.session.add(Price(bank_id=bank.id, material=Material.pet, price_per_kg=Decimal("8"),
                         valid_from=dt.date(2024, 1, 1)))
    member = Member(bank_id=bank.id, household_id=household.id, lgo_id=lgo_id,
                    village_id=household.village_id, member_number=1,
                    joined_on=dt.date(2024, 1, 2))
    db.session.add(member)
    db.session.flush()
    entry = LedgerEntry(bank_id=bank.id, member_id=member.id, household_id=household.id,
                        lgo_id=lgo_id, village_id=household.village_id,
                        entry_date=dt.date(2024, 2, 1), kind=EntryKind.deposit, amount=amount)
    db.session.add(entry)
    db.session.flush()
    db.session.add(LedgerLine(entry_id=entry.id, material=Material.pet, kg=Decimal("1"),
                              unit_price=amount, amount=amount))
    db.session.flush()
    return bank, member, entry


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 6), **save: object) -> bytes:
    """Return a real image (a grey gradient) encoded as ``fmt``."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()
