"""Helpers for sync tests: a household with a linked resident, and batch builders."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from khaya.auth.models import User
from khaya.common.time import local_today


def _log_item(household_id: int, day: dt.date | None = None, **data) -> dict:
    return {
        "kind": "sorting_log",
        "client_id": str(uuid.uuid4()),
        "data": {
            "household_id": household_id,
            "log_date": (day or local_today()).isoformat(),
            "streams": ["organic", "recyclable"],
            "organic_handling": "wet_bin",
            **data,
        },
    }


# Where the ``home`` household stands; an inspector there is not flagged.
HOME = {"type": "Point", "coordinates": [99.0121, 18.5865]}


def _inspection_item(
    household_id: int, passed: bool = True, day: dt.date | None = None, **data
) -> dict:
    return {
        "kind": "inspection",
        "client_id": str(uuid.uuid4()),
        "data": {
            "household_id": household_id,
            "inspected_on": (day or local_today()).isoformat(),
            "registered": True,
            "bin_built": True,
            "food_waste_in_bin": True,
            "lid_closed": passed,
            "used_correctly": True,
            "point": HOME,
            "gps_accuracy_m": 6.0,
            **data,
        },
    }


@pytest.fixture
def log_item():
    """Return ``log_item(household_id, day=None, **data)``: a sorting-log sync item."""
    return _log_item


@pytest.fixture
def inspection_item():
    """Return ``inspection_item(household_id, passed=True, day=None, **data)``.

    The inspector stands at the ``home`` household unless ``point`` says otherwise
    (``point=None``: no GPS fix).
    """
    return _inspection_item


@pytest.fixture
def sync(client, auth):
    """Return ``sync(who, items, **batch) -> (status, body)``."""

    def send(who: str, items: list[dict], **batch):
        body = {"device_id": "phone-test", "items": items, **batch}
        response = client.post("/api/v1/sync", json=body, headers=auth(who))
        return response.status_code, response.get_json()

    return send


@pytest.fixture
def home(client, auth, db_session):
    """A household in town community 1, registered 2024-01-15, linked to resident 081-000-0011."""
    response = client.post(
        "/api/v1/households",
        headers=auth("town.staff"),
        json={
            "village_code": "51010101",
            "house_number": "88",
            "members": 3,
            "registered_on": "2024-01-15",
            "point": HOME,
        },
    )
    household = response.get_json()
    resident = db_session.scalar(select(User.id).where(User.phone == "+66810000011"))
    client.post(
        f"/api/v1/households/{household['id']}/residents",
        headers=auth("town.staff"),
        json={"user_id": resident},
    )
    return household
