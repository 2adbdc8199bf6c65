"""Hand each item of a batch to its domain, under the scope of that kind's permission."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

from flask import g
from marshmallow import ValidationError

from ..auth.access import Principal
from ..columns import utcnow
from ..common.batch import REJECTED, BatchContext, BatchItem, ItemResult, repeat
from ..participation.services import record_inspections, record_sorting_logs
from ..reports.services import record_reports
from ..untrusted import unstorable_text
from ..wastebank.ledger import record_deposits
from .schemas import SyncItemSchema

Handler = Callable[[list[BatchItem], BatchContext], list[ItemResult]]

# kind -> (permission needed, the domain service that records a batch of that kind)
KINDS: dict[str, tuple[str, Handler]] = {
    "sorting_log": ("logs.write", record_sorting_logs),
    "inspection": ("inspections.write", record_inspections),
    "deposit": ("deposits.write", record_deposits),
    "report": ("reports.write", record_reports),
}

_ITEM_SCHEMA = SyncItemSchema()


_ENVELOPE_KEYS = frozenset({"kind", "client_id", "device_time", "data"})
_ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")


def _fast_envelope(index: int, raw: dict[str, Any]) -> BatchItem | None:
    """Read an envelope written the way phones write them (a known kind, a client id, a UTC
    device time or none); ``None`` for anything else, which the schema reads instead."""
    if not raw.keys() <= _ENVELOPE_KEYS or "data" not in raw:
        return None
    kind, client_id, moment = raw.get("kind"), raw.get("client_id"), raw.get("device_time")
    if type(kind) is not str or kind not in KINDS or type(client_id) is not str:
        return None
    try:
        parsed = uuid.UUID(client_id)
        device_time = None
        if moment is not None:
            if type(moment) is not str or not _ISO_MOMENT.fullmatch(moment):
                return None
            device_time = dt.datetime.fromisoformat(moment).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None
    return BatchItem(index, kind, parsed, raw["data"], device_time)


def _parse(index: int, raw: Any) -> BatchItem | ItemResult:
    if isinstance(raw, dict) and (fast := _fast_envelope(index, raw)) is not None:
        return fast
    raw = raw if isinstance(raw, dict) else {"data": raw}
    try:
        if errors := unstorable_text(raw, _ITEM_SCHEMA):
            raise ValidationError(errors)
        envelope = _ITEM_SCHEMA.load(raw)
    except ValidationError as error:
        kind, client_id = raw.get("kind"), raw.get("client_id")
        return ItemResult(index, kind if isinstance(kind, str) else None,
                          _maybe_uuid(client_id) if isinstance(client_id, str) else None,
                          REJECTED, errors=error.normalized_messages())
    if envelope["kind"] not in KINDS:
        return ItemResult(index, envelope["kind"], envelope["client_id"], REJECTED,
                          errors={"kind": [f"Unknown kind; one of {', '.join(sorted(KINDS))}."]})
    return BatchItem(index, envelope["kind"], envelope["client_id"], envelope["data"],
                     envelope["device_time"])


def _maybe_uuid(text: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def process_batch(principal: Principal, batch: dict[str, Any]) -> dict[str, Any]:
    """Record every item it can; answer one result per item, in the batch's order."""
    received_at = utcnow()
    offset = None
    if batch.get("device_time") is not None:
        offset = round((received_at - batch["device_time"]).total_seconds())
    ctx = BatchContext(principal, received_at, batch["device_id"], offset)
    results: list[ItemResult] = []
    by_kind: dict[str, list[BatchItem]] = {}
    # The first item with a client id is recorded; later ones in the batch are answered from it.
    firsts: dict[uuid.UUID, BatchItem] = {}
    repeats: list[tuple[BatchItem, BatchItem]] = []
    for index, raw in enumerate(batch["items"]):
        parsed = _parse(index, raw)
        if isinstance(parsed, ItemResult):
            results.append(parsed)
        elif (first := firsts.setdefault(parsed.client_id, parsed)) is not parsed:
            repeats.append((parsed, first))
        else:
            by_kind.setdefault(parsed.kind, []).append(parsed)
    # Kinds in KINDS' order, whatever the batch's (rows of a kind go in client id order):
    # two batches holding the same items of several kinds then lock them in one order, where
    # the batch's own order let each wait for a row the other had just stored (a deadlock).
    for kind in (k for k in KINDS if k in by_kind):
        items = by_kind[kind]
        permission, handler = KINDS[kind]
        if not principal.has(permission):
            results += [ItemResult(i.index, kind, i.client_id, REJECTED,
                                   errors={"kind": ["Your role may not record this."]})
                        for i in items]
            continue
        # Each kind is recorded under its own permission's scope.
        g.khaya_scope = principal.scope_for(permission)
        results += handler(items, ctx)
    answered = {r.index: r for r in results}
    results += [repeat(item, first, answered[first.index]) for item, first in repeats]
    results.sort(key=lambda r: r.index)
    return {
        "server_time": received_at,
        "clock_offset_s": offset,
        "counts": dict(Counter(r.status for r in results)),
        "results": results,
    }
