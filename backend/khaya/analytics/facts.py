"""The raw rows the rollups count, as one select per kind, shared by upkeep and rebuilds.

Each select yields ``household_id, village_id, day`` and the kind's measures. A log counts
unless voided; a deposit counts unless reversed; kg are cast to numeric here, once, so the
incremental sums and a rebuild's sums agree to the gram whatever the order of addition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    Result,
    Select,
    String,
    Table,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    func,
    literal,
    select,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from ..auth.scoping import unscoped
from ..extensions import db
from ..participation.models import SortingLog
from ..wastebank.models import EntryKind, LedgerEntry, LedgerLine
from .models import KG, MATERIAL_COLUMNS, MATERIALS, STREAM_COLUMNS


def run(statement: Any,
        params: dict[str, Any] | list[dict[str, Any]] | None = None) -> Result[Any]:
    """Execute past the request's row scope: rollups count every row, and analytics applies
    its own area scope (``territory``) before any figure is read."""
    return db.session.execute(statement, params, execution_options=unscoped())


def id_array(ids: Iterable[int] | None) -> str | None:
    """Ids as one PostgreSQL array literal, ``'{1,2,3}'``, for ``cast(:ids as int[])``: parsed
    as one constant, where a list is sent as ``ARRAY[1,2,3]``, one constant per id to parse and
    plan (half the time of a query over a country's 8,500 villages). In the order given;
    ``None`` stays None."""
    if ids is None:
        return None
    return "{" + ",".join(str(int(i)) for i in ids) + "}"


def ids_param(ids: Iterable[int]) -> ColumnElement[Any]:
    """``ids`` as one ``int[]`` parameter, in the order given (see ``id_array``)."""
    return cast(bindparam(None, id_array(ids), type_=String, unique=True), ARRAY(Integer))


def among(column: Any, ids: Iterable[int] | None) -> ColumnElement[bool]:
    """``column = any(:ids)``: one array parameter, however many ids (``in_`` sends one
    parameter per id, which costs more to send and plan than the query takes for a province).
    ``None``: every id, no filter.
    """
    if ids is None:
        return true()
    return column == any_(ids_param(sorted(set(ids))))


def cells_of(village_id: Any, ids: list[int],
           groups: dict[int, int] | None) -> tuple[Any, ColumnElement[bool], list[Any]]:
    """What a row of ``village_id`` counts under in SQL: (the key, the filter, the GROUP BY).
    ``groups``: each village's area key (``indicators.groups``); ``ids`` sorted.

    Without groups, its village; with one key for every village (one area), that key; else its
    area's key, from the villages and keys unnested side by side and joined on the village.
    """
    if groups is None:
        return village_id, among(village_id, ids), [village_id]
    keys = set(groups.values())
    if len(keys) == 1:
        # A constant is not grouped by: PostgreSQL would read an integer as a column position.
        return literal(keys.pop()), among(village_id, ids), []
    # Sorted by village, as ``ids`` are, so the keys line up with them.
    pairs = func.unnest(ids_param(ids), ids_param([groups[v] for v in ids])
                        ).table_valued("village_id", "cell").render_derived(name="cells")
    return pairs.c.cell, village_id == pairs.c.village_id, [pairs.c.cell]


def table_of(model: Any) -> Table:
    """A model's table, typed as one (declarative models declare a plain FromClause)."""
    return model.__table__  # type: ignore[no-any-return]


def month_of(day: Any) -> ColumnElement:
    return cast(func.date_trunc("month", day), Date)


def week_of_sql(day: Any) -> ColumnElement:
    """The first day of the day's week of the month (``periods.week_of``), in SQL."""
    return cast(day - (cast(func.extract("day", day), Integer) - 1) % 7, Date)


def day_bit(day: Any) -> ColumnElement:
    """Bit ``d - 1`` for the ``d``-th of the month (bit 30 for the 31st: fits an int4)."""
    return literal(1).op("<<")(cast(func.extract("day", day), Integer) - 1)


def fiscal_year_of(day: Any) -> ColumnElement:
    """The BE fiscal year: CE year + 543, plus one from October."""
    month = cast(func.extract("month", day), Integer)
    return cast(func.extract("year", day), Integer) + 543 + (month >= 10).cast(Integer)


def log_facts(*conditions: ColumnElement[bool], valid: bool = True) -> Select:
    """Sorting logs; ``valid=False`` also yields voided ones (to take back what they added)."""
    where = [*conditions] + ([SortingLog.voided_at.is_(None)] if valid else [])
    return select(
        SortingLog.household_id, SortingLog.village_id, SortingLog.log_date.label("day"),
        literal(1).label("logs"),
        *(cast(func.coalesce(getattr(SortingLog, c), 0), KG).label(c) for c in STREAM_COLUMNS),
    ).where(*where)


def deposit_facts(*conditions: ColumnElement[bool], valid: bool = True) -> Select:
    """Waste-bank deposits with their weighed lines; ``valid=False`` also yields reversed ones."""
    lines = (
        select(
            LedgerLine.entry_id,
            func.sum(LedgerLine.kg).label("kg"),
            *(func.coalesce(func.sum(LedgerLine.kg).filter(LedgerLine.material == m), 0)
              .label(c) for m, c in zip(MATERIALS, MATERIAL_COLUMNS, strict=True)),
        ).group_by(LedgerLine.entry_id).subquery("lines")
    )
    reversal = aliased(LedgerEntry)
    where = [LedgerEntry.kind == EntryKind.deposit, *conditions]
    if valid:
        where.append(~exists().where(reversal.reverses_id == LedgerEntry.id))
    return (
        select(
            LedgerEntry.household_id, LedgerEntry.village_id, LedgerEntry.entry_date.label("day"),
            literal(1).label("deposits"),
            cast(func.coalesce(lines.c.kg, 0), KG).label("deposit_kg"),
            LedgerEntry.amount.label("deposit_baht"),
            *(cast(func.coalesce(lines.c[c], 0), KG).label(c) for c in MATERIAL_COLUMNS),
        )
        .outerjoin(lines, and_(lines.c.entry_id == LedgerEntry.id))
        .where(*where)
    )


@dataclass(frozen=True)
class Fact:
    """One kind of counted row and where its figures go in the rollups."""

    name: str
    source: Callable[..., Select]
    mask: str  # household_months: days with one
    fy_mask: str  # household_fiscal_years: months with one
    distinct: str  # village tables: households with one
    household_sums: tuple[str, ...]
    village_sums: tuple[str, ...]

    @property
    def prev_mask(self) -> str:
        return f"prev_{self.mask}"

    @property
    def prev_fy_mask(self) -> str:
        return f"prev_{self.fy_mask}"


LOGS = Fact("logs", log_facts, "days", "months", "households",
            ("logs", *STREAM_COLUMNS), ("logs", *STREAM_COLUMNS))
DEPOSITS = Fact("deposits", deposit_facts, "deposit_days", "deposit_months", "depositors",
                ("deposits", "deposit_kg"),
                ("deposits", "deposit_kg", "deposit_baht", *MATERIAL_COLUMNS))
FACTS = (LOGS, DEPOSITS)
