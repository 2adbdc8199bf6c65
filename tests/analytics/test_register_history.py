"""Figures of closed periods never move when the register is edited today.

The hand dataset (see _hand.py) lies in August to November 2024. Every figure of those months
and of fiscal years 2567 and 2568 is read (indicators at each level, the league of every
indicator, the monthly export, the indicator and league files, a village's series); then the
register is edited through the API the way an LGO clerk edits it (members, wet-bin
arrangement, occupancy, village, deactivation), the month-end registers are rebuilt, and every
one of them is read again: each must be byte for byte what it was, and ``analytics reconcile``
must agree. The register as it stands today must show the edits, or the test proves nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from khaya.analytics import compute, registers
from khaya.analytics.indicators import INDICATORS
from khaya.analytics.rebuild import reconcile
from khaya.analytics.rollups import pending_stale, refresh_stale
from khaya.common.time import local_today
from khaya.households.models import Household, HouseholdState
from tests.analytics._hand import NGA, TOWN, V1, V2

API = "/api/v1"
PERIODS = ("2024-08", "2024-09", "2024-10", "2024-11", "FY2567", "FY2568")
LEVELS = (("village", NGA), ("village", TOWN), ("lgo", "51"), ("province", None))


def _everything(client, staff) -> dict[str, bytes]:
    """Every answer and file about the hand dataset's periods, keyed by what was asked."""
    asked: dict[str, dict] = {}
    for period in PERIODS:
        for level, parent in LEVELS:
            query = {"level": level, "period": period, **({"parent": parent} if parent else {})}
            asked[f"indicators {level} {parent} {period}"] = ("/analytics/indicators", query)
            asked[f"indicators.csv {level} {parent} {period}"] = (
                "/analytics/indicators.csv", {**query, "lang": "en"})
            if parent:
                for indicator in INDICATORS:
                    asked[f"league {level} {parent} {indicator} {period}"] = (
                        "/analytics/league", {**query, "indicator": indicator})
                asked[f"league.csv {level} {parent} {period}"] = (
                    "/analytics/league.csv",
                    {**query, "indicator": "wet_bin_coverage", "lang": "th"})
    for lgo in (NGA, TOWN):
        asked[f"monthly.csv {lgo}"] = ("/exports/monthly.csv",
                                       {"lgo": lgo, "from": "2024-08", "to": "2024-11"})
    for granularity, start, end in (("month", "2024-08-01", "2024-11-30"),
                                    ("day", "2024-09-25", "2024-10-25")):
        asked[f"series {granularity}"] = ("/analytics/series", {
            "level": "village", "area": V1, "granularity": granularity, "from": start, "to": end})
    answers = {}
    for key, (path, query) in asked.items():
        response = client.get(API + path, query_string=query, headers=staff)
        assert response.status_code == 200, (key, response.get_data(as_text=True)[:300])
        answers[key] = response.data
    return answers


def _edit(client, staff, household_id: int, **fields) -> None:
    url = f"{API}/households/{household_id}"
    version = client.get(url, headers=staff).get_json()["version"]
    response = client.patch(url, headers=staff, json={"version": version, **fields})
    assert response.status_code == 200, response.get_json()


def test_an_edit_today_leaves_every_closed_period_as_it_was(dataset, client, auth, db_session):
    staff = auth("admin")
    h = dataset.households
    before = _everything(client, staff)
    # The same figures computed in process, for the register of today below.
    today = local_today()
    v1, v2 = dataset.villages[V1], dataset.villages[V2]
    register_before = registers.at(today, [v1, v2])

    _edit(client, staff, h["h1"], members=9)  # verified own bin: persons and carbon
    _edit(client, staff, h["h2"], wet_bin="none")  # verified until a fail in October
    _edit(client, staff, h["h4"], wet_bin="has_bin", members=1)  # failed inspection, no bin
    _edit(client, staff, h["h8"], occupancy="vacant")  # V2's verified household
    _edit(client, staff, h["h9"], village_code=V1)  # moves from moo 2 to moo 1
    response = client.post(f"{API}/households/{h['h3']}/deactivate", headers=staff,
                           json={"reason": "moved away"})
    assert response.status_code == 200, response.get_json()
    # The month-end registers of the edited villages are rebuilt as the worker would.
    registers.refresh([v1, v2], through=today)
    db_session.commit()

    after = _everything(client, staff)
    moved = sorted(key for key in before if before[key] != after[key])
    assert not moved, f"figures of closed periods changed: {moved}"
    assert reconcile(dt.date(2024, 8, 1), dt.date(2024, 11, 30)).ok

    # Today's register has every edit: one more person in V1 from h1 (4 -> 9) and h4 (5 -> 1)
    # and h9 (2 persons) moving in; h3 (2 persons) gone; V2 lost h9 and h8 (vacant).
    register_now = registers.at(today, [v1, v2])
    assert register_now[v1]["persons"] == register_before[v1]["persons"] + 5 - 4 + 2 - 2
    assert register_now[v1]["occupied"] == register_before[v1]["occupied"] + 1 - 1
    assert register_now[v2]["occupied"] == register_before[v2]["occupied"] - 2
    assert register_now[v2]["verified_persons"] == 0
    # And the history keeps both: h1's span before today held 4 members, today's 9.
    spans = db_session.execute(
        select(HouseholdState.valid_from, HouseholdState.valid_until, HouseholdState.members)
        .where(HouseholdState.household_id == h["h1"]).order_by(HouseholdState.valid_from)
    ).all()
    assert [(s.valid_until, s.members) for s in spans] == [(today, 4), (None, 9)]
    assert db_session.get(Household, h["h1"]).members == 9


