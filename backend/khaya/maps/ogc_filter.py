"""Filtering the OGC collections on their public properties (OGC API - Features Parts 1 and 3).

Two ways to ask for "the villages of this LGO" without downloading all of them:

- ``?lgo_code=lamphun-town``: one query parameter per queryable, equal to the value (Part 1's
  "parameters for filtering on feature properties"); several are ANDed.
- ``?filter=lgo_code = 'lamphun-town' AND participation >= 0.5`` in CQL2 text (or
  ``filter-lang=cql2-json``): comparisons, ``LIKE``, ``IN``, ``BETWEEN``, ``IS NULL``,
  ``AND``/``OR``/``NOT`` and ``S_INTERSECTS`` with a CRS84 geometry (Part 3 with Basic CQL2).

pygeofilter parses the text; this module turns its syntax tree into SQL over the collection's
columns, and only those: the queryables are exactly the properties a feature carries (public
facts), so a filter can never reach a column the collection does not publish.
"""

from __future__ import annotations

import json
import math
from typing import Any

import shapely
import shapely.errors
import shapely.geometry
from pygeofilter import ast, values
from pygeofilter.backends.evaluator import Evaluator, handle
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text
from sqlalchemy import Boolean, Float, Integer, Numeric, and_, func, not_, or_
from sqlalchemy.sql.elements import ColumnElement

from ..common.geo import SRID
from ..errors import DomainError

FILTER_LANGS = ("cql2-text", "cql2-json")
# Every column but these is a property of the feature and so a queryable.
NOT_QUERYABLE = frozenset({"fid", "geom"})
GEOMETRY = "geometry"
MAX_FILTER_LENGTH = 4000


class FilterError(DomainError):
    """A filter or property parameter the collection cannot answer: 400, as OGC API -
    Features answers an invalid query parameter."""

    status = 400
    code = "invalid_parameter"


def json_type(column: Any) -> str | None:
    """Return the JSON Schema type of a column, or None for one that cannot be filtered."""
    kind = column.type
    if isinstance(kind, Boolean):
        return "boolean"
    if isinstance(kind, Integer):
        return "integer"
    if isinstance(kind, Float | Numeric):
        return "number"
    try:
        python = kind.python_type
    except NotImplementedError:
        return None
    return "string" if python is str else None


def queryable_columns(sub: Any) -> dict[str, Any]:
    """Return the filterable columns of a collection's subquery, by property name."""
    return {
        c.key: c for c in sub.c if c.key not in NOT_QUERYABLE and json_type(c) is not None
    }


def convert(name: str, column: Any, raw: str) -> Any:
    """Read a query parameter's text as the property's type, or refuse it."""
    kind = json_type(column)
    if kind == "boolean":
        if raw.lower() in ("true", "false"):
            return raw.lower() == "true"
    elif kind == "integer":
        try:
            return int(raw)
        except ValueError:
            pass
    elif kind == "number":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if math.isfinite(number):
            return number
    else:
        return raw
    raise FilterError(f"{name} takes a {kind}, not {raw!r}.",
                      message_th=f"{name} ต้องเป็นค่าชนิด {kind} ไม่ใช่ {raw!r}")


def property_clauses(columns: dict[str, Any], params: dict[str, list[str]]) -> list[Any]:
    """Return the conditions of ``property=value`` parameters; refuse unknown names."""
    clauses = []
    for name, raws in params.items():
        column = columns.get(name)
        if column is None:
            known = ", ".join(sorted(columns))
            raise FilterError(
                f"Unknown query parameter {name!r}: the queryables of this collection are "
                f"{known}.",
                message_th=f"ไม่รู้จักพารามิเตอร์ {name!r}: คุณสมบัติที่ใช้กรองได้คือ {known}")
        wanted = [convert(name, column, raw) for raw in raws]
        clauses.append(column == wanted[0] if len(wanted) == 1 else column.in_(wanted))
    return clauses


