"""A village's collection calendar as an iCalendar feed (RFC 5545) that phone calendars follow.

Written with the icalendar library: one event per schedule that holds for the village, its rule
as RRULE (from the rule's first day, as RFC 5545 wants DTSTART to be one), cancelled and moved
days as EXDATE and the days they moved to as RDATE; waste banks' weekly buying days as weekly
events and their dated ones as single events. Times are Asia/Bangkok (with its VTIMEZONE); a
schedule without a time is a whole-day event. Public and free of personal data: areas, points,
banks and days only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur

from ..columns import utcnow
from ..common.time import local_today
from ..wastebank.models import WasteBank
from . import calendar
from .models import Schedule, ScheduleKind

BANGKOK = ZoneInfo("Asia/Bangkok")
STREAM_TH = {"organic": "ขยะเปียก (ขยะอินทรีย์)", "recyclable": "ขยะรีไซเคิล",
             "general": "ขยะทั่วไป", "hazardous": "ขยะอันตราย"}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Calendars that honour it ask again twice a day.
REFRESH = dt.timedelta(hours=12)


def _at(day: dt.date, time: dt.time | None) -> dt.date | dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=BANGKOK) if time else day


def _change_th(exception: dict[str, Any]) -> str:
    if exception.get("note_th"):
        return str(exception["note_th"])
    return f"ย้ายไป {exception['moved_to']}" if exception.get("moved_to") else "งดเก็บ"


def _summary(schedule: Schedule) -> str:
    if schedule.kind is ScheduleKind.dropoff and schedule.point is not None:
        return f"วันรับ{STREAM_TH[schedule.stream]} ที่{schedule.point.name_th}"
    return f"วันเก็บ{STREAM_TH[schedule.stream]}"


def _schedule_event(schedule: Schedule, village_code: str, stamp: dt.datetime) -> Event | None:
    first = next(iter(calendar._expand(schedule.rule, schedule.starts_on, schedule.ends_on)),
                 None)
    if first is None:
        return None
    event = Event()
    event.add("uid", f"khaya-schedule-{schedule.id}-{village_code}")
    event.add("dtstamp", stamp)
    event.add("summary", _summary(schedule))
    start = _at(first.date(), schedule.starts_at)
    event.add("dtstart", start)
    if schedule.starts_at and schedule.ends_at:
        event.add("dtend", _at(first.date(), schedule.ends_at))
    elif not schedule.starts_at:
        event.add("dtend", first.date() + dt.timedelta(days=1))
    rule = vRecur.from_ical(schedule.rule)
    if schedule.ends_on is not None:
        # UNTIL takes DTSTART's kind: a date, or a UTC time for a timed event.
        until = _at(schedule.ends_on, schedule.starts_at or None)
        rule["UNTIL"] = [until.astimezone(dt.UTC) if isinstance(until, dt.datetime) else until]
    event.add("rrule", rule)
    exceptions = schedule.exceptions or []
    if exceptions:
        event.add("exdate", [_at(dt.date.fromisoformat(e["day"]), schedule.starts_at)
                             for e in exceptions])
    moved = [_at(dt.date.fromisoformat(e["moved_to"]), schedule.starts_at)
             for e in exceptions if e.get("moved_to")]
    if moved:
        event.add("rdate", moved)
    notes = [schedule.note_th or ""] + [f"{e['day']}: {_change_th(e)}" for e in exceptions]
    if any(notes):
        event.add("description", "\n".join(n for n in notes if n))
    if schedule.point is not None:
        event.add("location", schedule.point.name_th)
    event.add("categories", [schedule.stream])
    return event


def _bank_events(bank: WasteBank, village_code: str, stamp: dt.datetime,
                 today: dt.date) -> list[Event]:
    events = []
    plan: dict[str, Any] = bank.buying_schedule or {}
    summary = f"วันรับซื้อขยะรีไซเคิล {bank.name_th}"
    since = bank.created_at.astimezone(BANGKOK).date() if bank.created_at else today
    for index, slot in enumerate(plan.get("weekly") or []):
        first = since + dt.timedelta(days=(slot["day"] - since.weekday()) % 7)
        opens = dt.time.fromisoformat(slot["opens"]) if slot.get("opens") else None
        closes = dt.time.fromisoformat(slot["closes"]) if slot.get("closes") else None
        event = Event()
        event.add("uid", f"khaya-bank-{bank.id}-weekly-{index}-{village_code}")
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        event.add("dtstart", _at(first, opens))
        # A timed slot ends at its closing (or opening) time; an untimed one is the whole day.
        event.add("dtend", _at(first, closes or opens) if opens
                  else first + dt.timedelta(days=1))
        event.add("rrule", vRecur.from_ical(f"FREQ=WEEKLY;BYDAY={WEEKDAYS[slot['day']]}"))
        events.append(event)
    for day in sorted(plan.get("dates") or []):
        event = Event()
        event.add("uid", f"khaya-bank-{bank.id}-{day}-{village_code}")
        event.add("dtstamp", stamp)
        event.add("summary", summary)
        event.add("dtstart", dt.date.fromisoformat(day))
        event.add("dtend", dt.date.fromisoformat(day) + dt.timedelta(days=1))
        events.append(event)
    return events


def village_feed(code: str) -> bytes:
    """The village's calendar as iCalendar bytes."""
    village = calendar.public_village(code)
    today = local_today()
    stamp = utcnow().replace(microsecond=0)
    cal = Calendar()
    cal.add("prodid", "-//Khaya//Collection calendar//TH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"ปฏิทินเก็บขยะ {village.name_th}")
    cal.add("x-wr-timezone", "Asia/Bangkok")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    for schedule in calendar.village_schedules(village):
        event = _schedule_event(schedule, village.code, stamp)
        if event is not None:
            cal.add_component(event)
    for bank in calendar.village_banks(village):
        for event in _bank_events(bank, village.code, stamp, today):
            cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
