"""The sorting logs' monthly partitions: made ahead of the months that need them, dropped whole
by retention.

``khaya_ensure_log_partition(day)`` (a database function, so the migration, the seeds and the
app make partitions one way) makes the partition of ``day``'s month if it is missing, moving
into it any of that month's logs that waited in ``sorting_logs_default``. The default partition
takes a log of a month nobody made a partition for (a log dated years back), so a sync never
fails for want of one.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session, scoped_session

from ..common.time import local_today

PARENT = "sorting_logs"
DEFAULT = "sorting_logs_default"
# sorting_logs_p2024_10: the logs dated in October 2024.
PARTITION = re.compile(r"^sorting_logs_p(\d{4})_(\d{2})$")
# Months made ahead of today, so a month's first logs never wait in the default partition.
AHEAD_MONTHS = 2


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first day of every month from ``first``'s to ``last``'s."""
    out, month = [], month_start(first)
    while month <= last:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


def ensure_log_partitions(session: Session | scoped_session[Any], first: dt.date,
                          last: dt.date) -> list[str]:
    """Make sure every month from ``first`` to ``last`` has its partition; return their names."""
    return [session.execute(text("select khaya_ensure_log_partition(:day)"), {"day": month})
            .scalar_one() for month in months(first, last)]


def ensure_ahead(session: Session | scoped_session[Any], today: dt.date | None = None
                 ) -> list[str]:
    """This month's partition, last month's (late logs) and the next ``AHEAD_MONTHS``', and
    any month whose logs wait in the default partition."""
    today = today or local_today()
    waiting = session.execute(text(
        f"select distinct date_trunc('month', log_date)::date from {DEFAULT}")).scalars().all()
    first = month_start(today - dt.timedelta(days=today.day))
    last = months(today, today + dt.timedelta(days=31 * AHEAD_MONTHS))[-1]
    names = ensure_log_partitions(session, first, last)
    for month in waiting:
        names += ensure_log_partitions(session, month, month)
    return names


def partitions(session: Session | scoped_session[Any]) -> dict[dt.date, str]:
    """The monthly partitions that exist: {first day of the month: table name}."""
    names = session.execute(text(
        "select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid"
        " where i.inhparent = cast(:parent as regclass)"), {"parent": PARENT}).scalars().all()
    found = {}
    for name in names:
        if match := PARTITION.match(name):
            found[dt.date(int(match[1]), int(match[2]), 1)] = name
    return found


def drop_before(session: Session | scoped_session[Any], before: dt.date) -> dict[int, int]:
    """Drop every monthly partition wholly before ``before``; return {LGO id: logs dropped}.
    The caller deletes what else is dated before it (a month still partly kept, logs in the
    default partition) and the claims of them all."""
    dropped: dict[int, int] = {}
    for month, name in sorted(partitions(session).items()):
        end = (month + dt.timedelta(days=32)).replace(day=1)
        if end > before:
            continue
        for lgo_id, count in session.execute(text(
                f'select lgo_id, count(*) from "{name}" group by lgo_id')):
            dropped[lgo_id] = dropped.get(lgo_id, 0) + count
        session.execute(text(f'alter table {PARENT} detach partition "{name}"'))
        session.execute(text(f'drop table "{name}"'))
    return dropped
