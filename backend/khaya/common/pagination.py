"""Paging for list endpoints: a stable order, the total and the page asked for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from ..extensions import db


def paginate(stmt: Select, *, page: int, per_page: int, rows: bool = False) -> dict[str, Any]:
    """Run ``stmt`` for one page; ``stmt`` must already carry a stable ``order_by``.

    Items are the first column's objects, or whole rows with ``rows=True``.
    """
    # The count is a new statement: it must carry the page's options (unscoped() for public data).
    total = db.session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery()),
        execution_options=stmt.get_execution_options(),
    ).scalar_one()
    result = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = result.all() if rows else result.scalars().all()
    return {
        "items": items,
        "meta": {
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": (total + per_page - 1) // per_page,
        },
    }
