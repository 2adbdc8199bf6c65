"""OGC API - Features at /ogc: what QGIS, GDAL/OGR (OAPIF) and owslib read.

GET /ogc                                            landing page (application/json)
GET /ogc/api                                        this service's OpenAPI 3.0 document
GET /ogc/conformance                                core, geojson, oas30
GET /ogc/collections                                villages tambons districts lgos
                                                    collection-points
GET /ogc/collections/{collectionId}
GET /ogc/collections/{collectionId}/queryables      the properties a filter may name (Part 3)
GET /ogc/collections/{collectionId}/items           GeoJSON; limit (100, at most 1000), offset,
                                                    bbox (CRS84), bbox-crs, datetime,
                                                    filter (CQL2 text or JSON), filter-lang,
                                                    and name=value for any queryable
GET /ogc/collections/{collectionId}/items/{featureId}

Everything here is public. Invalid or unknown query parameters answer 400, as OGC API -
Features requires (the rest of the API answers 422). The landing page answers with and without
the trailing slash (OWSLib asks for ``/ogc/``); any other unknown path under ``/ogc`` is a JSON
404, never the web app's page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, request, url_for
from marshmallow import INCLUDE

from ..auth.access import public
from ..blueprint import Blueprint
from ..common.geo import GEOJSON_MEDIA_TYPE
from ..common.replica import prefer_replica
from ..extensions import api
from . import ogc
from .schemas import (
    CollectionSchema,
    CollectionsSchema,
    ConformanceSchema,
    FormatArgsSchema,
    ItemsArgsSchema,
    LandingPageSchema,
    QueryablesSchema,
)

JSON = "application/json"
SCHEMA_MEDIA_TYPE = "application/schema+json"
OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"


class _OgcParser(type(Blueprint.ARGUMENTS_PARSER)):  # type: ignore[misc]
    # Unknown parameters are refused as everywhere in the API, but with 400, not 422:
    # /req/core/query-param-invalid and /req/core/query-param-unknown.
    DEFAULT_VALIDATION_STATUS = 400


class OgcBlueprint(Blueprint):
    ARGUMENTS_PARSER = _OgcParser()


blp = OgcBlueprint(
    "ogc", __name__, url_prefix="/ogc", description="OGC API - Features (public layers)"
)
# Reads only: they may come from the read replica (common.replica).
prefer_replica(blp)


def _link(endpoint: str, rel: str, type_: str, title: str, **values: Any) -> dict[str, str]:
    return {"href": url_for(endpoint, _external=True, **values), "rel": rel, "type": type_,
            "title": title}


@blp.route("", strict_slashes=False)
@public
@blp.arguments(FormatArgsSchema, location="query")
@blp.response(200, LandingPageSchema)
def landing(_args):
    """Return the landing page: links to the API definition, conformance and collections."""
    return {
        "title": "Khaya: Lamphun community waste management (OGC API - Features)",
        "description": "Public layers of Khaya: DOPA areas and LGOs with participation "
        "indicators, and collection points. Boundaries marked boundary_approximate are "
        "generated for the demo, not official.",
        "links": [
            _link("ogc.landing", "self", JSON, "This document"),
            _link("ogc.openapi", "service-desc", OPENAPI_MEDIA_TYPE, "The API definition"),
            _link("api-docs.openapi_swagger_ui", "service-doc", "text/html",
                  "The API documentation"),
            _link("ogc.conformance", "conformance", JSON, "Conformance classes"),
            _link("ogc.collections", "data", JSON, "The feature collections"),
        ],
    }


@blp.route("/api")
@public
@blp.response(200, content_type=OPENAPI_MEDIA_TYPE)
def openapi():
    """Return the OpenAPI 3.0 document of this service, its paths relative to /ogc."""
    spec = api.spec.to_dict()
    prefix = blp.url_prefix or ""
    paths = {
        path[len(prefix):] or "/": item
        for path, item in spec.get("paths", {}).items()
        if path == prefix or path.startswith(prefix + "/")
    }
    document = {
        "openapi": spec.get("openapi", "3.0.3"),
        "info": {**spec.get("info", {}), "title": "Khaya OGC API - Features"},
        "servers": [{"url": url_for("ogc.landing", _external=True)}],
        "paths": paths,
        "components": spec.get("components", {}),
    }
    return Response(current_app.json.dumps(document), mimetype=OPENAPI_MEDIA_TYPE)


@blp.route("/conformance")
@public
@blp.arguments(FormatArgsSchema, location="query")
@blp.response(200, ConformanceSchema)
def conformance(_args):
    """Return the conformance classes this service implements."""
    return {"conformsTo": list(ogc.CONFORMANCE)}


def _collection(cid: str, extent: list[float] | None) -> dict[str, Any]:
    meta = ogc.collection(cid)
    body: dict[str, Any] = {
        "id": cid,
        "title": meta.title,
        "description": meta.description,
        "itemType": "feature",
        "crs": [ogc.CRS84],
        "links": [
            _link("ogc.collection", "self", JSON, meta.title, collectionId=cid),
            _link("ogc.items", "items", GEOJSON_MEDIA_TYPE, f"{meta.title}: features",
                  collectionId=cid),
            _link("ogc.queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                  SCHEMA_MEDIA_TYPE, f"{meta.title}: queryables", collectionId=cid),
        ],
    }
    if extent:
        body["extent"] = {"spatial": {"bbox": [extent], "crs": ogc.CRS84}}
    return body


@blp.route("/collections")
@public
@blp.arguments(FormatArgsSchema, location="query")
@blp.response(200, CollectionsSchema)
def collections(_args):
    """List the feature collections with their extents."""
    extents = ogc.extents()
    return {
        "links": [_link("ogc.collections", "self", JSON, "The feature collections")],
        "collections": [_collection(cid, extents.get(cid)) for cid in ogc.COLLECTIONS],
    }


@blp.route("/collections/<collectionId>")
@public
@blp.arguments(FormatArgsSchema, location="query")
@blp.response(200, CollectionSchema)
def collection(_args, collectionId: str):  # noqa: N803  (the OGC path parameter's name)
    """Describe one feature collection."""
    ogc.collection(collectionId)
    return _collection(collectionId, ogc.extents().get(collectionId))


def _page_link(rel: str, title: str, offset: int) -> dict[str, str]:
    query = request.args.to_dict()
    query["offset"] = str(offset)
    href = request.base_url + "?" + urlencode(query)
    return {"href": href, "rel": rel, "type": GEOJSON_MEDIA_TYPE, "title": title}


@blp.route("/collections/<collectionId>/queryables")
@public
@blp.arguments(FormatArgsSchema, location="query")
@blp.response(200, QueryablesSchema, content_type=SCHEMA_MEDIA_TYPE)
def queryables(_args, collectionId: str):  # noqa: N803
    """List the properties the collection's items can be filtered on, as a JSON Schema."""
    properties: dict[str, Any] = {
        name: {"title": name, "type": kind} for name, kind in ogc.queryables(collectionId).items()
    }
    properties["geometry"] = {
        "format": "geometry-any", "x-ogc-role": "primary-geometry", "title": "geometry"
    }
    body = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": url_for("ogc.queryables", collectionId=collectionId, _external=True),
        "type": "object",
        "title": ogc.collection(collectionId).title,
        "properties": properties,
        "additionalProperties": False,
    }
    return Response(current_app.json.dumps(body), mimetype=SCHEMA_MEDIA_TYPE)


