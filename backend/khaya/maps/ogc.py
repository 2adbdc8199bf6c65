"""OGC API - Features (Part 1: Core, GeoJSON, OpenAPI 3.0) over the public map layers.

Collections can be filtered on their public properties (Part 3, queryables and CQL2, and the
``name=value`` parameters of Part 1; see ``ogc_filter``). Features are built in SQL
(``ST_AsGeoJSON`` inside ``json_build_object``), paged by ``limit`` and ``offset`` in a stable
order (area code, point id). ``bbox`` is in CRS84 (longitude, latitude), the axis order of the
stored SRID 4326 columns, so it is compared as it comes and the GiST index serves it. The
collections have no temporal extent: ``datetime`` is accepted and filters nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, Text, bindparam, func, literal, literal_column, or_, select
from sqlalchemy.dialects.postgresql import JSON, aggregate_order_by
from sqlalchemy.sql import Select

from ..auth.scoping import unscoped
from ..common.geo import GEOJSON_DECIMALS, SRID
from ..common.time import local_today
from ..errors import NotFound
from ..extensions import db
from . import boxes, indicators, layers, ogc_filter, tiles
from .cache import read_version

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
)
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            "villages",
            "Villages and communities (หมู่บ้าน/ชุมชน)",
            "The atomic areas, keyed by their 8-digit DOPA code, with the LGO that serves each "
            "and sorting participation of the latest complete month.",
        ),
        Collection(
            "tambons", "Tambons (ตำบล)", "Subdistricts, keyed by their 6-digit DOPA code."
        ),
        Collection(
            "districts", "Districts (อำเภอ)", "Districts, keyed by their 4-digit DOPA code."
        ),
        Collection(
            "lgos",
            "Local government organisations (อปท.)",
            "Municipalities, SAOs and the PAO as the union of the villages they serve, with "
            "sorting participation of the latest complete month.",
        ),
        Collection(
            "collection-points",
            "Collection points (จุดรับขยะ)",
            "Drop-off, recycling, compost and general-waste points and PAO hand-over points.",
        ),
        Collection(
            "reports",
            "Open citizen reports (รายงานปัญหาขยะ)",
            "Illegal dumping, open burning, collection points overflowing or damaged, missed "
            "collections and hazardous waste found, not yet closed: type, status, dates and "
            "place; nothing about who reported.",
        ),
    )
}
INDICATOR_COLLECTIONS = frozenset({"villages", "lgos"})


def collection(collection_id: str) -> Collection:
    """Return a collection's description or raise NotFound."""
    found = COLLECTIONS.get(collection_id)
    if found is None:
        raise NotFound(f"There is no collection {collection_id!r}.",
                       message_th=f"ไม่มีชุดข้อมูล {collection_id!r}")
    return found


def extents() -> dict[str, list[float] | None]:
    """Return the CRS84 bounding box of every collection, in one query."""
    parts = []
    for cid in COLLECTIONS:
        geom = layers.geometry_column(cid)
        box = func.ST_Extent(geom)
        parts.append(
            select(
                literal(cid, Text).label("cid"),
                func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box),
            ).select_from(geom.class_)
        )
    rows = db.session.execute(parts[0].union_all(*parts[1:]), execution_options=unscoped())
    return {
        cid: None if box[0] is None else [round(v, GEOJSON_DECIMALS) for v in box]
        for cid, *box in rows
    }


def _base(collection_id: str, bbox: tuple[float, ...] | None = None) -> tuple[Select, str | None]:
    """Return a collection's select and the period of its indicators (if it has any).

    With ``bbox``, only the areas in it carry their indicator values into the query: a page of
    a small box should not read every village's values into a table.
    """
    if collection_id in layers.POINT_LAYERS:
        return layers.point_select(collection_id), None
    if collection_id not in INDICATOR_COLLECTIONS:
        return layers.area_select(collection_id), None
    period = indicators.latest_complete_month(local_today())
    values = indicators.snapshot(collection_id, period).values
    if bbox and values:
        model = layers.AREA_LEVELS[collection_id]
        codes = db.session.execute(
            select(model.code).where(_bbox_clause(collection_id, bbox)),
            execution_options=unscoped(),
        ).scalars()
        # An empty box keeps the indicator columns (a row no area matches), so its queryables
        # and properties are the collection's as everywhere.
        values = {code: values[code] for code in codes if code in values} or {"": {}}
    return layers.area_select(collection_id, values), period


def _key(collection_id: str, sub) -> Any:
    # Areas are known by their DOPA code (or LGO slug); points by their id.
    return sub.c.fid if collection_id in layers.POINT_LAYERS else sub.c.code


