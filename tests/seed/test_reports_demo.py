"""The demo citizen reports: each demo LGO's queue holds reports of every status inside its own
villages, closed ones with a note, and a rerun adds nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from khaya.areas.models import Lgo, Village
from khaya.reports.models import Report, ReportEvent, ReportStatus
from seed.demo import DEMO_LGOS
from seed.reports_demo import PLAN, load_reports_demo

TODAY = dt.date(2026, 11, 20)


def test_every_demo_lgo_has_a_queue_of_its_own_and_a_rerun_adds_nothing(db_session):
    made = load_reports_demo(db_session, TODAY)
    assert made == {"reports": len(PLAN) * len(DEMO_LGOS)}
    assert load_reports_demo(db_session, TODAY) == {"reports": 0}
    rows = db_session.execute(
        select(Lgo.code, Report.status, Report.closed_at, Report.close_note,
               func.ST_Covers(Village.geom, Report.point))
        .join(Lgo, Lgo.id == Report.lgo_id).join(Village, Village.id == Report.village_id)
        .where(Lgo.code.in_(DEMO_LGOS))).all()
    by_lgo: dict[str, set[ReportStatus]] = {}
    for code, status, closed_at, note, inside in rows:
        by_lgo.setdefault(code, set()).add(status)
        assert (status is ReportStatus.closed) == (closed_at is not None) == (note is not None)
        assert inside, "a demo report lies outside its village"
    assert by_lgo == {code: set(ReportStatus) for code in DEMO_LGOS}
    events = db_session.scalar(select(func.count()).select_from(ReportEvent))
    assert events == len(rows) + sum(1 for r in rows if r[1] is not ReportStatus.open)
