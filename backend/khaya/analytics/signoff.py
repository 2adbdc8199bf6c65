"""Sign-off of an LGO's month, as DHIS2's data approval does it, and the figures it freezes.

A month's figures go up the chain: the village's volunteer or head confirms the village
(required only where the LGO says so), LGO staff submit the LGO's month, the LGO admin approves
it and the provincial office accepts it. The province may send a month back with a reason at
any step (the LGO admin may take back a month submitted but not yet approved). Every step keeps
who and when (``month_approval_steps``) and is audited.

**Frozen figures.** Acceptance applies every pending change first (under the appliers' lock),
then stores the LGO's base numbers for the month, village by village, with its hazardous kg
(``frozen_months``). From then on every figure of that month that sums those villages (the LGO,
its villages, the district, the province and the PAO, in dashboards, leagues, files, tiles and
the summary PDF) reads the stored numbers, so nothing that arrives later moves it. Days, custom
ranges and fiscal years read the live figures.

**Late items.** A row dated in an accepted month that reaches the figures after acceptance (a
phone that synced late, a void, a correction, a reversed deposit, a reviewed inspection, a
hazardous collection) is still stored once and counted in the live rollups. The change applier
(and a trigger, for hazardous collections) records it in ``late_items``; what then happens is
the province's rule (``provinces.late_items``):

- ``next_month`` (the default): the accepted month stays as accepted; the item is listed as
  late in the view of the first month after it that is not accepted (``counted_in``), beside
  that month's own figures, never inside its ratios;
- ``reopen``: the month goes back to open (a ``reopen`` step, audited), its stored figures are
  dropped and it reads the live figures, the late item among them, until it is accepted again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..areas.models import Lgo, Village
from ..auth import audit
from ..collection.models import HAZARD_TYPES
from ..columns import TIMESTAMP, pg_enum, utcnow
from ..common.time import local_today
from ..errors import Conflict, DomainError
from ..extensions import Model, db
from .facts import run
from .periods import MONTH, Period, next_month


class State(enum.StrEnum):
    open = "open"
    submitted = "submitted"
    approved = "approved"
    accepted = "accepted"


class Action(enum.StrEnum):
    confirm = "confirm"
    submit = "submit"
    approve = "approve"
    accept = "accept"
    send_back = "return"
    reopen = "reopen"


class LateRule(enum.StrEnum):
    next_month = "next_month"
    reopen = "reopen"


class MonthApproval(Model):
    """Where an LGO's month stands; no row: open."""

    __tablename__ = "month_approvals"
    __table_args__ = (CheckConstraint("extract(day from month) = 1", name="first_day"),)

    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    state: Mapped[State] = mapped_column(pg_enum(State, "approval_state"))
    # The reason of the last return or reopening, shown until the month moves on.
    returned_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow, onupdate=utcnow)


