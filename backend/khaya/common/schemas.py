"""Schemas shared by every domain."""

from marshmallow import Schema, ValidationError, fields, validate

from ..auth.passwords import normalize_phone


class StrictSchema(Schema):
    """Base for request schemas: unknown fields are an error (the marshmallow 4 default)."""


class HealthSchema(Schema):
    status = fields.String(required=True)
    database = fields.String(required=True)
    postgres = fields.String(required=True)
    postgis = fields.String(required=True)


class PageArgsSchema(StrictSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class PageMetaSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class ThaiPhone(fields.String):
    """A Thai phone number in any usual format, stored as E.164."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        phone = normalize_phone(text)
        if phone is None:
            raise ValidationError("Not a Thai phone number (e.g. 081-234-5678 or +66812345678).")
        return phone