def _feature(collection_id: str, sub, period: str | None):
    names = [c.key for c in sub.c if c.key not in ("fid", "geom", "_matched")]
    pairs: list[Any] = []
    for name in names:
        pairs += [name, sub.c[name]]
    if period:
        pairs += ["indicator_period", period]
    return func.json_build_object(
        "type", "Feature",
        "id", _key(collection_id, sub),
        "geometry", func.ST_AsGeoJSON(sub.c.geom, GEOJSON_DECIMALS).cast(JSON),
        "properties", func.json_build_object(*pairs),
    )


def _bbox_clause(collection_id: str, bbox: tuple[float, ...]):
    geom = layers.geometry_column(collection_id)
    min_x, min_y, max_x, max_y = (bbox[0], bbox[1], bbox[3], bbox[4]) if len(bbox) == 6 else bbox
    if min_x > max_x:
        # A box across the antimeridian: its two halves.
        return or_(
            geom.intersects(func.ST_MakeEnvelope(min_x, min_y, 180, max_y, SRID)),
            geom.intersects(func.ST_MakeEnvelope(-180, min_y, max_x, max_y, SRID)),
        )
    return geom.intersects(func.ST_MakeEnvelope(min_x, min_y, max_x, max_y, SRID))


def _box_params(bbox: tuple[float, ...]) -> tuple[str, dict[str, float]]:
    min_x, min_y, max_x, max_y = (bbox[0], bbox[1], bbox[3], bbox[4]) if len(bbox) == 6 else bbox
    shape = "wrap" if min_x > max_x else "box"
    return shape, {"min_x": min_x, "min_y": min_y, "max_x": max_x, "max_y": max_y}


def _bound_box_clause(collection_id: str, shape: str):
    geom = layers.geometry_column(collection_id)
    x0, y0, x1, y1 = (bindparam(n, type_=Float) for n in ("min_x", "min_y", "max_x", "max_y"))
    if shape == "wrap":
        return or_(
            geom.intersects(func.ST_MakeEnvelope(x0, y0, 180, y1, SRID)),
            geom.intersects(func.ST_MakeEnvelope(-180, y0, x1, y1, SRID)),
        )
    return geom.intersects(func.ST_MakeEnvelope(x0, y0, x1, y1, SRID))


@functools.lru_cache(maxsize=64)
def _page_statement(
    collection_id: str, shape: str | None, with_values: bool, period: str | None
) -> Select:
    """One page of an unfiltered collection (or a box of it), built once per kind of request.

    The box, the page and the indicator rows are bound when it runs; the number matched comes
    from a window count in the same statement.
    """
    if collection_id in layers.POINT_LAYERS:
        base = layers.point_select(collection_id)
    else:
        base = layers.area_select(collection_id, bound_indicators=with_values)
    if shape:
        base = base.where(_bound_box_clause(collection_id, shape))
    whole = base.subquery("w")
    ordered = (
        select(whole, func.count().over().label("_matched"))
        .order_by(_key(collection_id, whole))
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("f")
    )
    feature = _feature(collection_id, ordered, period)
    return select(
        func.coalesce(
            func.json_agg(aggregate_order_by(feature, _key(collection_id, ordered))),
            literal_column("'[]'::json"),
        ).cast(Text),
        func.count(),
        func.max(ordered.c._matched),
    ).select_from(ordered)


def _quick_page(
    collection_id: str, limit: int, offset: int, bbox: tuple[float, ...] | None
) -> tuple[str, int, int]:
    """A page without property filters, through a statement built once (see ``_page_statement``).

    Pages are kept in the tile cache, keyed like tiles by the collection's data version and
    indicator snapshot: an edit or a new month's figures make a new key, never a stale page.
    """
    shape, box = _box_params(bbox) if bbox else (None, {})
    params: dict[str, Any] = {"limit": limit, "offset": offset, **box}
    period = None
    snap = indicators.Snapshot()
    version = read_version(tiles.SOURCES[collection_id])
    if collection_id in INDICATOR_COLLECTIONS:
        period = indicators.latest_complete_month(local_today())
        snap = indicators.snapshot(collection_id, period)
    key = ("ogc-page", collection_id, limit, offset, bbox, version, period, snap.fingerprint)
    cache = tiles.tile_cache()
    page = cache.get(key)
    if page is None:
        page = _render_page(collection_id, limit, offset, bbox, shape, params, period,
                            snap.values, version)
        cache.put(key, page, len(page[0]) + 200)
    return page


