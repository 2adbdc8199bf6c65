"""The hazardous-waste chain: drop-off collections and hand-overs to the PAO, and totals.

Hazardous collections and hand-overs belong to the LGO that made them: LGO roles reach their own
LGO, admins every LGO.

Totals rule: totals are aggregates, not personal data. LGO roles get their own LGO's totals; a
province officer (whose scope names provinces, not LGOs) gets those of every LGO of their
provinces; an admin those of every LGO.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from functools import reduce
from operator import add
from typing import Any

from flask import has_request_context
from sqlalchemy import Row, Select, func, or_, select, true, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from ..areas.models import Lgo, LgoType
from ..auth.access import current_principal
from ..auth.scoping import current_scope, scope_clause, unscoped
from ..common.batch import insert_new
from ..common.pagination import paginate
from ..common.time import local_today
from ..extensions import db
from .errors import (
    ClientIdTaken,
    DateInFuture,
    HandoverExceedsCollected,
    InvalidHazardousRecord,
    LgoNotFound,
    NotADropoffPoint,
    NotAHandoverPoint,
    ReceiptTaken,
    UnknownPoint,
)
from .models import (
    HAZARD_TYPES,
    CollectionPoint,
    HazardousCollection,
    HazardousHandover,
    PointKind,
)
from .services import lgo_to_act_for

KG_COLUMNS = tuple(f"kg_{t}" for t in HAZARD_TYPES)


# Hazardous-waste chain ----------------------------------------------------------------------

# Per record model: the point column, the day column and the name of the point in responses.
_CHAIN: dict[Any, tuple[Any, Any, str]] = {
    HazardousCollection: (
        HazardousCollection.point_id, HazardousCollection.collected_on, "point_name_th"
    ),
    HazardousHandover: (
        HazardousHandover.to_point_id, HazardousHandover.handed_over_on, "to_point_name_th"
    ),
}


def _caller_records(model: Any) -> ColumnElement[bool]:
    scope = current_scope()
    return true() if scope is None or scope.everything else scope_clause(model, scope)


def _records(model: Any) -> Select:
    """Return the caller's records of ``model`` with their LGO code and point name.

    Run it unscoped: it joins the public points (a hand-over point is the PAO's, outside an
    LGO's scope), and ``_caller_records`` keeps the records themselves in scope.
    """
    point_id, day, point_name = _CHAIN[model]
    receipt = (model.receipt_number,) if model is HazardousHandover else ()
    kg = tuple(getattr(model, c) for c in KG_COLUMNS)
    return (
        select(model.id, model.client_id, Lgo.code.label("lgo_code"), point_id,
               CollectionPoint.name_th.label(point_name), day, *receipt, model.notes,
               model.created_at, *kg, reduce(add, kg).label("kg_total"))
        .join(CollectionPoint, CollectionPoint.id == point_id)
        .join(Lgo, Lgo.id == model.lgo_id)
        .where(_caller_records(model))
    )


def list_records(
    model: Any, *, page: int, per_page: int, from_: dt.date | None = None,
    to: dt.date | None = None, lgo: str | None = None, point: int | None = None,
) -> dict[str, Any]:
    """Return one page of the caller's collections or hand-overs, latest first."""
    point_id, day, _ = _CHAIN[model]
    stmt = _records(model)
    if from_:
        stmt = stmt.where(day >= from_)
    if to:
        stmt = stmt.where(day <= to)
    if lgo:
        stmt = stmt.where(Lgo.code == lgo)
    if point:
        stmt = stmt.where(point_id == point)
    stmt = stmt.order_by(day.desc(), model.id.desc())
    return paginate(stmt.execution_options(**unscoped()), page=page, per_page=per_page,
                    rows=True)


def _replayed(model: Any, client_id: uuid.UUID) -> int | None:
    """Return the id of the record a retry already stored, or ``None``.

    Unscoped so that another LGO's record with this client_id is refused rather than
    duplicated; the caller learns nothing about it.
    """
    found = db.session.execute(
        select(model.id, model.lgo_id).where(model.client_id == client_id),
        execution_options=unscoped(),
    ).first()
    if found is None:
        return None
    scope = current_scope()
    if scope is not None and not scope.covers_lgo(found.lgo_id):
        raise ClientIdTaken(errors={"client_id": ["Already used."]})
    return found.id


def _fetch(model: Any, record_id: int | None) -> Row:
    return db.session.execute(
        _records(model).where(model.id == record_id), execution_options=unscoped()
    ).one()


def _insert(model: Any, row: dict[str, Any]) -> tuple[Row, bool]:
    """Insert ``row`` unless its client_id is stored; return the record and whether it is new."""
    row["recorded_by_id"] = current_principal().user_id if has_request_context() else None
    created = insert_new(model, [row])
    # Empty when a retry racing this one stored the record first.
    record_id = created.get(row["client_id"]) or _replayed(model, row["client_id"])
    return _fetch(model, record_id), bool(created)


def _not_future(day: dt.date, field: str) -> None:
    today = local_today()
    if day > today:
        raise DateInFuture(errors={field: [f"Cannot be after {today.isoformat()} (Thai date)."]})


def record_collection(data: dict[str, Any]) -> tuple[Row, bool]:
    """Record a drop-off collection; a retry with the same client_id returns the original."""
    client_id = data.pop("client_id", None) or uuid.uuid4()
    if (stored := _replayed(HazardousCollection, client_id)) is not None:
        return _fetch(HazardousCollection, stored), False
    # Scoped: only the caller's own LGO's points.
    point = db.session.execute(
        select(CollectionPoint).where(CollectionPoint.id == data["point_id"])
    ).scalar_one_or_none()
    if point is None:
        raise UnknownPoint(errors={"point_id": [f"No point {data['point_id']} in your LGO."]})
    if point.kind is not PointKind.hazardous_dropoff:
        raise NotADropoffPoint(errors={"point_id": [f"A {point.kind.value} point."]})
    _not_future(data["collected_on"], "collected_on")
    return _insert(HazardousCollection, {**data, "client_id": client_id, "lgo_id": point.lgo_id})


def available_kg(lgo_id: int, day: dt.date) -> dict[str, Decimal]:
    """Return, per item type, what the LGO may still hand over on ``day``.

    That is the least pending (collected minus handed over, cumulative) on ``day`` and on every
    later day with records, so a late-entered hand-over cannot overdraw a later one.
    """
    parts = []
    for model, sign in ((HazardousCollection, 1), (HazardousHandover, -1)):
        kg = ((sign * getattr(model, c)).label(c) for c in KG_COLUMNS)
        parts.append(select(_CHAIN[model][1].label("day"), *kg).where(model.lgo_id == lgo_id))
    events = union_all(*parts).subquery()
    by_day = db.session.execute(
        select(events.c.day, *(func.sum(events.c[c]).label(c) for c in KG_COLUMNS))
        .group_by(events.c.day)
        .order_by(events.c.day)
    ).all()
    running = dict.fromkeys(HAZARD_TYPES, Decimal(0))
    least: dict[str, Decimal] | None = None
    for row in by_day:
        if row.day > day and least is None:
            least = dict(running)
        running = {t: running[t] + getattr(row, f"kg_{t}") for t in HAZARD_TYPES}
        if least is not None:
            least = {t: min(least[t], running[t]) for t in HAZARD_TYPES}
    return running if least is None else least


def record_handover(data: dict[str, Any]) -> tuple[Row, bool]:
    """Record a hand-over to a PAO point; a retry with the same client_id returns the original."""
    client_id = data.pop("client_id", None) or uuid.uuid4()
    if (stored := _replayed(HazardousHandover, client_id)) is not None:
        return _fetch(HazardousHandover, stored), False
    lgo = lgo_to_act_for(data.pop("lgo_code", None), InvalidHazardousRecord)
    if lgo.type is LgoType.PAO:
        raise InvalidHazardousRecord(errors={"lgo_code": ["The PAO receives hand-overs."]})
    to_point = db.session.execute(
        select(CollectionPoint).where(CollectionPoint.id == data["to_point_id"]),
        # The PAO's point lies outside an LGO's scope; points are public.
        execution_options=unscoped(),
    ).scalar_one_or_none()
    if to_point is None:
        raise UnknownPoint(errors={"to_point_id": [f"No point {data['to_point_id']}."]})
    if to_point.kind is not PointKind.pao_handover:
        raise NotAHandoverPoint(errors={"to_point_id": [f"A {to_point.kind.value} point."]})
    _not_future(data["handed_over_on"], "handed_over_on")
    receipt = data["receipt_number"]
    # Receipt numbers are unique across LGOs; unscoped, and only the clash itself is told.
    if db.session.execute(
        select(HazardousHandover.id).where(HazardousHandover.receipt_number == receipt),
        execution_options=unscoped(),
    ).first():
        raise ReceiptTaken(errors={"receipt_number": [f"{receipt} is already recorded."]})
    # One LGO's hand-overs take turns, so two clerks cannot both spend the same pending kg.
    db.session.execute(select(Lgo.id).where(Lgo.id == lgo.id).with_for_update())
    available = available_kg(lgo.id, data["handed_over_on"])
    if over := {
        f"kg_{t}": [f"Only {available[t]} kg of {t.replace('_', ' ')} collected and not yet "
                    f"handed over by {data['handed_over_on'].isoformat()}."]
        for t in HAZARD_TYPES if data[f"kg_{t}"] > available[t]
    }:
        raise HandoverExceedsCollected(
            errors=over, extra={"available": {t: float(kg) for t, kg in available.items()}}
        )
    try:
        with db.session.begin_nested():
            return _insert(HazardousHandover, {**data, "client_id": client_id, "lgo_id": lgo.id})
    except IntegrityError as error:
        if "receipt_number" not in str(error.orig):
            raise
        raise ReceiptTaken(errors={"receipt_number": [f"{receipt} came in meanwhile."]}) from None


def _reach(lgo_id: Any) -> ColumnElement[bool]:
    """Return which LGOs' totals the caller may see (the totals rule in the module docstring)."""
    scope = current_scope()
    if scope is None or scope.everything:
        return true()
    provinces = select(Lgo.id).where(Lgo.province_id.in_(sorted(scope.province_ids)))
    return or_(lgo_id.in_(sorted(scope.lgo_ids)), lgo_id.in_(provinces))


def _by_type(values: dict[str, Decimal]) -> dict[str, Decimal]:
    return {**values, "total": sum(values.values(), Decimal(0))}


def hazard_totals(
    *, from_: dt.date | None = None, to: dt.date | None = None, lgo: str | None = None
) -> dict[str, Any]:
    """Return kg collected and handed over in the period, and pending up to ``to``, per LGO.

    The period defaults to the fiscal year (from 1 October) up to today. Listed: the LGO asked
    for, or every LGO within reach with any record up to ``to``.
    """
    end = to or local_today()
    start = from_ or dt.date(end.year if end.month >= 10 else end.year - 1, 10, 1)
    where = [_reach(Lgo.id), *([Lgo.code == lgo] if lgo else [])]
    if lgo and db.session.execute(select(Lgo.id).where(*where)).first() is None:
        raise LgoNotFound(errors={"lgo": [f"No LGO {lgo!r} within your reach."]})
    # {lgo_id: {"collected"|"handed_over": {type: kg in period}, "pending": {type: kg}}}
    sums: dict[int, dict[str, dict[str, Decimal]]] = {}
    for key, model, sign in (("collected", HazardousCollection, 1),
                             ("handed_over", HazardousHandover, -1)):
        day = _CHAIN[model][1]
        stmt = (
            select(model.lgo_id,
                   *(func.sum(getattr(model, c)).filter(day >= start).label(f"in_{c}")
                     for c in KG_COLUMNS),
                   *(func.sum(getattr(model, c)).label(f"upto_{c}") for c in KG_COLUMNS))
            .join(Lgo, Lgo.id == model.lgo_id)
            .where(day <= end, *where)
            .group_by(model.lgo_id)
        )
        # A province officer's scope names no LGO, so the hook would hide every row; _reach
        # applies the totals rule instead.
        for row in db.session.execute(stmt, execution_options=unscoped()):
            mine = sums.setdefault(row.lgo_id, {
                k: dict.fromkeys(HAZARD_TYPES, Decimal(0))
                for k in ("collected", "handed_over", "pending")
            })
            for t in HAZARD_TYPES:
                mine[key][t] = getattr(row, f"in_kg_{t}") or Decimal(0)
                mine["pending"][t] += sign * getattr(row, f"upto_kg_{t}")
    zero = {k: dict.fromkeys(HAZARD_TYPES, Decimal(0))
            for k in ("collected", "handed_over", "pending")}
    total = {k: dict(v) for k, v in zero.items()}
    rows = []
    for each in db.session.execute(
        select(Lgo).where(*where, Lgo.code == lgo if lgo else Lgo.id.in_(list(sums)))
        .order_by(Lgo.code)
    ).scalars():
        figures = sums.get(each.id, zero)
        for key, values in figures.items():
            total[key] = {t: total[key][t] + values[t] for t in HAZARD_TYPES}
        rows.append({"lgo_code": each.code, "lgo_name_th": each.name_th,
                     "lgo_name_en": each.name_en,
                     **{k: _by_type(v) for k, v in figures.items()}})
    return {"from_": start, "to": end, "lgos": rows,
            "total": {k: _by_type(v) for k, v in total.items()}}
