"""Request and response schemas for signing in."""

from marshmallow import Schema, fields, validate

from .passwords import MIN_PASSWORD_LENGTH

DEVICE_ID = validate.Length(min=1, max=100)


class LoginSchema(Schema):
    login = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Phone number (08x-xxx-xxxx, +66…) or username"},
    )
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    device_id = fields.String(
        load_default="web",
        validate=DEVICE_ID,
        metadata={"description": "A stable id of this device; refresh tokens are bound to it"},
    )


class RefreshSchema(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    device_id = fields.String(load_default="web", validate=DEVICE_ID)


class TokenUserSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()


class TokenSchema(Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer(metadata={"description": "Seconds until the access token expires"})
    refresh_token = fields.String()
    user = fields.Nested(TokenUserSchema)


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, load_only=True)
    new_password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=MIN_PASSWORD_LENGTH, max=200)
    )
