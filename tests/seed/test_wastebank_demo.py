"""The demo waste banks: both demo residents hold an account with months of history, both demo
volunteers' villages hold members, every bank has a coming buying day, and a rerun adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from khaya.auth.models import Role, RoleGrant, User, VolunteerAssignment
from khaya.households.models import Household
from khaya.wastebank.models import EntryKind, LedgerEntry, Member, WasteBank, first_buying_day
from seed.demo import load_demo_households
from seed.wastebank_demo import load_waste_bank_demo

TODAY = dt.date(2024, 6, 15)


@pytest.fixture
def loaded(db_session) -> dict[str, int]:
    load_demo_households(db_session, today=TODAY, scale=0.1)
    return load_waste_bank_demo(db_session, TODAY)


@pytest.mark.parametrize("phone", ["+66810000011", "+66810000012"])
def test_each_demo_resident_has_a_passbook_with_months_of_deposits(db_session, loaded, phone):
    household_id = db_session.scalar(
        select(RoleGrant.household_id).join(User, User.id == RoleGrant.user_id)
        .where(User.phone == phone, RoleGrant.role == Role.resident)
    )
    household = db_session.get(Household, household_id)
    (member,) = db_session.scalars(select(Member).where(Member.household_id == household_id))
    bank = db_session.get(WasteBank, member.bank_id)
    assert bank.lgo_id == household.lgo_id
    deposits = db_session.scalars(
        select(LedgerEntry.entry_date).where(
            LedgerEntry.member_id == member.id, LedgerEntry.kind == EntryKind.deposit)
    ).all()
    assert len({(d.year, d.month) for d in deposits}) >= 3
    balance = db_session.scalar(
        select(func.sum(LedgerEntry.amount)).where(LedgerEntry.member_id == member.id))
    assert balance > 0


@pytest.mark.parametrize("phone", ["+66810000001", "+66810000002"])
def test_each_demo_volunteer_has_member_households_to_weigh_for(db_session, loaded, phone):
    villages = select(VolunteerAssignment.village_id).join(
        User, User.id == VolunteerAssignment.user_id).where(User.phone == phone)
    members = db_session.scalar(
        select(func.count()).select_from(Member).where(Member.village_id.in_(villages)))
    assert members >= 5


def test_every_demo_bank_has_a_coming_buying_day(db_session, loaded):
    banks = db_session.scalars(select(WasteBank)).all()
    assert len(banks) == 2
    for bank in banks:
        coming = first_buying_day(bank.buying_schedule, TODAY)
        assert coming is not None
        assert TODAY <= coming <= TODAY + dt.timedelta(days=31)


def test_a_second_run_creates_nothing(db_session, loaded):
    assert loaded["members"] > 0
    assert load_waste_bank_demo(db_session, TODAY) == {"banks": 0, "members": 0, "entries": 0}

