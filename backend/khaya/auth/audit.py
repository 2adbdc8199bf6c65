"""The audit trail of personal data: every read, export, change and deletion, append-only."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from flask import g, has_request_context, request
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import AuditEvent

ACTIONS = frozenset({"read", "list", "export", "create", "update", "delete", "erase"})


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
    principal = g.get("khaya_principal") if has_request_context() else None
    base = {
        "actor_id": principal.user_id if principal else None,
        "actor_role": principal.primary_role() if principal else None,
        "action": action,
        "entity": entity,
        "endpoint": request.path[:200] if has_request_context() else "cli",
        "method": request.method if has_request_context() else None,
        "ip": _client_address() if has_request_context() else None,
        "details": details,
    }
    rows = [
        {**base, "entity_id": str(entity_id), "lgo_id": lgo_id} for entity_id, lgo_id in entries
    ]
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    return len(rows)


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