def test_the_register_of_a_past_day_reads_the_values_then(dataset, client, auth, db_session):
    """Computed figures, not only the files: October's carbon persons are h1 (4) and h3 (2)
    in moo 1 and h8 (6) in moo 2, whatever the register says today."""
    staff = auth("admin")
    h = dataset.households
    october = {row["code"]: row for row in compute(
        "village", [V1, V2], "2024-10", ["carbon_tco2e", "wet_bin_coverage"])}
    _edit(client, staff, h["h1"], members=1)
    _edit(client, staff, h["h8"], members=2, wet_bin="none")
    again = {row["code"]: row for row in compute(
        "village", [V1, V2], "2024-10", ["carbon_tco2e", "wet_bin_coverage"])}
    assert again == october
    # The same question about today sees the edits.
    today = local_today()
    now = registers.at(today, [dataset.villages[V2]])[dataset.villages[V2]]
    assert now["persons"] == 2 + 2  # h8 now 2 members, h9 2


def _steps_agree_with_the_live_count(village_ids: list[int], days: list[dt.date]) -> int:
    """Check the stored steps against the register counted live, day by day; return how many
    (village, day) registers were compared that hold somebody."""
    held = 0
    for day in days:
        stored, live = registers.on(day, village_ids), registers.at(day, village_ids)
        assert stored == live, (day, stored, live)
        held += sum(1 for numbers in live.values() if numbers["occupied"])
    return held


def test_the_register_steps_agree_with_the_live_count_on_every_day(dataset, client, auth,
                                                                   db_session):
    """The register of any day comes from the steps (one row per village and day it changed):
    on every day of the hand dataset, and around today after edits, they must give exactly
    what counting the households, their spans, inspections and bank accounts gives."""
    staff = auth("admin")
    h = dataset.households
    villages = sorted(dataset.villages.values())
    today = local_today()
    # The hand dataset's rows went in through the services; the worker would rebuild what
    # they left stale (households put straight into the register) within the minute.
    refresh_stale(limit=1_000)
    days = [dt.date(2024, 7, 20) + dt.timedelta(days=n) for n in range(140)]
    assert _steps_agree_with_the_live_count(villages, days) > 100

    _edit(client, staff, h["h1"], members=9)
    _edit(client, staff, h["h4"], wet_bin="has_bin", members=1)
    _edit(client, staff, h["h8"], occupancy="vacant")
    _edit(client, staff, h["h9"], village_code=V1)
    response = client.post(f"{API}/households/{h['h3']}/deactivate", headers=staff,
                           json={"reason": "moved away"})
    assert response.status_code == 200, response.get_json()
    # Until the edited villages are rebuilt they are read live, not from old steps.
    assert set(villages) & pending_stale()
    refresh_stale(limit=1_000)
    assert not set(villages) & pending_stale()
    around_today = [today + dt.timedelta(days=n) for n in range(-3, 3)]
    assert _steps_agree_with_the_live_count(villages, days + around_today) > 100
    # The steps moved with the edits: h1's five more persons count from today, not before.
    v1 = dataset.villages[V1]
    yesterday = today - dt.timedelta(days=1)
    assert (registers.on(today, [v1])[v1]["persons"]
            == registers.on(yesterday, [v1])[v1]["persons"] + 5 - 4 + 2 - 2)
