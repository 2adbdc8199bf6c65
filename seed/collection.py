"""Demo collection points and a few months of the hazardous-waste chain (made up, deterministic).

Each demo LGO gets drop-off, waste-bank, compost (สวียน) and bin points at its office, temples,
schools, halls and markets: a village's reference point plus a small fixed offset, so every point
lies in the LGO's area. The PAO gets three hand-over points. Points are keyed by (LGO, Thai name)
and never changed once there; collections and hand-overs carry a ``uuid5`` client id (in the
database's own secret namespace, ``seed.ids``), so a rerun inserts nothing, and a rerun in a
later month adds only that month's records. Some waste is always left pending: hand-overs take
80% of what is pending, every second month.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
import zlib
from decimal import ROUND_DOWN, Decimal
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from khaya.areas.models import Lgo, LgoType, Village
from khaya.collection.models import (
    HAZARD_TYPES,
    CollectionPoint,
    HazardousCollection,
    HazardousHandover,
    PointKind,
    PointStatus,
    Schedule,
    ScheduleKind,
)
from khaya.common.geo import point as geo_point
from khaya.common.time import be_year

from . import ids
from .accounts import MUEANG_NGA, TOWN

PAO = "lamphun-provincial-administrative-organization"
# How many points each LGO gets (4-8): the first N of PLACES.
DEMO_LGOS = {
    TOWN: 8,
    MUEANG_NGA: 6,
    "pa-sang-subdistrict-municipality": 5,
    "ban-thi-subdistrict-municipality": 5,
    "na-sai-subdistrict-administrative-organization": 4,
}
# The fixed namespace of databases seeded before each kept a secret one (seed.ids).
LEGACY_NAMESPACE = uuid.UUID("0c8b3c62-4f3e-5b1a-8d7e-6b6861796163")
MONTHS = 6
COLLECTION_DAYS = (5, 20)
HANDOVER_DAY = 25
HANDOVER_SHARE = Decimal("0.8")
CENT = Decimal("0.01")

WEEKDAYS_0830 = [{"day": d, "opens": "08:30", "closes": "16:30"} for d in range(5)]
EVERY_DAY = [{"day": d, "opens": "05:00", "closes": "20:00"} for d in range(7)]
# (kind, streams, Thai name, English name, where): where is "office" or a village's position
# in the LGO's list (a fraction, so small and large LGOs spread alike).
PLACES: tuple[tuple[PointKind, tuple[str, ...], str, str, str | float], ...] = (
    (PointKind.hazardous_dropoff, ("hazardous",), "จุดรับขยะอันตราย สำนักงาน{lgo}",
     "Hazardous waste drop-off, {lgo_en} office", "office"),
    (PointKind.recycling, ("recyclable",), "ธนาคารขยะ โรงเรียนใน{village}",
     "Waste bank, school in {village_en}", 0.1),
    (PointKind.compost, ("organic",), "สวียนชุมชน วัดใน{village}",
     "Community compost basket, temple in {village_en}", 0.35),
    (PointKind.general_bin, ("general", "recyclable"), "จุดวางถังขยะ ศาลาอเนกประสงค์{village}",
     "Bin point, {village_en} hall", 0.6),
    (PointKind.hazardous_dropoff, ("hazardous", "general"), "จุดรับขยะอันตราย วัดใน{village}",
     "Hazardous waste drop-off, temple in {village_en}", 0.8),
    (PointKind.recycling, ("recyclable", "hazardous"), "ธนาคารขยะ ศาลาอเนกประสงค์{village}",
     "Waste bank, {village_en} hall", 0.5),
    (PointKind.compost, ("organic",), "จุดทำปุ๋ยหมัก โรงเรียนใน{village}",
     "Compost point, school in {village_en}", 0.9),
    (PointKind.general_bin, ("general",), "จุดวางถังขยะ ตลาด{village}",
     "Bin point, {village_en} market", 0.25),
)
# PAO hand-over points: (Thai name, English name, LGO whose office or first village hosts it).
PAO_POINTS = (
    ("ศูนย์รับมอบขยะอันตราย อบจ.ลำพูน", "PAO hazardous waste centre, Lamphun", PAO),
    ("จุดรับมอบขยะอันตราย อบจ.ลำพูน (บ้านธิ)", "PAO hand-over point, Ban Thi",
     "ban-thi-subdistrict-municipality"),
    ("จุดรับมอบขยะอันตราย อบจ.ลำพูน (ลี้)", "PAO hand-over point, Li",
     "na-sai-subdistrict-administrative-organization"),
)
# Kilograms per type per collection: (low, high); a pesticide container is rare in town.
KG = {
    "bulbs": (1.0, 12.0), "batteries": (0.5, 6.0), "spray_cans": (0.0, 3.0),
    "pesticide_containers": (0.0, 8.0), "e_waste": (0.0, 10.0), "other": (0.0, 2.0),
}


def _rng(*key: Any) -> random.Random:
    return random.Random(zlib.crc32("/".join(map(str, key)).encode()))


def _near(lon: float, lat: float, rng: random.Random) -> tuple[float, float]:
    """Return a spot 60-250 m from (lon, lat): the place beside the village's reference point."""
    metres, bearing = rng.uniform(60, 250), rng.uniform(0, 2 * math.pi)
    dlat = metres * math.cos(bearing) / 111_320
    dlon = metres * math.sin(bearing) / (111_320 * math.cos(math.radians(lat)))
    return round(lon + dlon, 6), round(lat + dlat, 6)


