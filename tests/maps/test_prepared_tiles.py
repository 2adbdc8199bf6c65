"""Public tiles run as server-side prepared statements: the same bytes as the SQLAlchemy
statement they come from, prepared once per connection, and each geometry clipped once."""

from __future__ import annotations

import mapbox_vector_tile
from psycopg2.extras import Json
from sqlalchemy import text

from khaya.common.prepared import execute_prepared, prepared_sql, statement_name
from khaya.extensions import db
from khaya.maps import layers, tiles
from khaya.maps.cache import read_version
from tests.maps._support import TOWN_VILLAGE, tile_of

INDICATORS = {TOWN_VILLAGE: {"participation": 0.5, "participation_numerator": 5.0,
                             "participation_denominator": 10.0, "participation_small": False}}


def _prepared_names() -> set[str]:
    return set(db.session.execute(text("select name from pg_prepared_statements")).scalars())


def test_a_prepared_tile_is_the_statement_it_was_made_from(db_session, village_point):
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 12)
    for layer in ("villages", "lgos", "collection-points"):
        with_values = layer == "villages"
        params: dict = {"z": z, "x": x, "y": y}
        args: list = [z, x, y]
        if with_values:
            params["indicator_rows"] = layers.indicator_payload(INDICATORS)
            args.append(Json(layers.indicator_payload(INDICATORS)))
        plain, plain_version = db.session.execute(
            tiles._public_statement(layer, with_values), params).one()
        data, version = execute_prepared(tiles._public_sql(layer, with_values), args)
        assert bytes(data or b"") == bytes(plain or b""), layer
        assert version == plain_version == read_version(tiles.SOURCES[layer])
    villages = execute_prepared(tiles._public_sql("villages", True),
                                [z, x, y, Json(layers.indicator_payload(INDICATORS))])[0]
    town = [f for f in mapbox_vector_tile.decode(bytes(villages))["villages"]["features"]
            if f["properties"]["code"] == TOWN_VILLAGE]
    assert town
    assert town[0]["properties"]["participation_numerator"] == 5.0


def test_a_connection_prepares_a_tile_statement_once(db_session, village_point):
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 12)
    sql = tiles._public_sql("lgos", False)
    name = statement_name(sql)
    before = _prepared_names()
    execute_prepared(sql, [z, x, y])
    after_one = _prepared_names()
    assert name in after_one
    execute_prepared(sql, [z, x + 1, y])
    # A second PREPARE of the same name would have raised; the set is unchanged.
    assert _prepared_names() == after_one
    assert after_one - before <= {name}


def test_placeholders_are_numbered_and_constants_written_in():
    sql = prepared_sql(tiles._public_statement("villages", True),
                       (("z", "integer"), ("x", "integer"), ("y", "integer"),
                        ("indicator_rows", "jsonb")))
    assert "ST_TileEnvelope($1::integer, $2::integer, $3::integer)" in sql
    assert "jsonb_to_recordset($4::jsonb)" in sql
    assert "%(" not in sql
    assert "POSTCOMPILE" not in sql
    assert "'villages'" in sql


def test_each_geometry_is_clipped_once(db_session, village_point):
    # A filter on the clipped geometry would have PostgreSQL clip every polygon twice; ST_AsMVT
    # leaves out the NULL ones by itself.
    z, x, y = tile_of(*village_point(TOWN_VILLAGE), 12)
    sql = tiles._public_sql("villages", False)
    literal = (sql.replace("$1::integer", str(z)).replace("$2::integer", str(x))
               .replace("$3::integer", str(y)))
    plan = "\n".join(db.session.execute(text("EXPLAIN (VERBOSE) " + literal)).scalars())
    filters = [line for line in plan.splitlines() if "Filter:" in line]
    assert not [line for line in filters if "st_asmvtgeom" in line.lower()], plan
    assert plan.lower().count("st_asmvtgeom(") == 1, plan
