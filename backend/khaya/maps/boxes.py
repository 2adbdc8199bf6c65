"""The areas' bounding boxes, kept in the process per data version.

A tile or an OGC page sends the database the indicator values of the areas it may show, not a
province's hundreds. Which areas those are was a query of its own per request; the boxes of a
level (594 villages: a few kilobytes) answer it in Python, and are read again only when the
level's data version moves. A box is the area's bounding box, so the answer is a superset of the
areas a tile or a page shows: a value too many is ignored by the join, none is missed.
"""

from __future__ import annotations

import math
import threading

from sqlalchemy import func, select

from ..auth.scoping import unscoped
from ..extensions import db
from . import layers

Box = tuple[str, float, float, float, float]

_boxes: dict[str, tuple[int, list[Box]]] = {}
_lock = threading.Lock()


def _load(level: str) -> list[Box]:
    model = layers.AREA_LEVELS[level]
    rows = db.session.execute(
        select(model.code, func.ST_XMin(model.geom), func.ST_YMin(model.geom),
               func.ST_XMax(model.geom), func.ST_YMax(model.geom))
        .where(model.geom.is_not(None)),
        execution_options=unscoped(),
    ).tuples()
    return [(code, x0, y0, x1, y1) for code, x0, y0, x1, y1 in rows]


def boxes(level: str, version: int) -> list[Box]:
    """The boxes of a level's areas at ``version`` (read once per version)."""
    with _lock:
        held = _boxes.get(level)
    if held is not None and held[0] == version:
        return held[1]
    loaded = _load(level)
    with _lock:
        _boxes[level] = (version, loaded)
    return loaded


def codes_within(level: str, version: int, min_x: float, min_y: float, max_x: float,
                 max_y: float) -> list[str]:
    """The codes of the areas whose boxes meet the box (degrees; min_x > max_x crosses the
    antimeridian)."""
    found = []
    for code, x0, y0, x1, y1 in boxes(level, version):
        if y0 > max_y or y1 < min_y:
            continue
        if (x0 <= max_x and x1 >= min_x) if min_x <= max_x else (x1 >= min_x or x0 <= max_x):
            found.append(code)
    return found


def tile_bounds(z: int, x: int, y: int, margin: float) -> tuple[float, float, float, float]:
    """A Web Mercator tile's bounds in degrees, widened by ``margin`` of its size each side."""
    n = 2 ** z

    def lon(tx: float) -> float:
        return tx / n * 360 - 180

    def lat(ty: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * ty / n))))

    return (lon(x - margin), lat(y + 1 + margin), lon(x + 1 + margin), lat(y - margin))


def clear() -> None:
    with _lock:
        _boxes.clear()