def _like_pattern(node: ast.Like) -> str:
    # CQL2's wildcards, whatever characters the parser reports for them, become SQL's.
    out = []
    escaped = False
    for ch in str(node.pattern):
        if escaped:
            out.append("\\" + ch if ch in "%_\\" else ch)
            escaped = False
        elif ch == node.escapechar:
            escaped = True
        elif ch == node.wildcard:
            out.append("%")
        elif ch == node.singlechar:
            out.append("_")
        elif ch in "%_":
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _kind(value: Any) -> str:
    """The kind of an evaluated operand: a column's JSON type, a literal's, or what else."""
    if isinstance(value, ColumnElement):
        kind = json_type(value)
        return "number" if kind == "integer" else (kind or "geometry")
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number" if math.isfinite(value) else "other"
    return "string" if isinstance(value, str) else "other"


def _mismatch(what: str) -> FilterError:
    return FilterError(f"The filter compares values of different kinds: {what}.",
                       message_th=f"ตัวกรองเปรียบเทียบค่าต่างชนิดกัน: {what}")


def _condition(node: Any) -> None:
    """Refuse a filter (or a part of AND, OR, NOT) that is not a condition, say a bare name."""
    if not isinstance(node, ast.Condition | ast.Predicate):
        raise FilterError("A filter and each side of AND, OR and NOT must be a condition, "
                          "such as lgo_code = 'x'.",
                          message_th="ตัวกรองและแต่ละข้างของ AND OR NOT ต้องเป็นเงื่อนไข "
                          "เช่น lgo_code = 'x'")


class _ToSql(Evaluator):
    """Turn a pygeofilter syntax tree into a SQLAlchemy condition over ``columns``.

    Every operand is checked before SQL is written: a comparison of a number with text, LIKE
    on a number or a spatial test of anything but the geometry is refused as 400 here, never
    left for the database to fail on.
    """

    def __init__(self, columns: dict[str, Any], geometry: Any) -> None:
        self.columns = columns
        self.geometry = geometry

    @handle(ast.Not)
    def negate(self, node, sub):
        _condition(node.sub_node)
        return not_(sub)

    @handle(ast.And, ast.Or)
    def combination(self, node, lhs, rhs):
        _condition(node.lhs)
        _condition(node.rhs)
        return and_(lhs, rhs) if isinstance(node, ast.And) else or_(lhs, rhs)

    @handle(ast.Comparison, subclasses=True)
    def comparison(self, node, lhs, rhs):
        op = {
            ast.ComparisonOp.EQ: "__eq__", ast.ComparisonOp.NE: "__ne__",
            ast.ComparisonOp.LT: "__lt__", ast.ComparisonOp.LE: "__le__",
            ast.ComparisonOp.GT: "__gt__", ast.ComparisonOp.GE: "__ge__",
        }[node.op]
        if not isinstance(lhs, ColumnElement):
            lhs, rhs = rhs, lhs
            op = {"__lt__": "__gt__", "__le__": "__ge__", "__gt__": "__lt__",
                  "__ge__": "__le__"}.get(op, op)
        if not isinstance(lhs, ColumnElement):
            raise FilterError("A comparison needs a property on one side.",
                              message_th="การเปรียบเทียบต้องมีชื่อคุณสมบัติอยู่ด้านหนึ่ง")
        left, right = _kind(lhs), _kind(rhs)
        if left != right or left in ("geometry", "other"):
            raise _mismatch(f"{left} and {right}")
        return getattr(lhs, op)(rhs)

    @handle(ast.Between)
    def between(self, node, lhs, low, high):
        kinds = {_kind(lhs), _kind(low), _kind(high)}
        if not isinstance(lhs, ColumnElement) or len(kinds) != 1 or kinds & {"geometry", "other"}:
            raise _mismatch("BETWEEN needs a property and two bounds of its kind")
        clause = lhs.between(low, high)
        return not_(clause) if node.not_ else clause

    @handle(ast.Like)
    def like(self, node, lhs):
        if _kind(lhs) != "string" or not isinstance(lhs, ColumnElement):
            raise _mismatch("LIKE needs a text property")
        pattern = _like_pattern(node)
        clause = lhs.ilike(pattern, escape="\\") if node.nocase else lhs.like(pattern, escape="\\")
        return not_(clause) if node.not_ else clause

    @handle(ast.In)
    def in_(self, node, lhs, *options):
        kind = _kind(lhs)
        if not isinstance(lhs, ColumnElement) or kind in ("geometry", "other") or any(
                _kind(o) != kind for o in options):
            raise _mismatch("IN needs a property and a list of values of its kind")
        clause = lhs.in_(list(options))
        return not_(clause) if node.not_ else clause

    @handle(ast.IsNull)
    def is_null(self, node, lhs):
        if not isinstance(lhs, ColumnElement):
            raise _mismatch("IS NULL needs a property")
        return lhs.is_not(None) if node.not_ else lhs.is_(None)

    @handle(ast.GeometryIntersects)
    def intersects(self, node, lhs, rhs):
        if lhs is not self.geometry or not isinstance(node.rhs, values.Geometry | values.Envelope):
            raise _mismatch("S_INTERSECTS needs the geometry and a geometry literal")
        return func.ST_Intersects(lhs, rhs)

    @handle(ast.Attribute)
    def attribute(self, node):
        if node.name == GEOMETRY:
            return self.geometry
        column = self.columns.get(node.name)
        if column is None:
            known = ", ".join(sorted([*self.columns, GEOMETRY]))
            raise FilterError(f"{node.name!r} is not a queryable of this collection: {known}.",
                              message_th=f"{node.name!r} ไม่ใช่คุณสมบัติที่ใช้กรองได้: {known}")
        return column

    @handle(values.Geometry)
    def geometry_value(self, node):
        try:
            shape = shapely.geometry.shape(node.geometry)
            usable = shape.is_valid and not shape.is_empty and _in_crs84(shape.bounds)
        except (ValueError, TypeError, AttributeError, shapely.errors.ShapelyError):
            usable = False
        if not usable:
            raise FilterError("The filter's geometry is not a valid CRS84 geometry.",
                              message_th="รูปทรงในตัวกรองไม่ใช่รูปทรง CRS84 ที่ถูกต้อง")
        return func.ST_SetSRID(func.ST_GeomFromGeoJSON(json.dumps(node.geometry)), SRID)

    @handle(values.Envelope)
    def envelope(self, node):
        bounds = (node.x1, node.y1, node.x2, node.y2)
        if not _in_crs84(bounds) or node.x1 > node.x2 or node.y1 > node.y2:
            raise FilterError("The filter's envelope is not a CRS84 box.",
                              message_th="กรอบในตัวกรองไม่ใช่กรอบพิกัด CRS84")
        return func.ST_MakeEnvelope(*bounds, SRID)

    @handle(str, int, float, bool)
    def literal(self, node):
        return node

    def adopt(self, node, *sub_args):
        name = type(node).__name__
        raise FilterError(f"This service's filters do not offer {name}: use comparisons, LIKE, "
                          "IN, BETWEEN, IS NULL, AND/OR/NOT and S_INTERSECTS.",
                          message_th=f"ตัวกรองไม่รองรับ {name}: ใช้การเปรียบเทียบ LIKE IN BETWEEN "
                          "IS NULL AND/OR/NOT และ S_INTERSECTS")


