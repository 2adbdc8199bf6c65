"""Data versions of the map sources and a small in-process LRU cache keyed by them."""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Any

from sqlalchemy import delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from .models import MapDataChange, MapDataVersion

# Fold change rows into the base once a source has this many: counting stays a few ms.
COMPACT_AFTER = 2_000


def version_expr(sources: Iterable[str]) -> ColumnElement[int]:
    """Return a SQL expression for the summed version of ``sources``.

    Put it in the same statement as the data it describes: one statement is one snapshot, so
    the version and the data always match, even while writers commit.
    """
    names = sorted(set(sources))
    base = (
        select(func.coalesce(func.sum(MapDataVersion.base), 0))
        .where(MapDataVersion.source.in_(names))
        .scalar_subquery()
    )
    changes = (
        select(func.count()).select_from(MapDataChange)
        .where(MapDataChange.source.in_(names))
        .scalar_subquery()
    )
    return (base + changes).label("data_version")


@functools.lru_cache(maxsize=16)
def _version_statement(sources: frozenset[str]) -> Any:
    return select(version_expr(sources))


def read_version(sources: Iterable[str]) -> int:
    """Return the current summed version of ``sources`` (its statement built once per set)."""
    return int(db.session.execute(_version_statement(frozenset(sources))).scalar_one())


def change_counts() -> dict[str, int]:
    """Return how many uncompacted change rows each source has."""
    rows = db.session.execute(
        select(MapDataChange.source, func.count()).group_by(MapDataChange.source)
    )
    return {source: count for source, count in rows}


def compact(source: str) -> int:
    """Fold ``source``'s committed change rows into its base; return how many were folded.

    The delete and the base update run in one statement, so the version never moves; rows
    that commit meanwhile are not visible to it and stay for the next run.
    """
    db.session.execute(
        insert(MapDataVersion).values(source=source, base=0).on_conflict_do_nothing()
    )
    gone = (
        delete(MapDataChange).where(MapDataChange.source == source)
        .returning(MapDataChange.id).cte("gone")
    )
    folded = select(func.count()).select_from(gone).scalar_subquery()
    stmt = (
        update(MapDataVersion)
        .where(MapDataVersion.source == source)
        .values(base=MapDataVersion.base + folded)
        .returning(folded)
    )
    return int(db.session.execute(stmt).scalar_one())


def compact_all(threshold: int = COMPACT_AFTER) -> dict[str, int]:
    """Compact every source with at least ``threshold`` change rows."""
    return {
        source: compact(source) for source, count in change_counts().items() if count >= threshold
    }


def needs_compaction(threshold: int = COMPACT_AFTER) -> bool:
    """Say whether any source has ``threshold`` change rows or more (a cheap probe)."""
    probe = select(literal(1)).select_from(MapDataChange).offset(threshold - 1).limit(1)
    return db.session.execute(probe).first() is not None


class LRUCache:
    """A thread-safe LRU cache bounded by entry count and by total bytes."""

    def __init__(self, max_entries: int = 4096, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, dropped) = self._items.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._items)
