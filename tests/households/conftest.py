"""Factories for households: callables that register through the API and return the body."""

from __future__ import annotations

import itertools

import pytest

_numbers = itertools.count(1)


@pytest.fixture
def make_household(client, auth):
    """Return ``make_household(village="51010101", who="town.staff", **fields) -> dict``."""

    def make(village: str = "51010101", who: str = "town.staff", **fields) -> dict:
        body = {"village_code": village, "house_number": f"{next(_numbers)}/1", "members": 4,
                "head_name": "นายทดสอบ ใจดี", "phone": "089-123-4567", "wet_bin": "has_bin",
                "registered_on": "2024-01-15", **fields}
        response = client.post("/api/v1/households", json=body, headers=auth(who))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make
