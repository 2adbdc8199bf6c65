"""Being noticed: a household's streak and badges, and its village's standing, from data Khaya
already holds (no points to keep, nothing a household could game but sorting).

- **Streak**: consecutive days with a counted log, ending today (or yesterday, while today is
  still open); the best run ever too.
- **Badges**, each with the day it was earned:
  ``first_month`` (a calendar month with logs on at least ``FIRST_MONTH_DAYS`` days),
  ``streak_30`` (30 days in a row), ``verified_bin`` (its wet bin's latest counted inspection
  passed), ``bank_member`` (an open waste-bank account), ``first_hazardous`` (a log that kept
  hazardous waste apart, for the drop-off).
- **The village's standing** among its LGO's villages on participation in the last complete
  month: its rank and value and how many villages were ranked; aggregates only, never another
  household.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import any_, func, literal, select

from ..areas.models import Lgo, Village
from ..auth.scoping import unscoped
from ..common.time import local_today
from ..extensions import db
from ..households.models import Household
from ..participation.models import Inspection, SortingLog
from ..wastebank.models import Member
from . import periods
from .services import league

FIRST_MONTH_DAYS = 20
STREAK_BADGE_DAYS = 30


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Runs of consecutive days, as (first, last), from sorted distinct days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs and day == runs[-1][1] + dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def streaks(days: list[dt.date], today: dt.date) -> dict[str, Any]:
    """The current run (ending today or yesterday) and the best, from sorted distinct days."""
    runs = _runs(days)
    current = 0
    if runs and runs[-1][1] >= today - dt.timedelta(days=1):
        current = (runs[-1][1] - runs[-1][0]).days + 1
    best = max(runs, key=lambda r: ((r[1] - r[0]).days, r[1]), default=None)
    return {"current": current, "best": (best[1] - best[0]).days + 1 if best else 0,
            "best_ended_on": best[1] if best else None, "runs": runs}


def _badges(household: Household, days: list[dt.date], runs: list[tuple[dt.date, dt.date]]
            ) -> list[dict[str, Any]]:
    earned: list[dict[str, Any]] = []
    per_month: Counter[dt.date] = Counter()
    for day in days:
        per_month[day.replace(day=1)] += 1
        if per_month[day.replace(day=1)] == FIRST_MONTH_DAYS:
            earned.append({"badge": "first_month", "earned_on": day})
            break
    for first, last in runs:
        if (last - first).days + 1 >= STREAK_BADGE_DAYS:
            earned.append({"badge": "streak_30",
                           "earned_on": first + dt.timedelta(days=STREAK_BADGE_DAYS - 1)})
            break
    latest = db.session.execute(
        select(Inspection.inspected_on, Inspection.passed)
        .where(Inspection.household_id == household.id, Inspection.counted)
        .order_by(Inspection.inspected_on.desc(), Inspection.received_at.desc(),
                  Inspection.id.desc()).limit(1), execution_options=unscoped()).first()
    if latest is not None and latest.passed:
        earned.append({"badge": "verified_bin", "earned_on": latest.inspected_on})
    joined = db.session.execute(
        select(func.min(Member.joined_on)).where(Member.household_id == household.id,
                                                 Member.active),
        execution_options=unscoped()).scalar()
    if joined is not None:
        earned.append({"badge": "bank_member", "earned_on": joined})
    hazardous = db.session.execute(
        select(func.min(SortingLog.log_date)).where(
            SortingLog.household_id == household.id, SortingLog.voided_at.is_(None),
            literal("hazardous") == any_(SortingLog.streams)),
        execution_options=unscoped()).scalar()
    if hazardous is not None:
        earned.append({"badge": "first_hazardous", "earned_on": hazardous})
    return sorted(earned, key=lambda b: (b["earned_on"], b["badge"]))


def _standing(village: Village, today: dt.date) -> dict[str, Any] | None:
    lgo_code = db.session.execute(select(Lgo.code).where(Lgo.id == village.lgo_id)).scalar_one()
    period = periods.last_complete_month(today)
    table = league("village", parent=lgo_code, indicator="participation", period=period,
                   scope=None)
    rows = table["rows"]
    mine = next((r for r in rows if r["code"] == village.code), None)
    if mine is None:
        return None
    return {"period": period.label, "village_code": village.code,
            "village_name_th": village.name_th, "village_name_en": village.name_en,
            "rank": mine["rank"], "value": mine["value"], "change": mine["change"],
            "ranked": sum(1 for r in rows if r["rank"] is not None), "villages": len(rows),
            "small_denominator": mine["small_denominator"], "no_data": mine["no_data"]}


def household_rewards(household: Household, *, today: dt.date | None = None) -> dict[str, Any]:
    """A household's streak, badges and its village's standing (the caller may see it)."""
    today = today or local_today()
    days = list(db.session.execute(
        select(SortingLog.log_date).where(SortingLog.household_id == household.id,
                                          SortingLog.voided_at.is_(None),
                                          SortingLog.log_date <= today)
        .distinct().order_by(SortingLog.log_date), execution_options=unscoped()).scalars())
    found = streaks(days, today)
    village = db.session.get(Village, household.village_id)
    return {"household_id": household.id, "today": today,
            "streak": {k: found[k] for k in ("current", "best", "best_ended_on")},
            "logged_days": len(days),
            "badges": _badges(household, days, found["runs"]),
            "village": _standing(village, today) if village is not None else None}