class ApprovalStep(Model):
    """One step of a month's sign-off: who did what, when, and why (a return)."""

    __tablename__ = "month_approval_steps"
    __table_args__ = (Index("ix_month_approval_steps_month", "lgo_id", "month", "id"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    month: Mapped[dt.date] = mapped_column(Date)
    action: Mapped[Action] = mapped_column(pg_enum(Action, "approval_action"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class VillageConfirmation(Model):
    """A village's month confirmed by its volunteer or head (or the LGO's staff)."""

    __tablename__ = "village_confirmations"

    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class FrozenMonth(Model):
    """An accepted LGO-month's base numbers: per village, its hazardous kg, its late block."""

    __tablename__ = "frozen_months"

    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    villages: Mapped[dict] = mapped_column(JSONB)
    hazards: Mapped[list] = mapped_column(JSONB)
    late: Mapped[dict] = mapped_column(JSONB)
    accepted_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class LateItem(Model):
    """A row of an accepted month that reached the figures after acceptance."""

    __tablename__ = "late_items"
    __table_args__ = (Index("ix_late_items_counted_in", "lgo_id", "counted_in"),
                      Index("ix_late_items_unsettled", "id", postgresql_where=text("not settled")))

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    row_id: Mapped[int] = mapped_column(BigInteger)
    sign: Mapped[int] = mapped_column(SmallInteger)
    lgo_id: Mapped[int] = mapped_column(ForeignKey("lgos.id"))
    village_id: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[dt.date] = mapped_column(Date)
    counted_in: Mapped[dt.date] = mapped_column(Date)
    settled: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)


class NotYours(DomainError):
    status = 403
    code = "approval_not_yours"
    message = "Your role may not take this step of the month's sign-off."
    message_th = "บทบาทของคุณไม่มีสิทธิ์ทำขั้นตอนนี้ของการรับรองข้อมูลประจำเดือน"


class WrongState(Conflict):
    code = "approval_state"
    message = "The month is not at the step this needs."
    message_th = "เดือนนี้ไม่ได้อยู่ในขั้นตอนที่ทำรายการนี้ได้"


class MonthNotOver(Conflict):
    code = "approval_month_running"
    message = "A month can be signed off only once it is over."
    message_th = "รับรองข้อมูลได้เมื่อสิ้นเดือนแล้วเท่านั้น"


class VillagesUnconfirmed(Conflict):
    code = "approval_villages_unconfirmed"
    message = "This LGO asks every village to confirm its month before the LGO submits it."
    message_th = "อปท. นี้กำหนดให้ทุกหมู่บ้านยืนยันข้อมูลของเดือนก่อนส่ง"


# The change kinds the applier announces, and where each row's LGO, village and day are.
_LATE_SOURCES = {
    "logs_added": ("sorting_logs", "log_date", 1),
    "logs_voided": ("sorting_logs", "log_date", -1),
    "deposits_added": ("ledger_entries", "entry_date", 1),
    "deposits_reversed": ("ledger_entries", "entry_date", -1),
    "inspections_added": ("inspections", "inspected_on", 1),
    "inspections_reviewed": ("inspections", "inspected_on", 0),
}
# The first month after ``month`` that the LGO has not had accepted.
COUNTED_IN_SQL = """
    (select min(m)::date from generate_series(({month} + interval '1 month')::date,
                                             ({month} + interval '120 months')::date,
                                             interval '1 month') as g(m)
     where not exists (select 1 from frozen_months f
                       where f.lgo_id = {lgo} and f.month = g.m::date))"""


def state_of(lgo_ids: Sequence[int], month: dt.date) -> dict[int, MonthApproval | None]:
    rows = db.session.execute(
        select(MonthApproval).where(MonthApproval.lgo_id.in_(list(lgo_ids)),
                                    MonthApproval.month == month)).scalars()
    found = {row.lgo_id: row for row in rows}
    return {lgo_id: found.get(lgo_id) for lgo_id in lgo_ids}


def states(lgo_ids: Sequence[int], month: dt.date) -> dict[int, str]:
    """Each LGO's state for ``month``: ``open``, ``submitted``, ``approved`` or ``accepted``."""
    return {lgo_id: (row.state.value if row else State.open.value)
            for lgo_id, row in state_of(lgo_ids, month).items()}


def record_step(lgo: Lgo, month: dt.date, action: Action, actor: Any, role: str | None, *,
          reason: str | None = None, village: Village | None = None) -> None:
    db.session.add(ApprovalStep(lgo_id=lgo.id, month=month, action=action,
                                village_id=village.id if village else None,
                                actor_id=actor, actor_role=role, reason=reason))
    audit.record("update", "lgo_month", [(f"{lgo.code}/{month:%Y-%m}", lgo.id)],
                 details={"step": action.value, "reason": reason,
                          **({"village": village.code} if village else {})})


def _check_over(month: dt.date) -> None:
    if next_month(month) > local_today():
        raise MonthNotOver()


def move_state(lgo: Lgo, month: dt.date, frm: set[State], to: State) -> MonthApproval:
    row = db.session.execute(
        select(MonthApproval).where(MonthApproval.lgo_id == lgo.id, MonthApproval.month == month)
        .with_for_update()).scalar_one_or_none()
    now = row.state if row else State.open
    if now not in frm:
        raise WrongState(extra={"state": now.value})
    if row is None:
        row = MonthApproval(lgo_id=lgo.id, month=month, state=to)
        db.session.add(row)
    row.state = to
    row.returned_reason = None
    db.session.flush()
    return row


def confirm_village(lgo: Lgo, village: Village, month: dt.date, actor: int,
                    role: str | None) -> None:
    _check_over(month)
    state = states([lgo.id], month)[lgo.id]
    if state != State.open:
        raise WrongState(extra={"state": state})
    exists = db.session.get(VillageConfirmation, (village.id, month))
    if exists is None:
        db.session.add(VillageConfirmation(village_id=village.id, month=month, lgo_id=lgo.id,
                                           confirmed_by_id=actor))
    record_step(lgo, month, Action.confirm, actor, role, village=village)
    db.session.flush()


def confirmed(lgo: Lgo, month: dt.date) -> set[int]:
    return set(db.session.execute(
        select(VillageConfirmation.village_id).where(VillageConfirmation.lgo_id == lgo.id,
                                                     VillageConfirmation.month == month)
    ).scalars())


def submit(lgo: Lgo, month: dt.date, actor: int, role: str | None) -> MonthApproval:
    _check_over(month)
    if lgo.confirm_villages:
        missing = sorted(v.code for v in lgo.villages if v.id not in confirmed(lgo, month))
        if missing:
            raise VillagesUnconfirmed(extra={"unconfirmed": missing})
    row = move_state(lgo, month, {State.open}, State.submitted)
    record_step(lgo, month, Action.submit, actor, role)
    return row


def approve(lgo: Lgo, month: dt.date, actor: int, role: str | None) -> MonthApproval:
    row = move_state(lgo, month, {State.submitted}, State.approved)
    record_step(lgo, month, Action.approve, actor, role)
    return row


def send_back(lgo: Lgo, month: dt.date, actor: int, role: str | None, reason: str, *,
              allowed: set[State]) -> MonthApproval:
    """Send the month back to open with a reason; its stored figures, if any, are dropped."""
    row = move_state(lgo, month, allowed, State.open)
    row.returned_reason = reason
    _thaw(lgo.id, month)
    record_step(lgo, month, Action.send_back, actor, role, reason=reason)
    return row


def _thaw(lgo_id: int, month: dt.date) -> None:
    frozen = db.session.get(FrozenMonth, (lgo_id, month))
    if frozen is not None:
        db.session.delete(frozen)
    # Its late items are now in its own live figures: not late in another month's view too.
    run(text("delete from late_items where lgo_id = :lgo and month = :month"),
        {"lgo": lgo_id, "month": month})
    db.session.flush()


def encode_numbers(numbers: dict[str, Any]) -> dict[str, Any]:
    return {k: {"d": str(v)} if isinstance(v, Decimal) else v for k, v in numbers.items()}


def _decode(numbers: dict[str, Any]) -> dict[str, Any]:
    return {k: Decimal(v["d"]) if isinstance(v, dict) else v for k, v in numbers.items()}


def frozen_for(month: dt.date, village_ids: Iterable[int]) -> list[FrozenMonth]:
    """The accepted LGO-months of ``month`` holding any of these villages."""
    wanted = {str(v) for v in village_ids}
    rows = db.session.execute(select(FrozenMonth).where(FrozenMonth.month == month)).scalars()
    return [row for row in rows if wanted & set(row.villages)]


def apply_frozen(period: Period, figures: Any) -> Any:
    """Replace live numbers with the accepted ones where the period is an accepted month."""
    if period.kind != MONTH or not figures.villages:
        return figures
    frozen = frozen_for(period.start, figures.villages)
    if not frozen:
        return figures
    for row in frozen:
        for village, numbers in row.villages.items():
            if int(village) in figures.villages:
                figures.villages[int(village)] = _decode(numbers)
    lgos = {row.lgo_id for row in frozen}
    figures.hazards = [h for h in figures.hazards if h[0] not in lgos] + [
        (lgo_id, village_id, _decode(kg)) for row in frozen
        for lgo_id, village_id, kg in row.hazards]
    return figures


def frozen_months(months: Sequence[dt.date], village_ids: Iterable[int]) -> bool:
    """Whether any of these months is accepted for an LGO holding any of these villages."""
    ids = list(village_ids)
    return any(frozen_for(m, ids) for m in months)


# --- late items ----------------------------------------------------------------------------

def record_late(kind: str, ids: Sequence[int]) -> None:
    """Record the rows of an applied change that belong to an accepted month (applier)."""
    source = _LATE_SOURCES.get(kind)
    if source is None or not ids:
        return
    table, day, sign = source
    run(text(f"""
        insert into late_items (kind, row_id, sign, lgo_id, village_id, month, counted_in,
                                settled, recorded_at)
        select :kind, r.id, :sign, r.lgo_id, r.village_id, f.month,
               {COUNTED_IN_SQL.format(month="f.month", lgo="r.lgo_id")}, false, now()
        from {table} r
        join frozen_months f on f.lgo_id = r.lgo_id
             and f.month = date_trunc('month', r.{day})::date
        where r.id = any(:ids)"""), {"kind": kind, "sign": sign, "ids": sorted(ids)})


def settle_late() -> int:
    """Apply the provinces' rule to late items not yet settled: reopen, or leave them late."""
    rows = run(text("""
        select l.id, l.lgo_id, l.month, p.late_items as rule
        from late_items l join lgos g on g.id = l.lgo_id join provinces p on p.id = g.province_id
        where not l.settled order by l.id for update of l""")).all()
    if not rows:
        return 0
    reopen = sorted({(r.lgo_id, r.month) for r in rows if r.rule == LateRule.reopen.value})
    for lgo_id, month in reopen:
        approval = db.session.get(MonthApproval, (lgo_id, month))
        if approval is not None and approval.state is State.accepted:
            approval.state = State.open
            approval.returned_reason = "Late items arrived: reopened by the province's rule."
            lgo = db.session.get(Lgo, lgo_id)
            _thaw(lgo_id, month)
            if lgo is not None:
                record_step(lgo, month, Action.reopen, None, None,
                      reason="Late items arrived: reopened by the province's rule.")
    run(text("update late_items set settled = true where id = any(:ids)"),
        {"ids": [r.id for r in rows]})
    return len(rows)


EMPTY_LATE: dict[str, Any] = {"items": 0, "months": [], "logs": 0, "logs_voided": 0,
                              "kg": {}, "inspections": 0, "deposits": 0, "deposits_reversed": 0,
                              "deposit_kg": "0", "hazardous_kg": "0"}

_LATE_SQL = text("""
    select l.lgo_id, array_agg(distinct to_char(l.month, 'YYYY-MM')) as months,
           count(*) as items,
           count(*) filter (where l.kind = 'logs_added') as logs,
           count(*) filter (where l.kind = 'logs_voided') as logs_voided,
           coalesce(sum(l.sign * s.kg_organic) filter (where l.kind like 'logs%'), 0) as organic,
           coalesce(sum(l.sign * s.kg_recyclable) filter (where l.kind like 'logs%'), 0)
               as recyclable,
           coalesce(sum(l.sign * s.kg_general) filter (where l.kind like 'logs%'), 0) as general,
           coalesce(sum(l.sign * s.kg_hazardous) filter (where l.kind like 'logs%'), 0)
               as hazardous,
           count(*) filter (where l.kind like 'inspections%') as inspections,
           count(*) filter (where l.kind = 'deposits_added') as deposits,
           count(*) filter (where l.kind = 'deposits_reversed') as deposits_reversed,
           coalesce(sum(l.sign * d.kg) filter (where l.kind like 'deposits%'), 0) as deposit_kg,
           coalesce(sum(h.kg) filter (where l.kind = 'hazardous_added'), 0) as hazardous_kg
    from late_items l
    left join sorting_logs s on l.kind like 'logs%' and s.id = l.row_id
    left join lateral (select sum(kg) as kg from ledger_lines x where x.entry_id = l.row_id)
         d on l.kind like 'deposits%'
    left join lateral (select {hazard_kg} as kg
                       from hazardous_collections c where c.id = l.row_id) h
         on l.kind = 'hazardous_added'
    where l.lgo_id = any(:lgos) and l.counted_in = :month
    group by l.lgo_id
""".format(hazard_kg=" + ".join(f"coalesce(c.kg_{t}, 0)" for t in HAZARD_TYPES)))


def late_block(lgo_ids: Sequence[int], month: dt.date) -> dict[int, dict[str, Any]]:
    """What arrived late for earlier accepted months and is counted in ``month``'s view."""
    if not lgo_ids:
        return {}
    out = {}
    for r in run(_LATE_SQL, {"lgos": list(lgo_ids), "month": month}).mappings():
        out[r["lgo_id"]] = {
            "items": r["items"], "months": sorted(r["months"]), "logs": r["logs"],
            "logs_voided": r["logs_voided"],
            "kg": {s: str(Decimal(r[s]).quantize(Decimal("0.001")))
                   for s in ("organic", "recyclable", "general", "hazardous")},
            "inspections": r["inspections"], "deposits": r["deposits"],
            "deposits_reversed": r["deposits_reversed"],
            "deposit_kg": str(Decimal(r["deposit_kg"]).quantize(Decimal("0.001"))),
            "hazardous_kg": str(Decimal(r["hazardous_kg"]).quantize(Decimal("0.001"))),
        }
    return out


def late_of(lgo_ids: Sequence[int], month: dt.date) -> dict[int, dict[str, Any]]:
    """The late block of each LGO's view of ``month``: stored with it once it is accepted."""
    frozen = {row.lgo_id: row.late for row in db.session.execute(
        select(FrozenMonth).where(FrozenMonth.lgo_id.in_(list(lgo_ids)),
                                  FrozenMonth.month == month)).scalars()}
    live = late_block([i for i in lgo_ids if i not in frozen], month)
    return {i: frozen.get(i) or live.get(i) or dict(EMPTY_LATE) for i in lgo_ids}


def history(lgo_id: int, month: dt.date) -> list[ApprovalStep]:
    return list(db.session.execute(
        select(ApprovalStep).where(ApprovalStep.lgo_id == lgo_id, ApprovalStep.month == month)
        .order_by(ApprovalStep.id)).scalars())


