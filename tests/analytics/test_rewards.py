"""A household's streak, badges and village standing, worked out by hand from its own logs."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from khaya.analytics.rewards import streaks
from khaya.areas.models import Lgo, Village
from khaya.auth.models import Role, User
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import SortingLog

API = "/api/v1"


def test_the_current_run_ends_today_or_yesterday_and_the_best_is_kept():
    today = dt.date(2026, 12, 4)
    days = [dt.date(2026, 11, d) for d in (20, 21, 22, 23)] + [dt.date(2026, 12, 3), today]
    assert streaks(days, today)["current"] == 2
    assert streaks(days, today + dt.timedelta(days=1))["current"] == 2  # today still open
    assert streaks(days, today + dt.timedelta(days=2))["current"] == 0
    assert streaks(days, today)["best"] == 4
    assert streaks(days, today)["best_ended_on"] == dt.date(2026, 11, 23)
    assert streaks([], today) == {"current": 0, "best": 0, "best_ended_on": None, "runs": []}


def _resident_household(app) -> tuple[int, int]:
    with app.app_context():
        village = db.session.execute(select(Village).where(Village.code == "51010101")
                                     ).scalar_one()
        household = Household(lgo_id=village.lgo_id, village_id=village.id,
                              house_number="rewards-1", members=4,
                              registered_on=dt.date(2024, 1, 1))
        other_village = db.session.execute(select(Village).where(Village.code == "51010201")
                                           ).scalar_one()
        other = Household(lgo_id=other_village.lgo_id, village_id=other_village.id,
                          house_number="rewards-2", members=2, registered_on=dt.date(2024, 1, 1))
        db.session.add_all([household, other])
        db.session.flush()
        user = db.session.execute(select(User).where(User.phone == "+66810000011")).scalar_one()
        next(g for g in user.grants if g.role is Role.resident).household_id = household.id
        today = local_today()
        hazardous_day = today - dt.timedelta(days=10)
        for n in range(31):  # 31 days in a row ending today
            day = today - dt.timedelta(days=n)
            db.session.add(SortingLog(
                client_id=uuid.uuid4(), household_id=household.id, lgo_id=village.lgo_id,
                village_id=village.id, log_date=day,
                streams=["organic", "hazardous"] if day == hazardous_day else ["organic"]))
        # A voided log the day before the run (and a hazardous one) counts for nothing.
        db.session.add(SortingLog(
            client_id=uuid.uuid4(), household_id=household.id, lgo_id=village.lgo_id,
            village_id=village.id, log_date=today - dt.timedelta(days=31),
            streams=["hazardous"], voided_at=func.now(), void_reason="test"))
        db.session.commit()
        made = household.id, other.id
        db.session.remove()
    return made


def test_a_residents_rewards_come_from_their_own_logs(app, client, auth):
    household_id, other_id = _resident_household(app)
    today = local_today()
    answer = client.get(f"{API}/households/{household_id}/rewards", headers=auth("0810000011"))
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["streak"] == {"current": 31, "best": 31, "best_ended_on": today.isoformat()}
    assert body["logged_days"] == 31
    badges = {b["badge"]: b["earned_on"] for b in body["badges"]}
    first = today - dt.timedelta(days=30)
    # The first calendar month with logs on 20 days: count them off day by day.
    per_month: dict[dt.date, int] = {}
    twentieth = None
    for n in range(31):
        day = first + dt.timedelta(days=n)
        per_month[day.replace(day=1)] = per_month.get(day.replace(day=1), 0) + 1
        if per_month[day.replace(day=1)] == 20:
            twentieth = day
            break
    assert badges.get("first_month") == (twentieth.isoformat() if twentieth else None)
    assert badges["streak_30"] == (first + dt.timedelta(days=29)).isoformat()
    assert badges["first_hazardous"] == (today - dt.timedelta(days=10)).isoformat()
    assert "verified_bin" not in badges  # never inspected
    assert "bank_member" not in badges
    standing = body["village"]
    with app.app_context():
        town_villages = db.session.execute(
            select(func.count()).select_from(Village).join(Lgo, Lgo.id == Village.lgo_id)
            .where(Lgo.code == "lamphun-town-municipality")).scalar_one()
    assert standing["village_code"] == "51010101"
    assert standing["villages"] == town_villages
    assert "households" not in str(standing)  # aggregates only
    # Another household is not the resident's to see.
    assert client.get(f"{API}/households/{other_id}/rewards",
                      headers=auth("0810000011")).status_code == 404
    assert client.get(f"{API}/households/{household_id}/rewards").status_code == 401
