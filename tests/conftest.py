"""Fixtures: one migrated PostGIS database per session, one rolled-back transaction per test."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import event, select, text

from khaya import create_app
from khaya.config import database_url_for_tests
from khaya.extensions import db, limiter
from khaya.reminders.keys import ensure_keys as ensure_vapid_keys
from seed.accounts import load_accounts
from seed.territory import load_territory

TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production-use-0123456789",
    # Tests sign in many times from one address; the rate-limit tests lower these themselves.
    "LOGIN_RATE_LIMIT_PER_IP": "100000 per minute",
    "LOGIN_RATE_LIMIT_PER_ACCOUNT": "100000 per minute",
    # A rolled-back test transaction is invisible to a worker: announced changes are applied
    # in it, through the worker's code (tests/jobs runs the real queue).
    "CHANGES_INLINE": True,
    # The reminders' VAPID key pair, made for the test run (never the demo's under var/).
    "PUSH_VAPID_KEY_FILE": str(Path(tempfile.gettempdir()) / f"khaya-test-vapid-{os.getpid()}"
                               / "private_key.pem"),
}


# The DROP statements for what an older run left, one query a kind, in an order that works:
# tables of any branch, enum and composite types, routines (the job queue's); PostGIS's own
# table and functions stay.
_LEFTOVERS = (
    "select 'DROP TABLE IF EXISTS ' || quote_ident(tablename) || ' CASCADE' from pg_tables"
    " where schemaname = 'public' and tablename <> 'spatial_ref_sys'"
    " and tableowner = current_user",
    "select 'DROP TYPE IF EXISTS ' || quote_ident(t.typname) || ' CASCADE'"
    " from pg_type t join pg_namespace n on n.oid = t.typnamespace"
    " left join pg_class c on c.oid = t.typrelid"
    " where n.nspname = 'public' and pg_get_userbyid(t.typowner) = current_user"
    " and (t.typtype = 'e' or (t.typtype = 'c' and c.relkind = 'c'))",
    "select 'DROP ' || case p.prokind when 'p' then 'PROCEDURE' else 'FUNCTION' end"
    " || ' IF EXISTS ' || p.oid::regprocedure::text || ' CASCADE'"
    " from pg_proc p join pg_namespace n on n.oid = p.pronamespace"
    " where n.nspname = 'public' and pg_get_userbyid(p.proowner) = current_user"
    " and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')",
)


def _rebuild_schema() -> None:
    # Everything an older run left goes first, so every session starts from the migrations.
    with db.engine.begin() as connection:
        for query in _LEFTOVERS:
            for statement in connection.execute(text(query)).scalars().all():
                connection.execute(text(statement))
    flask_migrate.upgrade()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """Return the URL of a Redis for the rate limits: ``KHAYA_TEST_REDIS_URL``, or a private
    server started here on a free port (``KHAYA_TEST_REDIS_PORT`` to choose it) and stopped at
    the end, so parallel checkouts never share counters."""
    if url := os.environ.get("KHAYA_TEST_REDIS_URL"):
        yield url
        return
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: run `bash scripts/redis.sh install`"
    port = int(os.environ.get("KHAYA_TEST_REDIS_PORT") or _free_port())
    with tempfile.TemporaryDirectory(prefix="khaya-redis-") as folder:
        server = subprocess.Popen(
            [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", folder,
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(100):
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                assert server.poll() is None, f"redis-server could not start on port {port}"
                time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def app(redis_url: str) -> Iterator[Flask]:
    """Return the app bound to the test database, migrated and seeded with the territory."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url_for_tests(),
                      "RATELIMIT_STORAGE_URI": redis_url})
    with app.app_context():
        _rebuild_schema()
        ensure_vapid_keys()
        load_territory(db.session)
        load_accounts(db.session)
        db.session.commit()
        db.session.remove()

    @app.teardown_request
    def _fresh_session(_exc: BaseException | None) -> None:
        # A test keeps its app context across requests; a new session per request makes each
        # request see the database as production would, not the previous request's objects.
        db.session.remove()

    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def connection(app: Flask) -> Iterator:
    """Swap the app's engine for one connection inside a transaction rolled back afterwards."""
    engines = db._app_engines[app]
    original = engines[None]
    conn = original.connect()
    transaction = conn.begin()
    engines[None] = conn
    try:
        yield conn
    finally:
        engines[None] = original
        transaction.rollback()
        conn.close()


@pytest.fixture
def db_session(app: Flask, connection) -> Iterator:
    """Return ``db.session`` inside an app context; everything it writes is rolled back."""
    with app.app_context():
        yield db.session
        db.session.remove()


@pytest.fixture
def client(app: Flask, connection):
    """Return a test client whose requests run inside the test's transaction.

    The rate limits start afresh: their counts live in Redis for the whole run, so without this
    a test's anonymous reports or sign-ins would count against whichever test comes next (the
    order is random), and one would meet a 429 it never earned.
    """
    limiter.reset()
    return app.test_client()


@pytest.fixture
def runner(app: Flask, connection):
    """Return a CLI runner whose commands run inside the test's transaction."""
    return app.test_cli_runner()


@pytest.fixture
def query_counter(app: Flask, connection) -> Iterator[list[str]]:
    """Collect the SQL statements run while the test is active (to catch N+1 queries)."""
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany):
        # Savepoints are the test harness's, not the code under test's.
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO")):
            statements.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


@pytest.fixture
def auth(app: Flask, connection):
    """Return ``auth(login) -> headers`` with a bearer token for a demo or test user.

    Tokens are issued directly (no password hashing) inside the test's transaction.
    """
    from khaya.auth.models import AuthSession, User, utcnow
    from khaya.auth.passwords import normalize_phone
    from khaya.auth.tokens import issue_access_token

    def headers(login: str | int) -> dict[str, str]:
        with app.app_context():
            if isinstance(login, int):
                user = db.session.get(User, login)
            else:
                phone = normalize_phone(login)
                column = User.phone if phone else User.username
                user = db.session.execute(
                    select(User).where(column == (phone or login))
                ).scalar_one()
            session = AuthSession(user_id=user.id, device_id="test")
            db.session.add(session)
            db.session.commit()
            token, _ = issue_access_token(user.id, session.id, utcnow())
            db.session.remove()
        return {"Authorization": f"Bearer {token}"}

    return headers
