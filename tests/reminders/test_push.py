"""Reminders by Web Push, the whole path without the internet.

A push service of our own on loopback (tests/pushservice.py) stands in for the browser vendor's:
it checks each message's VAPID signature (RFC 8292) against the key the API publishes and
decrypts the payload (RFC 8291, aes128gcm) with the private key and auth secret a browser would
hold, using http_ece, not the code that encrypted it. The sending runs as the queue's task does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from khaya.areas.models import Village
from khaya.auth.models import Role, User, VolunteerAssignment
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import Inspection
from khaya.reminders.models import PushDelivery, PushSubscription
from khaya.reminders.sending import send_due
from tests.pushservice import PushService

API = "/api/v1"
BANGKOK = ZoneInfo("Asia/Bangkok")
RESIDENT = "0810000011"
VILLAGE = "51010101"


@pytest.fixture
def push_service():
    service = PushService()
    yield service
    service.close()


@pytest.fixture
def resident(app, connection) -> dict[str, int]:
    """The demo resident, linked to a household of Lamphun Town's first community that has
    never logged."""
    with app.app_context():
        village = db.session.execute(select(Village).where(Village.code == VILLAGE)).scalar_one()
        household = Household(lgo_id=village.lgo_id, village_id=village.id,
                              house_number="push-1", members=3,
                              registered_on=dt.date(2024, 1, 1))
        db.session.add(household)
        db.session.flush()
        user = db.session.execute(select(User).where(User.phone == "+66810000011")).scalar_one()
        next(g for g in user.grants if g.role is Role.resident).household_id = household.id
        db.session.commit()
        made = {"household": household.id, "lgo": village.lgo_id}
        db.session.remove()
    return made


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BANGKOK)


def test_reminders_reach_the_browser_signed_and_encrypted_once_a_day(
        app, client, auth, push_service, resident):
    today = dt.datetime.now(BANGKOK).date()
    tomorrow = today + dt.timedelta(days=1)
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[tomorrow.weekday()]
    staff = auth("town.staff")
    made = client.post(f"{API}/schedules", headers=staff, json={
        "kind": "collection", "stream": "general", "rule": f"FREQ=WEEKLY;BYDAY={weekday}",
        "starts_on": (today - dt.timedelta(days=14)).isoformat(), "starts_at": "06:00",
        "ends_at": "09:00"})
    assert made.status_code == 201, made.get_json()
    headers = auth(RESIDENT)
    answer = client.put(f"{API}/push/subscription", headers=headers, json={
        "subscription": push_service.subscription,
        "topics": ["collection_tomorrow", "not_logged", "buying_day_tomorrow"],
        "not_logged_days": 3})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["village_code"] == VILLAGE  # the household's, by default
    public_key = client.get(f"{API}/push/key").get_json()["public_key"]

    with app.app_context():
        counts = send_due(_at(today, 10))
    assert counts["sent"] == 2, (counts, push_service.refused)
    assert not push_service.refused
    by_topic = {m["payload"]["topic"]: m for m in push_service.received}
    assert set(by_topic) == {"collection_tomorrow", "not_logged"}  # no bank buys tomorrow
    collection = by_topic["collection_tomorrow"]
    assert collection["key"] == public_key  # signed by the key browsers subscribed with
    assert collection["payload"]["title"] == "พรุ่งนี้มีเก็บขยะ"
    assert collection["payload"]["body"] == "ขยะทั่วไป 06:00–09:00"
    assert collection["payload"]["url"] == "/?reminder=collection"
    assert by_topic["not_logged"]["payload"]["title"] == "ไม่ได้บันทึกการคัดแยกขยะมา 3 วันแล้ว"
    assert 0 < collection["ttl"] <= 24 * 3600

    # Once a day per topic: later the same day nothing more goes out.
    with app.app_context():
        again = send_due(_at(today, 18))
    assert again["sent"] == 0
    assert again["already"] == 2
    assert len(push_service.received) == 2
    # Quiet hours (21:00-07:00 by default): the next day's reminders wait for the morning.
    with app.app_context():
        assert send_due(_at(tomorrow, 6))["sent"] == 0
        # After logging, "not logged" stops: the household logged yesterday.
        db.session.get(Household, resident["household"]).last_log_on = today
        db.session.commit()
        assert send_due(_at(tomorrow, 8))["sent"] == 0  # nothing collected the day after
    assert len(push_service.received) == 2


def test_a_subscription_the_push_service_calls_gone_is_removed(app, client, auth,
                                                               push_service, resident):
    today = dt.datetime.now(BANGKOK).date()
    headers = auth(RESIDENT)
    answer = client.put(f"{API}/push/subscription", headers=headers, json={
        "subscription": push_service.subscription, "topics": ["not_logged"]})
    assert answer.status_code == 200, answer.get_json()
    push_service.status = 500  # a passing failure: the day's message may go later
    with app.app_context():
        assert send_due(_at(today, 9))["failed"] == 1
        assert db.session.execute(select(PushDelivery)).scalars().all() == []
    push_service.status = 410  # the browser dropped the subscription
    with app.app_context():
        assert send_due(_at(today, 10))["gone"] == 1
        assert db.session.execute(select(PushSubscription)).scalars().all() == []
    assert client.get(f"{API}/push/subscriptions", headers=headers).get_json()["items"] == []


def test_subscriptions_are_their_owners_and_topics_need_what_they_watch(client, auth,
                                                                          push_service):
    volunteer = auth("0810000001")
    # A volunteer has no household: "not logged" is refused, the calendar topics follow
    # the first village they volunteer in.
    refused = client.put(f"{API}/push/subscription", headers=volunteer, json={
        "subscription": push_service.subscription, "topics": ["not_logged"]})
    assert refused.status_code == 422
    assert "topics" in refused.get_json()["errors"]
    made = client.put(f"{API}/push/subscription", headers=volunteer, json={
        "subscription": push_service.subscription, "topics": ["collection_tomorrow"],
        "quiet_from": "22:00", "quiet_until": "06:00", "lang": "en"})
    assert made.status_code == 200, made.get_json()
    mine = made.get_json()
    assert mine["village_code"] is not None
    assert mine["quiet_from"] == "22:00"
    other = auth("town.staff")
    assert client.delete(f"{API}/push/subscriptions/{mine['id']}",
                         headers=other).status_code == 404
    assert client.delete(f"{API}/push/subscriptions/{mine['id']}",
                         headers=volunteer).status_code == 204
    assert client.put(f"{API}/push/subscription", json={
        "subscription": push_service.subscription,
        "topics": ["collection_tomorrow"]}).status_code == 401


def test_a_volunteer_is_reminded_of_the_inspections_due_in_their_villages(
        app, client, auth, push_service):
    """Due: households of the volunteer's villages never inspected or not for 90 days (the
    volunteers' coverage rule); one inspected last week is not."""
    today = dt.datetime.now(BANGKOK).date()
    with app.app_context():
        volunteer = db.session.execute(select(User).where(User.phone == "+66810000001")
                                       ).scalar_one()
        villages = set(db.session.execute(select(VolunteerAssignment.village_id).where(
            VolunteerAssignment.user_id == volunteer.id)).scalars())
        village = db.session.get(Village, min(villages))
        made = []
        for n in range(3):
            household = Household(lgo_id=village.lgo_id, village_id=village.id,
                                  house_number=f"due-{n}", members=2,
                                  registered_on=dt.date(2024, 1, 1))
            db.session.add(household)
            db.session.flush()
            made.append(household.id)
        db.session.add(Inspection(  # seen last week: not due
            client_id=uuid.uuid4(), household_id=made[0], lgo_id=village.lgo_id,
            village_id=village.id, inspected_on=today - dt.timedelta(days=7), registered=True,
            bin_built=True, food_waste_in_bin=True, lid_closed=True, used_correctly=True,
            passed=True))
        db.session.add(Inspection(  # seen 100 days ago: due again
            client_id=uuid.uuid4(), household_id=made[1], lgo_id=village.lgo_id,
            village_id=village.id, inspected_on=today - dt.timedelta(days=100), registered=True,
            bin_built=True, food_waste_in_bin=True, lid_closed=True, used_correctly=True,
            passed=True))
        db.session.commit()
        others = db.session.execute(
            select(Household.id).where(Household.village_id.in_(villages), Household.active,
                                       Household.id.not_in(made))).scalars().all()
        db.session.remove()
    headers = auth("0810000001")
    answer = client.put(f"{API}/push/subscription", headers=headers, json={
        "subscription": push_service.subscription, "topics": ["inspection_due"]})
    assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        assert send_due(_at(today, 10))["sent"] == 1
    (message,) = push_service.received
    due = 2 + len(others)  # made[1] and made[2], and any other household never inspected
    assert message["payload"]["title"] == "ถึงรอบตรวจถังขยะเปียก"
    assert message["payload"]["body"] == f"บ้าน {due} หลังในหมู่บ้านที่คุณดูแลยังไม่ได้ตรวจเกิน 90 วัน"
    # A resident has no villages to inspect: the topic is refused.
    refused = client.put(f"{API}/push/subscription", headers=auth("0810000011"), json={
        "subscription": push_service.subscription, "topics": ["inspection_due"]})
    assert refused.status_code == 422


