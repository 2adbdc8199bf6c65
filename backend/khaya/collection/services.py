"""Collection points: queries and rules (the hazardous-waste chain is in ``hazardous``).

Collection points are public information: reads see past the caller's scope on purpose, while
a change goes through it, so another LGO's point answers 404.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from ..areas.models import Lgo, LgoType, Village
from ..auth.scoping import current_scope, unscoped
from ..common.geo import SRID, envelope, feature_collection
from ..common.pagination import paginate
from ..errors import DomainError
from ..extensions import db
from .errors import (
    InvalidPoint,
    LgoNotYours,
    PointNotFound,
    PointOutsideLgo,
)
from .models import (
    CollectionPoint,
    PointKind,
    PointStatus,
)

MAX_DISTANCE_FROM_LGO_M = 5_000
HAZARDOUS_KINDS = frozenset({PointKind.hazardous_dropoff, PointKind.pao_handover})
# Fewest metres in one degree, along a meridian at the equator; see _fewest_metres.
_METRES_PER_DEGREE_MIN = 110_574


def lgo_to_act_for(code: str | None, error: type[DomainError]) -> Lgo:
    """Return the LGO named by ``code``, or the caller's only LGO; it must be theirs."""
    scope = current_scope()
    if code:
        lgo = db.session.execute(select(Lgo).where(Lgo.code == code)).scalar_one_or_none()
        if lgo is None:
            raise error(errors={"lgo_code": [f"No LGO has the code {code!r}."]})
        if scope is not None and not scope.covers_lgo(lgo.id):
            raise LgoNotYours(errors={"lgo_code": ["Not an LGO of yours."]})
        return lgo
    if scope is not None and len(scope.lgo_ids) == 1:
        return db.session.get_one(Lgo, next(iter(scope.lgo_ids)))
    raise error(errors={"lgo_code": ["Name the LGO."]})


# Collection points --------------------------------------------------------------------------


def get_point(point_id: int, *, for_change: bool = False) -> CollectionPoint:
    """Return a point. Reading sees past scope (points are public); changing does not."""
    if not 0 < point_id < 2**31:
        raise PointNotFound()  # not an id the integer column could hold
    point = db.session.execute(
        select(CollectionPoint).where(CollectionPoint.id == point_id),
        execution_options={} if for_change else unscoped(),
    ).scalar_one_or_none()
    if point is None:
        raise PointNotFound()
    return point


