"""Applying the changes the domains announced (``khaya.jobs.changes``) to the rollups.

A worker takes the oldest pending changes under ``FOR UPDATE SKIP LOCKED``, applies runs of
one kind together (one set-based update for many sync batches), deletes them and commits: the
rollups and the record of what is left to do move in one transaction, so a worker killed
mid-way leaves the changes for the next one, never applied twice. Appliers run one at a time
(an advisory lock held to commit, freed by PostgreSQL if the applier dies), so a void is never
applied before the addition it takes back.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from sqlalchemy import text

from ..jobs import changes
from ..participation.services import touch_last_log
from . import rollups, signoff
from .facts import run


def _logs_added(ids: Iterable[int]) -> None:
    # Each household's latest log day moves with the figures that count the logs.
    chosen = list(ids)
    touch_last_log(chosen)
    rollups.logs_added(chosen)


HANDLERS: dict[str, Callable[[Iterable[int]], None]] = {
    "logs_added": _logs_added,
    "logs_voided": rollups.logs_voided,
    "deposits_added": rollups.deposits_added,
    "deposits_reversed": rollups.deposits_reversed,
    "inspections_added": rollups.inspections_added,
    "inspections_reviewed": rollups.inspections_reviewed,
}
assert set(HANDLERS) == set(changes.KINDS), "every announced kind has its handler"
# Changes taken per transaction: a few hundred sync batches.
CHUNK = 500


def apply_chunk(limit: int = CHUNK) -> int:
    """Apply and delete up to ``limit`` of the oldest pending changes; flush, never commit.
    Returns how many were applied."""
    run(text("select pg_advisory_xact_lock(:namespace, :key)"),
        dict(zip(("namespace", "key"), changes.APPLY_LOCK, strict=True)))
    rows = run(text(
        "select id, kind, ids from pending_changes order by id limit :n"
        " for update skip locked"), {"n": limit}).all()
    for kind, run_of_kind in itertools.groupby(rows, key=lambda r: r.kind):
        ids = [i for r in run_of_kind for i in r.ids]
        HANDLERS[kind](ids)
        # Rows of a month the province accepted: counted now, so recorded as late.
        signoff.record_late(kind, ids)
    if rows:
        run(text("delete from pending_changes where id = any(:ids)"),
            {"ids": [r.id for r in rows]})
    signoff.settle_late()
    return len(rows)


def apply_all() -> None:
    """Apply every pending change now, in the current transaction (``CHANGES_INLINE``, and
    before a rebuild or a reconcile)."""
    while apply_chunk() == CHUNK:
        pass


changes.listen_inline(apply_all)


def freshness() -> dict:
    """Up to when the figures count every accepted row: now, or the oldest pending change."""
    state = changes.backlog()
    now = run(text("select now()")).scalar_one()
    return {"as_of": state["oldest"] or now, "pending": state["pending"]}
