"""Reminders by Web Push.

GET    /api/v1/push/key                        public; the VAPID public key
PUT    /api/v1/push/subscription               session; this browser's subscription and topics
GET    /api/v1/push/subscriptions              session; the caller's subscriptions
DELETE /api/v1/push/subscriptions/{subscription_id}   session; the caller's own only
"""

from __future__ import annotations

from ..auth.access import current_principal, public, requires
from ..blueprint import Blueprint
from ..extensions import db
from . import keys, services
from .schemas import PublicKeySchema, SubscribeSchema, SubscriptionListSchema, SubscriptionSchema

blp = Blueprint("push", __name__, url_prefix="/push",
                description="Reminders by Web Push: collection and buying days, logging")


@blp.route("/key")
@public
@blp.response(200, PublicKeySchema)
def public_key():
    """The server's VAPID public key, for PushManager.subscribe's applicationServerKey."""
    return {"public_key": keys.public_key()}


@blp.route("/subscription", methods=["PUT"])
@requires("session")
@blp.arguments(SubscribeSchema)
@blp.response(200, SubscriptionSchema)
def subscribe(data):
    """Store this browser's subscription with the topics chosen, quiet hours and language."""
    row = services.subscribe(current_principal(), data)
    db.session.commit()
    return row


@blp.route("/subscriptions")
@requires("session")
@blp.response(200, SubscriptionListSchema)
def list_subscriptions():
    """The caller's reminder subscriptions (one per browser)."""
    return {"items": services.mine(current_principal())}


@blp.route("/subscriptions/<int:subscription_id>", methods=["DELETE"])
@requires("session")
@blp.response(204)
def unsubscribe(subscription_id: int):
    """Stop reminders on one of the caller's browsers."""
    services.unsubscribe(current_principal(), subscription_id)
    db.session.commit()