def _conditions(
    *,
    kind: PointKind | None = None,
    stream: str | None = None,
    status: PointStatus | None = None,
    lgo: str | None = None,
    village: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    q: str | None = None,
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if kind:
        where.append(CollectionPoint.kind == kind)
    if stream:
        where.append(CollectionPoint.streams.any_() == stream)
    if status:
        where.append(CollectionPoint.status == status)
    if lgo:
        where.append(
            CollectionPoint.lgo_id == select(Lgo.id).where(Lgo.code == lgo).scalar_subquery()
        )
    if village:
        where.append(
            CollectionPoint.village_id
            == select(Village.id).where(Village.code == village).scalar_subquery()
        )
    if bbox:
        where.append(CollectionPoint.point.intersects(envelope(bbox)))
    if q:
        pattern = f"%{q}%"
        where.append(or_(CollectionPoint.name_th.ilike(pattern),
                         CollectionPoint.name_en.ilike(pattern)))
    return where


def list_points(*, page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """Return one page of collection points, by LGO, Thai name and id."""
    stmt = (
        select(CollectionPoint)
        .where(*_conditions(**filters))
        .order_by(CollectionPoint.lgo_id, CollectionPoint.name_th, CollectionPoint.id)
    )
    return paginate(stmt.execution_options(**unscoped()), page=page, per_page=per_page)


def points_geojson(**filters: Any) -> str:
    """Return the points as a FeatureCollection text, built in SQL (public: unscoped)."""
    cp = CollectionPoint
    stmt = (
        select(cp.id, cp.kind, cp.name_th, cp.name_en, Lgo.code.label("lgo_code"),
               Village.code.label("village_code"), cp.streams, cp.opening, cp.status,
               cp.contact, cp.point.label("geom"))
        .join(Lgo, Lgo.id == cp.lgo_id)
        .outerjoin(Village, Village.id == cp.village_id)
        .where(*_conditions(**filters))
        .order_by(cp.id)
        .execution_options(**unscoped())
    )
    return feature_collection(stmt)


class Nearby(NamedTuple):
    point: CollectionPoint
    distance_m: float


def _fewest_metres(degrees: float, lat: float) -> float:
    """Return a lower bound of the ground distance of anything at least ``degrees`` away.

    ``degrees`` is planar (what ``<->`` measures); the bound holds for the short distances a
    province spans.
    """
    # Along a parallel a degree shrinks with cos(latitude); take the latitude farthest from the
    # equator within reach, and keep 1% for the ellipsoid and the geodesic's bulge.
    farthest = min(89.0, abs(lat) + degrees)
    return 0.99 * degrees * _METRES_PER_DEGREE_MIN * math.cos(math.radians(farthest))


def nearest_points(
    *,
    lon: float,
    lat: float,
    limit: int,
    stream: str | None = None,
    kind: PointKind | None = None,
    max_km: float | None = None,
) -> list[Nearby]:
    """Return the active points nearest to (lon, lat), with geodesic distances, nearest first.

    The GiST index orders candidates by planar distance in degrees (KNN ``<->``); they are then
    re-ranked by their distance on the spheroid. Planar order can differ from ground order, so
    the candidate set grows until no point left out could be nearer than the last one kept.
    """
    ref = func.ST_SetSRID(func.ST_MakePoint(lon, lat), SRID)
    where = [CollectionPoint.status == PointStatus.active,
             *_conditions(kind=kind, stream=stream)]
    max_m = max_km * 1000 if max_km is not None else None
    if max_m is not None:
        # A planar radius that holds the whole circle, so the index prunes before KNN.
        where.append(func.ST_DWithin(CollectionPoint.point, ref, _degrees_for(max_m, lat)))
    distance = func.ST_Distance(func.geography(CollectionPoint.point), func.geography(ref))
    wanted = max(4 * limit, 20)
    while True:
        knn = (
            select(CollectionPoint.id, CollectionPoint.point.distance_centroid(ref).label("deg"))
            .where(*where)
            .order_by(CollectionPoint.point.distance_centroid(ref))
            .limit(wanted)
            .subquery("knn")
        )
        found = db.session.execute(
            select(CollectionPoint, distance.label("distance_m"), knn.c.deg)
            .join(knn, knn.c.id == CollectionPoint.id)
            .order_by(distance, CollectionPoint.id),
            # Points are public: anyone may look for the nearest, signed in or not.
            execution_options=unscoped(),
        ).all()
        hits = [Nearby(p, round(d, 1)) for p, d, _ in found if max_m is None or d <= max_m]
        if len(found) < wanted:
            return hits[:limit]
        beyond = _fewest_metres(max(deg for _, _, deg in found), lat)
        if (len(hits) >= limit and hits[limit - 1].distance_m <= beyond) or (
            max_m is not None and beyond >= max_m
        ):
            return hits[:limit]
        wanted *= 4


def _degrees_for(metres: float, lat: float) -> float:
    degrees = metres / (_METRES_PER_DEGREE_MIN * 0.99)
    return degrees / math.cos(math.radians(min(89.0, abs(lat) + degrees)))


def _village_of(lgo: Lgo, code: str | None) -> Village | None:
    if code is None:
        return None
    village = db.session.execute(select(Village).where(Village.code == code)).scalar_one_or_none()
    # The PAO overlaps the whole province, so its points may name any village of it.
    if village is not None and (
        village.lgo_id == lgo.id
        or (lgo.type is LgoType.PAO and village.tambon.district.province_id == lgo.province_id)
    ):
        return village
    raise InvalidPoint(errors={"village_code": [f"No village {code} in {lgo.name_en}."]})


def _check_point(point: CollectionPoint, *, moved: bool) -> None:
    errors = {}
    if point.kind in HAZARDOUS_KINDS and "hazardous" not in point.streams:
        errors["streams"] = [f"A {point.kind.value} point must accept hazardous waste."]
    if point.kind is PointKind.pao_handover and point.lgo.type is not LgoType.PAO:
        errors["kind"] = ["A PAO hand-over point belongs to the PAO; its staff record it."]
    if errors:
        raise InvalidPoint(errors=errors)
    if not moved:
        return
    near = db.session.scalar(
        select(
            func.ST_DWithin(
                func.geography(Lgo.geom),
                func.geography(func.ST_GeomFromText(point.point.data, SRID)),
                MAX_DISTANCE_FROM_LGO_M,
            )
        ).where(Lgo.id == point.lgo_id)
    )
    # NULL (an LGO without a boundary yet) cannot be checked, so it passes.
    if near is False:
        raise PointOutsideLgo(errors={"point": [
            f"More than {MAX_DISTANCE_FROM_LGO_M / 1000:g} km outside the area of "
            f"{point.lgo.name_en}; check the location."
        ]})


def _apply(point: CollectionPoint, data: dict[str, Any]) -> None:
    if "village_code" in data:
        village = _village_of(point.lgo, data.pop("village_code"))
        point.village, point.village_id = village, village.id if village else None
    for key, value in data.items():
        setattr(point, key, value)
    _check_point(point, moved="point" in data)


def create_point(data: dict[str, Any]) -> CollectionPoint:
    """Add a collection point to the caller's LGO (admins name the LGO)."""
    lgo = lgo_to_act_for(data.pop("lgo_code", None), InvalidPoint)
    point = CollectionPoint(lgo=lgo, lgo_id=lgo.id, opening={"weekly": [], "dates": []})
    _apply(point, data)
    db.session.add(point)
    db.session.flush()
    return point


def update_point(point_id: int, data: dict[str, Any]) -> CollectionPoint:
    """Change a point of the caller's LGO; another LGO's point answers 404."""
    point = get_point(point_id, for_change=True)
    _apply(point, data)
    db.session.flush()
    return point
