"""The audit trail of personal data: every read, export, change and deletion, append-only."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context, request
from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, and_, column, exists, func, insert, or_, select, table
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import AuditEvent

ACTIONS = frozenset({"read", "list", "export", "create", "update", "delete", "erase"})
# A map tile of households is audited once per LGO it shows, with the ground it covers: who
# saw household X is then every tile view whose area holds X's point, in X's LGO and village.
TILE_ENTITY = "household_tile"
# The register's table by name: auth sits below households and must not import its models.
_households = table(
    "households",
    column("id", BigInteger),
    column("lgo_id", BigInteger),
    column("village_id", BigInteger),
    column("point", Geometry("POINT", srid=4326)),
)


def _client_address() -> str | None:
    """Return the caller's address as the INET column takes it, or None.

    Behind a proxy (PROXY_FIX) it comes from X-Forwarded-For, which any client can write: text
    that is not an address would fail the whole request, and a zone (``fe80::1%eth0``) is not
    part of an address PostgreSQL stores.
    """
    try:
        return str(ipaddress.ip_address((request.remote_addr or "").split("%")[0]))
    except ValueError:
        return None


def _base(action: str, entity: str, details: dict[str, Any] | None) -> dict[str, Any]:
    principal = g.get("khaya_principal") if has_request_context() else None
    return {
        "actor_id": principal.user_id if principal else None,
        "actor_role": principal.primary_role() if principal else None,
        "action": action,
        "entity": entity,
        "endpoint": request.path[:200] if has_request_context() else "cli",
        "method": request.method if has_request_context() else None,
        "ip": _client_address() if has_request_context() else None,
        "details": details,
    }


def record(
    action: str,
    entity: str,
    entries: Iterable[tuple[Any, int | None]],
    *,
    details: dict[str, Any] | None = None,
) -> int:
    """Append one event per ``(entity_id, lgo_id)``; return how many were written.

    The rows go into the request's transaction, so they are committed with its work or not at
    all, and a read is recorded only if its response was built.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    base = _base(action, entity, details)
    rows = [
        {**base, "entity_id": str(entity_id), "lgo_id": lgo_id} for entity_id, lgo_id in entries
    ]
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    return len(rows)


def record_tile(
    tile: str, area: Any, shown: Iterable[tuple[int, int, Iterable[int]]]
) -> int:
    """Record a tile of households as one "list" event per LGO it shows; return how many.

    ``area`` is the tile's envelope (a SQL expression in SRID 4326); ``shown`` holds
    ``(lgo_id, households, village_ids)``. One row for a tile instead of one per household
    keeps the trail's cost flat however dense the map, and ``tile_views_of`` answers who saw a
    household from it.
    """
    rows = [
        {**_base("list", TILE_ENTITY, {"tile": tile, "households": count,
                                       "village_ids": sorted(villages)}),
         "entity_id": tile, "lgo_id": lgo_id}
        for lgo_id, count, villages in shown
    ]
    if rows:
        db.session.execute(insert(AuditEvent).values(area=area), rows)
    return len(rows)


def tile_views_of(household_id: int) -> Any:
    """Return the condition on audit events that picks the tile views showing a household.

    A tile view showed household X if it was in X's LGO, listed X's village and covered X's
    point (where the household stands now: a household moved on the map is looked for at its
    new place).
    """
    h = _households
    return and_(
        AuditEvent.entity == TILE_ENTITY,
        exists().where(
            h.c.id == household_id,
            h.c.lgo_id == AuditEvent.lgo_id,
            func.ST_Intersects(AuditEvent.area, h.c.point),
            AuditEvent.details["village_ids"].contains(func.to_jsonb(h.c.village_id)),
        ),
    )


def household_events(household_id: int) -> Any:
    """Return the condition for every event about a household: its own and the tiles showing it."""
    return or_(
        and_(AuditEvent.entity == "household", AuditEvent.entity_id == str(household_id)),
        tile_views_of(household_id),
    )


def events_query(
    *,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    since=None,
    until=None,
):
    """Return the events matching the filters, newest first (scoped to the caller's LGOs)."""
    stmt = select(AuditEvent).options(selectinload(AuditEvent.actor))
    if entity == "household" and entity_id and entity_id.isdigit() and len(entity_id) < 19:
        # Who accessed household X: its own events and the map tiles that showed it.
        stmt = stmt.where(household_events(int(entity_id)))
        entity = entity_id = None
    if entity:
        stmt = stmt.where(AuditEvent.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_id:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if since:
        stmt = stmt.where(AuditEvent.at >= since)
    if until:
        stmt = stmt.where(AuditEvent.at < until)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
