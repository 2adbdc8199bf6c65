"""The scoping hook: every ORM query on scoped rows is filtered to the caller's areas."""

from __future__ import annotations

from flask import g
from sqlalchemy import func, select, update

from khaya.areas.models import Lgo
from khaya.auth.models import User
from khaya.auth.scoping import SCOPED_MODELS, Scope, unscoped


def lgo_id(db_session, code: str) -> int:
    return db_session.scalar(select(Lgo.id).where(Lgo.code == code))


def count_users(db_session, **options) -> int:
    return db_session.scalar(select(func.count(User.id)), execution_options=options or None)


def test_scoped_models_are_registered():
    assert User in SCOPED_MODELS


def test_outside_a_request_nothing_is_filtered(db_session):
    assert count_users(db_session) == 11


def test_unauthenticated_request_sees_no_scoped_row(app, db_session):
    with app.test_request_context():
        assert count_users(db_session) == 0
        assert db_session.scalars(select(User)).all() == []


def test_lgo_scope_filters_entities_columns_and_joins(app, db_session):
    town = lgo_id(db_session, "lamphun-town-municipality")
    with app.test_request_context():
        g.khaya_scope = Scope(lgo_ids=frozenset({town}))
        assert count_users(db_session) == 4
        assert {u.lgo_id for u in db_session.scalars(select(User))} == {town}
        joined = db_session.execute(select(Lgo.code, User.id).join(User, User.lgo_id == Lgo.id))
        assert {code for code, _ in joined} == {"lamphun-town-municipality"}


def test_everything_and_unscoped(app, db_session):
    with app.test_request_context():
        g.khaya_scope = Scope(everything=True)
        assert count_users(db_session) == 11
        g.khaya_scope = Scope.nothing()
        assert count_users(db_session, **unscoped()) == 11


def test_updates_are_scoped_too(app, db_session):
    town = lgo_id(db_session, "lamphun-town-municipality")
    with app.test_request_context():
        g.khaya_scope = Scope(lgo_ids=frozenset({town}))
        result = db_session.execute(update(User).values(display_name="renamed"))
        assert result.rowcount == 4
        db_session.commit()
    renamed = db_session.scalar(select(func.count()).where(User.display_name == "renamed"))
    assert renamed == 4


def test_cached_statements_do_not_leak_between_scopes(app, db_session):
    """The same statement under two scopes gives each its own rows (no cached filter)."""
    town = lgo_id(db_session, "lamphun-town-municipality")
    nga = lgo_id(db_session, "mueang-nga-subdistrict-municipality")
    stmt = select(User.lgo_id).distinct()
    with app.test_request_context():
        for _ in range(2):
            g.khaya_scope = Scope(lgo_ids=frozenset({town}))
            assert set(db_session.scalars(stmt)) == {town}
            g.khaya_scope = Scope(lgo_ids=frozenset({nga}))
            assert set(db_session.scalars(stmt)) == {nga}
