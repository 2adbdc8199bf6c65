"""Citizen reports in the figures: reports per 1,000 households and the median days to close,
per LGO and month, worked out by hand, and the provincial league that ranks days to close
lowest first."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from khaya.analytics import compute
from khaya.analytics.periods import custom
from khaya.areas.models import Village
from khaya.common.time import local_today
from khaya.households.models import Household, Occupancy
from khaya.reports.models import Report

API = "/api/v1/reports"
TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"


def _households(db_session, code: str, n: int) -> None:
    village = db_session.execute(select(Village).where(Village.code == code)).scalar_one()
    for i in range(n):
        db_session.add(Household(lgo_id=village.lgo_id, village_id=village.id,
                                 house_number=f"fig-{code}-{i}", members=2,
                                 occupancy=Occupancy.occupied,
                                 registered_on=dt.date(2024, 1, 1)))
    db_session.commit()


def _report(client, point: tuple[float, float], kind: str = "illegal_dumping") -> int:
    made = client.post(API, json={"type": kind, "location": {
        "type": "Point", "coordinates": [point[0], point[1]]}})
    assert made.status_code == 201, made.get_json()
    return made.get_json()["report"]["id"]


def _close(client, auth, report_id: int, login: str, took_days: float, db_session) -> None:
    closed = client.patch(f"{API}/{report_id}", headers=auth(login),
                          json={"status": "closed", "note": "เรียบร้อย"})
    assert closed.status_code == 200, closed.get_json()
    # Received ``took_days`` before it closed (moved back within this month's first days).
    closed_at = db_session.scalar(select(Report.closed_at).where(Report.id == report_id))
    db_session.execute(update(Report).where(Report.id == report_id).values(
        received_at=closed_at - dt.timedelta(days=took_days)))
    db_session.commit()


def test_reports_per_1000_households_and_median_days_to_close(client, auth, db_session, inside):
    # Thailand's day, as the periods count it (UTC's is a day behind after 17:00 UTC).
    today = local_today()
    # The last 30 days: every report here is received and closed inside them.
    period = custom(today - dt.timedelta(days=30), today)
    _households(db_session, "51010201", 8)
    nga = inside("51010201")
    ids = [_report(client, nga) for _ in range(3)]
    merged = _report(client, nga)
    assert client.post(f"{API}/{merged}/merge", json={"into": ids[0]},
                       headers=auth("nga.staff")).status_code == 200
    for report_id, took in zip(ids, (1.0, 3.0, 8.0), strict=True):
        _close(client, auth, report_id, "nga.staff", took, db_session)
    occupied = compute("lgo", [NGA], period, ["participation"])[0]["participation"][
        "denominator"]
    (row,) = compute("lgo", [NGA], period, ["reports_per_1000", "report_close_days"])
    # Three reports; the merged duplicate is left out of both figures.
    assert (row["reports_per_1000"]["numerator"], row["reports_per_1000"]["denominator"]) == (
        3, occupied)
    assert row["reports_per_1000"]["value"] == round(3 * 1000 / occupied, 2)
    days = row["report_close_days"]
    assert (days["numerator"], days["denominator"], days["value"]) == (3, 3, 3.0)
    assert days["unit"] == "days"


def test_the_league_ranks_days_to_close_lowest_first(client, auth, db_session, inside):
    town, nga = inside("51010101"), inside("51010201")
    fast = [_report(client, town) for _ in range(2)]
    slow = [_report(client, nga) for _ in range(2)]
    for report_id in fast:
        _close(client, auth, report_id, "town.staff", 0.5, db_session)
    for report_id in slow:
        _close(client, auth, report_id, "nga.staff", 6.0, db_session)
    period = local_today().strftime("%Y-%m")
    league = client.get(f"/api/v1/analytics/league?level=lgo&parent=51&period={period}"
                        "&indicator=report_close_days", headers=auth("province"))
    assert league.status_code == 200, league.get_json()
    body = league.get_json()
    assert body["lower_is_better"] is True
    order = [r["code"] for r in body["rows"] if r["value"] is not None]
    assert order.index(TOWN) < order.index(NGA)
    values = {r["code"]: r["value"] for r in body["rows"]}
    assert values[TOWN] == 0.5
    assert values[NGA] == 6.0


def test_a_past_months_league_counts_its_reports(client, auth, db_session, inside):
    # A complete month and the month before it are read together, per source, for all the
    # LGOs at once; the reports must be read with them.
    first = local_today().replace(day=1)
    last_month = (first - dt.timedelta(days=1)).replace(day=1)
    _households(db_session, "51010201", 4)
    nga = inside("51010201")
    ids = [_report(client, nga) for _ in range(2)]
    for report_id in ids:
        _close(client, auth, report_id, "nga.staff", 2.0, db_session)
    db_session.execute(update(Report).where(Report.id.in_(ids)).values(
        received_at=dt.datetime.combine(last_month + dt.timedelta(days=3), dt.time(3),
                                        tzinfo=dt.UTC),
        closed_at=dt.datetime.combine(last_month + dt.timedelta(days=5), dt.time(3),
                                      tzinfo=dt.UTC)))
    db_session.commit()
    period = last_month.strftime("%Y-%m")
    for indicator, expected in (("reports_per_1000", 2), ("report_close_days", 2)):
        league = client.get(f"/api/v1/analytics/league?level=lgo&parent=51&period={period}"
                            f"&indicator={indicator}", headers=auth("province"))
        assert league.status_code == 200, league.get_json()
        row = next(r for r in league.get_json()["rows"] if r["code"] == NGA)
        assert row["numerator"] == expected, (indicator, row)
    days = next(r for r in league.get_json()["rows"] if r["code"] == NGA)
    assert days["value"] == 2.0
