"""Vector tiles of the map layers.

GET /api/v1/tiles                                   public; the layers and their URL templates
GET /api/v1/tiles/{layer}/{z}/{x}/{y}.mvt           public; villages tambons lgos districts
                                                    collection-points
GET /api/v1/tiles/households/{z}/{x}/{y}.mvt        households.read; only the caller's households

Answers ``application/vnd.mapbox-vector-tile`` with an ``ETag`` (data version + content hash);
``If-None-Match`` with it answers 304. A tile with no features is an empty 200 body (a valid
MVT with no layers): every tile of the pyramid exists, so a client caches it like any other.
z/x/y outside the pyramid (z above 22, x or y of 2^z or more) and unknown layers answer 404.

The households layer: anonymous callers get 401, roles without ``households.read`` 403, and a
caller with it gets only the households of their scope (their LGO, a volunteer's villages, a
resident's own household); a tile outside it is empty, not an error. Below
``MAPS_HOUSEHOLDS_MIN_ZOOM`` (12) the layer is empty: at that scale the map shows village
aggregates. A 200 tile is written to the audit log as one "list" event per LGO whose households
it shows (entity ``household_tile``: the tile, how many households, their villages and the
tile's area), from which "who saw household X" is answered; a 304 sends no data and records
nothing.
"""

from __future__ import annotations

from flask import Response, current_app, g, request, url_for

from ..auth import audit
from ..auth.access import public, requires
from ..blueprint import Blueprint
from ..common.replica import prefer_replica
from ..errors import NotFound
from ..extensions import db
from . import tiles
from .schemas import TileIndexSchema

blp = Blueprint(
    "tiles", __name__, url_prefix="/tiles", description="Vector tiles (Mapbox Vector Tile 2.1)"
)
# Reads only: they may come from the read replica (common.replica).
prefer_replica(blp)
HOUSEHOLDS = "households"


def _tile_response(tile: tiles.Tile, *, private: bool) -> Response:
    if private:
        # Exact household points are personal data: never stored, by a proxy or the browser.
        # The ETag still spares a client that keeps its own copy the bytes (304).
        cache_control = "private, no-store"
    else:
        cache_control = f"public, max-age={current_app.config.get('MAPS_TILE_MAX_AGE', 300)}"
    headers = {"Cache-Control": cache_control}
    if private:
        headers["Vary"] = "Authorization"
    if request.if_none_match.contains_weak(tile.etag):
        response = Response(status=304, headers=headers)
    else:
        response = Response(tile.data, mimetype=tiles.MVT_MEDIA_TYPE, headers=headers)
    response.set_etag(tile.etag)
    return response


def _check_tile(z: int, x: int, y: int) -> None:
    if not tiles.valid_tile(z, x, y):
        raise NotFound(f"There is no tile {z}/{x}/{y}: z runs 0-22 and x, y below 2^z.",
                       message_th=f"ไม่มีไทล์ {z}/{x}/{y}: z อยู่ระหว่าง 0-22 และ x, y น้อยกว่า 2^z")


@blp.route("")
@public
@blp.response(200, TileIndexSchema)
def tile_index():
    """List the tile layers, their URL templates, zoom range and who may read them."""
    min_households = current_app.config.get("MAPS_HOUSEHOLDS_MIN_ZOOM", 12)
    layers = []
    for layer in tiles.LAYERS:
        template = url_for("tiles.public_tile", layer=layer, z=0, x=0, y=0, _external=True)
        template = template.replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
        private = layer == HOUSEHOLDS
        layers.append({
            "id": layer,
            "tiles": [template],
            "minzoom": min_households if private else 0,
            "maxzoom": tiles.MAX_ZOOM,
            "public": not private,
            "permission": "households.read" if private else None,
        })
    return {"layers": layers}


@blp.route(f"/{HOUSEHOLDS}/<int:z>/<int:x>/<int:y>.mvt")
# shared: a tile is a piece of the map, not an object of one LGO; its content is scoped.
@requires("households.read", shared=True)
@blp.response(200, content_type=tiles.MVT_MEDIA_TYPE)
@blp.alt_response(304, description="Not modified (If-None-Match matched the ETag)")
def households_tile(z: int, x: int, y: int):
    """Return the caller's households in a tile: id, flags and point; no names or phones."""
    _check_tile(z, x, y)
    tile, _rendered = tiles.get_tile(HOUSEHOLDS, z, x, y, scope=g.khaya_scope)
    response = _tile_response(tile, private=True)
    if response.status_code == 200 and tile.shown:
        audit.record_tile(
            f"{z}/{x}/{y}", tiles.envelope_4326(z, x, y),
            [(s.lgo_id, s.households, s.village_ids) for s in tile.shown],
        )
        db.session.commit()
    return response


@blp.route("/<layer>/<int:z>/<int:x>/<int:y>.mvt")
@public
@blp.response(200, content_type=tiles.MVT_MEDIA_TYPE)
@blp.alt_response(304, description="Not modified (If-None-Match matched the ETag)")
def public_tile(layer: str, z: int, x: int, y: int):
    """Return a tile of a public layer: areas with indicators, or collection points."""
    if layer not in tiles.PUBLIC_LAYERS:
        raise NotFound(f"There is no public tile layer {layer!r}.",
                       message_th=f"ไม่มีชั้นข้อมูลไทล์สาธารณะ {layer!r}")
    _check_tile(z, x, y)
    tile, _rendered = tiles.get_tile(layer, z, x, y)
    return _tile_response(tile, private=False)
