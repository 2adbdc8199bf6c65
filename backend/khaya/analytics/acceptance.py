"""Accepting an LGO's month: its figures applied up to date, then stored (see ``signoff``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import text

from ..areas.models import Lgo
from ..common.time import local_today
from ..extensions import db
from ..jobs import changes as announced
from . import changes, signoff
from .facts import run
from .figures import gather
from .periods import MONTH, Period, next_month


def accept(lgo: Lgo, month: dt.date, actor: int, role: str | None) -> signoff.MonthApproval:
    """Accept the month and store its figures (every pending change applied first)."""
    row = signoff.move_state(lgo, month, {signoff.State.approved}, signoff.State.accepted)
    # The appliers' lock: no change is applied between counting the rollups and storing them,
    # so each row is either in the stored figures or recorded late, never neither.
    run(text("select pg_advisory_xact_lock(:namespace, :key)"),
        dict(zip(("namespace", "key"), announced.APPLY_LOCK, strict=True)))
    changes.apply_all()
    db.session.add(signoff.FrozenMonth(lgo_id=lgo.id, month=month, accepted_by_id=actor,
                                       **_snapshot(lgo, month)))
    signoff.record_step(lgo, month, signoff.Action.accept, actor, role)
    db.session.flush()
    return row


def _snapshot(lgo: Lgo, month: dt.date) -> dict[str, Any]:
    period = Period(MONTH, month, next_month(month) - dt.timedelta(days=1))
    figures = gather(period, [v.id for v in lgo.villages], local_today())
    return {
        "villages": {str(v): signoff.encode_numbers(numbers)
                     for v, numbers in figures.villages.items()},
        "hazards": [[lgo_id, village_id, signoff.encode_numbers(kg)]
                    for lgo_id, village_id, kg in figures.hazards if lgo_id == lgo.id],
        "late": signoff.late_block([lgo.id], month).get(lgo.id, signoff.EMPTY_LATE),
    }
