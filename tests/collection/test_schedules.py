"""Collection schedules: recurrence edge cases, exceptions, villages inheriting their LGO's
schedule, the public calendar, and the iCalendar feed read back by an independent parser.

The expected days are worked out here from the calendar itself (which Fridays a month has,
every 14 days from a start), not with python-dateutil, which the app expands rules with; the
feed is parsed by vobject, not by icalendar, which writes it.
"""

from __future__ import annotations

import calendar as months
import datetime as dt

import pytest
import vobject

from khaya.collection import calendar
from khaya.collection.models import Schedule, ScheduleKind
from khaya.common.time import local_today

TOWN = "lamphun-town-municipality"
TOWN_V1, TOWN_V2 = "51010101", "51010102"
NGA_V = "51010201"
API = "/api/v1"
TOWN_OFFICE = (99.0121, 18.5865)


def _fridays(year: int, month: int) -> list[dt.date]:
    return [dt.date(year, month, d) for d in range(1, months.monthrange(year, month)[1] + 1)
            if dt.date(year, month, d).weekday() == 4]


def _schedule(rule: str, starts_on: dt.date, ends_on: dt.date | None = None,
              exceptions: list | None = None) -> Schedule:
    return Schedule(kind=ScheduleKind.collection, stream="organic", rule=rule,
                    starts_on=starts_on, ends_on=ends_on, exceptions=exceptions or [])


def test_first_and_third_friday_in_a_month_of_five_fridays():
    days = calendar.occurrences(_schedule("FREQ=MONTHLY;BYDAY=1FR,3FR", dt.date(2027, 1, 1)),
                                dt.date(2027, 1, 1), dt.date(2027, 3, 31))
    expected = [d for m in (1, 2, 3) for d in (_fridays(2027, m)[0], _fridays(2027, m)[2])]
    assert days == expected
    assert dt.date(2027, 1, 1) in days
    assert dt.date(2027, 1, 15) in days


