"""Collection calendars: the LGO's schedules, the days they give, and a village's calendar.

A schedule is an RFC 5545 recurrence rule (``FREQ=WEEKLY;BYDAY=TU``, ``FREQ=MONTHLY;BYDAY=1FR,3FR``)
from ``starts_on`` to ``ends_on``, with exceptions: a day that is cancelled (a holiday) or moved
to another. python-dateutil expands the rules; the same rule goes into the village's iCalendar
feed as RRULE, the exceptions as EXDATE and the moved days as RDATE, so a phone's calendar shows
the days this module computes.

A village sees the schedules of its own, and for each kind and stream it has none of, those of
its LGO (``village_id`` null). Drop-off schedules belong to points: a village sees every point
of its LGO with drop-off days, nearest first. Waste banks keep their buying days themselves
(``WasteBank.buying_schedule``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dateutil.rrule import rrule, rrulestr
from sqlalchemy import func, or_, select

from ..areas.models import Village
from ..auth.scoping import unscoped
from ..common.time import local_today
from ..extensions import db
from ..wastebank.models import WasteBank
from .errors import InvalidSchedule, ScheduleNotFound, VillageNotFound
from .models import CollectionPoint, Schedule, ScheduleKind
from .services import lgo_to_act_for

# Only these parts of an RRULE: the start and end are the schedule's own columns, and a rule
# more frequent than daily is not a collection day.
_PARTS = frozenset({"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST"})
_FREQS = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_PART = re.compile(r"^[A-Z]+=[A-Z0-9,+-]+$")
# Days a calendar answer lists ahead, and how many of each schedule.
HORIZON_DAYS = 366
UPCOMING = 4
MAX_EXCEPTIONS = 200


def check_rule(rule: str, starts_on: dt.date) -> str:
    """Return the rule in a canonical form, or raise ``InvalidSchedule`` saying what is wrong."""
    text = rule.strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:"):]
    parts = [p for p in text.split(";") if p]
    names = [p.split("=", 1)[0] for p in parts]
    wrong = [p for p in parts if not _PART.match(p) or p.split("=", 1)[0] not in _PARTS]
    if not parts or wrong or len(set(names)) != len(names) or "FREQ" not in names:
        raise InvalidSchedule(errors={"rule": [
            "An RRULE such as FREQ=WEEKLY;BYDAY=TU or FREQ=MONTHLY;BYDAY=1FR,3FR, with FREQ and "
            "only INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS or WKST (the start and the end "
            "are starts_on and ends_on)."]})
    values = dict(p.split("=", 1) for p in parts)
    if values["FREQ"] not in _FREQS:
        raise InvalidSchedule(errors={"rule": ["FREQ is DAILY, WEEKLY, MONTHLY or YEARLY."]})
    try:
        expanded = _expand(text, starts_on, None)
        first = next(iter(expanded), None)
    except (ValueError, TypeError) as error:
        raise InvalidSchedule(errors={"rule": [f"Not a recurrence rule: {error}."]}) from error
    if first is None:
        raise InvalidSchedule(errors={"rule": ["The rule gives no day."]})
    return ";".join(f"{name}={values[name]}" for name in names)


def _expand(rule: str, starts_on: dt.date, ends_on: dt.date | None) -> rrule:
    start = dt.datetime.combine(starts_on, dt.time())
    parsed = rrulestr(rule, dtstart=start, forceset=False)
    if not isinstance(parsed, rrule):  # one RRULE never makes a set; checked for the types
        raise ValueError("one RRULE")
    if ends_on is not None:
        parsed = parsed.replace(until=dt.datetime.combine(ends_on, dt.time()))
    return parsed


def occurrences(schedule: Schedule, start: dt.date, end: dt.date) -> list[dt.date]:
    """The schedule's days from ``start`` to ``end`` (both included): the rule's days without
    the cancelled and moved ones, with the days they moved to."""
    rule = _expand(schedule.rule, schedule.starts_on, schedule.ends_on)
    days = {d.date() for d in rule.between(dt.datetime.combine(start, dt.time()),
                                           dt.datetime.combine(end, dt.time()), inc=True)}
    for exception in schedule.exceptions or []:
        days.discard(dt.date.fromisoformat(exception["day"]))
    for exception in schedule.exceptions or []:
        moved = exception.get("moved_to")
        if moved and start <= dt.date.fromisoformat(moved) <= end:
            days.add(dt.date.fromisoformat(moved))
    return sorted(days)


def rule_days(schedule: Schedule) -> set[dt.date]:
    """Every day the rule alone gives (bounded by ``HORIZON_DAYS`` after today when open)."""
    end = schedule.ends_on or local_today() + dt.timedelta(days=HORIZON_DAYS)
    rule = _expand(schedule.rule, schedule.starts_on, end)
    return {d.date() for d in rule}


def _check_exceptions(schedule: Schedule) -> None:
    exceptions = schedule.exceptions or []
    if len(exceptions) > MAX_EXCEPTIONS:
        raise InvalidSchedule(errors={"exceptions": [f"At most {MAX_EXCEPTIONS}."]})
    seen: set[dt.date] = set()
    given = rule_days(schedule) if exceptions else set()
    for index, exception in enumerate(exceptions):
        day = dt.date.fromisoformat(exception["day"])
        if day in seen:
            raise InvalidSchedule(errors={"exceptions": {str(index): {"day": [
                "Each day is listed once."]}}})
        seen.add(day)
        if day not in given:
            raise InvalidSchedule(errors={"exceptions": {str(index): {"day": [
                f"{day.isoformat()} is not a day of this schedule."]}}})


# The LGO's schedules ------------------------------------------------------------------------


def get_schedule(schedule_id: int) -> Schedule:
    """A schedule of the caller's LGO (another LGO's answers 404, through the scope)."""
    if not 0 < schedule_id < 2**31:
        raise ScheduleNotFound()
    found = db.session.execute(
        select(Schedule).where(Schedule.id == schedule_id)).scalar_one_or_none()
    if found is None:
        raise ScheduleNotFound()
    return found


def list_schedules(*, lgo_code: str | None, village_code: str | None) -> dict[str, Any]:
    """The schedules the caller keeps: every one in its reach (its LGO's), or one LGO's."""
    query = select(Schedule)
    if lgo_code:
        query = query.where(Schedule.lgo_id == lgo_to_act_for(lgo_code, InvalidSchedule).id)
    if village_code:
        query = query.join(Village, Village.id == Schedule.village_id).where(
            Village.code == village_code)
    items = db.session.execute(
        query.order_by(Schedule.kind, Schedule.stream, Schedule.village_id.nulls_first(),
                       Schedule.id)).scalars().all()
    return {"items": items}


def _apply(schedule: Schedule, data: dict[str, Any]) -> None:
    if "village_code" in data:
        code = data.pop("village_code")
        village = None
        if code is not None:
            village = db.session.execute(
                select(Village).where(Village.code == code, Village.lgo_id == schedule.lgo_id)
            ).scalar_one_or_none()
            if village is None:
                raise InvalidSchedule(errors={"village_code": [
                    f"No village {code} in {schedule.lgo.name_en}."]})
        schedule.village, schedule.village_id = village, village.id if village else None
    if "point_id" in data:
        point_id = data.pop("point_id")
        point = None
        if point_id is not None:
            point = db.session.execute(
                select(CollectionPoint).where(CollectionPoint.id == point_id,
                                              CollectionPoint.lgo_id == schedule.lgo_id),
                execution_options=unscoped()).scalar_one_or_none()
            if point is None:
                raise InvalidSchedule(errors={"point_id": ["No such point of your LGO."]})
        schedule.point, schedule.point_id = point, point.id if point else None
    for key, value in data.items():
        setattr(schedule, key, value)
    errors: dict[str, list[str]] = {}
    if schedule.kind is ScheduleKind.dropoff and schedule.point is None:
        errors["point_id"] = ["A drop-off schedule belongs to a collection point."]
    if schedule.point is not None and schedule.stream not in schedule.point.streams:
        errors["stream"] = [f"The point does not take {schedule.stream} waste."]
    if schedule.ends_on is not None and schedule.ends_on < schedule.starts_on:
        errors["ends_on"] = ["Not before starts_on."]
    if (schedule.starts_at and schedule.ends_at) and schedule.ends_at <= schedule.starts_at:
        errors["ends_at"] = ["After starts_at."]
    if errors:
        raise InvalidSchedule(errors=errors)
    schedule.rule = check_rule(schedule.rule, schedule.starts_on)
    _check_exceptions(schedule)


def create_schedule(data: dict[str, Any]) -> Schedule:
    """Add a schedule to the caller's LGO (admins name the LGO)."""
    lgo = lgo_to_act_for(data.pop("lgo_code", None), InvalidSchedule)
    schedule = Schedule(lgo=lgo, lgo_id=lgo.id, exceptions=[])
    _apply(schedule, data)
    db.session.add(schedule)
    db.session.flush()
    return schedule


def update_schedule(schedule_id: int, data: dict[str, Any]) -> Schedule:
    """Change a schedule of the caller's LGO: its rule, days, times, notes or exceptions."""
    schedule = get_schedule(schedule_id)
    _apply(schedule, data)
    db.session.flush()
    return schedule


def delete_schedule(schedule_id: int) -> None:
    db.session.delete(get_schedule(schedule_id))
    db.session.flush()


# A village's calendar (public) --------------------------------------------------------------


def public_village(code: str) -> Village:
    village = db.session.execute(select(Village).where(Village.code == code),
                                 execution_options=unscoped()).scalar_one_or_none()
    if village is None:
        raise VillageNotFound()
    return village


def village_schedules(village: Village) -> list[Schedule]:
    """The schedules that hold for a village: its own, and its LGO's for each kind and stream
    of collection it has none of; drop-off days of every point of its LGO."""
    rows = db.session.execute(
        select(Schedule).where(Schedule.lgo_id == village.lgo_id,
                               or_(Schedule.village_id.is_(None),
                                   Schedule.village_id == village.id))
        .order_by(Schedule.id), execution_options=unscoped()).scalars().all()
    own = {(s.kind, s.stream) for s in rows if s.village_id == village.id}
    return [s for s in rows
            if s.village_id == village.id or s.kind is ScheduleKind.dropoff
            or (s.kind, s.stream) not in own]


def village_banks(village: Village) -> list[WasteBank]:
    """The open waste banks of the village's LGO, the village's own first."""
    return list(db.session.execute(
        select(WasteBank).where(WasteBank.lgo_id == village.lgo_id, WasteBank.active)
        .order_by((WasteBank.village_id == village.id).desc().nulls_last(), WasteBank.id),
        execution_options=unscoped()).scalars())


def _distance_m(village: Village, point_ids: list[int]) -> dict[int, float]:
    """Metres from the village's centre to each point (none for a village with no place)."""
    if not point_ids or (village.point is None and village.geom is None):
        return {}
    centre = (select(func.coalesce(Village.point, func.ST_PointOnSurface(Village.geom)))
              .where(Village.id == village.id).scalar_subquery())
    rows = db.session.execute(
        select(CollectionPoint.id,
               func.ST_Distance(func.geography(CollectionPoint.point), func.geography(centre)))
        .where(CollectionPoint.id.in_(point_ids)),
        execution_options=unscoped()).tuples().all()
    return {point_id: round(float(metres)) for point_id, metres in rows}


def village_calendar(code: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """What a resident of the village wants to know: the next days of each stream's
    collection, the nearest drop-off points and their next days, the banks' next buying days.
    """
    village = public_village(code)
    today = today or local_today()
    horizon = today + dt.timedelta(days=HORIZON_DAYS)
    collections: list[dict[str, Any]] = []
    dropoffs: list[dict[str, Any]] = []
    schedules = village_schedules(village)
    for schedule in schedules:
        days = occurrences(schedule, today, horizon)
        entry: dict[str, Any] = {"schedule": schedule, "next": days[0] if days else None,
                 "upcoming": days[:UPCOMING],
                 "changes": [e for e in schedule.exceptions or []
                             if dt.date.fromisoformat(e["day"]) >= today]}
        (dropoffs if schedule.kind is ScheduleKind.dropoff else collections).append(entry)
    distances = _distance_m(village, [e["schedule"].point_id for e in dropoffs])
    for entry in dropoffs:
        entry["distance_m"] = distances.get(entry["schedule"].point_id)
    dropoffs.sort(key=lambda e: (e["distance_m"] is None, e["distance_m"] or 0,
                                 e["next"] or dt.date.max))
    collections.sort(key=lambda e: (e["next"] or dt.date.max, e["schedule"].stream))
    return {
        "village": village, "today": today, "collections": collections, "dropoffs": dropoffs,
        "banks": [{"bank": bank, "next": bank.next_buying_day} for bank in village_banks(village)],
    }
