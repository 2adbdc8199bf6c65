"""What the race tests share: HTTP calls to the live server, requests sent all at once, and the
gate that holds every one of them inside PostgreSQL until all are there.

A threading.Barrier starts the requests together, but that alone leaves the overlap to luck:
one request may commit before the other has even begun its transaction. The gate makes it
certain. A temporary trigger on the table the race writes waits for a shared advisory lock that
the test holds exclusively; the test opens it only once every request is blocked in the
database, either at the gate or behind a lock taken by one that is (``pg_locks``). So when the
gate opens, every transaction is open at the same time, and whatever the app does to keep them
apart (a row lock, an advisory lock, a unique index, a version check) is what decides.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import Connection, text

from khaya.extensions import db

# Two-key advisory locks of the tests ('RC': races), apart from the app's 'KH', 'KJ' and 'KEXP'.
GATE_KEY = (0x5243, 1)
# The app's requests stop a statement after 30 s; a wait in the database stays under it.
STATEMENT_LIMIT_S = 30.0
IO_TIMEOUT_S = 60.0


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None


def call(address: tuple[str, int], method: str, path: str, token: str,
         body: Any = None) -> Answer:
    """Send one request on its own connection; return the status and the decoded JSON."""
    connection = http.client.HTTPConnection(*address, timeout=IO_TIMEOUT_S)
    try:
        headers = {"Authorization": f"Bearer {token}", "Connection": "close"}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return Answer(response.status, json.loads(raw) if raw else None)
    finally:
        connection.close()


def at_once(requests: Sequence[Callable[[], Answer]],
            while_running: Callable[[list[Future]], None] | None = None) -> list[Answer]:
    """Start every request at the same moment (a barrier), run ``while_running`` meanwhile
    (it opens the gate), and return the answers in the order given."""
    barrier = threading.Barrier(len(requests))

    def send(request: Callable[[], Answer]) -> Answer:
        barrier.wait()
        return request()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        futures = [pool.submit(send, request) for request in requests]
        if while_running is not None:
            while_running(futures)
        return [future.result(timeout=IO_TIMEOUT_S) for future in futures]


def execute(app: Flask, sql: str, **params: Any) -> Any:
    """Run one statement in its own committed transaction; return the first column of the
    first row, if any."""
    with app.app_context():
        result = db.session.execute(text(sql), params)
        value = result.scalar() if result.returns_rows else None
        db.session.commit()
        db.session.remove()
    return value


@contextmanager
def installed(app: Flask, create: Sequence[str], drop: Sequence[str]) -> Iterator[None]:
    """Create database objects (triggers, functions, sequences) for one test, and drop them
    afterwards (``drop`` says ``if exists``), even when creating them failed half-way."""
    try:
        for sql in create:
            execute(app, sql)
        yield
    finally:
        for sql in drop:
            execute(app, sql)


class Gate:
    """The test's side of a gate: a connection holding the lock that the triggers wait on."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.opened = False
        self.reached = 0

    def blocked(self) -> int:
        """How many other sessions of this database wait for a lock right now."""
        return self.connection.execute(text("""
            select count(distinct l.pid) from pg_locks l join pg_stat_activity a using (pid)
            where not l.granted and a.datname = current_database()
              and l.pid <> pg_backend_pid()
        """)).scalar_one()

    def open_when_blocked(self, count: int, futures: list[Future]) -> None:
        """Wait until ``count`` requests are blocked in the database, then let them all go;
        ``reached`` says how many were.

        A request that answers before reaching the gate can never be blocked: the gate then
        opens at once and the test's assertions say what happened. The wait is bounded by the
        statement limit of the requests themselves, which would end theirs first."""
        waited_until = time.monotonic() + STATEMENT_LIMIT_S
        try:
            while time.monotonic() < waited_until:  # bounded: see above
                if self.blocked() >= count or any(f.done() for f in futures):
                    break
                time.sleep(0.02)
            self.reached = self.blocked()
        finally:
            self.open()

    def open(self) -> None:
        if not self.opened:
            self.connection.execute(text("select pg_advisory_unlock(:n, :k)"),
                                    dict(zip("nk", GATE_KEY, strict=True)))
            self.opened = True


@contextmanager
def gate(app: Flask, *tables: str, event: str = "insert", when: str = "before") -> Iterator[Gate]:
    """Hold every ``event`` on ``tables`` (``when``: before or after the statement) until the
    test opens the gate."""
    namespace, key = GATE_KEY
    create = [f"""
        create function race_gate() returns trigger language plpgsql as $$
        begin
            perform pg_advisory_xact_lock_shared({namespace}, {key});
            return null;  -- a statement trigger: the value is ignored
        end $$"""] + [f"create trigger race_gate {when} {event} on {table}"
                      " for each statement execute function race_gate()" for table in tables]
    drop = [f"drop trigger if exists race_gate on {table}" for table in tables]
    with installed(app, create, [*drop, "drop function if exists race_gate()"]):
        with app.app_context():
            engine = db.engine
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("select pg_advisory_lock(:n, :k)"),
                               dict(zip("nk", GATE_KEY, strict=True)))
            held = Gate(connection)
            try:
                yield held
            finally:
                held.open()
