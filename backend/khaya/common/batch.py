"""What every kind of offline item shares: its envelope, its result, and idempotent insertion.

The database, not the code, decides what is new: rows go in with ``ON CONFLICT (client_id) DO
NOTHING`` and whatever did not go in is looked up as the row already there, so two replays
racing each other can never make two rows.

A client id names one record. The row keeps a digest of what its item said, so an item sent
again under a stored client id is told apart:

- the same content, from a sender who may see the row: ``duplicate``, with the row's id;
- other content: ``rejected`` with the code ``client_id_reused`` (the stored row stands);
- a row the sender may not see: ``rejected`` with the code ``client_id_taken``, and nothing
  about the row, not even its id.

Within one batch the first item with a client id decides; the sync endpoint answers the later
ones (``repeat``), so a domain service never sees a client id twice in one call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property, lru_cache
from typing import Any

import psycopg2
from marshmallow import Schema, ValidationError
from sqlalchemy import or_, select, text, true
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import sqltypes

from ..auth.access import Principal
from ..auth.scoping import current_scope, scope_clause, unscoped
from ..extensions import db
from ..untrusted import unstorable_text

CREATED, DUPLICATE, REJECTED = "created", "duplicate", "rejected"
CLIENT_ID_REUSED, CLIENT_ID_TAKEN = "client_id_reused", "client_id_taken"
REUSED_ERRORS = {"client_id": ["Already used for a different record; this one was not stored."]}
# Word for word what a hand-over with a taken client id answers: nothing about the row.
TAKEN_ERRORS = {"client_id": ["Already used."]}


def content_digest(kind: str, data: Any) -> bytes:
    """Return the SHA-256 of an item's kind and data as canonical JSON (keys sorted, ASCII).

    The same item sent twice gives the same digest however its keys were ordered; ASCII escapes
    keep any text, even text the database would refuse, hashable.
    """
    text = json.dumps([kind, data], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("ascii")).digest()


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

    @cached_property
    def digest(self) -> bytes:
        # Worked out once: the row stores it and a repeat in the batch is compared with it.
        return content_digest(self.kind, self.data)


@dataclass
class ItemResult:
    index: int
    kind: str | None
    client_id: uuid.UUID | None
    status: str
    id: Any = None
    errors: dict[str, Any] = field(default_factory=dict)
    # Why a client id was refused: CLIENT_ID_REUSED or CLIENT_ID_TAKEN; else None.
    code: str | None = None


def repeat(item: BatchItem, first: BatchItem, first_result: ItemResult) -> ItemResult:
    """Answer an item whose client id an earlier item of the same batch already carried."""
    if (item.kind, item.digest) != (first.kind, first.digest):
        return ItemResult(item.index, item.kind, item.client_id, REJECTED,
                          errors=REUSED_ERRORS, code=CLIENT_ID_REUSED)
    if first_result.status == REJECTED:
        return ItemResult(item.index, item.kind, item.client_id, REJECTED,
                          errors=first_result.errors, code=first_result.code)
    return ItemResult(item.index, item.kind, item.client_id, DUPLICATE, first_result.id)


def load(items: list[BatchItem], schema: Schema) -> tuple[list[tuple[BatchItem, dict]],
                                                          dict[int, dict]]:
    """Validate each item's data; return the valid ones and the errors by item index.

    Text the database cannot store is a field error of that item, like any other. A schema
    with a ``fast_load`` (data -> the loaded dict, or None) has its plain items taken by it,
    and only the rest walked field by field.
    """
    valid, errors = [], {}
    fast = getattr(schema, "fast_load", None)
    for item in items:
        if not isinstance(item.data, dict):
            errors[item.index] = {"data": ["Must be an object."]}
            continue
        if fast is not None and (loaded := fast(item.data)) is not None:
            valid.append((item, loaded))
            continue
        if unstorable := unstorable_text(item.data, schema):
            errors[item.index] = unstorable
            continue
        try:
            valid.append((item, schema.load(item.data)))
        except ValidationError as error:
            errors[item.index] = error.normalized_messages()
    return valid, errors


# Column types whose values the driver writes as literals PostgreSQL reads into the column
# (a uuid as text, a list of text as an array, an enum member as the value it stores, as
# ``columns.pg_enum`` makes every enum column). A row with any other column (JSON, geometry)
# goes through SQLAlchemy's bind processing.
_PLAIN_TYPES = (sqltypes.Integer, sqltypes.String, sqltypes.Float, sqltypes.Numeric,
                sqltypes.Boolean, sqltypes.Date, sqltypes.DateTime, sqltypes.LargeBinary,
                sqltypes.Uuid)


def _plain_column(column: Any) -> bool:
    kind = column.type
    if isinstance(kind, sqltypes.Enum):
        return kind.values_callable is not None
    if isinstance(kind, sqltypes.ARRAY):
        return isinstance(kind.item_type, sqltypes.String)
    return isinstance(kind, _PLAIN_TYPES)


@lru_cache(maxsize=64)
def _driver_writes(table: Any, columns: tuple[str, ...]) -> bool:
    # Every column given is plain, and none left out has a default only SQLAlchemy fills in.
    return all(_plain_column(table.c[name]) for name in columns) and not any(
        column.default is not None for column in table.c if column.name not in columns)


def insert_new(model: Any, rows: list[dict[str, Any]]) -> dict[uuid.UUID, Any]:
    """Insert rows whose client_id is new; return {client_id: id} of the rows inserted.

    One multi-row ``INSERT ... ON CONFLICT (client_id) DO NOTHING RETURNING``. Rows go in
    client_id order so two overlapping batches lock in the same order and cannot deadlock each
    other. Rows of plain values (a batch of sorting logs) go to PostgreSQL as one JSON
    parameter that ``json_populate_recordset`` reads into the table's row type: the batch is
    encoded by the json module's C encoder, not quoted value by value, and PostgreSQL applies
    each column's own input function. The rest go through SQLAlchemy as an executemany.

    A partitioned table (``__claims__``: sorting logs) cannot hold its client ids unique, so the
    batch first claims them in the claims table, in the same order and with the same ``ON
    CONFLICT DO NOTHING``, and only the rows whose claim went in are inserted: a client id
    already spent, on any month, is then answered from the row that holds it. On the JSON path
    the claims and the rows go in one statement (the claims as a data-modifying CTE).
    """
    if not rows:
        return {}
    table = model.__table__
    ordered = sorted(rows, key=lambda row: row["client_id"])
    claims = getattr(model, "__claims__", None)
    columns = tuple(ordered[0])
    if _driver_writes(table, columns) and all(row.keys() == ordered[0].keys() for row in ordered):
        names = ", ".join(columns)
        source = f"json_populate_recordset(null::{table.name}, %s::json)"
        if claims:
            statement = (
                f"with batch as materialized (select {names} from {source}),"
                f" claimed as (insert into {claims} (client_id, log_date)"
                " select client_id, log_date from batch order by client_id"
                " on conflict (client_id) do nothing returning client_id)"
                f" insert into {table.name} ({names}) select {names} from batch"
                " where client_id in (select client_id from claimed) order by client_id"
                " returning client_id, id")
        else:
            statement = (f"insert into {table.name} ({names}) select {names} from {source}"
                         " order by client_id on conflict (client_id) do nothing"
                         " returning client_id, id")
        stored = _execute(statement, (json.dumps(ordered, default=_json_value,
                                                 separators=(",", ":")),), claimed=bool(claims))
        return {cid if isinstance(cid, uuid.UUID) else uuid.UUID(cid): id_
                for cid, id_ in stored}
    if claims:
        ordered = _claim(claims, ordered)
        if not ordered:
            return {}
    plain = insert(table)
    stmt = (plain.on_conflict_do_nothing() if claims
            else plain.on_conflict_do_nothing(index_elements=["client_id"])
            ).returning(table.c.client_id, table.c.id)
    if not claims:
        return dict(db.session.execute(stmt, ordered).tuples().all())
    db.session.execute(text("set local khaya.claimed = 'on'"))
    made = dict(db.session.execute(stmt, ordered).tuples().all())
    db.session.execute(text("set local khaya.claimed = 'off'"))
    return made


def _claim(claims: str, ordered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim the rows' client ids; return the rows whose claim this call made."""
    pairs = [[str(row["client_id"]), _json_value(row["log_date"])] for row in ordered]
    statement = (f"insert into {claims} (client_id, log_date)"
                 " select cast(c ->> 0 as uuid), cast(c ->> 1 as date)"
                 " from json_array_elements(%s::json) c order by 1"
                 " on conflict (client_id) do nothing returning client_id")
    won = {cid if isinstance(cid, uuid.UUID) else uuid.UUID(cid)
           for (cid,) in _execute(statement, (json.dumps(pairs),))}
    return [row for row in ordered if row["client_id"] in won]