@blp.route("/collections/<collectionId>/items")
@public
# Parameters the schema does not name are queryables' ``name=value`` filters: let them through
# to the view, which refuses any that is not a queryable of the collection.
@blp.arguments(ItemsArgsSchema, location="query", unknown=INCLUDE)
@blp.response(200, content_type=GEOJSON_MEDIA_TYPE)
def items(args, collectionId: str):  # noqa: N803
    """Return one page of a collection's features as a GeoJSON FeatureCollection."""
    limit = min(args["limit"], ogc.MAX_LIMIT)
    offset = args["offset"]
    named = {field.data_key or name for name, field in ItemsArgsSchema().fields.items()}
    properties = {key: request.args.getlist(key) for key in request.args if key not in named}
    features, matched, returned = ogc.items(
        collectionId, limit=limit, offset=offset, bbox=args.get("bbox"),
        properties=properties, cql=args.get("filter"), cql_lang=args["filter_lang"],
    )
    links = [
        {"href": request.url, "rel": "self", "type": GEOJSON_MEDIA_TYPE, "title": "This page"},
        _link("ogc.collection", "collection", JSON, "The collection", collectionId=collectionId),
    ]
    if offset + returned < matched:
        links.append(_page_link("next", "Next page", offset + limit))
    if offset > 0:
        links.append(_page_link("prev", "Previous page", max(0, offset - limit)))
    meta = {"numberMatched": matched, "numberReturned": returned,
            "timeStamp": ogc.time_stamp(), "links": links}
    return Response(ogc.splice(features, meta), mimetype=GEOJSON_MEDIA_TYPE)


@blp.route("/collections/<collectionId>/items/<featureId>")
@public
@blp.arguments(FormatArgsSchema, location="query")
@blp.response(200, content_type=GEOJSON_MEDIA_TYPE)
def item(_args, collectionId: str, featureId: str):  # noqa: N803
    """Return one feature by its id: the area code, or the collection point's number."""
    body = ogc.feature(collectionId, featureId)
    links = [
        {"href": request.url, "rel": "self", "type": GEOJSON_MEDIA_TYPE, "title": "This feature"},
        _link("ogc.collection", "collection", JSON, "The collection", collectionId=collectionId),
    ]
    text = body[:-1] + ', "links": ' + current_app.json.dumps(links) + "}"
    return Response(text, mimetype=GEOJSON_MEDIA_TYPE)
