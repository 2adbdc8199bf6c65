"""The public map layers as SQL selects, shared by the vector tiles and OGC API - Features.

Each select has an integer ``fid``, the layer's properties and its geometry column; callers
add the spatial filter and the geometry encoding. Only public facts: area names and codes,
aggregate indicators, collection points without their contact (it may be a person's phone),
open citizen reports without anything about who made them or what they wrote (a description
may name a neighbour): their type, status, dates and place.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Float, String, Text, bindparam, cast, column, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnClause

from ..areas.models import BoundarySource, District, Lgo, Tambon, Village
from ..collection.models import CollectionPoint
from ..common.time import local_zone
from ..reports.models import Report, ReportStatus
from . import indicators

AREA_LEVELS: dict[str, Any] = {
    "villages": Village,
    "tambons": Tambon,
    "districts": District,
    "lgos": Lgo,
}
POINTS = "collection-points"
REPORTS = "reports"
# Layers of points, known by their id (areas are known by their code).
POINT_LAYERS = (POINTS, REPORTS)


def indicator_payload(values: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Return indicator values as the rows ``indicator_table`` reads (its bound parameter)."""
    return [{"code": code, **props} for code, props in values.items()]


def indicator_table(values: dict[str, dict[str, Any]] | None):
    """Return the indicator values as a table ``ind`` (code + flat properties), in SQL.

    ``values=None`` leaves the parameter ``indicator_rows`` to be bound when the statement runs
    (``indicator_payload``), so the statement can be built once and reused.
    """
    columns: list[ColumnClause[Any]] = [column("code", String)]
    for name in indicators.MAP_INDICATORS:
        columns += [
            column(name, Float),
            column(f"{name}_numerator", Float),
            column(f"{name}_denominator", Float),
            column(f"{name}_small", Boolean),
        ]
    rows = (
        bindparam("indicator_rows", type_=JSONB) if values is None
        else bindparam("indicator_rows", indicator_payload(values), type_=JSONB)
    )
    return (
        func.jsonb_to_recordset(rows)
        .table_valued(*columns)
        .render_derived(name="ind", with_types=True)
    )


def area_select(
    level: str, values: dict[str, dict[str, Any]] | None = None, *, bound_indicators: bool = False
) -> Select:
    """Return the areas of ``level`` with their properties, indicators and ``geom``.

    ``bound_indicators``: join the indicator table with its rows left to bind at execution.
    """
    model = AREA_LEVELS[level]
    columns: list[Any] = [
        model.id.label("fid"),
        model.code.label("code"),
        model.name_th.label("name_th"),
        model.name_en.label("name_en"),
        (model.boundary_source == BoundarySource.approximate).label("boundary_approximate"),
    ]
    stmt = select()
    if level == "villages":
        columns += [
            Village.moo.label("moo"),
            cast(Village.kind, Text).label("kind"),
            Tambon.code.label("tambon_code"),
            Lgo.code.label("lgo_code"),
        ]
        stmt = stmt.join_from(Village, Tambon, Tambon.id == Village.tambon_id).join(
            Lgo, Lgo.id == Village.lgo_id
        )
    elif level == "tambons":
        columns += [District.code.label("district_code"), Tambon.postcode.label("postcode")]
        stmt = stmt.join_from(Tambon, District, District.id == Tambon.district_id)
    elif level == "lgos":
        columns += [cast(Lgo.type, Text).label("type"), District.code.label("district_code")]
        stmt = stmt.join_from(Lgo, District, District.id == Lgo.district_id)
    else:
        stmt = stmt.select_from(District)
    if values or bound_indicators:
        table = indicator_table(None if bound_indicators else values)
        stmt = stmt.outerjoin(table, table.c.code == model.code)
        columns += [c for c in table.c if c.key != "code"]
    return stmt.add_columns(*columns, model.geom.label("geom")).where(model.geom.is_not(None))


def points_select(*, streams_as_text: bool = False) -> Select:
    """Return the collection points with their public properties and ``geom``."""
    cp = CollectionPoint
    streams = func.array_to_string(cp.streams, ",") if streams_as_text else cp.streams
    return select(
        cp.id.label("fid"),
        cast(cp.kind, Text).label("kind"),
        cp.name_th.label("name_th"),
        cp.name_en.label("name_en"),
        cast(cp.status, Text).label("status"),
        streams.label("streams"),
        Lgo.code.label("lgo_code"),
        Village.code.label("village_code"),
        cp.point.label("geom"),
    ).join(Lgo, Lgo.id == cp.lgo_id).outerjoin(Village, Village.id == cp.village_id)


def reports_select() -> Select:
    """Return the open citizen reports (not closed, not merged) with their public properties."""
    r = Report
    zone = local_zone().key

    def day(moment: Any) -> Any:
        return func.to_char(func.timezone(zone, moment), "YYYY-MM-DD")

    return select(
        r.id.label("fid"),
        cast(r.type, Text).label("type"),
        cast(r.status, Text).label("status"),
        day(r.reported_at).label("reported_on"),
        day(r.updated_at).label("updated_on"),
        Lgo.code.label("lgo_code"),
        Village.code.label("village_code"),
        r.point.label("geom"),
    ).join(Lgo, Lgo.id == r.lgo_id).join(Village, Village.id == r.village_id).where(
        r.status != ReportStatus.closed, r.duplicate_of_id.is_(None))


def point_select(layer: str, *, streams_as_text: bool = False) -> Select:
    """Return the select of a layer of points."""
    if layer == REPORTS:
        return reports_select()
    return points_select(streams_as_text=streams_as_text)


def geometry_column(level: str) -> Any:
    """Return the stored geometry column of a layer (for index-friendly filters)."""
    if level == POINTS:
        return CollectionPoint.point
    if level == REPORTS:
        return Report.point
    return AREA_LEVELS[level].geom
