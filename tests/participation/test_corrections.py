"""A day logged twice: "correct today's log" stores the new log and voids the first, so the
day stays one log in the history and the figures; "add another" keeps both."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from khaya.common.time import local_today
from khaya.participation.models import SortingLog

RESIDENT = "0810000011"


def _logs(db_session, household_id: int) -> dict[str, SortingLog]:
    rows = db_session.scalars(select(SortingLog).where(SortingLog.household_id == household_id))
    return {str(row.client_id): row for row in rows}


def test_a_correction_voids_the_log_it_replaces(sync, home, db_session, log_item, client, auth):
    first = log_item(home["id"], streams=["general"], organic_handling=None)
    assert sync(RESIDENT, [first])[1]["results"][0]["status"] == "created"
    fixed = log_item(home["id"], streams=["organic", "recyclable"], corrects=first["client_id"])
    _, body = sync(RESIDENT, [fixed])
    assert body["results"][0]["status"] == "created", body
    logs = _logs(db_session, home["id"])
    db_session.expire_all()
    old, new = logs[first["client_id"]], logs[fixed["client_id"]]
    db_session.refresh(old)
    assert old.voided_at is not None
    assert old.void_reason == f"Corrected: replaced by log {fixed['client_id']}."
    assert new.voided_at is None
    assert new.streams == ["organic", "recyclable"]
    # The history the phone reads: one live log of the day.
    history = client.get(f"/api/v1/households/{home['id']}/logs",
                         headers=auth(RESIDENT)).get_json()["items"]
    live = [log for log in history if log["voided_at"] is None]
    assert [log["client_id"] for log in live] == [fixed["client_id"]]
    # Sent again (the phone never heard the answer): a duplicate, nothing voided twice.
    _, again = sync(RESIDENT, [fixed])
    assert again["results"][0]["status"] == "duplicate"
    assert sum(log.voided_at is None for log in _logs(db_session, home["id"]).values()) == 1


def test_adding_another_log_keeps_both(sync, home, db_session, log_item):
    first, second = log_item(home["id"]), log_item(home["id"], kg_organic=0.5)
    _, body = sync(RESIDENT, [first, second])
    assert [r["status"] for r in body["results"]] == ["created", "created"]
    assert all(log.voided_at is None for log in _logs(db_session, home["id"]).values())


def test_a_log_and_its_correction_in_one_batch(sync, home, db_session, log_item):
    """Queued offline: the first log of the day and its correction reach the server together."""
    first = log_item(home["id"])
    fixed = log_item(home["id"], kg_organic=2.0, corrects=first["client_id"])
    _, body = sync(RESIDENT, [first, fixed])
    assert [r["status"] for r in body["results"]] == ["created", "created"], body
    logs = _logs(db_session, home["id"])
    assert logs[first["client_id"]].voided_at is not None
    assert logs[fixed["client_id"]].voided_at is None


def test_corrections_that_cannot_stand_are_rejected_with_a_reason(sync, home, db_session,
                                                                  log_item):
    yesterday = local_today() - dt.timedelta(days=1)
    first = log_item(home["id"])
    assert sync(RESIDENT, [first])[1]["results"][0]["status"] == "created"
    cases = [
        # Another day than the log it corrects.
        (log_item(home["id"], day=yesterday, corrects=first["client_id"]), "same household"),
        # A log nobody sent.
        (log_item(home["id"], corrects=str(uuid.uuid4())), "send the log being corrected"),
    ]
    own = log_item(home["id"])
    own["data"]["corrects"] = own["client_id"]
    cases.append((own, "cannot correct itself"))
    # Its correction comes before it in the batch: the phone sends in order, so this is wrong.
    later = log_item(home["id"])
    cases.append((log_item(home["id"], corrects=later["client_id"]), "send the log being"))
    _, body = sync(RESIDENT, [item for item, _ in cases] + [later])
    for (_, words), result in zip(cases, body["results"], strict=False):
        assert result["status"] == "rejected", result
        assert words in " ".join(result["errors"]["corrects"]), result
    assert body["results"][-1]["status"] == "created"
    # A log already corrected cannot be corrected again: the day would hold two live logs.
    fixed = log_item(home["id"], corrects=first["client_id"])
    assert sync(RESIDENT, [fixed])[1]["results"][0]["status"] == "created"
    twice = log_item(home["id"], corrects=first["client_id"])
    (result,) = sync(RESIDENT, [twice])[1]["results"]
    assert result["status"] == "rejected"
    assert "already corrected" in result["errors"]["corrects"][0]
    live = [log for log in _logs(db_session, home["id"]).values()
            if log.voided_at is None and log.log_date == local_today()]
    assert {str(log.client_id) for log in live} == {fixed["client_id"], later["client_id"]}


def test_nobody_corrects_a_log_of_a_household_out_of_their_reach(sync, home, log_item,
                                                                 db_session):
    first = log_item(home["id"])
    assert sync(RESIDENT, [first])[1]["results"][0]["status"] == "created"
    # Mueang Nga's staff cannot log for the town's household, so cannot void its log either.
    (result,) = sync("nga.staff", [log_item(home["id"], corrects=first["client_id"])])[1][
        "results"]
    assert result["status"] == "rejected"
    assert _logs(db_session, home["id"])[first["client_id"]].voided_at is None
