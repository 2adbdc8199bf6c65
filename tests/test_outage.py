"""When the database is out of reach: a clear 503 to retry, then service again without help."""

from __future__ import annotations

import socket

from sqlalchemy import text

from khaya import create_app
from khaya.config import database_url_for_tests
from khaya.extensions import db
from tests.conftest import TEST_CONFIG


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unreachable_database_answers_503_with_retry_after():
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI":
                      f"postgresql+psycopg2://khaya@127.0.0.1:{_closed_port()}/khaya"})
    with app.test_client() as client:
        response = client.get("/api/v1/areas/districts")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body == {"code": "database_unavailable", "status": 503, "errors": {},
                    "message": "The database is not answering just now; try again shortly."}
    assert b"psycopg2" not in response.data
    assert b"127.0.0.1" not in response.data


def test_connections_the_server_dropped_are_replaced_without_an_error(app):
    """A PostgreSQL restart closes every pooled connection; the next request still works."""
    client = app.test_client()
    assert client.get("/api/v1/health").status_code == 200
    with app.app_context():
        pooled = db.engine.pool.checkedin()
    assert pooled >= 1
    # Close this app's idle connections from the server side, as a restart does.
    admin = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url_for_tests()})
    with admin.app_context():
        with db.engine.connect() as connection:
            killed = connection.execute(text(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                "where datname = current_database() and pid <> pg_backend_pid() "
                "and state = 'idle' and backend_type = 'client backend'")).scalar_one()
        db.engine.dispose()
    assert killed >= 1
    for _ in range(pooled + 1):
        response = client.get("/api/v1/health")
        assert response.status_code == 200, response.get_json()
