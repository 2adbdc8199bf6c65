"""Volunteer coverage: each volunteer's villages, households inspected and overdue in a month.

The expected numbers are worked out here from the rows the test makes (the seeded Mueang Nga
volunteer included), not read back from the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from khaya.areas.models import Lgo, Village
from khaya.auth.models import User, VolunteerAssignment, VolunteerProfile, VolunteerType
from khaya.common.time import local_today
from khaya.households.models import Household
from khaya.participation.models import Inspection, Review

API = "/api/v1/volunteers/coverage"
NGA = "mueang-nga-subdistrict-municipality"
TOWN = "lamphun-town-municipality"
V1, V2, V3, V4, V5 = "51010201", "51010202", "51010203", "51010204", "51010205"
T1 = "51010101"  # a town community
SEEDED = "+66810000002"  # บุญมี รักษ์ดี (อสม.), Mueang Nga moo 1-2 in seed/accounts.py
D = dt.date

# name: (display name, type, villages, profile active, user active)
VOLUNTEERS = {
    "a": ("ทดสอบ ก", VolunteerType.environment, (V1, V3), True, True),
    # One of b's villages is the town's: it is left out of Mueang Nga's coverage.
    "b": ("ทดสอบ ข", VolunteerType.village_head, (V2, T1), True, True),
    "c": ("ทดสอบ ค", VolunteerType.other, (V4,), False, True),  # profile switched off
    "d": ("ทดสอบ ง", VolunteerType.health, (V3,), True, False),  # account disabled
}
# name: (village, active)
HOUSEHOLDS = {
    "h1": (V1, True), "h2": (V1, True), "h3": (V1, False),
    "h4": (V2, True), "h5": (V2, True),
    "h6": (V3, True),
    "h7": (V4, True),
    "h8": (T1, True),
}
# (day, household, recorder): "s" is the seeded volunteer.
INSPECTIONS = [
    (D(2025, 6, 10), "h1", "a"),
    (D(2025, 6, 12), "h1", "s"),
    (D(2025, 5, 1), "h2", "a"),  # 60 days before the end of June: not overdue
    (D(2025, 3, 15), "h4", "b"),  # 107 days: overdue
    (D(2025, 7, 5), "h5", "b"),  # after June: June reads as if it had not happened
    (D(2025, 6, 20), "h3", "a"),  # a household out of the register, still a's work
    (D(2025, 6, 25), "h8", "b"),  # the town's household: not Mueang Nga's coverage
    (D(2025, 4, 1), "h6", "a"),  # exactly 90 days before 30 June: not overdue
]
# Passes recorded far from the house that the LGO rejected on review: no visit, no one's work.
REJECTED = [
    (D(2025, 6, 28), "h2", "a"),  # would make h2 inspected in June and a's last on the 28th
    (D(2025, 6, 27), "h4", "b"),  # would take h4 off the overdue list
]


@dataclass
class World:
    users: dict[str, int]
    households: dict[str, int]
    villages: dict[str, tuple[int, str]] = field(default_factory=dict)  # code: (id, lgo)
    assignments: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)


def make_inspection(world_households: dict[str, int], villages: dict[str, tuple[int, str]],
                    lgo_ids: dict[str, int], day: dt.date, household: str, village: str,
                    recorder: int | None) -> Inspection:
    village_id, lgo = villages[village]
    return Inspection(
        client_id=uuid.uuid4(), household_id=world_households[household], lgo_id=lgo_ids[lgo],
        village_id=village_id, inspected_on=day, registered=True, bin_built=True,
        food_waste_in_bin=True, lid_closed=True, used_correctly=True, passed=True,
        recorded_by_id=recorder)


@pytest.fixture
def world(db_session) -> World:
    """Make the volunteers, households and inspections above (rolled back after the test)."""
    lgo_ids = dict(db_session.execute(select(Lgo.code, Lgo.id)).tuples().all())
    villages = {code: (vid, lgo) for code, vid, lgo in db_session.execute(
        select(Village.code, Village.id, Lgo.code).join(Lgo, Lgo.id == Village.lgo_id)
        .where(Village.code.in_([V1, V2, V3, V4, V5, T1])))}
    assert {lgo for _id, lgo in villages.values()} == {NGA, TOWN}
    seeded = db_session.execute(select(User).where(User.phone == SEEDED)).scalar_one()
    users = {"s": seeded.id}
    for key, (name, kind, codes, profile_on, user_on) in VOLUNTEERS.items():
        user = User(username=f"coverage.{key}", display_name=name, password_hash="!unusable",
                    lgo_id=lgo_ids[NGA], is_active=user_on)
        user.volunteer = VolunteerProfile(
            volunteer_type=kind, active=profile_on,
            assignments=[VolunteerAssignment(village_id=villages[c][0]) for c in codes])
        db_session.add(user)
        db_session.flush()
        users[key] = user.id
    households = {}
    for key, (code, active) in HOUSEHOLDS.items():
        village_id, lgo = villages[code]
        household = Household(lgo_id=lgo_ids[lgo], village_id=village_id,
                              house_number=f"cov-{key}", registered_on=D(2024, 1, 1),
                              members=2, active=active)
        db_session.add(household)
        db_session.flush()
        households[key] = household.id
    for day, household, who in INSPECTIONS:
        db_session.add(make_inspection(households, villages, lgo_ids, day, household,
                                       HOUSEHOLDS[household][0], users[who]))
    for day, household, who in REJECTED:
        rejected = make_inspection(households, villages, lgo_ids, day, household,
                                   HOUSEHOLDS[household][0], users[who])
        rejected.location_flag, rejected.distance_m = "far", 7000.0
        rejected.review, rejected.review_reason = Review.rejected, "Not at the house"
        rejected.reviewed_at = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
        db_session.add(rejected)
    db_session.commit()
    made = World(users, households, villages)
    made.assignments = {"s": (V1, V2), **{k: v[2] for k, v in VOLUNTEERS.items()}}
    made.names = {"s": seeded.display_name, **{k: v[0] for k, v in VOLUNTEERS.items()}}
    return made


def expected(world: World, first: dt.date, as_of: dt.date) -> tuple[list[dict], list[str]]:
    """Work out the coverage of Mueang Nga from the tables above."""
    counted = [k for k in world.assignments
               if k == "s" or (VOLUNTEERS[k][3] and VOLUNTEERS[k][4])]
    rows = []
    for key in counted:
        codes = sorted(c for c in world.assignments[key] if world.villages[c][1] == NGA)
        register = [h for h, (v, active) in HOUSEHOLDS.items() if v in codes and active]

        def seen(h: str) -> list[dt.date]:
            return [d for d, hh, _w in INSPECTIONS if hh == h and d <= as_of]

        last = {h: max(seen(h), default=None) for h in register}
        own = [d for d, hh, who in INSPECTIONS
               if who == key and world.villages[HOUSEHOLDS[hh][0]][1] == NGA and d <= as_of]
        rows.append({
            "user_id": world.users[key], "display_name": world.names[key],
            "volunteer_type": "health" if key == "s" else VOLUNTEERS[key][1].value,
            "village_codes": codes, "households": len(register),
            "inspected": sum(1 for h in register if any(d >= first for d in seen(h))),
            "inspections_by_volunteer": sum(1 for d in own if d >= first),
            "overdue": sum(1 for h in register
                           if last[h] is None or (as_of - last[h]).days > 90),
            "last_inspection_on": max(own).isoformat() if own else None,
        })
    rows.sort(key=lambda r: (r["display_name"], r["user_id"]))
    covered = {c for k in counted for c in world.assignments[k]}
    unassigned = sorted({v for v, active in HOUSEHOLDS.values()
                         if active and world.villages[v][1] == NGA} - covered)
    return rows, unassigned


def test_coverage_of_a_past_month(client, auth, world):
    response = client.get(API, query_string={"lgo": NGA, "month": "2025-06"},
                          headers=auth("nga.staff"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    rows, unassigned = expected(world, D(2025, 6, 1), D(2025, 6, 30))
    assert body["month"] == "2025-06"
    assert body["lgo"] == NGA
    assert body["as_of"] == "2025-06-30"
    assert body["rows"] == rows
    assert body["unassigned_villages"] == unassigned == [V4]
    # The worked-out figures are not all zero: the comparison above means something.
    by_user = {r["user_id"]: r for r in body["rows"]}
    a = by_user[world.users["a"]]
    assert (a["village_codes"], a["households"], a["inspected"], a["overdue"],
            a["inspections_by_volunteer"], a["last_inspection_on"]) == (
        [V1, V3], 3, 1, 0, 2, "2025-06-20")
    b = by_user[world.users["b"]]
    assert (b["village_codes"], b["households"], b["overdue"], b["inspections_by_volunteer"],
            b["last_inspection_on"]) == ([V2], 2, 2, 0, "2025-03-15")
    assert world.users["c"] not in by_user
    assert world.users["d"] not in by_user
    assert all("phone" not in row for row in body["rows"])


def test_coverage_defaults_to_the_current_month(client, auth, world, db_session):
    today = local_today()
    lgo_ids = dict(db_session.execute(select(Lgo.code, Lgo.id)).tuples().all())
    db_session.add(make_inspection(world.households, world.villages, lgo_ids, today, "h4", V2,
                                   world.users["b"]))
    db_session.commit()
    INSPECTIONS.append((today, "h4", "b"))
    try:
        body = client.get(API, query_string={"lgo": NGA}, headers=auth("nga.admin")).get_json()
        rows, unassigned = expected(world, today.replace(day=1), today)
    finally:
        INSPECTIONS.pop()
    assert body["month"] == f"{today:%Y-%m}"
    assert body["as_of"] == today.isoformat()
    assert body["rows"] == rows
    b = next(r for r in body["rows"] if r["user_id"] == world.users["b"])
    assert (b["inspected"], b["inspections_by_volunteer"], b["last_inspection_on"]) == (
        1, 1, today.isoformat())
    assert body["unassigned_villages"] == unassigned


def test_lgo_staff_may_leave_out_their_lgo(client, auth, world):
    body = client.get(API, query_string={"month": "2025-06"}, headers=auth("nga.staff"))
    assert body.status_code == 200
    assert body.get_json()["lgo"] == NGA


@pytest.mark.parametrize(("who", "query", "status"), [
    ("nga.staff", {"lgo": TOWN}, 404),
    ("town.admin", {"lgo": NGA}, 404),
    ("town.staff", {"lgo": "no-such-lgo"}, 404),
    ("province", {"lgo": NGA}, 200),
    ("admin", {"lgo": NGA}, 200),
    ("0810000002", {"lgo": NGA}, 403),
    ("0810000012", {"lgo": NGA}, 403),
    (None, {"lgo": NGA}, 401),
    ("province", {}, 422),
    ("admin", {}, 422),
    ("nga.staff", {"lgo": NGA, "month": "2025-13"}, 422),
    ("nga.staff", {"lgo": NGA, "month": "June"}, 422),
    ("nga.staff", {"lgo": NGA, "month": "2999-01"}, 422),
    ("nga.staff", {"lgo": NGA, "village": V1}, 422),
])
def test_coverage_access_and_arguments(client, auth, who, query, status):
    headers = auth(who) if who else {}
    response = client.get(API, query_string={"month": "2025-06", **query}, headers=headers)
    assert response.status_code == status, response.get_json()
    if status == 404:
        assert response.get_json()["code"] == "lgo_not_found"


def test_province_officers_see_counts_without_phones(client, auth, world):
    body = client.get(API, query_string={"lgo": NGA, "month": "2025-06"},
                      headers=auth("province")).get_json()
    rows, _ = expected(world, D(2025, 6, 1), D(2025, 6, 30))
    assert body["rows"] == rows
    assert "+66" not in str(body)


def test_coverage_reads_the_same_number_of_statements_for_more_volunteers(
        client, auth, world, db_session, query_counter):
    headers = auth("nga.staff")
    query = {"lgo": NGA, "month": "2025-06"}
    query_counter.clear()
    assert client.get(API, query_string=query, headers=headers).status_code == 200
    before = len(query_counter)
    village_id = world.villages[V4][0]
    for number in range(6):
        user = User(username=f"coverage.more{number}", display_name=f"อาสา {number}",
                    password_hash="!unusable")
        user.volunteer = VolunteerProfile(
            volunteer_type=VolunteerType.environment,
            assignments=[VolunteerAssignment(village_id=village_id)])
        db_session.add(user)
    db_session.commit()
    # The first request's teardown ended the test session's savepoint, the token's with it.
    headers = auth("nga.staff")
    query_counter.clear()
    response = client.get(API, query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["rows"]) == 9
    assert response.get_json()["unassigned_villages"] == []
    assert len(query_counter) == before, query_counter
