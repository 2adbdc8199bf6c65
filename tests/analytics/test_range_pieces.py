"""A custom range is read as whole months, whole weeks of a month and the days left over:
together they hold each day of the range exactly once, and no more rows than needed."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from khaya.analytics.periods import next_month, pieces, week_end, week_of

D = dt.date


def _days_of(split) -> list[dt.date]:
    days = list(split.days)
    for first in split.months:
        days += [first + dt.timedelta(days=n) for n in range((next_month(first) - first).days)]
    for first in split.weeks:
        days += [first + dt.timedelta(days=n) for n in range((week_end(first) - first).days + 1)]
    return sorted(days)


@pytest.mark.parametrize(("day", "first", "last"), [
    (D(2026, 11, 1), D(2026, 11, 1), D(2026, 11, 7)),
    (D(2026, 11, 14), D(2026, 11, 8), D(2026, 11, 14)),
    (D(2026, 11, 30), D(2026, 11, 29), D(2026, 11, 30)),
    (D(2026, 12, 31), D(2026, 12, 29), D(2026, 12, 31)),
    (D(2028, 2, 29), D(2028, 2, 29), D(2028, 2, 29)),
    (D(2027, 2, 28), D(2027, 2, 22), D(2027, 2, 28)),
])
def test_weeks_of_a_month_never_cross_it(day, first, last):
    assert week_of(day) == first
    assert week_end(first) == last


def test_pieces_cover_a_range_exactly_once():
    rng = random.Random(5)
    for _ in range(2000):
        start = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(1200))
        end = start + dt.timedelta(days=rng.randrange(400))
        split = pieces(start, end)
        expected = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        assert _days_of(split) == expected, (start, end)
        # Days are used only where no whole week (or month) fits: at most six at each end of
        # each month's part, so a month in the middle is always one row.
        assert len(split.days) <= 12 * (len({d.replace(day=1) for d in split.days})), (start, end)


def test_a_30_day_range_reads_whole_weeks():
    split = pieces(D(2026, 11, 3), D(2026, 12, 2))
    assert split.months == ()
    assert split.weeks == (D(2026, 11, 8), D(2026, 11, 15), D(2026, 11, 22), D(2026, 11, 29))
    assert split.days == (*(D(2026, 11, d) for d in range(3, 8)), D(2026, 12, 1), D(2026, 12, 2))
    whole = pieces(D(2026, 10, 1), D(2027, 1, 9))
    assert whole.months == (D(2026, 10, 1), D(2026, 11, 1), D(2026, 12, 1))
    assert whole.weeks == (D(2027, 1, 1),)
    assert whole.days == (D(2027, 1, 8), D(2027, 1, 9))
