"""Helpers shared by the map tests: demo village codes and tile numbers for a point."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from werkzeug.serving import make_server

TOWN = "lamphun-town-municipality"
TOWN_VILLAGE = "51010101"  # Lamphun Town Municipality
NGA_VILLAGE = "51010201"  # Mueang Nga Subdistrict Municipality


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """Return the z/x/y of the Web Mercator tile that holds a point."""
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return z, x, y


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; yield its base URL.

    It runs on the test database itself, outside any test transaction: whatever the test
    makes through it is committed, so the test must delete it again.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