def _execute(statement: str, params: tuple[Any, ...], *, claimed: bool = False) -> list[Any]:
    """Run one statement on the session's connection; ``claimed``: its rows' client ids are
    claimed already, so the claims trigger stands aside for it (and only it)."""
    cursor = db.session.connection().connection.cursor()
    try:
        if claimed:
            cursor.execute("set local khaya.claimed = 'on'")
        cursor.execute(statement, params)
        rows = list(cursor.fetchall())
        if claimed:
            cursor.execute("set local khaya.claimed = 'off'")
        return rows
    except psycopg2.Error as error:
        # Raised as SQLAlchemy raises it, so a deadlock is retried like any other. The failed
        # transaction takes the setting with it.
        raise DBAPIError.instance(statement, None, error, psycopg2.Error) from error
    finally:
        cursor.close()


def _json_value(value: Any) -> Any:
    # What PostgreSQL's input function of the column reads: a uuid, a number or a date as its
    # text, bytes as bytea's hex form, an enum member as the value its column stores.
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a plain column value")


@dataclass(frozen=True)
class Stored:
    id: Any
    digest: bytes | None
    visible: bool


def stored_rows(model: Any, client_ids: list[uuid.UUID],
                principal: Principal) -> dict[uuid.UUID, Stored]:
    """Return what is stored under these client ids, and whether the sender may see each row.

    Unscoped on purpose, so another area's row is found and refused rather than stored twice;
    ``visible`` then decides what the sender learns. A row the sender recorded themselves stays
    visible after their scope changed (a resident who moved still learns that a replay arrived).
    """
    if not client_ids:
        return {}
    scope = current_scope()
    mine = (
        true() if scope is None or scope.everything
        else or_(scope_clause(model, scope), model.recorded_by_id == principal.user_id)
    )
    columns = (model.client_id, model.id, model.content_digest, mine.label("visible"))
    claims = getattr(model, "__claims__", None)
    if claims:
        # A partitioned table: each claim names its log's day, so each id is looked up in its
        # one partition (a lateral lookup pruned at run time) instead of in every partition.
        claim = db.metadata.tables[claims]
        one = (select(*columns)
               .where(model.client_id == claim.c.client_id, model.log_date == claim.c.log_date)
               .limit(1).lateral())
        statement = (select(one.c.client_id, one.c.id, one.c.content_digest, one.c.visible)
                     .select_from(claim.join(one, true()))
                     .where(claim.c.client_id.in_(client_ids)))
    else:
        statement = select(*columns).where(model.client_id.in_(client_ids))
    rows = db.session.execute(statement, execution_options=unscoped()).all()
    return {row.client_id: Stored(row.id, row.content_digest, bool(row.visible)) for row in rows}


