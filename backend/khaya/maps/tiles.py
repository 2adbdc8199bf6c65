"""Vector tiles built in PostGIS: ST_TileEnvelope, ST_AsMVTGeom and ST_AsMVT.

Every layer filters with ``geom && ST_Transform(ST_TileEnvelope(z, x, y), 4326)``: the tile's
envelope is transformed once, the 4326 column is compared as stored, so its GiST index serves
the filter. Only the rows that pass are transformed to Web Mercator for encoding.

Tiles are cached in process under the data version of their sources (see ``cache``), read
*before* rendering: a tile is never stored under a version newer than the data it shows, so a
write that commits while a tile renders always invalidates it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from flask import current_app
from psycopg2.extras import Json
from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Text,
    and_,
    any_,
    bindparam,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter

from ..areas.models import Village
from ..auth.scoping import Scope, unscoped
from ..common.prepared import execute_prepared, prepared_sql
from ..common.time import local_today
from ..extensions import db
from ..households.models import Household, Occupancy
from . import boxes, indicators, layers
from .cache import (
    COMPACT_AFTER,
    LRUCache,
    compact_all,
    needs_compaction,
    read_version,
    version_expr,
)

MVT_MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
EXTENT = 4096
# Pixels (of 4096) kept beyond the tile edge so lines and labels do not break at the seam.
BUFFER = 64
MAX_ZOOM = 22
WEB_MERCATOR = 3857
AREA_SOURCES = ("districts", "tambons", "lgos", "villages")
HOUSEHOLDS = "households"
PUBLIC_LAYERS = (*layers.AREA_LEVELS, *layers.POINT_LAYERS)
LAYERS = (*PUBLIC_LAYERS, HOUSEHOLDS)
SOURCES: dict[str, tuple[str, ...]] = {
    # Area layers also carry indicators: keyed by their snapshot (see ``indicators``).
    **{level: AREA_SOURCES for level in layers.AREA_LEVELS},
    layers.POINTS: ("collection_points",),
    layers.REPORTS: ("reports",),
    HOUSEHOLDS: ("households",),
}

_cache: LRUCache | None = None


def tile_cache() -> LRUCache:
    """Return the process's tile cache, sized by ``MAPS_TILE_CACHE_ENTRIES``/``_BYTES``."""
    global _cache
    if _cache is None:
        _cache = LRUCache(
            current_app.config.get("MAPS_TILE_CACHE_ENTRIES", 4096),
            current_app.config.get("MAPS_TILE_CACHE_BYTES", 64 * 1024 * 1024),
        )
    return _cache


@dataclass(frozen=True)
class Shown:
    """What a household tile shows of one LGO: how many households, in which villages."""

    lgo_id: int
    households: int
    village_ids: tuple[int, ...]


@dataclass(frozen=True)
class Tile:
    """An encoded tile, its ETag and, for the households layer, what it shows of each LGO."""

    data: bytes
    etag: str
    shown: tuple[Shown, ...] = ()


def valid_tile(z: int, x: int, y: int) -> bool:
    """Say whether z/x/y names a tile of the Web Mercator pyramid up to ``MAX_ZOOM``."""
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


def get_tile(
    layer: str, z: int, x: int, y: int, *, scope: Scope | None = None
) -> tuple[Tile, bool]:
    """Return a tile of ``layer`` from the cache, rendering it on a miss; say if it rendered.

    ``scope`` is required for the households layer and ignored for the public ones.
    """
    today = local_today()
    month = indicators.latest_complete_month(today)
    snap = (
        indicators.snapshot(layer, month) if layer in layers.AREA_LEVELS else indicators.Snapshot()
    )
    cache = tile_cache()
    if layer != HOUSEHOLDS:
        return _get_public(layer, z, x, y, month, snap, cache)
    version = read_version(SOURCES[layer])
    key = (layer, z, x, y, scope, month, version, snap.fingerprint)
    tile = cache.get(key)
    if tile is not None:
        return tile, False
    tile = _render_households(z, x, y, scope=scope, today=today, version=version)
    audit_bytes = sum(8 * len(s.village_ids) + 64 for s in tile.shown)
    cache.put(key, tile, len(tile.data) + audit_bytes + 200)
    return tile, True


