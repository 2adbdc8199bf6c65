"""What every kind of offline item shares: its envelope, its result, and idempotent insertion.

The database, not the code, decides what is new: rows go in with ``ON CONFLICT (client_id) DO
NOTHING`` and whatever did not go in is looked up as a duplicate of the row already there, so
two replays racing each other can never make two rows.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from ..auth.access import Principal
from ..auth.scoping import unscoped
from ..extensions import db

CREATED, DUPLICATE, REJECTED = "created", "duplicate", "rejected"


@dataclass
class BatchContext:
    """Who sent the batch, from which device, and how far the device clock is off."""

    principal: Principal
    received_at: dt.datetime
    device_id: str | None
    clock_offset_s: int | None


@dataclass
class BatchItem:
    index: int
    kind: str
    client_id: uuid.UUID
    data: Any
    device_time: dt.datetime | None = None


@dataclass
class ItemResult:
    index: int
    kind: str | None
    client_id: uuid.UUID | None
    status: str
    id: Any = None
    errors: dict[str, Any] = field(default_factory=dict)


def load(items: list[BatchItem], schema: Schema) -> tuple[list[tuple[BatchItem, dict]],
                                                          dict[int, dict]]:
    """Validate each item's data; return the valid ones and the errors by item index."""
    valid, errors = [], {}
    for item in items:
        if not isinstance(item.data, dict):
            errors[item.index] = {"data": ["Must be an object."]}
            continue
        try:
            valid.append((item, schema.load(item.data)))
        except ValidationError as error:
            errors[item.index] = error.normalized_messages()
    return valid, errors


def insert_new(model: Any, rows: list[dict[str, Any]]) -> dict[uuid.UUID, Any]:
    """Insert rows whose client_id is new; return {client_id: id} of the rows inserted."""
    if not rows:
        return {}
    # One statement compiled once and sent as an executemany (SQLAlchemy batches it into
    # multi-row VALUES); a .values(rows) statement would be rebuilt with thousands of binds per
    # call. Rows go in client_id order so two overlapping batches lock in the same order and
    # cannot deadlock each other.
    stmt = (
        insert(model.__table__)
        .on_conflict_do_nothing(index_elements=["client_id"])
        .returning(model.__table__.c.client_id, model.__table__.c.id)
    )
    ordered = sorted(rows, key=lambda row: row["client_id"])
    return dict(db.session.execute(stmt, ordered).tuples().all())


def existing_ids(model: Any, client_ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Return {client_id: id} for rows already stored.

    Unscoped on purpose: a replay must learn that its item arrived even if the sender's scope
    has changed since; it learns only the id.
    """
    if not client_ids:
        return {}
    return dict(db.session.execute(
        select(model.client_id, model.id).where(model.client_id.in_(client_ids)),
        execution_options=unscoped(),
    ).tuples().all())


def settle(
    model: Any,
    items: list[BatchItem],
    rows: dict[int, dict[str, Any]],
    errors: dict[int, dict],
) -> tuple[list[ItemResult], dict[uuid.UUID, Any]]:
    """Insert the accepted rows, then tell every item what became of it.

    ``rows`` holds the row to insert per item index; ``errors`` the rejections. A rejected item
    whose client_id is already stored is a duplicate of an item accepted earlier. Returns the
    results in item order and the {client_id: id} of the rows created by this call.
    """
    created = insert_new(model, list(rows.values()))
    pending = [item.client_id for item in items if item.client_id not in created]
    stored = existing_ids(model, pending)
    reported: set[uuid.UUID] = set()
    results = []
    for item in items:
        cid = item.client_id
        if item.index in rows and cid in created and cid not in reported:
            reported.add(cid)
            results.append(ItemResult(item.index, item.kind, cid, CREATED, created[cid]))
        elif cid in created or cid in stored:
            results.append(ItemResult(item.index, item.kind, cid, DUPLICATE,
                                      created.get(cid, stored.get(cid))))
        else:
            results.append(ItemResult(item.index, item.kind, cid, REJECTED,
                                      errors=errors.get(item.index) or {"item": ["Not stored."]}))
    return results, created
