"""The waste-bank accounts a caller may see, with their banks and today's prices, in one answer.

A phone needs three things to show a passbook or to weigh a deposit: the household's accounts,
the banks that hold them, and what each bank pays today. Asking every bank for its members
would reach other LGOs' banks, which answer 404, and costs a request per bank; this reads only
what the caller's scope holds (the scoping hook filters the members), in one request.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from ..auth.scoping import unscoped
from ..common.pagination import paginate
from ..common.time import local_today
from ..extensions import db
from ..households.services import get_household
from .models import Member, Price, WasteBank
from .services import caller_lgo_ids, members_view


def caller_memberships(
    *, page: int, per_page: int, household_id: int | None = None
) -> dict[str, Any]:
    """Return the accounts in the caller's scope (one household's with ``household_id``), the
    banks they may deal with (their LGO's open banks and every bank holding a listed account)
    and the prices those banks pay today."""
    lgo_ids: set[int] = set()
    stmt = select(Member)
    if household_id is not None:
        household = get_household(household_id)
        stmt = stmt.where(Member.household_id == household.id)
        lgo_ids.add(household.lgo_id)
    else:
        lgo_ids |= caller_lgo_ids() or set()
    result = paginate(
        stmt.order_by(Member.household_id, Member.bank_id, Member.id), page=page, per_page=per_page
    )
    members: list[Member] = result["items"]
    # Banks are shared within the scheme; which ones is decided above, from the caller's LGOs.
    banks = (
        db.session.execute(
            select(WasteBank)
            .where(
                or_(
                    WasteBank.id.in_(sorted({m.bank_id for m in members})),
                    and_(WasteBank.lgo_id.in_(sorted(lgo_ids)), WasteBank.active.is_(True)),
                )
            )
            .order_by(WasteBank.lgo_id, WasteBank.name_th, WasteBank.id),
            execution_options=unscoped(),
        )
        .scalars()
        .all()
    )
    today = local_today()
    prices = (
        db.session.execute(
            select(Price)
            .where(Price.bank_id.in_([b.id for b in banks]), Price.valid_from <= today)
            .distinct(Price.bank_id, Price.material)
            .order_by(Price.bank_id, Price.material, Price.valid_from.desc())
        )
        .scalars()
        .all()
    )
    action = "read" if household_id is not None else "list"
    return {
        **result,
        "items": members_view(members, action=action),
        "on": today,
        "banks": banks,
        "prices": prices,
    }