# The data version each public layer was last seen at by this process. A tile cached at it is
# served once a version read confirms it; a miss renders the tile and reads its version in the
# same statement (one snapshot: they always match) instead of reading the version first.
_seen: dict[str, int] = {}


def _get_public(layer: str, z: int, x: int, y: int, month: str, snap: indicators.Snapshot,
                cache: LRUCache) -> tuple[Tile, bool]:
    seen = _seen.get(layer)
    if seen is not None:
        tile = cache.get((layer, z, x, y, None, month, seen, snap.fingerprint))
        if tile is not None and read_version(SOURCES[layer]) == seen:
            return tile, False
    else:
        seen = read_version(SOURCES[layer])
    data, version, boxed = _public_tile(layer, z, x, y, snap, seen)
    if boxed and version != seen:
        # The data moved after ``seen``: the boxes that chose the indicator values may be older
        # than the tile. Once more, with the boxes of the version the tile was drawn at.
        data, version, boxed = _public_tile(layer, z, x, y, snap, version)
    _seen[layer] = version
    digest = hashlib.blake2b(data, digest_size=12).hexdigest()
    tile = Tile(data=data, etag=f"{version}-{digest}")
    cache.put((layer, z, x, y, None, month, version, snap.fingerprint), tile, len(data) + 200)
    return tile, True


def compact_versions() -> bool:
    """Fold the change log into the versions when it has grown; say whether it did.

    Run every minute on the job queue (``maps.tasks``); the caller commits. Compacting never
    changes a version, so no cached tile is lost.
    """
    threshold = current_app.config.get("MAPS_VERSION_COMPACT_AFTER", COMPACT_AFTER)
    if not needs_compaction(threshold):
        return False
    compact_all(threshold)
    return True


def _render_households(
    z: int, x: int, y: int, *, scope: Scope | None, today: dt.date, version: int
) -> Tile:
    shown: tuple[Shown, ...] = ()
    if scope is None:
        raise ValueError("the households layer needs the caller's scope")
    min_zoom = current_app.config.get("MAPS_HOUSEHOLDS_MIN_ZOOM", 12)
    if z < min_zoom:
        data = b""
    else:
        data, shown = _households_tile(z, x, y, scope, today)
    digest = hashlib.blake2b(data, digest_size=12).hexdigest()
    return Tile(data=data, etag=f"{version}-{digest}", shown=shown)


# A tile number: a literal, or a parameter bound when a reused statement runs.
TileNumber = int | BindParameter[int]


def _envelope(z: TileNumber, x: TileNumber, y: TileNumber):
    return func.ST_TileEnvelope(z, x, y)


def envelope_4326(z: TileNumber, x: TileNumber, y: TileNumber):
    """Return the tile's envelope in SRID 4326 (the ground a tile covers, for the audit)."""
    return func.ST_Transform(_envelope(z, x, y), 4326)


def _in_tile(geom, z: TileNumber, x: TileNumber, y: TileNumber):
    # Transform the envelope, not the column, so the GiST index on geom is used.
    return geom.op("&&")(envelope_4326(z, x, y))


def _mvt_geom(geom, z: TileNumber, x: TileNumber, y: TileNumber):
    return func.ST_AsMVTGeom(
        func.ST_Transform(geom, WEB_MERCATOR), _envelope(z, x, y), EXTENT, BUFFER, True
    ).label("geom")


