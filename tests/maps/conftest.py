"""Fixtures for maps: clean tile caches, households with points, tile numbers for a point."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from khaya.areas.models import Village
from khaya.extensions import db
from khaya.maps import tiles
from tests.maps._support import TOWN_VILLAGE

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_map_caches(app: Flask) -> Iterator[None]:
    # Each test's data is rolled back, so a data version can repeat across tests: a tile cached
    # by one test must never answer the next.
    old = {k: app.config.get(k) for k in ("MAPS_INDICATOR_MIN_AGE",)}
    app.config["MAPS_INDICATOR_MIN_AGE"] = 0
    with app.app_context():
        tiles.clear_caches()
    yield
    with app.app_context():
        tiles.clear_caches()
    app.config.update(old)


@pytest.fixture
def village_point(app: Flask, connection):
    """Return ``village_point(code) -> (lon, lat)``: a point inside the village's polygon."""

    def point(code: str) -> tuple[float, float]:
        with app.app_context():
            surface = func.ST_PointOnSurface(Village.geom)
            lon, lat = db.session.execute(
                select(func.ST_X(surface), func.ST_Y(surface)).where(Village.code == code)
            ).one()
            db.session.remove()
        return float(lon), float(lat)

    return point


@pytest.fixture
def make_household(client, auth, village_point):
    """Return ``make_household(village, who, dx=0, **fields) -> body`` with a point in it."""

    def make(village: str = TOWN_VILLAGE, who: str = "town.staff", dx: float = 0.0,
             **fields) -> dict:
        lon, lat = village_point(village)
        body = {
            "village_code": village, "house_number": f"{next(_numbers)}/9", "members": 4,
            "head_name": "นางสาวแผนที่ ทดสอบ", "phone": "089-765-4321", "wet_bin": "has_bin",
            "registered_on": "2024-01-15",
            "point": {"type": "Point", "coordinates": [lon + dx, lat]},
            **fields,
        }
        response = client.post("/api/v1/households", json=body, headers=auth(who))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return make
