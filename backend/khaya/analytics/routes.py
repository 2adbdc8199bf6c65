"""Indicators for dashboards: tables, league tables, time series and choropleth maps.

    GET /api/v1/analytics/indicators    level + areas|parent + period|from,to + indicators
    GET /api/v1/analytics/indicators.csv  the same + lang=th|en; .xlsx likewise
    GET /api/v1/analytics/league        level + parent + indicator + period|from,to
    GET /api/v1/analytics/league.csv    the same + lang=th|en; .xlsx likewise
    GET /api/v1/analytics/summary.pdf   level + parent + indicator + period; one A4 page
    GET /api/v1/analytics/series        level + area + indicators + granularity + from,to
    GET /api/v1/analytics/series.csv    the same + lang=th|en; .xlsx likewise
    GET /api/v1/analytics/choropleth    level + parent + indicator + period; GeoJSON
    GET /api/v1/analytics/definitions   what each indicator counts
    GET /api/v1/analytics/freshness     up to when the figures count every accepted row

Aggregates only: LGO roles reach their own LGO and the areas inside it, provincial officers
and admins any area of their province; an area out of reach answers 404.
"""

from __future__ import annotations

from flask import Response

from ..auth.access import requires
from ..auth.scoping import current_scope
from ..blueprint import Blueprint
from ..common import writers
from ..common.files import attachment
from ..common.geo import GEOJSON_MEDIA_TYPE
from ..common.replica import prefer_replica
from . import changes, files, services, summary
from .schemas import (
    ChoroplethArgsSchema,
    DefinitionsSchema,
    FreshnessSchema,
    IndicatorArgsSchema,
    IndicatorFileArgsSchema,
    IndicatorTableSchema,
    LeagueArgsSchema,
    LeagueFileArgsSchema,
    LeagueSchema,
    SeriesArgsSchema,
    SeriesFileArgsSchema,
    SeriesSchema,
    SummaryArgsSchema,
)

blp = Blueprint("analytics", __name__, url_prefix="/analytics",
                description="Indicators by area and period: tables, league tables, maps")
# Reads only: they may come from the read replica (common.replica).
prefer_replica(blp)


@blp.route("/indicators")
@requires("analytics.read")
@blp.arguments(IndicatorArgsSchema, location="query")
@blp.response(200, IndicatorTableSchema)
def indicators(args):
    """Return indicators with numerators and denominators for areas over a period."""
    return _indicators(args)


def _indicators(args: dict) -> dict:
    period = services.period_of(args.get("period"), args.get("from_"), args.get("to"))
    return services.indicator_table(
        args["level"], areas=args.get("areas"), parent=args.get("parent"), period=period,
        indicators=args.get("indicators"), scope=current_scope())


def _indicators_file(args: dict, fmt: str) -> Response:
    answer = _indicators(args)
    table = files.indicator_table(answer, args["lang"], args.get("parent"))
    areas = args.get("areas") or []
    name = files.filename("indicators", fmt, answer["level"],
                               args.get("parent") or (areas[0] if len(areas) == 1 else "areas"),
                               answer["period"]["label"], args["lang"])
    return attachment(writers.render_table(table, fmt), name, writers.MEDIA_TYPES[fmt])


blp.file_routes("/indicators", IndicatorFileArgsSchema, requires("analytics.read"),
                _indicators_file, media_types=writers.MEDIA_TYPES, docs={
                    "csv": "Return the indicator table as CSV: one row per area, four columns "
                           "per indicator.",
                    "xlsx": "Return the indicator table as XLSX: one row per area, four columns "
                            "per indicator.",
                })


@blp.route("/league")
@requires("analytics.read")
@blp.arguments(LeagueArgsSchema, location="query")
@blp.response(200, LeagueSchema)
def league(args):
    """Rank the areas of a parent by one indicator, with the change since the last period."""
    return _league(args)


def _league(args: dict) -> dict:
    period = services.period_of(args.get("period"), args.get("from_"), args.get("to"))
    return services.league(args["level"], parent=args.get("parent"),
                           indicator=args["indicator"], period=period, scope=current_scope())


