"""Demo citizen reports: each demo LGO's queue holds open, acknowledged, in-progress and closed
reports of every type, some sent from the app, some from the web with a phone number, placed
inside its villages and dated over the last weeks. Idempotent: each report's client id is made
from its LGO and number, and a rerun adds only what is missing."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from khaya.areas.models import Lgo, Village
from khaya.reports.models import (
    Located,
    Report,
    ReportEvent,
    ReportSource,
    ReportStatus,
    ReportType,
)

from .demo import DEMO_LGOS

NAMESPACE = uuid.UUID("7d2e9c41-3b6a-5f08-8c1d-6b6861796172")
# (type, days ago, status, days it took, what was reported, the LGO's note when closed)
PLAN: tuple[tuple[ReportType, int, ReportStatus, int, str, str | None], ...] = (
    (ReportType.illegal_dumping, 2, ReportStatus.open, 0,
     "มีคนนำถุงขยะมาทิ้งริมถนนทางเข้าหมู่บ้าน", None),
    (ReportType.open_burning, 1, ReportStatus.acknowledged, 0,
     "เผาใบไม้และพลาสติกในที่ว่างหลังตลาด ควันเข้าบ้าน", None),
    (ReportType.collection_point, 5, ReportStatus.in_progress, 0,
     "ถังขยะรีไซเคิลหน้าศาลาเต็มล้นออกมา", None),
    (ReportType.missed_collection, 9, ReportStatus.closed, 2,
     "รถเก็บขยะไม่มาเก็บวันพฤหัสบดี", "รถเสีย เก็บชดเชยวันเสาร์แล้ว"),
    (ReportType.hazardous_found, 16, ReportStatus.closed, 4,
     "มีหลอดไฟและถ่านไฟฉายทิ้งรวมกับขยะทั่วไป",
     "เก็บไปจุดทิ้งขยะอันตรายแล้ว และแจ้งเจ้าของบ้านให้แยกทิ้ง"),
    (ReportType.other, 25, ReportStatus.closed, 7,
     "น้ำจากกองขยะไหลลงลำเหมือง", "ล้างพื้นที่และย้ายจุดวางขยะแล้ว"),
)


def load_reports_demo(session: Session, today: dt.date) -> dict[str, int]:
    """Add the demo reports that are missing; no commit. Returns how many were made."""
    made = 0
    lgos = session.execute(select(Lgo).where(Lgo.code.in_(DEMO_LGOS))).scalars().all()
    for lgo in sorted(lgos, key=lambda found: found.code):
        villages = session.execute(
            select(Village.id).where(Village.lgo_id == lgo.id, Village.geom.is_not(None))
            .order_by(Village.code)).scalars().all()
        if not villages:
            continue
        wanted = {uuid.uuid5(NAMESPACE, f"{lgo.code}:{n}"): n for n in range(len(PLAN))}
        have = set(session.execute(select(Report.client_id).where(
            Report.client_id.in_(list(wanted)))).scalars())
        for client_id, n in wanted.items():
            if client_id in have:
                continue
            _add(session, lgo.id, villages[n % len(villages)], client_id, n, today)
            made += 1
    session.flush()
    return {"reports": made}


def _add(session: Session, lgo_id: int, village: Any, client_id: uuid.UUID, n: int,
         today: dt.date) -> None:
    kind, days_ago, status, took, text, note = PLAN[n]
    village_id = village
    # A point inside the village's area, the same on every run (a seeded random point).
    inside = func.ST_GeometryN(func.ST_GeneratePoints(Village.geom, 1, 7919 + n), 1)
    lon, lat = session.execute(select(func.ST_X(inside), func.ST_Y(inside))
                               .where(Village.id == village_id)).one()
    received = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(9, 30),
                                   tzinfo=dt.UTC)
    closed = received + dt.timedelta(days=took) if status is ReportStatus.closed else None
    public = n % 2 == 1
    report = Report(
        client_id=client_id, type=kind, status=status,
        point=f"SRID=4326;POINT({lon} {lat})",
        accuracy_m=None if public else 12, located_by=Located.map if public else Located.gps,
        description=text, lgo_id=lgo_id, village_id=village_id,
        source=ReportSource.web if public else ReportSource.app,
        contact_phone="+66812345678" if public else None, token=secrets.token_urlsafe(16),
        reported_at=received, received_at=received, updated_at=closed or received,
        closed_at=closed, close_note=note)
    session.add(report)
    session.flush()
    session.add(ReportEvent(report_id=report.id, at=received, action="created",
                            status=ReportStatus.open))
    if status is not ReportStatus.open:
        session.add(ReportEvent(report_id=report.id,
                                at=closed or received + dt.timedelta(hours=3),
                                action=status.value, status=status, note=note))
