"""Shared by the citizen-report tests: a point inside a village."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from khaya.areas.models import Village
from khaya.extensions import db


@pytest.fixture
def inside(app, connection):
    """``inside(code) -> (lon, lat)``: a point inside the village's area."""

    def point(code: str) -> tuple[float, float]:
        with app.app_context():
            surface = func.ST_PointOnSurface(Village.geom)
            lon, lat = db.session.execute(
                select(func.ST_X(surface), func.ST_Y(surface)).where(Village.code == code)
            ).one()
            db.session.remove()
        return float(lon), float(lat)

    return point
