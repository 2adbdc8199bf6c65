"""Column helpers every model uses: aware UTC timestamps and native PostgreSQL enums."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import DateTime, Enum

TIMESTAMP = DateTime(timezone=True)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def pg_enum(cls: type[enum.Enum], name: str) -> Enum:
    """Return a native PostgreSQL enum that stores the members' values."""
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e])
