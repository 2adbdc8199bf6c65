"""Data versions for map caching: one change row per write, per source table.

Triggers (see the migration) add a ``map_data_changes`` row after every statement that writes a
watched table. A source's version is ``map_data_versions.base`` plus its number of change rows:
it grows with every committed write and, read in the same statement as a tile, describes exactly
the data that statement saw. Rows are only inserted, never updated, so writers never queue on a
counter row or deadlock on one (a single ``version = version + 1`` row would serialise every
transaction that touches households until it commits). ``compact`` folds the rows into ``base``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Identity, String, func
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import TIMESTAMP
from ..extensions import Model

# The tables whose writes change what a map shows; the migration puts a trigger on each.
WATCHED_TABLES = (
    "districts",
    "tambons",
    "lgos",
    "villages",
    "households",
    "collection_points",
    "sorting_logs",
    "inspections",
    "waste_bank_members",
    "ledger_entries",
)


class MapDataVersion(Model):
    """The changes of a source already folded away by ``compact``."""

    __tablename__ = "map_data_versions"

    source: Mapped[str] = mapped_column(String(63), primary_key=True)
    base: Mapped[int] = mapped_column(BigInteger, default=0)


class MapDataChange(Model):
    """One write statement on a watched table (insert-only; see the module docstring)."""

    __tablename__ = "map_data_changes"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    source: Mapped[str] = mapped_column(String(63), index=True)
    changed_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, server_default=func.now())
