"""A live server in a thread, a TCP proxy that can lose answers, and a client that retries.

Loopback only. The proxy relays one HTTP exchange per connection (the client sends
``Connection: close``). Told to drop a connection, it reads the server's whole answer, so the
server has committed and answered, and then resets the client's connection without forwarding
a byte of it: the phone's view of a network that failed at the worst moment.
"""

from __future__ import annotations

import http.client
import json
import select
import socket
import socketserver
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server

LOOPBACK = "127.0.0.1"
IO_TIMEOUT_S = 30.0


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """No access log line per request."""


@contextmanager
def live_server(app: Flask) -> Iterator[tuple[str, int]]:
    """Serve ``app`` over real HTTP on a free loopback port (threaded); yield (host, port)."""
    server = make_server(LOOPBACK, 0, app, threaded=True, request_handler=_QuietHandler)
    # Request threads are joined on close, so none outlives the test.
    server.daemon_threads = False
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="live-server")
    thread.start()
    try:
        yield LOOPBACK, server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=IO_TIMEOUT_S)


@dataclass
class ProxyStats:
    relayed: int = 0
    dropped: int = 0
    errors: list[str] = field(default_factory=list)


class _Relay(socketserver.BaseRequestHandler):
    server: DroppingProxy

    def handle(self) -> None:
        client: socket.socket = self.request
        try:
            self.server.relay(client)
        except OSError as error:  # a relay failure is reported by the test, not raised here
            self.server.note_error(f"{type(error).__name__}: {error}")


class DroppingProxy(socketserver.ThreadingTCPServer):
    """Relay connections to ``target``; drop the answer on connections marked beforehand."""

    allow_reuse_address = True
    daemon_threads = False
    block_on_close = True

    def __init__(self, target: tuple[str, int]) -> None:
        super().__init__((LOOPBACK, 0), _Relay)
        self.target = target
        self.stats = ProxyStats()
        self._lock = threading.Lock()
        self._drop_ports: set[int] = set()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def drop_answer_to(self, client_port: int) -> None:
        """Lose the answer on the connection coming from ``client_port`` (loopback)."""
        with self._lock:
            self._drop_ports.add(client_port)

    def note_error(self, message: str) -> None:
        with self._lock:
            self.stats.errors.append(message)

    def _take_drop(self, client_port: int) -> bool:
        with self._lock:
            if client_port in self._drop_ports:
                self._drop_ports.discard(client_port)
                self.stats.dropped += 1
                return True
            self.stats.relayed += 1
            return False

    def relay(self, client: socket.socket) -> None:
        client_port = client.getpeername()[1]
        answer = bytearray()
        deadline = time.monotonic() + IO_TIMEOUT_S
        with socket.create_connection(self.target, timeout=IO_TIMEOUT_S) as upstream:
            reading_client = True
            while True:  # bounded by the deadline
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no complete answer from the server in time")
                watched = [upstream, client] if reading_client else [upstream]
                readable, _, _ = select.select(watched, [], [], remaining)
                if client in readable:
                    data = client.recv(65536)
                    if data:
                        upstream.sendall(data)
                    else:
                        reading_client = False
                if upstream in readable:
                    data = upstream.recv(65536)
                    if not data:
                        break  # the server closed: its whole answer is in hand
                    answer += data
        if self._take_drop(client_port):
            # Reset, not a polite close: the answer is lost, as on a dead mobile link.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
            return
        client.sendall(answer)


@contextmanager
def dropping_proxy(target: tuple[str, int]) -> Iterator[DroppingProxy]:
    proxy = DroppingProxy(target)
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05},
                              name="dropping-proxy")
    thread.start()
    try:
        yield proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=IO_TIMEOUT_S)


class AnswerLost(Exception):
    """The connection failed before an answer arrived."""


def post_json(
    address: tuple[str, int],
    path: str,
    body: Any,
    *,
    token: str | None = None,
    proxy: DroppingProxy | None = None,
    drop: bool = False,
) -> tuple[int, Any]:
    """POST ``body`` on a fresh connection; return (status, JSON). Raise AnswerLost if cut."""
    headers = {"Content-Type": "application/json", "Connection": "close"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection(*address, timeout=IO_TIMEOUT_S)
    try:
        conn.connect()
        if drop:
            assert proxy is not None, "only the proxy can drop an answer"
            proxy.drop_answer_to(conn.sock.getsockname()[1])
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        try:
            response = conn.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise AnswerLost(f"{type(error).__name__}: {error}") from error
        return response.status, json.loads(payload) if payload else None
    finally:
        conn.close()
