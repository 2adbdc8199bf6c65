"""Flagged inspections: a pass far from the house verifies nothing until the LGO accepts it.

The ``home`` household stands in town community 1; ``FAR`` is about 2.8 km from it. Every
inspection goes through POST /api/v1/sync and every decision through the review API, so the
household, the sign sheet, the indicators and the rollups are checked as a user meets them.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from khaya.analytics import compute
from khaya.analytics.rebuild import reconcile
from khaya.auth.models import AuditEvent
from khaya.common.time import local_today
from tests.participation.conftest import HOME

FAR = {"type": "Point", "coordinates": [99.03, 18.60]}
VILLAGE = "51010101"
API = "/api/v1"
FIGURES = ["wet_bin_coverage", "verified_compliance", "carbon_tco2e"]


@pytest.fixture
def household(client, auth, home):
    """Return ``household() -> dict``: the ``home`` household as LGO staff read it now."""
    def read() -> dict:
        response = client.get(f"{API}/households/{home['id']}", headers=auth("town.staff"))
        assert response.status_code == 200
        return response.get_json()
    return read


@pytest.fixture
def decide(client, auth):
    """Return ``decide(inspection_id, decision, reason, who) -> (status, body)``."""
    def send(inspection_id: int, decision: str, reason: str = "checked the photo",
             who: str = "town.staff"):
        response = client.post(f"{API}/inspections/{inspection_id}/review", headers=auth(who),
                               json={"decision": decision, "reason": reason})
        return response.status_code, response.get_json()
    return send


def _queue(client, auth, who: str = "town.staff", **args) -> dict:
    response = client.get(f"{API}/inspections/reviews", headers=auth(who), query_string=args)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _figures() -> dict:
    (row,) = compute("village", [VILLAGE], local_today().strftime("%Y-%m"), FIGURES)
    return {name: (row[name]["numerator"], row[name]["denominator"]) for name in FIGURES}


def _signs(client, auth) -> int:
    return client.get(f"{API}/households/signs.pdf", headers=auth("town.staff"),
                      query_string={"village": VILLAGE}).status_code


def test_a_flagged_pass_leaves_the_household_unverified_until_accepted(
    sync, home, household, decide, inspection_item, client, auth, db_session, runner
):
    before = household()
    assert (before["verified_on"], before["wet_bin"]) == (None, "none")
    _, body = sync("0810000001", [inspection_item(home["id"], point=FAR)])
    (result,) = body["results"]
    assert result["status"] == "created"

    # Nothing follows from the pass: no verification, no register change, no sign, no figure.
    waiting = household()
    assert (waiting["verified_on"], waiting["wet_bin"]) == (None, "none")
    assert waiting["version"] == before["version"]
    # It was a visit all the same (the volunteer's list shows it inspected, waiting).
    assert waiting["last_inspected_on"] == local_today().isoformat()
    assert _signs(client, auth) == 422
    assert _figures() == {"wet_bin_coverage": (0, 1), "verified_compliance": (0, 0),
                          "carbon_tco2e": (0, 3)}
    # The phone is told why.
    notice = result["notice"]
    assert (notice["location_flag"], notice["review"], notice["counted"]) == (
        "far", "pending", False)
    assert 2000 < notice["distance_m"] < 3500

    (item,) = _queue(client, auth)["items"]
    assert item["id"] == result["id"]
    assert (item["house_number"], item["location_flag"], item["review"]) == ("88", "far",
                                                                              "pending")
    assert item["inspector"]["display_name"]
    assert item["gps_accuracy_m"] == 6.0

    status, decided = decide(result["id"], "accept", "the register's point is wrong")
    assert status == 200, decided
    assert (decided["review"], decided["counted"]) == ("accepted", True)
    assert decided["household_verified_on"] == local_today().isoformat()
    assert decided["reviewer"]["display_name"]

    after = household()
    assert after["verified_on"] == local_today().isoformat()
    # The pass confirmed a bin, so the register says so, as a new version of the household.
    assert after["wet_bin"] == "has_bin"
    assert after["version"] == before["version"] + 1
    assert _signs(client, auth) == 200
    assert _figures() == {"wet_bin_coverage": (1, 1), "verified_compliance": (1, 1),
                          "carbon_tco2e": (3, 3)}
    assert _queue(client, auth)["items"] == []

    events = db_session.execute(
        select(AuditEvent.action, AuditEvent.details)
        .where(AuditEvent.entity == "household", AuditEvent.entity_id == str(home["id"]),
               AuditEvent.action == "update")).all()
    details = [e.details for e in events]
    assert {"inspection_id": result["id"], "review": "accepted", "location_flag": "far",
            "reason": "the register's point is wrong"} in details
    assert any(d.get("fields") == ["wet_bin"] and d["to"] == "has_bin" for d in details)

    # The rollups the dashboards read agree with a rebuild from the raw rows.
    today = local_today()
    assert reconcile(today, today).ok
    result = runner.invoke(args=["analytics", "reconcile", "--from", today.isoformat(),
                                 "--to", today.isoformat()])
    assert result.exit_code == 0, result.output


def test_a_rejected_pass_never_counts_the_decision_is_final_and_replays_change_nothing(
    sync, home, household, decide, inspection_item, client, auth
):
    item = inspection_item(home["id"], point=None)
    _, body = sync("0810000001", [item])
    inspection_id = body["results"][0]["id"]
    assert body["results"][0]["notice"]["location_flag"] == "no_location"

    status, answer = decide(inspection_id, "reject", "   ")
    assert status == 422
    assert "reason" in answer["errors"]["json"]
    status, answer = decide(inspection_id, "reject", "nobody went to the house")
    assert status == 200
    assert (answer["review"], answer["counted"]) == ("rejected", False)
    # A rejected inspection did not happen at the house: not even a visit.
    assert (household()["verified_on"], household()["last_inspected_on"]) == (None, None)

    status, answer = decide(inspection_id, "accept")
    assert status == 409
    assert (answer["code"], answer["review"]) == ("inspection_already_reviewed", "rejected")

    _, body = sync("0810000001", [item])
    (replay,) = body["results"]
    assert (replay["status"], replay["id"]) == ("duplicate", inspection_id)
    assert (replay["notice"]["review"], replay["notice"]["review_reason"]) == (
        "rejected", "nobody went to the house")
    assert household()["verified_on"] is None
    rejected = _queue(client, auth, state="rejected")["items"]
    assert [i["id"] for i in rejected] == [inspection_id]


def test_a_flagged_fail_clears_verification_at_once_and_rejecting_it_restores(
    sync, home, household, decide, inspection_item
):
    earlier = local_today() - dt.timedelta(days=5)
    sync("0810000001", [inspection_item(home["id"], day=earlier)])
    assert household()["verified_on"] == earlier.isoformat()

    _, body = sync("0810000001", [inspection_item(home["id"], passed=False, point=FAR)])
    (result,) = body["results"]
    assert (result["notice"]["review"], result["notice"]["counted"]) == ("pending", True)
    assert household()["verified_on"] is None

    status, _ = decide(result["id"], "reject", "the volunteer inspected the wrong house")
    assert status == 200
    assert household()["verified_on"] == earlier.isoformat()


def test_a_later_unflagged_pass_counts_and_the_flagged_one_is_superseded(
    sync, home, household, inspection_item, client, auth
):
    yesterday = local_today() - dt.timedelta(days=1)
    _, body = sync("0810000001", [inspection_item(home["id"], day=yesterday, point=FAR)])
    flagged = body["results"][0]["id"]
    (item,) = _queue(client, auth)["items"]
    assert item["superseded"] is False
    assert household()["verified_on"] is None

    _, body = sync("0810000001", [inspection_item(home["id"], point=HOME)])
    assert body["results"][0]["notice"] == {
        "location_flag": None, "distance_m": 0.0, "gps_accuracy_m": 6.0, "passed": True,
        "review": None, "review_reason": None, "counted": True}
    assert household()["verified_on"] == local_today().isoformat()
    (item,) = _queue(client, auth)["items"]
    assert (item["id"], item["superseded"]) == (flagged, True)


def test_only_the_households_lgo_reviews_and_only_flagged_inspections(
    sync, home, decide, inspection_item, client, auth
):
    _, body = sync("0810000001", [inspection_item(home["id"], point=FAR),
                                  inspection_item(home["id"], passed=False)])
    flagged, plain = (r["id"] for r in body["results"])
    assert _queue(client, auth, who="nga.staff")["items"] == []
    status, answer = decide(flagged, "accept", who="nga.staff")
    assert (status, answer["code"]) == (404, "inspection_not_found")
    status, answer = decide(plain, "accept")
    assert (status, answer["code"]) == (409, "inspection_not_flagged")
    status, _ = decide(flagged, "accept", who="0810000001")
    assert status == 403
    assert [i["id"] for i in _queue(client, auth, who="town.admin", flag="far")["items"]] == [
        flagged]
    assert _queue(client, auth, flag="mock_location")["items"] == []


def test_a_counted_pass_keeps_the_register_in_step(
    sync, home, household, inspection_item, db_session
):
    today = local_today()
    version = household()["version"]
    # A fail changes nothing in the register, whatever the inspector saw.
    sync("0810000001", [inspection_item(home["id"], passed=False, wet_bin="communal",
                                        day=today - dt.timedelta(days=9))])
    assert (household()["wet_bin"], household()["version"]) == ("none", version)

    _, body = sync("0810000001", [inspection_item(home["id"], wet_bin="communal",
                                                  day=today - dt.timedelta(days=8))])
    assert body["results"][0]["status"] == "created"
    assert (household()["wet_bin"], household()["version"]) == ("communal", version + 1)

    # A pass from an older phone names no arrangement: the register's stands.
    sync("0810000001", [inspection_item(home["id"], day=today - dt.timedelta(days=7))])
    assert (household()["wet_bin"], household()["version"]) == ("communal", version + 1)

    # A pass made offline long ago does not decide the household, so it writes nothing.
    sync("0810000001", [inspection_item(home["id"], wet_bin="no_space",
                                        day=today - dt.timedelta(days=30))])
    assert household()["wet_bin"] == "communal"

    _, body = sync("0810000001", [inspection_item(home["id"], wet_bin="none")])
    assert body["results"][0]["errors"] == {"wet_bin": ["Must be one of: has_bin, communal, "
                                                        "no_space."]}


def test_the_pdpa_copy_tells_the_household_what_the_lgo_decided(
    sync, home, decide, inspection_item, client, auth
):
    _, body = sync("0810000001", [inspection_item(home["id"], point=FAR)])
    decide(body["results"][0]["id"], "reject", "standing at the temple, not the house")
    export = client.get(f"{API}/households/{home['id']}/export", headers=auth("0810000011"))
    (inspection,) = export.get_json()["inspections"]
    assert (inspection["location_flag"], inspection["review"], inspection["counted"]) == (
        "far", "rejected", False)
    assert inspection["review_reason"] == "standing at the temple, not the house"
    assert "reviewed_by_id" not in inspection

    erased = client.post(f"{API}/households/{home['id']}/erase", headers=auth("town.admin"),
                         json={"confirm": "88", "reason": "resident asked"})
    assert erased.status_code == 200, erased.get_json()
    export = client.get(f"{API}/households/{home['id']}/export", headers=auth("town.admin"))
    (inspection,) = export.get_json()["inspections"]
    assert (inspection["review"], inspection["review_reason"]) == ("rejected", None)
