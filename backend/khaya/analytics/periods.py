"""Reporting periods: a day, a month, a fiscal year (named in BE) or a custom range.

Written as ``2024-11-05`` (day), ``2024-11`` (month), ``FY2568`` (the Thai government fiscal
year 1 Oct 2024 - 30 Sep 2025, named by the BE year it ends in) or given as ``from``/``to``
dates (custom, both inclusive).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..common.time import fiscal_year

DAY, MONTH, FISCAL_YEAR, CUSTOM = "day", "month", "fiscal_year", "custom"
KINDS = (DAY, MONTH, FISCAL_YEAR, CUSTOM)
BE_OFFSET = 543
# A custom range longer than this is refused: it would read a household row per month for years.
MAX_CUSTOM_DAYS = 3 * 366

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_FY = re.compile(r"^FY(\d{4})$", re.IGNORECASE)


class PeriodError(ValueError):
    """A period that cannot be read; the message says how to write one."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        """Return the period as it is written in a request (``2024-11``, ``FY2568``...)."""
        if self.kind == DAY:
            return self.start.isoformat()
        if self.kind == MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        if self.kind == FISCAL_YEAR:
            return f"FY{fiscal_year(self.start)}"
        return f"{self.start.isoformat()}/{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def elapsed_days(self, today: dt.date) -> int:
        """Return the days of the period up to and including ``today``."""
        last = min(self.end, today)
        return max(0, (last - self.start).days + 1)

    def as_of(self, today: dt.date) -> dt.date:
        """Return the day whose register counts: the period's end, or today if still running."""
        return min(self.end, today)

    def previous(self) -> Period:
        """Return the period of the same kind just before this one."""
        if self.kind == DAY:
            return day(self.start - dt.timedelta(days=1))
        if self.kind == MONTH:
            return month(self.start - dt.timedelta(days=1))
        if self.kind == FISCAL_YEAR:
            return fiscal(fiscal_year(self.start) - 1)
        return Period(CUSTOM, self.start - dt.timedelta(days=self.days),
                      self.start - dt.timedelta(days=1))

    def months(self) -> list[dt.date]:
        """Return the first day of every month the period touches."""
        return list(month_starts(self.start, self.end))

    def complete(self, today: dt.date) -> bool:
        """Say whether the period is over: its last day is before ``today``."""
        return self.end < today

    def like_for_like(self, today: dt.date) -> Period:
        """Return what this period compares with: the period before it, or while this one
        runs, the same number of days from the start of the period before.

        On 2 November, November so far (2 of 30 days) compares with 1-2 October, not with the
        whole of October: a month two days old is not "down 10 points" on a whole month.
        """
        before = self.previous()
        if self.complete(today) or today < self.start or self.kind in (DAY, CUSTOM):
            return before
        last = min(before.end, before.start + dt.timedelta(days=self.elapsed_days(today) - 1))
        return Period(CUSTOM, before.start, last)

    def as_dict(self, today: dt.date | None = None) -> dict[str, object]:
        """Return the period for a response; with ``today``, how much of it has passed."""
        out: dict[str, object] = {"kind": self.kind, "label": self.label, "start": self.start,
                                  "end": self.end, "days": self.days}
        if today is not None:
            out["complete"] = self.complete(today)
            out["elapsed_days"] = self.elapsed_days(today)
        return out


def day(value: dt.date) -> Period:
    return Period(DAY, value, value)


def month(value: dt.date) -> Period:
    """Return the month ``value`` falls in."""
    first = value.replace(day=1)
    return Period(MONTH, first, next_month(first) - dt.timedelta(days=1))


def fiscal(be_year: int) -> Period:
    """Return fiscal year ``be_year`` (BE): 1 October of the year before to 30 September."""
    ce = be_year - BE_OFFSET
    return Period(FISCAL_YEAR, dt.date(ce - 1, 10, 1), dt.date(ce, 9, 30))


def custom(start: dt.date, end: dt.date) -> Period:
    if end < start:
        raise PeriodError("'to' must not be before 'from'.")
    if (end - start).days + 1 > MAX_CUSTOM_DAYS:
        raise PeriodError(f"A custom range covers at most {MAX_CUSTOM_DAYS} days.")
    return Period(CUSTOM, start, end)


def last_complete_month(today: dt.date) -> Period:
    """Return the month before ``today``'s: what every screen and query shows by default."""
    return month(today.replace(day=1) - dt.timedelta(days=1))


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def week_of(day: dt.date) -> dt.date:
    """The first day of ``day``'s week of the month: the 1st, 8th, 15th, 22nd or 29th."""
    return day - dt.timedelta(days=(day.day - 1) % 7)


def week_end(first: dt.date) -> dt.date:
    """The last day of the week of the month that starts on ``first``."""
    if first.day < 29:
        return first + dt.timedelta(days=6)
    return next_month(first.replace(day=1)) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Pieces:
    """A range as whole months, whole weeks of a month (see ``week_of``) and the days left."""

    months: tuple[dt.date, ...]
    weeks: tuple[dt.date, ...]
    days: tuple[dt.date, ...]


def pieces(start: dt.date, end: dt.date) -> Pieces:
    """Split start..end into the fewest rollup rows: months, then weeks, then days."""
    months: list[dt.date] = []
    weeks: list[dt.date] = []
    days: list[dt.date] = []
    current = start
    while current <= end:
        month_last = next_month(current.replace(day=1)) - dt.timedelta(days=1)
        week_last = week_end(week_of(current))
        if current.day == 1 and month_last <= end:
            months.append(current)
            current = month_last + dt.timedelta(days=1)
        elif week_of(current) == current and week_last <= end:
            weeks.append(current)
            current = week_last + dt.timedelta(days=1)
        else:
            days.append(current)
            current += dt.timedelta(days=1)
    return Pieces(tuple(months), tuple(weeks), tuple(days))


def month_starts(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    current = start.replace(day=1)
    while current <= end:
        yield current
        current = next_month(current)


def parse(text: str) -> Period:
    """Read ``2024-11-05``, ``2024-11`` or ``FY2568``."""
    value = text.strip()
    try:
        if m := _DAY.match(value):
            return day(dt.date(int(m[1]), int(m[2]), int(m[3])))
        if m := _MONTH.match(value):
            return month(dt.date(int(m[1]), int(m[2]), 1))
        if m := _FY.match(value):
            be_year = int(m[1])
            if not 2500 <= be_year <= 2700:
                raise PeriodError("A fiscal year is named in the Buddhist Era, e.g. FY2568.")
            return fiscal(be_year)
    except ValueError as error:
        if isinstance(error, PeriodError):
            raise
        raise PeriodError(f"No such date: {value}.") from None
    raise PeriodError("Write a period as 2024-11-05 (day), 2024-11 (month) or FY2568 "
                      "(fiscal year, BE), or give from and to.")


def resolve(period: Period | str | None = None, start: dt.date | None = None,
            end: dt.date | None = None, *, today: dt.date | None = None) -> Period:
    """Return the period from a parsed value, its text, or a custom ``start``-``end`` range.

    With none of them and ``today`` given, the last complete month before ``today``.
    """
    if isinstance(period, Period):
        return period
    if period is not None and (start or end):
        raise PeriodError("Give either period or from/to, not both.")
    if period is not None:
        return parse(period)
    if start is None and end is None and today is not None:
        return last_complete_month(today)
    if start is None or end is None:
        raise PeriodError("Give a period (2024-11, FY2568, 2024-11-05) or both from and to.")
    return custom(start, end)