def _league_file(args: dict, fmt: str) -> Response:
    answer = _league(args)
    data = writers.render_table(files.league_table(answer, args["lang"]), fmt)
    name = files.filename("league", fmt, answer["indicator"], answer["level"],
                               answer["parent"], answer["period"]["label"], args["lang"])
    return attachment(data, name, writers.MEDIA_TYPES[fmt])


blp.file_routes("/league", LeagueFileArgsSchema, requires("analytics.read"), _league_file,
                media_types=writers.MEDIA_TYPES, docs={
                    "csv": "Return the league table as CSV (UTF-8 with BOM; title lines and "
                           "header in ``lang``).",
                    "xlsx": "Return the league table as XLSX (ratios shown as percentages, "
                            "stored as ratios).",
                })


@blp.route("/summary.pdf")
@requires("analytics.read")
@blp.arguments(SummaryArgsSchema, location="query")
@blp.response(200, content_type="application/pdf")
def summary_pdf(args):
    """Return a one-page A4 summary in Thai: headline figures and the league table."""
    period = (services.period_of(args.get("period"), args.get("from_"), args.get("to"))
              if {"period", "from_", "to"} & set(args) else None)
    data = services.summary(level=args.get("level"), parent=args.get("parent"), period=period,
                            indicator=args["indicator"], scope=current_scope())
    league_ = data["league"]
    name = files.filename("summary", "pdf", data["parent"]["code"], league_["level"],
                               league_["indicator"], league_["period"]["label"])
    return attachment(summary.render(data), name, "application/pdf")


@blp.route("/series")
@requires("analytics.read")
@blp.arguments(SeriesArgsSchema, location="query")
@blp.response(200, SeriesSchema)
def series(args):
    """Return one area's indicators day by day, month by month or year by year."""
    return _series(args)


def _series(args: dict) -> dict:
    return services.series(args["level"], args["area"], indicators=args.get("indicators"),
                           granularity=args["granularity"], start=args["from_"],
                           end=args["to"], scope=current_scope())


def _series_file(args: dict, fmt: str) -> Response:
    answer = _series(args)
    threshold = services.definitions()["small_denominator_threshold"]
    table = files.series_table(answer, args["lang"], threshold)
    name = files.filename("series", fmt, answer["level"], answer["code"],
                               answer["granularity"],
                               f"{args['from_']:%Y-%m-%d}_{args['to']:%Y-%m-%d}", args["lang"])
    return attachment(writers.render_table(table, fmt), name, writers.MEDIA_TYPES[fmt])


blp.file_routes("/series", SeriesFileArgsSchema, requires("analytics.read"), _series_file,
                media_types=writers.MEDIA_TYPES, docs={
                    "csv": "Return one area's series as CSV: one row per period.",
                    "xlsx": "Return one area's series as XLSX: one row per period.",
                })


@blp.route("/choropleth")
@requires("analytics.read")
@blp.arguments(ChoroplethArgsSchema, location="query")
@blp.response(200, content_type=GEOJSON_MEDIA_TYPE)
def choropleth(args):
    """Return the areas as GeoJSON with the indicator, numerator, denominator and class."""
    period = services.period_of(args.get("period"), args.get("from_"), args.get("to"))
    body = services.choropleth(
        args["level"], parent=args.get("parent"), indicator=args["indicator"], period=period,
        classes_=args["classes"], method=args["method"], tolerance=args.get("tolerance"),
        scope=current_scope())
    return Response(body, mimetype=GEOJSON_MEDIA_TYPE)


@blp.route("/definitions")
@requires("analytics.read")
@blp.response(200, DefinitionsSchema)
def definitions():
    """Return what each indicator counts, the small-denominator threshold and carbon factors."""
    return services.definitions()


@blp.route("/freshness")
@requires("analytics.read")
@blp.response(200, FreshnessSchema)
def freshness():
    """Say how current the figures are: ``as_of`` is the time up to which every accepted row
    is counted (now, unless changes still wait for a worker: then the oldest one's time)."""
    return changes.freshness()
