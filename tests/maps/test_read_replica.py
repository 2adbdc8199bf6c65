"""Dashboards, tiles and OGC pages read a real streaming replica of the test cluster, made with
``pg_basebackup -R`` (``scripts/db.sh standby``); writes and sign-in read the primary.

The replica's replay is paused to make it lag: the OGC page and the tile then show what the
replica has (the point added on the primary is not there yet, and the answer says it read a
replica that far behind), while the primary's own list shows it at once and a session ended on
the primary is refused at once. Past ``REPLICA_MAX_LAG_S`` the same reads go to the primary;
with the replica gone they go to the primary too.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shapely
from flask import Flask
from geoalchemy2.shape import from_shape
from sqlalchemy import create_engine, delete, select, text
from sqlalchemy.engine import make_url

from khaya import create_app
from khaya.areas.models import Lgo
from khaya.collection.models import CollectionPoint, PointKind
from khaya.common import replica
from khaya.config import database_url_for_tests
from khaya.extensions import db
from tests.conftest import TEST_CONFIG
from tests.participation._proxy import live_server

ROOT = Path(__file__).resolve().parents[2]
TOWN = "lamphun-town-municipality"
ITEMS = "/ogc/collections/collection-points/items?limit=1000"
# Generous: replay on a busy machine is slow, and the test waits for it rather than guessing.
REPLAY_WAIT_S = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Standby:
    port: int
    url: str
    superuser: Any  # an engine on the replica as postgres, to pause and resume its replay


@pytest.fixture(scope="module")
def standby() -> Iterator[Standby]:
    port = _free_port()
    env = {**os.environ, "KHAYA_PG_PORT": str(make_url(database_url_for_tests()).port)}
    subprocess.run(["bash", "scripts/db.sh", "standby", str(port)], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    url = make_url(database_url_for_tests()).set(port=port)
    superuser = create_engine(url.set(username="postgres"), isolation_level="AUTOCOMMIT")
    try:
        yield Standby(port, url.render_as_string(hide_password=False), superuser)
    finally:
        superuser.dispose()
        subprocess.run(["bash", "scripts/db.sh", "standby-stop", str(port)], cwd=ROOT, env=env,
                       check=False, capture_output=True)


@pytest.fixture(scope="module")
def served(app: Flask, standby: Standby, redis_url: str) -> Iterator[tuple[Flask, int]]:
    """The app with the replica configured, over real HTTP."""
    with_replica = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url_for_tests(),
                               "RATELIMIT_STORAGE_URI": redis_url,
                               "REPLICA_URL": standby.url, "REPLICA_MAX_LAG_S": 30})
    with live_server(with_replica) as (_host, port):
        yield with_replica, port
    with with_replica.app_context():
        db.engine.dispose()
        with_replica.extensions[replica.ENGINE_KEY].dispose()


def get(port: int, path: str, token: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def post(port: int, path: str, body: dict, token: str | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method="POST",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def names(body: bytes) -> set[str]:
    return {f["properties"].get("name_th") for f in json.loads(body)["features"]}


def add_point(app: Flask, name: str) -> int:
    with app.app_context():
        lgo_id = db.session.scalar(select(Lgo.id).where(Lgo.code == TOWN))
        point = CollectionPoint(lgo_id=lgo_id, kind=PointKind.recycling, name_th=name,
                                name_en=name, streams=["recyclable"],
                                point=from_shape(shapely.Point(99.0129, 18.5871), srid=4326))
        db.session.add(point)
        db.session.commit()
        made = point.id
        db.session.remove()
    return made


def replayed(app: Flask, standby: Standby) -> None:
    """Wait until the replica has replayed everything the primary wrote so far."""
    with app.app_context():
        written = db.session.execute(text("select pg_current_wal_lsn()::text")).scalar_one()
        db.session.remove()
    deadline = time.monotonic() + REPLAY_WAIT_S
    with standby.superuser.connect() as connection:
        while not connection.execute(text(
                "select pg_last_wal_replay_lsn() >= cast(:w as pg_lsn)"), {"w": written}
                                     ).scalar_one():
            assert time.monotonic() < deadline, "the replica did not catch up"
            time.sleep(0.1)


@pytest.fixture
def points(app: Flask) -> Iterator[list[int]]:
    made: list[int] = []
    yield made
    with app.app_context():
        db.session.execute(delete(CollectionPoint).where(CollectionPoint.id.in_(made)))
        db.session.commit()
        db.session.remove()


def test_reads_follow_the_replica_and_its_lag(app, standby, served, points):
    replica_app, port = served
    points.append(add_point(app, "จุดก่อนหยุด"))
    replayed(app, standby)
    replica.forget_measurements()
    status, headers, body = get(port, ITEMS)
    assert status == 200
    assert headers["X-Khaya-Read-From"] == "replica"
    assert "จุดก่อนหยุด" in names(body)
    tile = get(port, "/api/v1/tiles/collection-points/10/793/458.mvt")[1]["ETag"]

    status, signed_in = post(port, "/api/v1/auth/login", {
        "login": "province", "password": "lamphun-demo", "device_id": "replica-test"})
    assert status == 200, signed_in
    token = signed_in["access_token"]
    assert get(port, "/api/v1/analytics/freshness", token)[1]["X-Khaya-Read-From"] == "replica"

    with standby.superuser.connect() as connection:
        connection.execute(text("select pg_wal_replay_pause()"))
    try:
        points.append(add_point(app, "จุดระหว่างหยุด"))
        # The session ends on the primary while the replica still holds it.
        assert post(port, "/api/v1/auth/logout", {}, token)[0] in (200, 204)
        time.sleep(1.2)
        replica.forget_measurements()
        status, headers, body = get(port, ITEMS)
        # The replica, a little behind: the new point is not on the OGC page or the tile yet...
        assert headers["X-Khaya-Read-From"] == "replica"
        assert float(headers["X-Khaya-Replica-Lag"]) > 0
        assert "จุดระหว่างหยุด" not in names(body)
        assert get(port, "/api/v1/tiles/collection-points/10/793/458.mvt")[1]["ETag"] == tile
        # ...while the register, on the primary, has it, and the ended session is refused.
        listed = json.loads(get(port, "/api/v1/collection-points?per_page=500")[2])
        assert "จุดระหว่างหยุด" in {p["name_th"] for p in listed["items"]}
        assert get(port, "/api/v1/analytics/freshness", token)[0] == 401

        # Further behind than allowed: the same reads go to the primary.
        replica_app.config["REPLICA_MAX_LAG_S"] = 0.5
        replica.forget_measurements()
        status, headers, body = get(port, ITEMS)
        assert headers["X-Khaya-Read-From"] == "primary"
        assert "จุดระหว่างหยุด" in names(body)
        assert get(port, "/api/v1/tiles/collection-points/10/793/458.mvt")[1]["ETag"] != tile
    finally:
        replica_app.config["REPLICA_MAX_LAG_S"] = 30
        with standby.superuser.connect() as connection:
            connection.execute(text("select pg_wal_replay_resume()"))
    replayed(app, standby)
    replica.forget_measurements()
    status, headers, body = get(port, ITEMS)
    assert headers["X-Khaya-Read-From"] == "replica"
    assert "จุดระหว่างหยุด" in names(body)


def test_writes_go_to_the_primary_and_a_lost_replica_is_passed_over(app, standby, served):
    _replica_app, port = served
    status, signed_in = post(port, "/api/v1/auth/login", {
        "login": "town.staff", "password": "lamphun-demo", "device_id": "replica-test"})
    assert status == 200
    # A request outside the read-only blueprints never reads a replica.
    assert "X-Khaya-Read-From" not in get(port, "/api/v1/me", signed_in["access_token"])[1]
    subprocess.run(["bash", "scripts/db.sh", "standby-stop", str(standby.port)], cwd=ROOT,
                   env={**os.environ,
                        "KHAYA_PG_PORT": str(make_url(database_url_for_tests()).port)},
                   check=True, capture_output=True)
    replica.forget_measurements()
    status, headers, _body = get(port, ITEMS)
    assert status == 200
    assert headers["X-Khaya-Read-From"] == "primary"
