"""Queries and rules of the territory: lists, tree, map layers, point lookups, LGO history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, func, or_, select

from ..common.geo import envelope, feature_collection, point
from ..common.pagination import paginate
from ..extensions import db
from .errors import AreaNotFound, InvalidLgoChange, PointOutsideTerritory
from .models import (
    BoundarySource,
    District,
    Lgo,
    LgoType,
    LgoVersion,
    Province,
    Tambon,
    Village,
)

LEVELS: dict[str, Any] = {
    "provinces": Province,
    "districts": District,
    "tambons": Tambon,
    "lgos": Lgo,
    "villages": Village,
}

# Each level's name in Thai, for the Thai sentence of an error.
LEVEL_NAMES_TH = {
    "provinces": "จังหวัด",
    "districts": "อำเภอ",
    "tambons": "ตำบล",
    "lgos": "อปท.",
    "villages": "หมู่บ้านหรือชุมชน",
}

# Which foreign key "parent" filters on, and the parent's model, per level.
PARENTS: dict[str, tuple[str, Any]] = {
    "districts": ("province_id", Province),
    "tambons": ("district_id", District),
    "lgos": ("district_id", District),
    "villages": ("tambon_id", Tambon),
}


def get_area(level: str, code: str) -> Any:
    """Return the area of ``level`` with ``code`` or raise AreaNotFound."""
    model = LEVELS[level]
    area = db.session.execute(select(model).where(model.code == code)).scalar_one_or_none()
    if area is None:
        raise AreaNotFound(f"No {level[:-1]} has the code {code!r}.",
                           message_th=f"ไม่มี{LEVEL_NAMES_TH[level]} รหัส {code!r}")
    return area


def _filtered(level: str, filters: dict[str, Any]) -> Select:
    model = LEVELS[level]
    stmt = select(model)
    if parent := filters.get("parent"):
        if level not in PARENTS:
            raise AreaNotFound(f"{level} have no parent to filter by.",
                               message_th=f"{LEVEL_NAMES_TH[level]} ไม่มีพื้นที่ระดับบนให้กรอง")
        fk, parent_model = PARENTS[level]
        stmt = stmt.where(
            getattr(model, fk)
            == select(parent_model.id).where(parent_model.code == parent).scalar_subquery()
        )
    if q := filters.get("q"):
        pattern = f"%{q}%"
        stmt = stmt.where(
            or_(
                model.name_th.ilike(pattern), model.name_en.ilike(pattern), model.code.startswith(q)
            )
        )
    if level == "villages":
        if lgo := filters.get("lgo"):
            stmt = stmt.where(
                Village.lgo_id == select(Lgo.id).where(Lgo.code == lgo).scalar_subquery()
            )
        if kind := filters.get("kind"):
            stmt = stmt.where(Village.kind == kind)
    if level == "lgos" and (lgo_type := filters.get("type")):
        stmt = stmt.where(Lgo.type == lgo_type)
    if bbox := filters.get("bbox"):
        stmt = stmt.where(model.geom.intersects(envelope(bbox)))
    return stmt


def list_areas(level: str, *, page: int, per_page: int, **filters: Any) -> dict[str, Any]:
    """Return one page of the areas of ``level``, filtered, in code order."""
    model = LEVELS[level]
    return paginate(_filtered(level, filters).order_by(model.code), page=page, per_page=per_page)


def areas_geojson(
    level: str, *, tolerance: float = 0.0, properties: tuple[str, ...] = (), **filters: Any
) -> str:
    """Return the areas of ``level`` as a FeatureCollection text, simplified to ``tolerance``."""
    model = LEVELS[level]
    ids = _filtered(level, filters).with_only_columns(model.id)
    geom = model.geom
    if tolerance > 0:
        # Preserve topology so a simplified polygon stays valid; drawn at this zoom, the
        # slivers that open between neighbours are smaller than a pixel.
        geom = func.ST_SimplifyPreserveTopology(model.geom, tolerance)
    columns = [
        model.code.label("code"),
        model.name_th.label("name_th"),
        model.name_en.label("name_en"),
        (model.boundary_source == BoundarySource.approximate).label("boundary_approximate"),
        *(getattr(model, name).label(name) for name in properties),
        geom.label("geom"),
    ]
    stmt = select(*columns).where(model.id.in_(ids), model.geom.is_not(None)).order_by(model.code)
    return feature_collection(stmt)


def area_tree() -> dict[str, Any]:
    """Return province > districts > tambons > villages with codes, names and LGO codes."""
    lgo_codes: dict[int, str] = {
        row.id: row.code for row in db.session.execute(select(Lgo.id, Lgo.code))
    }
    villages: dict[int, list[dict]] = {}
    for v in db.session.execute(
        select(
            Village.tambon_id,
            Village.code,
            Village.moo,
            Village.kind,
            Village.name_th,
            Village.name_en,
            Village.lgo_id,
        ).order_by(Village.code)
    ):
        villages.setdefault(v.tambon_id, []).append(
            {
                "code": v.code,
                "moo": v.moo,
                "kind": v.kind.value,
                "name_th": v.name_th,
                "name_en": v.name_en,
                "lgo_code": lgo_codes[v.lgo_id],
            }
        )
    tambons: dict[int, list[dict]] = {}
    for t in db.session.execute(
        select(Tambon.id, Tambon.district_id, Tambon.code, Tambon.name_th, Tambon.name_en).order_by(
            Tambon.code
        )
    ):
        tambons.setdefault(t.district_id, []).append(
            {
                "code": t.code,
                "name_th": t.name_th,
                "name_en": t.name_en,
                "villages": villages.get(t.id, []),
            }
        )
    districts: dict[int, list[dict]] = {}
    for d in db.session.execute(
        select(
            District.id, District.province_id, District.code, District.name_th, District.name_en
        ).order_by(District.code)
    ):
        districts.setdefault(d.province_id, []).append(
            {
                "code": d.code,
                "name_th": d.name_th,
                "name_en": d.name_en,
                "tambons": tambons.get(d.id, []),
            }
        )
    provinces = [
        {
            "code": p.code,
            "name_th": p.name_th,
            "name_en": p.name_en,
            "districts": districts.get(p.id, []),
        }
        for p in db.session.execute(
            select(Province.id, Province.code, Province.name_th, Province.name_en).order_by(
                Province.code
            )
        )
    ]
    return {"provinces": provinces}


def locate(lon: float, lat: float) -> dict[str, Any]:
    """Return the village, tambon, district, province, LGO and PAO that contain a point."""
    where = point(lon, lat)
    village = db.session.execute(
        # Boundaries tile the territory, but a point on a shared edge touches two villages:
        # the lowest code wins so the answer is stable.
        select(Village)
        .where(func.ST_Intersects(Village.geom, where))
        .order_by(Village.code)
        .limit(1)
    ).scalar_one_or_none()
    if village is None:
        raise PointOutsideTerritory()
    tambon = village.tambon
    district = tambon.district
    province = district.province
    pao = (
        db.session.execute(
            select(Lgo)
            .where(Lgo.province_id == province.id, Lgo.type == LgoType.PAO)
            .order_by(Lgo.code)
        )
        .scalars()
        .first()
    )
    return {
        "village": village,
        "tambon": tambon,
        "district": district,
        "province": province,
        "lgo": village.lgo,
        "pao": pao,
    }


def change_lgo(
    lgo: Lgo,
    *,
    valid_from: dt.date,
    type: LgoType | None = None,
    name_th: str | None = None,
    name_en: str | None = None,
    note: str | None = None,
) -> LgoVersion:
    """Record a rename or upgrade from ``valid_from``: close the open period, open a new one."""
    if valid_from > dt.date.today():
        # The stored type and names are always today's: a change is recorded once in force.
        raise InvalidLgoChange(
            "Record the change on or after the day it takes effect.",
            message_th="บันทึกการเปลี่ยนแปลงในวันที่มีผลหรือหลังจากนั้น",
            errors={"valid_from": ["Must not be in the future."]},
        )
    current = next((v for v in lgo.history if v.valid_to is None), None)
    if current is not None and valid_from <= current.valid_from:
        raise InvalidLgoChange(
            "A change must start after the current period began.",
            message_th="การเปลี่ยนแปลงต้องเริ่มหลังวันเริ่มต้นของช่วงปัจจุบัน",
            errors={"valid_from": [f"Must be after {current.valid_from.isoformat()}."]},
        )
    new_type = type or lgo.type
    if (
        lgo.type != LgoType.PAO
        and new_type == LgoType.PAO
        or (lgo.type == LgoType.PAO and new_type != LgoType.PAO)
    ):
        raise InvalidLgoChange(
            "A PAO stays a PAO and no other LGO becomes one.",
            message_th="อบจ. เป็น อบจ. เสมอ และ อปท. อื่นจะเปลี่ยนเป็น อบจ. ไม่ได้",
            errors={"type": ["Not allowed."]},
        )
    if current is not None:
        current.valid_to = valid_from
    version = LgoVersion(
        lgo=lgo,
        type=new_type,
        name_th=name_th or lgo.name_th,
        name_en=name_en or lgo.name_en,
        valid_from=valid_from,
        note=note,
    )
    db.session.add(version)
    lgo.type, lgo.name_th, lgo.name_en = version.type, version.name_th, version.name_en
    db.session.flush()
    return version


def lgo_as_of(lgo: Lgo, day: dt.date) -> LgoVersion | None:
    """Return the LGO's type and names in force on ``day``."""
    return next(
        (
            v
            for v in lgo.history
            if v.valid_from <= day and (v.valid_to is None or day < v.valid_to)
        ),
        None,
    )
