"""Hypothesis: whatever members do, the ledger stays consistent.

Invariants after every step: each balance equals the sum of that member's entries and the
balance a plain model of the rules predicts; a withdrawal never takes a balance below zero (only
welfare debits and reversals may, by the documented overdraft rule); a replayed deposit never
makes a second entry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from flask import g
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from khaya.auth.access import load_principal
from khaya.auth.models import User
from khaya.common.batch import BatchContext, BatchItem
from khaya.wastebank import ledger, services
from khaya.wastebank.errors import AlreadyReversed, InsufficientBalance, InvalidLedgerEntry
from khaya.wastebank.models import LedgerEntry

PRICES = {"pet": Decimal("9.00"), "paper": Decimal("3.00"), "aluminium": Decimal("40.00")}
DAY = dt.date(2024, 7, 1)

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("150"), places=2)
kg = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("60"), places=2)
member = st.integers(min_value=0, max_value=2)
operation = st.one_of(
    st.tuples(st.just("deposit"), member, st.sampled_from([*PRICES, "glass"]), kg, st.booleans()),
    st.tuples(st.just("withdraw"), member, money),
    st.tuples(st.just("funeral"), member, st.decimals(min_value=1, max_value=30, places=2)),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=40)),
)


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


@pytest.fixture
def staff_id(db_session) -> int:
    return db_session.scalar(select(User.id).where(User.username == "town.staff"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(operation, min_size=1, max_size=20))
def test_ledger_invariants(app, db_session, bank, staff_id, steps):
    members = bank["members"]
    with app.test_request_context():
        principal = load_principal(staff_id, None)
        g.khaya_principal = principal
        g.khaya_scope = principal.scope_for("banks.write")
        savepoint = db_session.begin_nested()
        try:
            run_steps(db_session, bank["id"], members, principal, steps)
        finally:
            savepoint.rollback()


def run_steps(db_session, bank_id, members, principal, steps):
    expected = dict.fromkeys(members, Decimal(0))
    entries: list[tuple[int, int, Decimal]] = []  # (entry id, member id, amount)
    reversed_ids: set[int] = set()
    deposits = 0
    for step in steps:
        kind = step[0]
        if kind == "deposit":
            _, index, material, weight, replay = step
            item = BatchItem(
                0,
                "deposit",
                uuid.uuid4(),
                {
                    "bank_id": bank_id,
                    "member_id": members[index],
                    "deposit_date": DAY.isoformat(),
                    "lines": [{"material": material, "kg": str(weight)}],
                },
            )
            ctx = BatchContext(principal, dt.datetime.now(dt.UTC), "test", 0)
            (result,) = ledger.record_deposits([item], ctx)
            if material not in PRICES:
                assert result.status == "rejected"
                continue
            assert result.status == "created", (result.errors, str(weight))
            amount = cents(weight * PRICES[material])
            expected[members[index]] += amount
            entries.append((result.id, members[index], amount))
            deposits += 1
            if replay:
                (again,) = ledger.record_deposits([item], ctx)
                assert (again.status, again.id) == ("duplicate", result.id)
        elif kind == "withdraw":
            _, index, amount = step
            who = members[index]
            if amount > expected[who]:
                with pytest.raises(InsufficientBalance):
                    ledger.withdraw(bank_id, {"member_id": who, "amount": amount})
            else:
                row = ledger.withdraw(bank_id, {"member_id": who, "amount": amount})
                expected[who] -= amount
                entries.append((row.id, who, -amount))
        elif kind == "funeral":
            _, index, share = step
            beneficiary = members[index]
            ledger.welfare_event(
                bank_id, {"beneficiary_member_id": beneficiary, "amount_per_member": share}
            )
            for who in members:
                expected[who] += share * (len(members) - 1) if who == beneficiary else -share
        else:
            _, pick = step
            if not entries:
                continue
            entry_id, who, amount = entries[pick % len(entries)]
            if entry_id in reversed_ids:
                with pytest.raises(AlreadyReversed):
                    ledger.reverse(bank_id, entry_id, "test")
                continue
            row = ledger.reverse(bank_id, entry_id, "test")
            reversed_ids.add(entry_id)
            expected[who] -= amount
            with pytest.raises(InvalidLedgerEntry):
                ledger.reverse(bank_id, row.id, "a reversal is final")
        for who in members:
            stored = services.balance_of(who)
            assert stored == expected[who], (who, steps)
        deposit_rows = db_session.scalar(
            select(func.count()).where(
                LedgerEntry.bank_id == bank_id, LedgerEntry.kind == "deposit"
            )
        )
        assert deposit_rows == deposits
