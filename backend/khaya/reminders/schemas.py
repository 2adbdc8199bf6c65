"""Request and response schemas of reminders."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from .models import TOPICS

# The browser's keys, base64url without padding: an uncompressed P-256 point (65 bytes, so
# 87 characters beginning with B) and a 16-byte auth secret (22 characters).
P256DH = validate.Regexp(r"^B[A-Za-z0-9_-]{86}$", error="An uncompressed P-256 point, base64url.")
AUTH = validate.Regexp(r"^[A-Za-z0-9_-]{22}$", error="16 bytes, base64url.")


def _unique(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError("Name each value once.")


class PushKeysSchema(Schema):
    p256dh = fields.String(required=True, validate=P256DH)
    auth = fields.String(required=True, validate=AUTH)


class BrowserSubscriptionSchema(Schema):
    """The browser's PushSubscription as ``toJSON()`` gives it."""

    endpoint = fields.Url(required=True, schemes={"https", "http"}, require_tld=False,
                          validate=validate.Length(max=2000))
    keys = fields.Nested(PushKeysSchema, required=True)
    expirationTime = fields.Integer(allow_none=True, load_default=None)  # noqa: N815


class SubscribeSchema(Schema):
    subscription = fields.Nested(BrowserSubscriptionSchema, required=True)
    topics = fields.List(fields.String(validate=validate.OneOf(TOPICS)), required=True,
                         validate=[validate.Length(min=1, max=len(TOPICS)), _unique],
                         metadata={"description": "Any of " + ", ".join(TOPICS)})
    village_code = fields.String(validate=validate.Regexp(r"^[0-9]{8}$"), metadata={
        "description": "Whose calendar to follow; default: the resident's household's village"})
    not_logged_days = fields.Integer(validate=validate.Range(min=1, max=30))
    quiet_from = fields.Time(format="%H:%M")
    quiet_until = fields.Time(format="%H:%M")
    lang = fields.String(validate=validate.OneOf(("th", "en")))


class SubscriptionSchema(Schema):
    id = fields.Integer()
    endpoint_host = fields.Function(lambda s: s.endpoint.split("/")[2])
    topics = fields.List(fields.String())
    village_code = fields.String(attribute="village.code", allow_none=True, dump_default=None)
    not_logged_days = fields.Integer()
    quiet_from = fields.Time(format="%H:%M")
    quiet_until = fields.Time(format="%H:%M")
    lang = fields.String()
    created_at = fields.DateTime()


class SubscriptionListSchema(Schema):
    items = fields.List(fields.Nested(SubscriptionSchema))


class PublicKeySchema(Schema):
    public_key = fields.String(metadata={
        "description": "The VAPID public key, base64url: PushManager's applicationServerKey"})