def _in_crs84(bounds: Any) -> bool:
    min_x, min_y, max_x, max_y = (float(v) for v in bounds)
    return all(math.isfinite(v) for v in (min_x, min_y, max_x, max_y)) and (
        -180 <= min_x <= 180 and -180 <= max_x <= 180 and -90 <= min_y <= 90
        and -90 <= max_y <= 90)


def cql_clause(columns: dict[str, Any], geometry: Any, text: str, lang: str) -> Any:
    """Parse a CQL2 filter and return its SQL condition; a filter that does not parse is 400."""
    if len(text) > MAX_FILTER_LENGTH:
        raise FilterError(f"A filter may be at most {MAX_FILTER_LENGTH} characters long.",
                          message_th=f"ตัวกรองยาวได้ไม่เกิน {MAX_FILTER_LENGTH} ตัวอักษร")
    try:
        tree = parse_cql2_json(text) if lang == "cql2-json" else parse_cql2_text(text)
    except Exception as error:  # lark, json and the parsers raise many kinds: all "not CQL2"
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise FilterError(f"The filter is not valid {lang}: {first}",
                          message_th=f"ตัวกรองไม่ใช่ {lang} ที่ถูกต้อง: {first}") from None
    _condition(tree)
    return _ToSql(columns, geometry).evaluate(tree)