def _coords(element: Any) -> tuple[float, float]:
    shape = to_shape(element)
    return shape.x, shape.y


def _planned_points(session: Session) -> list[dict[str, Any]]:
    lgos = {
        lgo.code: lgo
        for lgo in session.execute(select(Lgo).where(Lgo.code.in_([*DEMO_LGOS, PAO]))).scalars()
    }
    villages: dict[int, list[Village]] = {}
    for row in session.execute(
        select(Village).where(Village.lgo_id.in_([lgo.id for lgo in lgos.values()]),
                              Village.point.is_not(None)).order_by(Village.code)
    ).scalars():
        villages.setdefault(row.lgo_id, []).append(row)
    planned = []
    village: Village | None
    for code, count in DEMO_LGOS.items():
        lgo = lgos[code]
        for kind, streams, name_th, name_en, where in PLACES[:count]:
            if where == "office" and lgo.office_point is not None:
                village, spot = None, _coords(lgo.office_point)
            else:
                share = 0.0 if where == "office" else float(where)
                choices = villages[lgo.id]
                village = choices[min(len(choices) - 1, int(share * len(choices)))]
                spot = _coords(village.point)
            names = {"lgo": lgo.name_th, "lgo_en": lgo.name_en,
                     "village": village.name_th if village else "",
                     "village_en": village.name_en if village else ""}
            planned.append(_point_row(lgo, village, kind, streams, name_th.format(**names),
                                      name_en.format(**names), spot))
    pao = lgos[PAO]
    for name_th, name_en, host in PAO_POINTS:
        village = villages[lgos[host].id][0] if host != PAO else None
        spot = _coords(village.point if village else pao.office_point)
        planned.append(_point_row(pao, village, PointKind.pao_handover, ("hazardous",),
                                  name_th, name_en, spot))
    return planned


def _point_row(lgo: Lgo, village: Village | None, kind: PointKind, streams: tuple[str, ...],
               name_th: str, name_en: str, spot: tuple[float, float]) -> dict[str, Any]:
    rng = _rng(lgo.code, name_th)
    if kind in (PointKind.hazardous_dropoff, PointKind.pao_handover):
        opening: dict[str, list] = {"weekly": WEEKDAYS_0830, "dates": []}
    elif kind is PointKind.general_bin:
        opening = {"weekly": EVERY_DAY, "dates": []}
    elif kind is PointKind.recycling:
        opening = {"weekly": [], "dates": []}  # buying days are added per month below
    else:
        opening = {"weekly": [{"day": 6, "opens": "07:00", "closes": "11:00"}], "dates": []}
    status = PointStatus.active
    if kind is PointKind.general_bin and rng.random() < 0.3:
        status = PointStatus.full
    return {
        "lgo": lgo, "lgo_id": lgo.id, "village_id": village.id if village else None,
        "kind": kind, "name_th": name_th, "name_en": name_en,
        "point": geo_point(*_near(*spot, rng)), "streams": list(streams), "opening": opening,
        "status": status, "contact": f"053-5{rng.randrange(10_000, 99_999)}",
    }


