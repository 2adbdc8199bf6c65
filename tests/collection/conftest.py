"""Factories for collection points and the people who manage them (test transaction)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from khaya.areas.models import Lgo
from khaya.auth.models import Role, RoleGrant, User
from khaya.collection.models import CollectionPoint
from khaya.common.geo import point
from khaya.extensions import db

TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"
PAO = "lamphun-provincial-administrative-organization"


@pytest.fixture
def make_point(app, connection):
    """Return ``make_point(name, lon, lat, lgo=TOWN, kind=..., streams=..., **fields) -> id``.

    Made straight in the database, so a point may lie anywhere (the API keeps them near the LGO).
    """

    def make(name: str, lon: float, lat: float, *, lgo: str = TOWN, kind: str = "recycling",
             streams: tuple[str, ...] = ("recyclable",), **fields) -> int:
        with app.app_context():
            lgo_id = db.session.execute(select(Lgo.id).where(Lgo.code == lgo)).scalar_one()
            row = CollectionPoint(lgo_id=lgo_id, kind=kind, name_th=name, point=point(lon, lat),
                                  streams=list(streams), opening={}, **fields)
            db.session.add(row)
            db.session.commit()
            made = row.id
            db.session.remove()
        return made

    return make


@pytest.fixture
def pao_staff(app, connection) -> int:
    """Return the id of a staff member of the PAO."""
    with app.app_context():
        lgo_id = db.session.execute(select(Lgo.id).where(Lgo.code == PAO)).scalar_one()
        user = User(username="pao.staff.test", display_name="PAO staff", password_hash="!x",
                    lgo_id=lgo_id)
        user.grants.append(RoleGrant(role=Role.lgo_staff, lgo_id=lgo_id))
        db.session.add(user)
        db.session.commit()
        made = user.id
        db.session.remove()
    return made
