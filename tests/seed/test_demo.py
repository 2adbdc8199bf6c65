"""The demo households: spread over LGOs, logs and inspections that make sense, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from khaya.auth.models import Role, RoleGrant, User
from khaya.households.models import Household
from khaya.participation.models import Inspection, SortingLog
from seed.demo import RESIDENT_HOUSES, load_demo_households

TODAY = dt.date(2024, 6, 15)
SCALE = 0.1


def _load(session, scale: float = SCALE) -> dict[str, int]:
    return load_demo_households(session, today=TODAY, scale=scale)


def _row_counts(session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(model))
        for name, model in (
            ("households", Household), ("sorting_logs", SortingLog), ("inspections", Inspection)
        )
    }


@pytest.fixture
def loaded(db_session) -> dict[str, int]:
    return _load(db_session)


def test_households_logs_and_inspections_are_created(db_session, loaded):
    assert loaded["households"] > 0
    assert loaded["sorting_logs"] > loaded["households"]
    assert loaded["inspections"] > 0
    assert _row_counts(db_session) == loaded


def test_households_spread_over_at_least_five_lgos(db_session, loaded):
    per_lgo = dict(db_session.execute(
        select(Household.lgo_id, func.count()).group_by(Household.lgo_id)
    ).tuples().all())
    assert len([n for n in per_lgo.values() if n > 0]) >= 5


def test_every_point_lies_in_its_village(db_session, loaded):
    outside = db_session.scalar(text("""
        select count(*) from households h join villages v on v.id = h.village_id
        where h.point is null or not st_covers(v.geom, h.point)
    """))
    assert outside == 0


def test_house_numbers_are_unique_per_village(db_session, loaded):
    duplicates = db_session.execute(
        select(Household.village_id, Household.house_number)
        .group_by(Household.village_id, Household.house_number).having(func.count() > 1)
    ).all()
    assert duplicates == []


def test_households_look_like_households(db_session, loaded):
    members = db_session.scalars(select(Household.members)).all()
    assert min(members) >= 0
    assert max(members) <= 7
    assert 2.5 <= sum(members) / len(members) <= 3.6
    phones = db_session.scalars(select(Household.phone).where(Household.phone.is_not(None))).all()
    generated = [p for p in phones if p not in RESIDENT_HOUSES]
    assert len(set(generated)) == len(generated)
    assert not any(p.startswith("+6681000") for p in generated)
    assert 0.25 < len(phones) / len(members) < 0.55


def test_logs_fall_between_registration_and_today(db_session, loaded):
    wrong = db_session.scalar(text("""
        select count(*) from sorting_logs l join households h on h.id = l.household_id
        where l.log_date < h.registered_on or l.log_date > :today
    """), {"today": TODAY})
    assert wrong == 0
    stale = db_session.scalar(text("""
        select count(*) from households h
        where h.last_log_on is distinct from
              (select max(log_date) from sorting_logs l where l.household_id = h.id)
    """))
    assert stale == 0


def test_participation_differs_between_villages(db_session, loaded):
    rates = db_session.scalars(text("""
        select avg((h.last_log_on is not null)::int) from households h group by h.village_id
    """)).all()
    assert max(rates) - min(rates) > 0.2


def test_some_households_have_the_sign_and_some_failed(db_session, loaded):
    verified = db_session.scalar(
        select(func.count()).where(Household.verified_on.is_not(None))
    )
    failed = db_session.scalar(
        select(func.count()).where(
            Household.last_inspected_on.is_not(None), Household.verified_on.is_(None)
        )
    )
    assert verified > 0
    assert failed > 0
    far = db_session.scalar(
        select(func.count()).where(Inspection.location_flag == "far", Inspection.distance_m > 150)
    )
    assert far == db_session.scalar(
        select(func.count()).where(Inspection.location_flag.is_not(None))
    )


def test_demo_residents_are_linked_to_a_household_they_log_for(db_session, loaded):
    rows = db_session.execute(
        select(User.id, User.phone, RoleGrant.village_id, RoleGrant.household_id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == Role.resident, User.phone.in_(RESIDENT_HOUSES))
    ).all()
    assert len(rows) == 2
    for row in rows:
        household = db_session.get(Household, row.household_id)
        assert household is not None
        assert household.village_id == row.village_id
        assert household.house_number == RESIDENT_HOUSES[row.phone][1]
        logs = db_session.scalar(
            select(func.count()).where(
                SortingLog.household_id == household.id, SortingLog.recorded_by_id == row.id
            )
        )
        assert logs > 0


def test_a_second_run_creates_nothing(db_session, loaded):
    before = _row_counts(db_session)
    assert _load(db_session) == {"households": 0, "sorting_logs": 0, "inspections": 0}
    assert _row_counts(db_session) == before


def test_the_same_seed_gives_the_same_households(db_session):
    def run() -> list:
        savepoint = db_session.begin_nested()
        _load(db_session, scale=0.05)
        rows = db_session.execute(
            select(Household.village_id, Household.house_number, Household.members,
                   func.ST_AsText(Household.point))
            .order_by(Household.village_id, Household.house_number)
        ).all()
        savepoint.rollback()
        return rows

    first = run()
    assert first
    assert run() == first