def _mvt_of(rows: Select, layer: str, id_column: str) -> Select:
    """Wrap ``rows`` (which has a ``geom`` column) in ST_AsMVT.

    Public layers read past the caller's scope on purpose: collection points are public.
    ST_AsMVT leaves out a row whose clipped geometry is NULL (it lies in the tile's bounding
    box but not within the buffer), so no filter is needed; one would have PostgreSQL clip
    every geometry twice, once in the filter and once for the output.
    """
    sub = rows.subquery("t")
    return select(
        func.ST_AsMVT(literal_column("t"), layer, EXTENT, "geom", id_column)
    ).select_from(sub)


_Z, _X, _Y = (bindparam(name, type_=Integer) for name in ("z", "x", "y"))


@functools.lru_cache(maxsize=32)
def _public_statement(layer: str, with_indicators: bool) -> Select:
    """The statement that encodes a tile of a public layer, built once per layer.

    z, x, y and the indicator rows are bound when it runs: building and compiling the
    statement anew for every tile cost more than PostGIS drawing it.
    """
    if layer in layers.POINT_LAYERS:
        base = layers.point_select(layer, streams_as_text=True)
    else:
        base = layers.area_select(layer, bound_indicators=with_indicators)
    sub = base.where(_in_tile(layers.geometry_column(layer), _Z, _X, _Y)).subquery("a")
    rows = select(*[c for c in sub.c if c.key != "geom"], _mvt_geom(sub.c.geom, _Z, _X, _Y))
    return _mvt_of(rows, layer, "fid").add_columns(version_expr(SOURCES[layer]))


_TILE_PLACEHOLDERS = (("z", "integer"), ("x", "integer"), ("y", "integer"))


@functools.lru_cache(maxsize=32)
def _public_sql(layer: str, with_indicators: bool) -> str:
    """``_public_statement`` as the text of a prepared statement: $1-$3 the tile, $4 the
    indicator rows. Parsing and planning it took PostgreSQL longer than running it."""
    indicator_rows = (("indicator_rows", "jsonb"),) if with_indicators else ()
    return prepared_sql(_public_statement(layer, with_indicators),
                        _TILE_PLACEHOLDERS + indicator_rows)


def _public_tile(layer: str, z: int, x: int, y: int, snap: indicators.Snapshot,
                 version: int) -> tuple[bytes, int, bool]:
    """Encode a tile of a public layer: areas with the indicators of those in it, or points.
    Return it, the data version it was drawn at, and whether boxes of ``version`` chose its
    indicator values.

    A tile shows a handful of a province's hundreds of villages: only their indicator values
    go to the database (the areas found from their boxes, see ``boxes``), not every village's.
    """
    values = snap.values if layer in layers.AREA_LEVELS else {}
    if values:
        # Twice the drawing buffer: the boxes' test must never miss an area the tile draws.
        codes = boxes.codes_within(layer, version, *boxes.tile_bounds(z, x, y, 2 * BUFFER / EXTENT))
        values = {code: values[code] for code in codes if code in values}
    boxed = bool(values)
    args: list[Any] = [z, x, y]
    if values:
        args.append(Json(layers.indicator_payload(values)))
    # Public data: collection points and areas are read past any scope, on purpose.
    data, drawn_at = execute_prepared(_public_sql(layer, boxed), args)
    return bytes(data or b""), int(drawn_at), boxed


_SCOPE_KINDS = (("lgo_ids", "lgo_id"), ("village_ids", "village_id"), ("household_ids", "id"))


def _scope_params(scope: Scope) -> tuple[tuple[str, ...] | None, dict[str, list[int]]]:
    """Return which of a scope's id lists are in play (None: everything) and their values."""
    if scope.everything:
        return None, {}
    lists = {"lgo_ids": scope.lgo_ids, "village_ids": scope.village_ids,
             "household_ids": scope.household_ids}
    kinds = tuple(name for name, ids in lists.items() if ids)
    return kinds, {name: sorted(lists[name]) for name in kinds}