def test_a_fifth_friday_only_in_months_that_have_one_and_the_last_friday_in_all():
    fifth = calendar.occurrences(_schedule("FREQ=MONTHLY;BYDAY=5FR", dt.date(2027, 1, 1)),
                                 dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    last = calendar.occurrences(_schedule("FREQ=MONTHLY;BYDAY=-1FR", dt.date(2027, 1, 1)),
                                dt.date(2027, 1, 1), dt.date(2027, 12, 31))
    assert fifth == [f[4] for m in range(1, 13) if len(f := _fridays(2027, m)) == 5]
    assert len(fifth) == 5  # January, April, July, October, December 2027
    assert last == [_fridays(2027, m)[-1] for m in range(1, 13)]


def test_every_other_monday_runs_on_across_the_thai_fiscal_year_and_stops_at_its_end():
    start = dt.date(2026, 9, 21)  # fiscal year 2569; 1 October 2026 begins 2570
    schedule = _schedule("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", start, ends_on=dt.date(2026, 12, 1))
    days = calendar.occurrences(schedule, dt.date(2026, 9, 1), dt.date(2027, 3, 1))
    assert days == [start + dt.timedelta(days=14 * n) for n in range(6)]
    assert days[-1] <= dt.date(2026, 12, 1) < days[-1] + dt.timedelta(days=14)


def test_a_cancelled_day_and_a_moved_day():
    schedule = _schedule("FREQ=WEEKLY;BYDAY=TU", dt.date(2026, 12, 1), exceptions=[
        {"day": "2026-12-08", "moved_to": None},  # a holiday: no collection
        {"day": "2026-12-29", "moved_to": "2026-12-30"},  # moved to the Wednesday
    ])
    days = calendar.occurrences(schedule, dt.date(2026, 12, 1), dt.date(2027, 1, 5))
    assert days == [dt.date(2026, 12, d) for d in (1, 15, 22, 30)] + [dt.date(2027, 1, 5)]


@pytest.mark.parametrize("rule", [
    "FREQ=WEEKLY;BYDAY=TU;COUNT=5", "FREQ=WEEKLY;UNTIL=20271231", "FREQ=HOURLY",
    "BYDAY=TU", "FREQ=WEEKLY;BYDAY=XX", "every tuesday", "FREQ=WEEKLY;FREQ=MONTHLY",
    "DTSTART:20260101;FREQ=WEEKLY",
])
def test_a_rule_that_is_not_a_plain_recurrence_is_refused_in_thai(client, auth, rule):
    response = client.post(f"{API}/schedules", headers={
        **auth("town.staff"), "Accept-Language": "th"}, json={
        "kind": "collection", "stream": "organic", "rule": rule, "starts_on": "2026-12-01"})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["code"] == "invalid_schedule"
    assert body["message"] == "ข้อมูลตารางเก็บขยะบางช่องไม่ถูกต้อง"
    assert "rule" in body["errors"]


def _create(client, headers, **fields) -> dict:
    response = client.post(f"{API}/schedules", headers=headers, json=fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def _next_weekday(today: dt.date, weekday: int) -> dt.date:
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7)


def test_villages_inherit_the_lgos_schedule_unless_they_have_their_own(client, auth,
                                                                        make_point):
    staff = auth("town.staff")
    today = local_today()
    start = today - dt.timedelta(days=60)
    tuesday = _next_weekday(today, 1)
    lgo_wide = _create(client, staff, kind="collection", stream="organic",
                       rule="FREQ=WEEKLY;BYDAY=TU", starts_on=start.isoformat(),
                       starts_at="06:00", ends_at="09:00", note_th="วางถังหน้าบ้านก่อน 6 โมง",
                       exceptions=[{"day": tuesday.isoformat(),
                                    "moved_to": (tuesday + dt.timedelta(days=1)).isoformat(),
                                    "note_th": "วันหยุดราชการ"}])
    own = _create(client, staff, kind="collection", stream="organic", village_code=TOWN_V2,
                  rule="FREQ=WEEKLY;BYDAY=FR", starts_on=start.isoformat())
    point = make_point("จุดทิ้งขยะอันตรายเทศบาล", *TOWN_OFFICE, kind="hazardous_dropoff",
                       streams=("hazardous",))
    dropoff = _create(client, staff, kind="dropoff", stream="hazardous", point_id=point,
                      rule="FREQ=MONTHLY;BYDAY=1SA", starts_on=start.isoformat())

    first = client.get(f"{API}/villages/{TOWN_V1}/calendar").get_json()  # anonymous
    assert [c["schedule"]["id"] for c in first["collections"]] == [lgo_wide["id"]]
    organic = first["collections"][0]
    # This week's Tuesday moved to the Wednesday; the Tuesdays after stand.
    assert organic["next"] == (tuesday + dt.timedelta(days=1)).isoformat()
    assert organic["upcoming"][1:] == [(tuesday + dt.timedelta(days=7 * n)).isoformat()
                                       for n in (1, 2, 3)]
    assert organic["changes"][0]["note_th"] == "วันหยุดราชการ"
    assert [d["schedule"]["id"] for d in first["dropoffs"]] == [dropoff["id"]]
    saturday = _next_weekday(today.replace(day=1), 5)
    if saturday < today:
        following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        saturday = _next_weekday(following, 5)
    assert first["dropoffs"][0]["next"] == saturday.isoformat()
    assert first["dropoffs"][0]["distance_m"] is not None

    second = client.get(f"{API}/villages/{TOWN_V2}/calendar").get_json()
    assert [c["schedule"]["id"] for c in second["collections"]] == [own["id"]]
    assert second["collections"][0]["next"] == _next_weekday(today, 4).isoformat()
    # Another LGO's village sees none of the town's schedules.
    other = client.get(f"{API}/villages/{NGA_V}/calendar").get_json()
    assert other["collections"] == []
    assert other["dropoffs"] == []
    assert client.get(f"{API}/villages/99999999/calendar").status_code == 404


def test_the_feed_read_by_another_parser_gives_the_same_days(client, auth, make_point):
    staff = auth("town.staff")
    today = local_today()
    start = today - dt.timedelta(days=10)
    tuesday = _next_weekday(today, 1)
    timed = _create(client, staff, kind="collection", stream="organic",
                    rule="FREQ=WEEKLY;BYDAY=TU", starts_on=start.isoformat(),
                    starts_at="06:00", ends_at="09:00",
                    exceptions=[{"day": tuesday.isoformat(), "moved_to": None},
                                {"day": (tuesday + dt.timedelta(days=14)).isoformat(),
                                 "moved_to": (tuesday + dt.timedelta(days=15)).isoformat()}])
    whole_day = _create(client, staff, kind="collection", stream="recyclable",
                        rule="FREQ=MONTHLY;BYDAY=1FR,3FR", starts_on=start.isoformat(),
                        ends_on=(today + dt.timedelta(days=200)).isoformat())
    response = client.get(f"{API}/villages/{TOWN_V1}/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert "BEGIN:VTIMEZONE" in text
    assert "TZID:Asia/Bangkok" in text
    parsed = vobject.readOne(text)
    events = {e.uid.value: e for e in parsed.vevent_list}
    window = (dt.datetime.combine(today, dt.time()), dt.datetime.combine(
        today + dt.timedelta(days=120), dt.time(23, 59)))
    with client.application.app_context():
        for made in (timed, whole_day):
            event = events[f"khaya-schedule-{made['id']}-{TOWN_V1}"]
            assert event.summary.value.startswith("วันเก็บขยะ")
            expanded = event.getrruleset(addRDate=True)
            days = sorted({d.date() for d in expanded
                           if window[0].date() <= d.date() <= window[1].date()})
            schedule = calendar.get_schedule(made["id"])
            assert days == calendar.occurrences(schedule, window[0].date(), window[1].date())
            assert days  # the window holds some days, or the comparison proves nothing
    timed_start = events[f"khaya-schedule-{timed['id']}-{TOWN_V1}"].dtstart.value
    assert timed_start.tzinfo is not None
    assert timed_start.hour == 6
    assert timed_start.utcoffset() == dt.timedelta(hours=7)
    # No personal data: only calendar, time-zone and event properties of areas and days.
    names = {line.split(":", 1)[0].split(";", 1)[0] for line in text.splitlines()
             if line and not line.startswith(" ")}
    assert names <= {"BEGIN", "END", "VERSION", "PRODID", "CALSCALE", "METHOD", "X-WR-CALNAME",
                     "X-WR-TIMEZONE", "REFRESH-INTERVAL", "TZID", "COMMENT", "DTSTART",
                     "TZNAME", "TZOFFSETFROM", "TZOFFSETTO", "UID", "DTSTAMP", "SUMMARY",
                     "DTEND", "RRULE", "EXDATE", "RDATE", "DESCRIPTION", "LOCATION",
                     "CATEGORIES"}, names


def test_schedules_are_kept_by_their_lgo_only(client, auth):
    made = _create(client, auth("town.staff"), kind="collection", stream="general",
                   rule="FREQ=WEEKLY;BYDAY=MO", starts_on="2026-12-07")
    nga = auth("nga.staff")
    assert client.patch(f"{API}/schedules/{made['id']}", headers=nga,
                        json={"rule": "FREQ=WEEKLY;BYDAY=TH"}).status_code == 404
    assert client.delete(f"{API}/schedules/{made['id']}", headers=nga).status_code == 404
    assert made["id"] not in [s["id"] for s in client.get(
        f"{API}/schedules", headers=nga).get_json()["items"]]
    # A village of another LGO cannot be named for the town.
    response = client.post(f"{API}/schedules", headers=auth("town.staff"), json={
        "kind": "collection", "stream": "general", "rule": "FREQ=WEEKLY;BYDAY=MO",
        "starts_on": "2026-12-07", "village_code": NGA_V})
    assert response.status_code == 422
    assert "village_code" in response.get_json()["errors"]
    # The town's staff change it; an exception must be a day of the rule.
    staff = auth("town.staff")
    changed = client.patch(f"{API}/schedules/{made['id']}", headers=staff, json={
        "rule": "FREQ=WEEKLY;BYDAY=TH", "starts_on": "2026-12-03"})
    assert changed.status_code == 200
    assert changed.get_json()["rule"] == "FREQ=WEEKLY;BYDAY=TH"
    wrong = client.patch(f"{API}/schedules/{made['id']}", headers=staff, json={
        "exceptions": [{"day": "2026-12-07"}]})  # a Monday
    assert wrong.status_code == 422
    assert "exceptions" in wrong.get_json()["errors"]
    assert client.delete(f"{API}/schedules/{made['id']}", headers=staff).status_code == 204


def test_a_dropoff_schedule_needs_a_point_that_takes_the_stream(client, auth, make_point):
    staff = auth("town.staff")
    response = client.post(f"{API}/schedules", headers=staff, json={
        "kind": "dropoff", "stream": "hazardous", "rule": "FREQ=MONTHLY;BYDAY=1SA",
        "starts_on": "2026-12-05"})
    assert response.status_code == 422
    assert "point_id" in response.get_json()["errors"]
    recycling = make_point("จุดรับรีไซเคิล", *TOWN_OFFICE, streams=("recyclable",))
    response = client.post(f"{API}/schedules", headers=staff, json={
        "kind": "dropoff", "stream": "hazardous", "rule": "FREQ=MONTHLY;BYDAY=1SA",
        "starts_on": "2026-12-05", "point_id": recycling})
    assert response.status_code == 422
    assert "stream" in response.get_json()["errors"]