def settle(
    model: Any,
    items: list[BatchItem],
    rows: dict[int, dict[str, Any]],
    errors: dict[int, dict],
    principal: Principal,
) -> tuple[list[ItemResult], dict[uuid.UUID, Any]]:
    """Insert the accepted rows, then tell every item what became of it.

    ``items`` carry distinct client ids; ``rows`` holds the row to insert per item index,
    ``errors`` the rejections. An item whose client id is already stored is answered from the
    stored row (see the module docstring), whatever its own errors. Returns the results in item
    order and the {client_id: id} of the rows created by this call.
    """
    by_index = {item.index: item for item in items}
    for index, row in rows.items():
        row["content_digest"] = by_index[index].digest
    created = insert_new(model, list(rows.values()))
    stored = stored_rows(model, [i.client_id for i in items if i.client_id not in created],
                         principal)
    results = []
    for item in items:
        cid = item.client_id
        found = stored.get(cid)
        if cid in created:
            results.append(ItemResult(item.index, item.kind, cid, CREATED, created[cid]))
        elif found is None:
            results.append(ItemResult(item.index, item.kind, cid, REJECTED,
                                      errors=errors.get(item.index) or {"item": ["Not stored."]}))
        elif not found.visible:
            results.append(ItemResult(item.index, item.kind, cid, REJECTED,
                                      errors=TAKEN_ERRORS, code=CLIENT_ID_TAKEN))
        elif found.digest is not None and found.digest != item.digest:
            results.append(ItemResult(item.index, item.kind, cid, REJECTED,
                                      errors=REUSED_ERRORS, code=CLIENT_ID_REUSED))
        else:
            results.append(ItemResult(item.index, item.kind, cid, DUPLICATE, found.id))
    return results, created