def _months(today: dt.date) -> list[tuple[int, int]]:
    """Return the (year, month) of the last MONTHS calendar months, this one included."""
    index = today.year * 12 + today.month - 1
    return [divmod(i, 12) for i in range(index - MONTHS + 1, index + 1)]


def _buying_days(months: list[tuple[int, int]]) -> list[str]:
    """Return the second Saturday of each month: a waste bank's buying day."""
    days = []
    for year, month0 in months:
        first = dt.date(year, month0 + 1, 1)
        days.append((first + dt.timedelta(days=(5 - first.weekday()) % 7 + 7)).isoformat())
    return days


def load_collection_demo(session: Session, today: dt.date) -> dict[str, int]:
    """Add the demo collection points, collections and hand-overs that are missing; no commit.

    Returns how many rows of each were created.
    """
    months = _months(today)
    created = dict.fromkeys(("collection_points", "collection_schedules",
                             "hazardous_collections", "hazardous_handovers"), 0)
    existing = {
        (row.lgo_id, row.name_th): row.id
        for row in session.execute(
            select(CollectionPoint.id, CollectionPoint.lgo_id, CollectionPoint.name_th)
        )
    }
    points = []
    for plan in _planned_points(session):
        key = (plan["lgo_id"], plan["name_th"])
        if plan["kind"] is PointKind.recycling:
            plan["opening"] = {**plan["opening"], "dates": _buying_days(months)}
        if key not in existing:
            row = CollectionPoint(**{k: v for k, v in plan.items() if k != "lgo"})
            session.add(row)
            session.flush()
            existing[key] = row.id
            created["collection_points"] += 1
        points.append({**plan, "id": existing[key]})
    created["collection_schedules"] = _schedules(session, points, today)
    handover_points = [p for p in points if p["kind"] is PointKind.pao_handover]
    for code_index, code in enumerate(DEMO_LGOS, start=1):
        dropoffs = [p for p in points
                    if p["lgo"].code == code and p["kind"] is PointKind.hazardous_dropoff]
        collections = _collections(dropoffs, months, today)
        handovers = _handovers(code, code_index, dropoffs, handover_points, collections,
                               months, today)
        created["hazardous_collections"] += _insert(session, HazardousCollection, ids.assign(
            session, HazardousCollection.__table__, LEGACY_NAMESPACE, collections))
        created["hazardous_handovers"] += _insert(session, HazardousHandover, ids.assign(
            session, HazardousHandover.__table__, LEGACY_NAMESPACE, handovers))
    return created


# Each demo LGO's calendar: general waste twice a week, recyclables on the 1st and 3rd Friday
# (a waste bank's round), hazardous waste at its drop-off points on the first Saturday.
DEMO_COLLECTIONS = (
    ("general", "FREQ=WEEKLY;BYDAY=MO,TH", "06:00", "09:00",
     "วางถุงขยะหน้าบ้านก่อน 6 โมงเช้า ขยะเปียกทำปุ๋ยในถังของบ้าน"),
    ("recyclable", "FREQ=MONTHLY;BYDAY=1FR,3FR", "08:00", "12:00",
     "รถรับขยะรีไซเคิลวิ่งตามซอย แยกขวดพลาสติก กระดาษ และกระป๋อง"),
)