def _render_page(collection_id: str, limit: int, offset: int, bbox: tuple[float, ...] | None,
                 shape: str | None, params: dict[str, Any], period: str | None,
                 values: dict[str, dict], version: int) -> tuple[str, int, int]:
    if values and shape:
        codes = boxes.codes_within(collection_id, version, params["min_x"], params["min_y"],
                                   params["max_x"], params["max_y"])
        # An empty box keeps the indicator columns (a row no area matches).
        values = {code: values[code] for code in codes if code in values} or {"": {}}
    if values:
        params["indicator_rows"] = layers.indicator_payload(values)
    features, returned, matched = db.session.execute(
        _page_statement(collection_id, shape, bool(values), period), params,
        execution_options=unscoped(),
    ).one()
    if matched is None:
        # A page past the end holds no row to carry the count: count apart.
        base, _ = _base(collection_id, bbox)
        if bbox:
            base = base.where(_bbox_clause(collection_id, bbox))
        matched = db.session.execute(
            select(func.count()).select_from(base.subquery()), execution_options=unscoped()
        ).scalar_one()
    return features, int(matched), int(returned)


def queryables(collection_id: str) -> dict[str, str]:
    """Return the properties a collection can be filtered on, with their JSON Schema types."""
    collection(collection_id)
    sub = _base(collection_id)[0].subquery("b")
    return {
        name: ogc_filter.json_type(column) or "string"
        for name, column in ogc_filter.queryable_columns(sub).items()
    }


def items(
    collection_id: str,
    *,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    bbox: tuple[float, ...] | None = None,
    properties: dict[str, list[str]] | None = None,
    cql: str | None = None,
    cql_lang: str = "cql2-text",
) -> tuple[str, int, int]:
    """Return one page of features as a JSON array text, with numberMatched and numberReturned.

    A ``limit`` above ``MAX_LIMIT`` is served as ``MAX_LIMIT``, as OGC API - Features asks.
    ``properties`` (``name=value`` parameters) and ``cql`` (a CQL2 filter) narrow the features
    on their public properties (see ``ogc_filter``).
    """
    collection(collection_id)
    limit = min(limit, MAX_LIMIT)
    if not properties and not cql:
        return _quick_page(collection_id, limit, offset, bbox)
    base, period = _base(collection_id, bbox)
    if bbox:
        base = base.where(_bbox_clause(collection_id, bbox))
    whole = base.subquery("w")
    columns = ogc_filter.queryable_columns(whole)
    clauses = ogc_filter.property_clauses(columns, properties or {})
    if cql:
        clauses.append(ogc_filter.cql_clause(columns, whole.c.geom, cql, cql_lang))
    filtered = select(whole).where(*clauses)
    matched = db.session.execute(
        select(func.count()).select_from(filtered.subquery()), execution_options=unscoped()
    ).scalar_one()
    sub = filtered.subquery("b")
    ordered = (
        select(sub).order_by(_key(collection_id, sub)).limit(limit).offset(offset).subquery("f")
    )
    feature = _feature(collection_id, ordered, period)
    stmt = select(
        func.coalesce(
            func.json_agg(aggregate_order_by(feature, _key(collection_id, ordered))),
            literal_column("'[]'::json"),
        ).cast(Text),
        func.count(),
    ).select_from(ordered)
    features, returned = db.session.execute(stmt, execution_options=unscoped()).one()
    return features, int(matched), int(returned)


def feature(collection_id: str, feature_id: str) -> str:
    """Return one feature as JSON text or raise NotFound."""
    collection(collection_id)
    base, period = _base(collection_id)
    sub = base.subquery("b")
    key = _key(collection_id, sub)
    if collection_id in layers.POINT_LAYERS:
        if not feature_id.isdigit() or len(feature_id) > 9:
            raise NotFound(f"There is no feature {feature_id!r} in {collection_id}.",
                           message_th=f"ไม่มีรายการ {feature_id!r} ใน {collection_id}")
        wanted: Any = int(feature_id)
    else:
        wanted = feature_id
    f = select(sub).where(key == wanted).subquery("f")
    row = db.session.execute(
        select(_feature(collection_id, f, period).cast(Text)).select_from(f),
        execution_options=unscoped(),
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no feature {feature_id!r} in {collection_id}.",
                       message_th=f"ไม่มีรายการ {feature_id!r} ใน {collection_id}")
    return row


def time_stamp() -> str:
    """Return now as an RFC 3339 UTC timestamp (the collection's ``timeStamp``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def splice(features: str, meta: dict[str, Any]) -> str:
    """Return a FeatureCollection text: ``meta`` members plus the ``features`` array text."""
    head = json.dumps({"type": "FeatureCollection", **meta}, ensure_ascii=False)
    return f'{head[:-1]}, "features": {features}}}'
