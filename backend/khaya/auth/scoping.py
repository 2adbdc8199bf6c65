"""The one scoping mechanism: every ORM query on scoped rows gets the caller's area filter.

A model opts in by inheriting ``Scoped`` and naming its scope columns. During a request, a
``do_orm_execute`` hook adds ``with_loader_criteria`` for every scoped model, built from the
``Scope`` that authentication put on ``flask.g``. A route cannot forget it: an unauthenticated
request gets ``Scope.nothing()`` and sees no scoped row at all. Code outside a request (CLI,
seed, tests' own setup) is trusted and unfiltered. A query that must see past the caller's scope
(signing in, duplicate detection) says so with ``unscoped()`` and a comment why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

from flask import g, has_request_context
from sqlalchemy import event, false, or_, true
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

UNSCOPED = "khaya_unscoped"
SCOPED_MODELS: list[type] = []


@dataclass(frozen=True)
class Scope:
    """The rows a caller may see for one permission."""

    everything: bool = False
    lgo_ids: frozenset[int] = field(default_factory=frozenset)
    village_ids: frozenset[int] = field(default_factory=frozenset)
    household_ids: frozenset[int] = field(default_factory=frozenset)
    # Provincial officers see aggregates of these provinces, never rows.
    province_ids: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def nothing(cls) -> Scope:
        return cls()

    def covers_lgo(self, lgo_id: int | None) -> bool:
        return self.everything or (lgo_id is not None and lgo_id in self.lgo_ids)


class Scoped:
    """Mixin for models whose rows belong to an area; maps scope kinds to column names."""

    __scope_columns__: ClassVar[dict[str, str]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("__scope_columns__") and "__tablename__" in cls.__dict__:
            SCOPED_MODELS.append(cls)


def scope_clause(model: type, scope: Scope):
    """Return the SQL condition that keeps ``model``'s rows inside ``scope``."""
    if scope.everything:
        return true()
    columns: dict[str, str] = getattr(model, "__scope_columns__", {})
    conditions = []
    for kind, ids in (
        ("lgo", scope.lgo_ids),
        ("village", scope.village_ids),
        ("household", scope.household_ids),
    ):
        if ids and kind in columns:
            conditions.append(getattr(model, columns[kind]).in_(sorted(ids)))
    return or_(*conditions) if conditions else false()


def current_scope() -> Scope | None:
    """Return the request's scope; ``None`` (trusted) outside a request."""
    if not has_request_context():
        return None
    return g.get("khaya_scope") or Scope.nothing()


def unscoped() -> dict[str, bool]:
    """Execution options for a query that deliberately sees past the caller's scope."""
    return {UNSCOPED: True}


@event.listens_for(Session, "do_orm_execute")
def _apply_scope(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load or state.execution_options.get(UNSCOPED):
        return
    scope = current_scope()
    if scope is None or scope.everything:
        return
    state.statement = state.statement.options(*_criteria(scope))


@lru_cache(maxsize=1024)
def _criteria(scope: Scope) -> tuple[Any, ...]:
    """The loader criteria of every scoped model for one scope, built once per scope (a scope
    is immutable; a request's statements, and the next request of the same person, share them)."""
    return tuple(with_loader_criteria(model, scope_clause(model, scope), include_aliases=True)
                 for model in SCOPED_MODELS)