def test_a_reporter_hears_when_the_lgo_closes_their_report(app, client, auth, push_service):
    """Closed today: one push with the LGO's note; a report still open, or another person's,
    says nothing."""
    today = dt.datetime.now(BANGKOK).date()
    with app.app_context():
        surface = db.session.execute(select(
            func.ST_X(func.ST_PointOnSurface(Village.geom)),
            func.ST_Y(func.ST_PointOnSurface(Village.geom))).where(Village.code == VILLAGE)
        ).one()
        db.session.remove()
    reporter = auth(RESIDENT)

    def report(who: dict[str, str]) -> int:
        made = client.post(f"{API}/reports", headers=who, json={
            "type": "illegal_dumping",
            "location": {"type": "Point", "coordinates": [surface[0], surface[1]]}})
        assert made.status_code == 201, made.get_json()
        return made.get_json()["report"]["id"]

    mine, still_open, other = report(reporter), report(reporter), report(auth("0810000001"))
    answer = client.put(f"{API}/push/subscription", headers=reporter, json={
        "subscription": push_service.subscription, "topics": ["report_closed"]})
    assert answer.status_code == 200, answer.get_json()
    with app.app_context():
        assert send_due(_at(today, 10))["sent"] == 0  # nothing closed yet
    staff = auth("town.staff")
    for report_id in (mine, other):
        closed = client.patch(f"{API}/reports/{report_id}", headers=staff,
                              json={"status": "closed", "note": "เก็บขยะเรียบร้อยแล้ว"})
        assert closed.status_code == 200, closed.get_json()
    assert still_open not in (mine, other)
    closed_on = dt.datetime.now(BANGKOK).date()
    with app.app_context():
        # At noon of the day it closed: outside the default quiet hours whenever this runs.
        assert send_due(_at(closed_on, 12))["sent"] == 1
    (message,) = push_service.received
    assert message["payload"]["title"] == "เรื่องที่คุณแจ้งเสร็จแล้ว"
    assert message["payload"]["body"] == "ทิ้งขยะไม่ถูกที่: เก็บขยะเรียบร้อยแล้ว"
    assert message["payload"]["url"] == "/reports"