@functools.lru_cache(maxsize=16)
def _households_statement(kinds: tuple[str, ...] | None) -> Select:
    """The statement that encodes a households tile, built once per shape of scope.

    The tile, the day the month began and the scope's ids are bound when it runs (the same
    rows ``scope_clause`` keeps: any of the scope's LGOs, villages or households).
    """
    h = Household
    month_start = bindparam("month_start", type_=Date)
    if kinds is None:
        in_scope: Any = true()
    else:
        columns = dict(_SCOPE_KINDS)
        in_scope = or_(false(), *[
            getattr(h, columns[kind]) == any_(bindparam(kind, type_=ARRAY(BigInteger)))
            for kind in kinds
        ])
    rows = (
        select(
            h.id.label("fid"),
            h.lgo_id.label("lgo_id"),
            h.village_id.label("village_id"),
            Village.code.label("village_code"),
            cast(h.wet_bin, Text).label("wet_bin"),
            h.verified_on.is_not(None).label("verified"),
            cast(h.last_log_on, Text).label("last_log_on"),
            cast(h.last_inspected_on, Text).label("last_inspected_on"),
            (h.occupancy == Occupancy.occupied).label("occupied"),
            and_(h.last_log_on.is_not(None), h.last_log_on >= month_start).label(
                "logged_this_month"
            ),
            _mvt_geom(h.point, _Z, _X, _Y),
        )
        .join(Village, Village.id == h.village_id)
        .where(h.active.is_(True), _in_tile(h.point, _Z, _X, _Y), in_scope)
        .order_by(h.id)
    )
    # A CTE is computed once: the tile and the audit summary come from the same rows.
    t = rows.cte("t")
    shown = t.c.geom.is_not(None)
    m = select(*[c for c in t.c if c.key not in ("lgo_id", "village_id")]).where(
        shown
    ).subquery("m")
    per_lgo = (
        select(
            t.c.lgo_id,
            func.count().label("n"),
            func.array_agg(aggregate_order_by(t.c.village_id.distinct(), t.c.village_id)).label(
                "villages"
            ),
        )
        .where(shown)
        .group_by(t.c.lgo_id)
        .subquery("l")
    )
    summary = select(
        func.json_agg(aggregate_order_by(
            func.json_build_array(per_lgo.c.lgo_id, per_lgo.c.n, per_lgo.c.villages),
            per_lgo.c.lgo_id,
        ))
    ).scalar_subquery()
    return select(
        func.ST_AsMVT(literal_column("m"), "households", EXTENT, "geom", "fid"), summary
    ).select_from(m)


def _households_tile(
    z: int, x: int, y: int, scope: Scope, today: dt.date
) -> tuple[bytes, tuple[Shown, ...]]:
    """Encode the in-scope households of a tile; return the bytes and what it shows per LGO.

    Only what a map needs: no name, phone or house number (an address detail).
    """
    kinds, ids = _scope_params(scope)
    params = {"z": z, "x": x, "y": y, "month_start": today.replace(day=1), **ids}
    # The statement keeps the caller's scope itself (the same rows as ``scope_clause``): the
    # session's scoping hook would only add the same filter again and make SQLAlchemy key the
    # whole statement anew on every tile.
    data, lgos = db.session.execute(
        _households_statement(kinds), params, execution_options=unscoped()
    ).one()
    seen = tuple(
        Shown(int(lgo_id), int(n), tuple(int(v) for v in ids)) for lgo_id, n, ids in lgos or []
    )
    return bytes(data or b""), seen


def clear_caches() -> None:
    """Empty the tile and page cache, the indicator snapshots, the areas' boxes and the
    versions last seen."""
    tile_cache().clear()
    indicators.clear()
    boxes.clear()
    _seen.clear()


def cache_info() -> dict[str, int]:
    """Return the tile cache's size and hit counts (for benchmarks and tests)."""
    cache = tile_cache()
    return {"entries": len(cache), "hits": cache.hits, "misses": cache.misses}


