"""Rebuilding the rollups from the raw rows, comparing them with the live ones, repairing.

``reconcile(start, end)`` widens the range to whole fiscal years (a fiscal year's distinct
households need all its months), builds every rollup of that range from the raw rows into
temporary tables, and compares them row by row with the live tables (a missing row equals a row
of zeros). With ``repair`` the live rows of the range are replaced by the rebuilt ones. The
scale generator fills the rollups in bulk the same way (``rebuild``). Fiscal years before the
retention horizon (``khaya.privacy.retention``) are left alone: their raw logs are gone and
their rollups are the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    and_,
    cast,
    column,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from ..common.horizon import raw_logs_kept_from
from ..common.time import fiscal_year, local_today
from ..participation.models import SortingLog
from ..wastebank.models import LedgerEntry
from . import gaps, registers
from .changes import apply_all
from .facts import (
    DEPOSITS,
    LOGS,
    day_bit,
    deposit_facts,
    fiscal_year_of,
    log_facts,
    month_of,
    run,
    week_of_sql,
)
from .models import (
    INSPECTION,
    REGISTER,
    HouseholdFiscalYear,
    HouseholdMonth,
    VillageDay,
    VillageFiscalYear,
    VillageInspectionSpan,
    VillageLogGap,
    VillageMonth,
    VillageRegister,
    VillageRegisterStep,
    VillageWeek,
)
from .periods import fiscal, month_starts, next_month
from .rollups import inspection_select, refresh_stale

# Scratch columns of the upserts; they carry no figure.
IGNORED = {"prev_days", "prev_deposit_days", "prev_months", "prev_deposit_months",
           # Generated from the row's other columns.
           "span"}
SHOWN = 10
# Every rollup and the column that holds its period.
TABLES: tuple[tuple[Any, str], ...] = (
    (HouseholdMonth, "month"),
    (HouseholdFiscalYear, "fiscal_year"),
    (VillageDay, "day"),
    (VillageWeek, "week"),
    (VillageMonth, "month"),
    (VillageFiscalYear, "fiscal_year"),
    (VillageRegister, "month"),
    (VillageRegisterStep, "day"),
    (VillageLogGap, "day"),
    (VillageInspectionSpan, "day"),
)
VILLAGE_SUMS = LOGS.village_sums + DEPOSITS.village_sums


@dataclass
class TableReport:
    table: str
    rows: int = 0
    differences: int = 0
    samples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    start: dt.date
    end: dt.date
    tables: list[TableReport] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return all(t.differences == 0 for t in self.tables)


def _columns(model: Any) -> list[str]:
    return [c.name for c in model.__table__.columns if c.name not in IGNORED]


def _keys(model: Any) -> list[str]:
    return [c.name for c in model.__table__.primary_key.columns]


_TEMPS: dict[str, Any] = {}


def _temp(model: Any) -> Any:
    """The ``tmp_<rollup>`` twin of a rollup (one object per table: joins need the same one)."""
    name = f"tmp_{model.__tablename__}"
    if name not in _TEMPS:
        _TEMPS[name] = table(name, *(column(c) for c in _columns(model)))
    return _TEMPS[name]


def widen(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """Return the whole fiscal years that ``start``..``end`` touches."""
    return fiscal(fiscal_year(start)).start, fiscal(fiscal_year(end)).end


def _in_range(model: Any, key: str, start: dt.date, end: dt.date) -> ColumnElement[bool]:
    col = model.__table__.c[key]
    if key == "fiscal_year":
        return col.between(fiscal_year(start), fiscal_year(end))
    return col.between(start, end)


def _facts(start: dt.date, end: dt.date) -> Any:
    """Every counted log and deposit of the range, in one shape."""
    logs = log_facts(SortingLog.log_date.between(start, end)).subquery("l")
    deposits = deposit_facts(LedgerEntry.entry_date.between(start, end)).subquery("d")
    zero = literal(0)
    return union_all(
        select(logs.c.household_id, logs.c.village_id, logs.c.day,
               *(logs.c[c] for c in LOGS.village_sums),
               *(zero.label(c) for c in DEPOSITS.village_sums)),
        select(deposits.c.household_id, deposits.c.village_id, deposits.c.day,
               *(literal(0).label(c) for c in LOGS.village_sums),
               *(deposits.c[c] for c in DEPOSITS.village_sums)),
    ).subquery("facts")


def build(start: dt.date, end: dt.date) -> None:
    """Fill temporary tables ``tmp_<rollup>`` with the rollups of start..end (whole FYs)."""
    for model, _ in TABLES:
        run(text(f"drop table if exists tmp_{model.__tablename__}"))
        run(text(f"create temp table tmp_{model.__tablename__} "
                 f"(like {model.__tablename__} including defaults)"))
    facts = _facts(start, end)
    month = month_of(facts.c.day)
    logged, deposited = facts.c.logs > 0, facts.c.deposits > 0
    sums = LOGS.household_sums + DEPOSITS.household_sums
    run(insert(_temp(HouseholdMonth)).from_select(
        ["month", "village_id", "household_id", "days", "deposit_days", *sums],
        select(month, facts.c.village_id, facts.c.household_id,
               func.coalesce(func.bit_or(day_bit(facts.c.day)).filter(logged), 0),
               func.coalesce(func.bit_or(day_bit(facts.c.day)).filter(deposited), 0),
               *(func.sum(facts.c[c]) for c in sums))
        .group_by(month, facts.c.village_id, facts.c.household_id)))
    hm = _temp(HouseholdMonth)
    fy = fiscal_year_of(hm.c.month)
    bit = literal(1).op("<<")((cast(func.extract("month", hm.c.month), Integer) + 2) % 12)
    run(insert(_temp(HouseholdFiscalYear)).from_select(
        ["fiscal_year", "village_id", "household_id", "months", "deposit_months"],
        select(fy, hm.c.village_id, hm.c.household_id,
               func.coalesce(func.bit_or(bit).filter(hm.c.days != 0), 0),
               func.coalesce(func.bit_or(bit).filter(hm.c.deposit_days != 0), 0))
        .group_by(fy, hm.c.village_id, hm.c.household_id)))
    run(insert(_temp(VillageDay)).from_select(
        ["day", "village_id", "households", "depositors", *VILLAGE_SUMS],
        select(facts.c.day, facts.c.village_id,
               func.count(facts.c.household_id.distinct()).filter(logged),
               func.count(facts.c.household_id.distinct()).filter(deposited),
               *(func.sum(facts.c[c]) for c in VILLAGE_SUMS))
        .group_by(facts.c.day, facts.c.village_id)))
    for model in (HouseholdMonth, HouseholdFiscalYear, VillageDay):
        # Temporary tables get no statistics by themselves; the next joins need them.
        run(text(f"analyze tmp_{model.__tablename__}"))
    # The range cells of start..end from the rebuilt masks (the day before a household's first
    # day of the range from the live masks, which the rebuild does not touch).
    for mask in gaps.KINDS:
        run(gaps.fill_sql("tmp_household_months", "tmp_village_log_gaps", mask),
            gaps.fill_params(None, start))
    run(gaps.spans_sql("tmp_village_inspection_spans"), gaps.spans_params(None, start, end))
    vd = _temp(VillageDay)
    week = week_of_sql(vd.c.day)
    run(insert(_temp(VillageWeek)).from_select(
        ["week", "village_id", *VILLAGE_SUMS],
        select(week, vd.c.village_id, *(func.sum(vd.c[c]) for c in VILLAGE_SUMS))
        .group_by(week, vd.c.village_id)))
    _village_periods(VillageMonth, "month", month_of(vd.c.day), hm, hm.c.month, start, end)
    hfy = _temp(HouseholdFiscalYear)
    _village_periods(VillageFiscalYear, "fiscal_year", fiscal_year_of(vd.c.day), hfy,
                     hfy.c.fiscal_year, start, end)
    # Register rows exist up to the current month: later ones would only repeat it.
    months = list(month_starts(start, min(end, local_today())))
    run(text(f"insert into tmp_village_registers (month, village_id, {', '.join(REGISTER)}) "
             f"{registers.SELECT_SQL}"),
        registers.params(None, months, [next_month(m) - dt.timedelta(days=1) for m in months]))
    # The steps of the range, counted from the whole history (a step holds until the next).
    run(text("insert into tmp_village_register_steps "
             f"(village_id, day, {', '.join(REGISTER)}, until) "
             f"select * from ({registers.STEPS_SQL}) as steps "
             "where day between :start and :end"),
        {"villages": None, "start": start, "end": end})
    for model in (VillageWeek, VillageMonth, VillageFiscalYear, VillageRegister,
                  VillageRegisterStep, VillageLogGap, VillageInspectionSpan):
        run(text(f"analyze tmp_{model.__tablename__}"))


def _village_periods(model: Any, key: str, period: Any, households: Any, household_period: Any,
                     start: dt.date, end: dt.date) -> None:
    """Sum village days into months or fiscal years, with distinct households and inspections."""
    days = _temp(VillageDay)
    summed = (select(period.label("p"), days.c.village_id,
                     *(func.sum(days.c[c]).label(c) for c in VILLAGE_SUMS))
              .group_by(period, days.c.village_id).subquery("s"))
    mask, deposit_mask = ("days", "deposit_days") if key == "month" else ("months",
                                                                          "deposit_months")
    counted = (select(household_period.label("p"), households.c.village_id,
                      func.count().filter(households.c[mask] != 0).label("households"),
                      func.count().filter(households.c[deposit_mask] != 0).label("depositors"))
               .group_by(household_period, households.c.village_id).subquery("c"))
    activity = (select(summed, counted.c.households, counted.c.depositors)
                .outerjoin(counted, and_(counted.c.p == summed.c.p,
                                         counted.c.village_id == summed.c.village_id))
                .subquery("a"))
    inspected = inspection_select(key, None, start, end).subquery("i")
    both = activity.join(inspected, and_(inspected.c.period == activity.c.p,
                                         inspected.c.village_id == activity.c.village_id),
                         full=True)
    run(insert(_temp(model)).from_select(
        [key, "village_id", "households", "depositors", *VILLAGE_SUMS, *INSPECTION],
        select(func.coalesce(activity.c.p, inspected.c.period),
               func.coalesce(activity.c.village_id, inspected.c.village_id),
               *(func.coalesce(activity.c[c], 0)
                 for c in ("households", "depositors", *VILLAGE_SUMS)),
               *(func.coalesce(inspected.c[c], 0) for c in INSPECTION))
        .select_from(both)))


def compare(start: dt.date, end: dt.date) -> list[TableReport]:
    """Compare every live rollup of start..end with its rebuilt twin in ``tmp_<rollup>``."""
    reports = []
    for model, key in TABLES:
        keys = _keys(model)
        values = [c for c in _columns(model) if c not in keys]
        live = (select(*(model.__table__.c[c] for c in _columns(model)))
                .where(_in_range(model, key, start, end)).subquery("live"))
        built: Any = _temp(model).alias("built")
        if model is VillageRegister:
            # Months never built are read live, not wrong: compare the months that are built.
            built = (select(built).where(built.c.month.in_(select(live.c.month).distinct()))
                     .subquery("built"))
        joined = live.join(built, and_(*(live.c[k] == built.c[k] for k in keys)), full=True)
        differs = or_(*(live.c[c].is_distinct_from(built.c[c])
                        if isinstance(model.__table__.c[c].type, Date)
                        else func.coalesce(live.c[c], 0) != func.coalesce(built.c[c], 0)
                        for c in values))
        diff = (select(*(func.coalesce(live.c[k], built.c[k]).label(k) for k in keys),
                       *(live.c[c].label(c) for c in values),
                       *(built.c[c].label(f"rebuilt_{c}") for c in values))
                .select_from(joined).where(differs))
        report = TableReport(model.__tablename__)
        report.rows = run(select(func.count()).select_from(joined)).scalar_one()
        report.differences = run(select(func.count()).select_from(diff.subquery())).scalar_one()
        for row in run(diff.order_by(*(text(k) for k in keys)).limit(SHOWN)).mappings():
            report.samples.append({k: row[k] for k in keys} | {
                c: (row[c], row[f"rebuilt_{c}"]) for c in values
                if (row[c] or 0) != (row[f"rebuilt_{c}"] or 0)})
        reports.append(report)
    return reports


def replace(start: dt.date, end: dt.date) -> None:
    """Swap the live rollups of start..end for the rebuilt ones."""
    for model, key in TABLES:
        run(delete(model).where(_in_range(model, key, start, end)))
        columns = _columns(model)
        run(insert(model).from_select(columns, select(*(_temp(model).c[c] for c in columns))))
    # The first log after the range follows a day of it: its cells move with the range's.
    gaps.rebuild(None, end + dt.timedelta(days=1))


def reconcile(start: dt.date, end: dt.date, *, repair: bool = False) -> Report:
    """Rebuild start..end (widened to fiscal years) from raw rows, compare, optionally repair.

    Changes still pending are applied first, and villages marked stale rebuilt, in this
    transaction: the live rollups are compared as they will stand once the workers catch up
    (roll back to leave them to the workers)."""
    apply_all()
    refresh_stale(limit=100_000)
    start, end = widen(start, end)
    start = max(start, raw_logs_kept_from() or start)
    build(start, end)
    report = Report(start, end, compare(start, end))
    if repair and not report.ok:
        replace(start, end)
        refresh_stale()
        report.repaired = True
    return report


def rebuild(start: dt.date, end: dt.date) -> Report:
    """Replace the rollups of start..end (widened to fiscal years) with ones built from raw,
    and build the month-end registers of the fiscal year before.

    Changes still pending are applied first (and so taken off the queue): the raw rows already
    hold them, and applied after the rebuild they would count twice."""
    apply_all()
    start, end = widen(start, end)
    start = max(start, raw_logs_kept_from() or start)
    build(start, end)
    replace(start, end)
    # The register of the year before too: a league table compares with the previous year.
    registers.rebuild(None, fiscal(fiscal_year(start) - 1).start, start - dt.timedelta(days=1))
    registers.rebuild_steps(None)
    refresh_stale(limit=100_000)
    return Report(start, end, repaired=True)
