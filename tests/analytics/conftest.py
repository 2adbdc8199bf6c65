"""Fixtures of the analytics tests: the hand dataset (see _hand.py) and a sync helper."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from khaya.households.models import Household, Occupancy
from tests.analytics._hand import (
    INSPECTIONS,
    LOGS,
    VOIDED_LOG,
    Dataset,
    bank,
    hazards,
    inspection_item,
    log_item,
    register,
)

D = dt.date


@pytest.fixture
def sync(client, auth):
    """Return ``sync(items, who="admin") -> results``, asserting nothing was rejected."""
    tokens: dict[str, dict[str, str]] = {}

    def send(items: list[dict], who: str = "admin") -> list[dict]:
        headers = tokens.setdefault(who, auth(who))
        response = client.post("/api/v1/sync", json={"device_id": "analytics-test",
                                                     "items": items}, headers=headers)
        assert response.status_code == 200, response.get_json()
        results = response.get_json()["results"]
        assert all(r["status"] != "rejected" for r in results), results
        return results

    return send


@pytest.fixture
def dataset(app, db_session, client, auth, sync) -> Dataset:
    """Build the hand dataset (see the module docstring); rolled back after the test."""
    households, villages, lgos = register(db_session)
    bank_id, members = bank(db_session, households, lgos, villages)
    hazards(db_session, lgos, villages)
    db_session.commit()
    data = Dataset(households, villages, lgos, bank_id, members)
    sync([log_item(households[h], day, kg) for day, h, kg in LOGS])
    (voided,) = sync([log_item(households[VOIDED_LOG[1]], VOIDED_LOG[0], VOIDED_LOG[2])])
    data.voided_log = voided["id"]
    for day, h, passed in INSPECTIONS:
        sync([inspection_item(households[h], day, passed)])
    # As deactivation does; after h7's logs, which an inactive household could not send.
    gone = db_session.get(Household, households["h7"])
    gone.active, gone.occupancy, gone.deactivated_on = False, Occupancy.vacant, D(2024, 10, 20)
    db_session.commit()
    staff = auth("admin")
    response = client.post(f"/api/v1/sorting-logs/{data.voided_log}/void", headers=staff,
                           json={"reason": "typed for the wrong house"})
    assert response.status_code == 200, response.get_json()
    for key, name, day, lines in (
        ("sep", "h1", D(2024, 9, 28), [{"material": "pet", "kg": "2"}]),
        ("oct", "h1", D(2024, 10, 5), [{"material": "paper", "kg": "3"}]),
        ("h8", "h8", D(2024, 10, 12), [{"material": "pet", "kg": "1"},
                                        {"material": "glass", "kg": "2"}]),
    ):
        (result,) = sync([{"kind": "deposit", "client_id": str(uuid.uuid4()),
                           "data": {"bank_id": bank_id, "member_id": members[name],
                                    "deposit_date": day.isoformat(), "lines": lines}}])
        data.entries[key] = result["id"]
    response = client.post(f"/api/v1/waste-banks/{bank_id}/entries/{data.entries['oct']}/reverse",
                           headers=staff, json={"note": "weighed twice"})
    assert response.status_code in (200, 201), response.get_json()
    db_session.remove()
    return data


@pytest.fixture
def few_households_count(app, monkeypatch):
    """Flag only denominators under 1, so the hand villages are ranked."""
    monkeypatch.setitem(app.config, "SMALL_DENOMINATOR", 1)
