"""Changes announced by the domains, applied later by whoever listens (analytics' rollups).

A domain that stores, voids or reverses rows calls ``announce(kind, ids)`` in its own
transaction: one row in ``pending_changes`` and one wake-up job on the queue, both committed
or rolled back with the rows themselves. Nothing is lost between the answer and the rollups:
a committed change stays in the table until a worker has applied it and deleted it in one
transaction (``analytics.changes.apply_pending``). Domains never import analytics; analytics
reads the table.

With ``CHANGES_INLINE`` (tests that run inside one rolled-back transaction, where no worker
can see their rows) the listener applies the change at once, in the same transaction, through
the same code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from flask import current_app
from sqlalchemy import ARRAY, BigInteger, String, insert, text
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import TIMESTAMP
from ..extensions import Model, db
from . import queue

# What a domain may announce: the kind names the rows' ids.
KINDS = ("logs_added", "logs_voided", "deposits_added", "deposits_reversed",
         "inspections_added", "inspections_reviewed")
# The task a change wakes (declared by analytics; named here so domains need not import it).
APPLY_TASK = "khaya.analytics.apply_changes"
# Appliers run one at a time, under this transaction-scoped advisory lock (two keys: namespace,
# lock): a void applied before its log's addition would miscount. PostgreSQL frees it when the
# applier's connection ends, so a worker killed mid-way never leaves the others waiting.
APPLY_LOCK = (0x4B4A, 1)  # namespace 'KJ' (jobs); analytics' village locks use 'KH'


class PendingChange(Model):
    """One announced change, kept until applied."""

    __tablename__ = "pending_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, server_default=text("now()"))


_inline: list[Callable[[], None]] = []


def listen_inline(apply: Callable[[], None]) -> None:
    """Register what applies pending changes when ``CHANGES_INLINE`` is set."""
    if apply not in _inline:
        _inline.append(apply)


def announce(kind: str, ids: Iterable[int]) -> None:
    """Record that rows of ``kind`` with these ids changed, in the current transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown change kind {kind!r}")
    chosen = sorted(set(ids))
    if not chosen:
        return
    db.session.execute(insert(PendingChange).values(kind=kind, ids=chosen))
    if current_app.config.get("CHANGES_INLINE"):
        for apply in _inline:
            apply()
        return
    queue.configure_task(APPLY_TASK, connection=db.session.connection()).defer()


def backlog() -> dict:
    """Changes waiting and the oldest one's time: what the figures do not show yet."""
    row = db.session.execute(text(
        "select count(*) as n, min(created_at) as oldest from pending_changes")).one()
    return {"pending": int(row.n), "oldest": row.oldest}
