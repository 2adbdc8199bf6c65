"""The demo collection points and hazardous records: complete, inside their LGOs, idempotent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select

from khaya.areas.models import Lgo, LgoType
from khaya.collection.hazardous import available_kg
from khaya.collection.models import (
    HAZARD_TYPES,
    CollectionPoint,
    HazardousCollection,
    HazardousHandover,
    PointKind,
)
from khaya.collection.services import MAX_DISTANCE_FROM_LGO_M
from seed.collection import DEMO_LGOS, load_collection_demo

TODAY = dt.date(2026, 11, 26)


def test_demo_points_and_records(db_session):
    first = load_collection_demo(db_session, TODAY)
    assert first["collection_points"] == sum(DEMO_LGOS.values()) + 3
    assert first["hazardous_collections"] > 0
    assert first["hazardous_handovers"] > 0
    again = load_collection_demo(db_session, TODAY)
    assert again == dict.fromkeys(first, 0)
    later = load_collection_demo(db_session, TODAY + dt.timedelta(days=40))
    assert later["collection_points"] == 0
    assert later["hazardous_collections"] > 0

    rows = db_session.execute(
        select(Lgo.code, Lgo.type, CollectionPoint.kind,
               func.ST_DWithin(func.geography(Lgo.geom), func.geography(CollectionPoint.point),
                               MAX_DISTANCE_FROM_LGO_M))
        .join(Lgo, Lgo.id == CollectionPoint.lgo_id)
    ).all()
    assert all(row[3] for row in rows), "a demo point lies outside its LGO"
    per_lgo = Counter(code for code, *_ in rows)
    assert all(4 <= per_lgo[code] <= 8 for code in DEMO_LGOS)
    assert {kind for *_, kind, _near in rows} == set(PointKind)
    pao = [kind for _code, lgo_type, kind, _near in rows if lgo_type is LgoType.PAO]
    assert pao == [PointKind.pao_handover] * 3

    receipts = db_session.scalars(select(HazardousHandover.receipt_number)).all()
    assert len(receipts) == len(set(receipts))
    pending_somewhere = False
    for lgo_id in db_session.scalars(select(HazardousCollection.lgo_id).distinct()):
        left = available_kg(lgo_id, dt.date(2000, 1, 1))
        assert all(kg >= 0 for kg in left.values()), "a hand-over exceeds what was collected"
        pending_somewhere |= any(available_kg(lgo_id, TODAY)[t] > 0 for t in HAZARD_TYPES)
    assert pending_somewhere
