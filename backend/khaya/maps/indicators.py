"""Indicator values for map layers, from the analytics package once it is installed.

Maps show aggregates only. A value whose denominator analytics flags as small is published
without its value and numerator (the flag and the denominator stay), so a village of three
households never shows what each one did.

A snapshot of one level's values for one period is recomputed when its sources changed and it
is at least ``MAPS_INDICATOR_MIN_AGE`` seconds old (every sorting log changes them: a busy
morning must not recompute the province per tile), and in any case after
``MAPS_INDICATOR_MAX_AGE`` seconds. Tiles are keyed by the snapshot's fingerprint, a hash of
its values, so a recomputation that changes nothing keeps every cached tile and ETag.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from ..analytics import compute, periods
from .cache import read_version

# Indicators shown on maps and in the OGC collections, by area level.
MAP_INDICATORS = ("participation",)
LEVELS = {"villages": "village", "tambons": "tambon", "districts": "district", "lgos": "lgo"}
# The raw tables the indicators are counted from.
SOURCES = ("households", "sorting_logs", "inspections", "waste_bank_members", "ledger_entries")
# Four levels by a few periods each.
MAX_SNAPSHOTS = 32


@dataclass(frozen=True)
class Snapshot:
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    fingerprint: str = "none"
    version: int = -1
    taken: float = 0.0


_snapshots: dict[tuple[str, str], Snapshot] = {}
_lock = threading.Lock()


def latest_complete_month(today: dt.date) -> str:
    """Return the month before ``today``'s, the month every map shows."""
    return periods.last_complete_month(today).label


def snapshot(level: str, period: str) -> Snapshot:
    """Return the indicator values of every area of ``level`` for ``period``.

    ``values`` maps area codes to flat properties per indicator: ``<name>`` (the ratio),
    ``<name>_numerator``, ``<name>_denominator`` and ``<name>_small``; empty (fingerprint
    ``none``) for a level maps do not colour.
    """
    if level not in LEVELS:
        return Snapshot()
    key = (level, period)
    now = time.monotonic()
    config = current_app.config
    min_age = config.get("MAPS_INDICATOR_MIN_AGE", 30)
    max_age = config.get("MAPS_INDICATOR_MAX_AGE", 600)
    with _lock:
        held = _snapshots.get(key)
    age = now - held.taken if held is not None else max_age
    # Younger than min_age it stands whatever changed: no need to ask what did (a tile hot path).
    if held is not None and age < min(min_age, max_age):
        return held
    version = read_version(SOURCES)
    if held is not None and age < max_age and held.version == version:
        return held
    rows = compute(LEVELS[level], None, period, list(MAP_INDICATORS))
    values = {str(row["code"]): _flatten(row) for row in rows}
    text = json.dumps(values, sort_keys=True, default=str).encode()
    made = Snapshot(values, hashlib.blake2b(text, digest_size=8).hexdigest(), version, now)
    with _lock:
        _snapshots[key] = made
        while len(_snapshots) > MAX_SNAPSHOTS:
            del _snapshots[min(_snapshots, key=lambda k: _snapshots[k].taken)]
    return made


def clear() -> None:
    """Forget every snapshot (tests; a process that changed its settings)."""
    with _lock:
        _snapshots.clear()


def _flatten(row: dict[str, Any]) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for name in MAP_INDICATORS:
        figure = row.get(name) or {}
        small = bool(figure.get("small_denominator"))
        flat[name] = None if small else _number(figure.get("value"))
        flat[f"{name}_numerator"] = None if small else _number(figure.get("numerator"))
        flat[f"{name}_denominator"] = _number(figure.get("denominator"))
        flat[f"{name}_small"] = small
        flat[f"{name}_no_data"] = bool(figure.get("no_data", True))
    return flat


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)
