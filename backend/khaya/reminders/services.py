"""Subscribing to reminders and stopping them: each person keeps their own subscriptions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..areas.models import Village
from ..auth.access import Principal
from ..auth.scoping import unscoped
from ..extensions import db
from ..households.models import Household
from .errors import InvalidSubscription, SubscriptionNotFound
from .models import PushSubscription

CALENDAR_TOPICS = frozenset({"collection_tomorrow", "buying_day_tomorrow"})


def _household_of(principal: Principal) -> int | None:
    return next((g.household_id for g in principal.grants if g.household_id), None)


def _village(principal: Principal, code: str | None, household_id: int | None) -> int | None:
    """The village named, else the caller's household's, else the first they volunteer in."""
    if code:
        village_id = db.session.execute(select(Village.id).where(Village.code == code),
                                        execution_options=unscoped()).scalar_one_or_none()
        if village_id is None:
            raise InvalidSubscription(errors={"village_code": [f"No village has the code {code}."]})
        return village_id
    if household_id is not None:
        return db.session.execute(select(Household.village_id).where(
            Household.id == household_id), execution_options=unscoped()).scalar_one_or_none()
    return min(principal.volunteer_village_ids, default=None)


def subscribe(principal: Principal, data: dict[str, Any]) -> PushSubscription:
    """Store (or update) the caller's subscription of this browser, by its endpoint."""
    subscription = data["subscription"]
    topics = sorted(set(data["topics"]))
    household_id = _household_of(principal)
    village_id = _village(principal, data.get("village_code"), household_id)
    errors: dict[str, list[str]] = {}
    if CALENDAR_TOPICS & set(topics) and village_id is None:
        errors["village_code"] = ["Name the village whose collection days to follow."]
    if "not_logged" in topics and household_id is None:
        errors["topics"] = ["not_logged is for a resident whose account is linked to a household."]
    if "inspection_due" in topics and not principal.volunteer_village_ids:
        errors.setdefault("topics", []).append(
            "inspection_due is for a volunteer with villages to inspect.")
    if errors:
        raise InvalidSubscription(errors=errors)
    found = db.session.execute(
        select(PushSubscription).where(PushSubscription.endpoint == subscription["endpoint"])
    ).scalar_one_or_none()
    # A browser changes hands when another person signs in on it: the endpoint follows them.
    row = found or PushSubscription(endpoint=subscription["endpoint"])
    row.user_id = principal.user_id
    row.p256dh = subscription["keys"]["p256dh"]
    row.auth = subscription["keys"]["auth"]
    row.topics = topics
    row.village_id = village_id
    row.household_id = household_id
    for key in ("not_logged_days", "quiet_from", "quiet_until", "lang"):
        if key in data:
            setattr(row, key, data[key])
    if found is None:
        db.session.add(row)
    db.session.flush()
    return row


def mine(principal: Principal) -> list[PushSubscription]:
    return list(db.session.execute(
        select(PushSubscription).where(PushSubscription.user_id == principal.user_id)
        .order_by(PushSubscription.id)).scalars())


def unsubscribe(principal: Principal, subscription_id: int) -> None:
    """Stop one of the caller's subscriptions; another person's answers 404."""
    row = db.session.get(PushSubscription, subscription_id) if 0 < subscription_id < 2**31 \
        else None
    if row is None or row.user_id != principal.user_id:
        raise SubscriptionNotFound()
    db.session.delete(row)
    db.session.flush()