def _schedules(session: Session, points: list[dict[str, Any]], today: dt.date) -> int:
    """The demo LGOs' collection schedules, once: an LGO that has any keeps what it has."""
    kept = set(session.execute(select(Schedule.lgo_id).distinct()).scalars())
    starts_on = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rows = []
    for code in DEMO_LGOS:
        lgo_points = [p for p in points if p["lgo"].code == code]
        if not lgo_points or lgo_points[0]["lgo_id"] in kept:
            continue
        lgo_id = lgo_points[0]["lgo_id"]
        for stream, rule, starts_at, ends_at, note in DEMO_COLLECTIONS:
            rows.append(Schedule(lgo_id=lgo_id, kind=ScheduleKind.collection, stream=stream,
                                 rule=rule, starts_on=starts_on, exceptions=[], note_th=note,
                                 starts_at=dt.time.fromisoformat(starts_at),
                                 ends_at=dt.time.fromisoformat(ends_at)))
        for point in lgo_points:
            if point["kind"] is PointKind.hazardous_dropoff:
                rows.append(Schedule(lgo_id=lgo_id, kind=ScheduleKind.dropoff,
                                     stream="hazardous", point_id=point["id"],
                                     rule="FREQ=MONTHLY;BYDAY=1SA", starts_on=starts_on,
                                     exceptions=[], starts_at=dt.time(9),
                                     ends_at=dt.time(12),
                                     note_th="หลอดไฟ ถ่านไฟฉาย กระป๋องสเปรย์ ใส่ถุงแยกมา"))
    session.add_all(rows)
    session.flush()
    return len(rows)


def _kg(rng: random.Random, rural: bool) -> dict[str, Decimal]:
    kg = {}
    for kind, (low, high) in KG.items():
        if kind == "pesticide_containers" and not rural:
            high = 1.0
        kg[f"kg_{kind}"] = Decimal(str(round(rng.uniform(low, high), 2)))
    return kg


def _collections(dropoffs: list[dict[str, Any]], months: list[tuple[int, int]],
                 today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for point in dropoffs:
        rural = point["lgo"].type is LgoType.SAO
        for year, month0 in months:
            for day in COLLECTION_DAYS:
                on = dt.date(year, month0 + 1, day)
                if on > today:
                    continue
                key = f"collection/{point['lgo'].code}/{point['name_th']}/{on.isoformat()}"
                rows.append({
                    "key": key, "point_id": point["id"],
                    "lgo_id": point["lgo_id"], "collected_on": on,
                    **_kg(_rng(key), rural),
                })
    return rows


def _handovers(code: str, code_index: int, dropoffs: list[dict[str, Any]],
               handover_points: list[dict[str, Any]], collections: list[dict[str, Any]],
               months: list[tuple[int, int]], today: dt.date) -> list[dict[str, Any]]:
    if not dropoffs:
        return []
    lon, lat = _coords(dropoffs[0]["point"])
    to_point = min(handover_points, key=lambda p: math.dist((lon, lat), _coords(p["point"])))
    rows: list[dict[str, Any]] = []
    for year, month0 in months[1::2]:
        on = dt.date(year, month0 + 1, HANDOVER_DAY)
        if on > today:
            continue
        pending = {t: sum((c[f"kg_{t}"] for c in collections if c["collected_on"] <= on),
                          Decimal(0))
                   - sum((h[f"kg_{t}"] for h in rows), Decimal(0))
                   for t in HAZARD_TYPES}
        kg = {f"kg_{t}": (pending[t] * HANDOVER_SHARE).quantize(CENT, rounding=ROUND_DOWN)
              for t in HAZARD_TYPES}
        if not any(kg.values()):
            continue
        rows.append({
            "key": f"handover/{code}/{on.isoformat()}",
            "lgo_id": dropoffs[0]["lgo_id"], "to_point_id": to_point["id"],
            "handed_over_on": on,
            "receipt_number": f"อบจ.ลพ. {be_year(on)}/{code_index:02d}{month0 + 1:02d}",
            **kg,
        })
    return rows


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    # Any clash (client id, receipt number) means the row is already there.
    stmt = insert(model).values(rows).on_conflict_do_nothing().returning(model.id)
    return len(session.execute(stmt).all())
