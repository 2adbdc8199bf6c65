"""Request and response schemas for users, grants, volunteers and audit events."""

from marshmallow import Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from ..auth.models import Role, VolunteerType
from ..auth.passwords import MIN_PASSWORD_LENGTH, mask_phone, normalize_phone
from ..common.schemas import Name, PageArgsSchema, PageMetaSchema, ThaiPhone, UtcDateTime

PASSWORD = validate.Length(min=MIN_PASSWORD_LENGTH, max=200)


class Username(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip().lower()
        if not validate.Regexp(r"^[a-z0-9_.-]{3,40}$")(text) or normalize_phone(text):
            raise ValidationError("3-40 letters, digits, '.', '_' or '-', not a phone number.")
        return text


class GrantSchema(Schema):
    id = fields.Integer()
    role = fields.Enum(Role, by_value=True)
    lgo_code = fields.Function(lambda g: g.lgo.code if g.lgo else None)
    province_code = fields.Function(lambda g: g.province.code if g.province else None)
    village_code = fields.Function(lambda g: g.village.code if g.village else None)


class VolunteerSchema(Schema):
    volunteer_type = fields.Enum(VolunteerType, by_value=True)
    active = fields.Boolean()
    trained_on = fields.Date(allow_none=True)
    village_codes = fields.Function(lambda p: [a.village.code for a in p.assignments])


class UserSchema(Schema):
    """A user in a list: the phone number masked."""

    id = fields.Integer()
    display_name = fields.String()
    username = fields.String(allow_none=True)
    phone = fields.Function(lambda u: mask_phone(u.phone), allow_none=True)
    lgo_code = fields.Function(lambda u: u.lgo.code if u.lgo else None)
    is_active = fields.Boolean()
    grants = fields.List(fields.Nested(GrantSchema))
    volunteer = fields.Nested(VolunteerSchema, allow_none=True)


class UserDetailSchema(UserSchema):
    """One user, for their LGO's administrators: the full phone number."""

    phone = fields.String(allow_none=True)  # type: ignore[assignment]


class UserPageSchema(Schema):
    items = fields.List(fields.Nested(UserSchema))
    meta = fields.Nested(PageMetaSchema)


class UserQueryArgsSchema(PageArgsSchema):
    q = fields.String(validate=validate.Length(min=1, max=100))
    role = fields.Enum(Role, by_value=True)
    active = fields.Boolean()


class VolunteerUpdateSchema(Schema):
    volunteer_type = fields.Enum(VolunteerType, by_value=True, required=True)
    active = fields.Boolean(load_default=True)
    trained_on = fields.Date(allow_none=True)
    village_codes = fields.List(
        fields.String(validate=validate.Regexp(r"^[0-9]{8}$")),
        load_default=list,
        validate=validate.Length(max=200),
    )


class UserCreateSchema(Schema):
    display_name = Name(required=True, validate=validate.Length(min=1, max=200))
    phone = ThaiPhone(allow_none=True)
    username = Username(allow_none=True)
    password = fields.String(required=True, load_only=True, validate=PASSWORD)
    role = fields.Enum(Role, by_value=True, required=True)
    lgo_code = fields.String(
        metadata={"description": "Admins only; an LGO admin's users join the admin's LGO"}
    )
    village_code = fields.String(metadata={"description": "A resident's village"})
    province_code = fields.String(metadata={"description": "A province officer's province"})
    volunteer = fields.Nested(VolunteerUpdateSchema)

    @validates_schema
    def _has_login(self, data, **kwargs):
        if not data.get("phone") and not data.get("username"):
            raise ValidationError("Give a phone number or a username.", "phone")


class UserUpdateSchema(Schema):
    display_name = Name(validate=validate.Length(min=1, max=200))
    phone = ThaiPhone(allow_none=True)
    username = Username(allow_none=True)
    is_active = fields.Boolean()


class GrantCreateSchema(Schema):
    role = fields.Enum(Role, by_value=True, required=True)
    lgo_code = fields.String()
    province_code = fields.String()
    village_code = fields.String()


class PasswordResetSchema(Schema):
    new_password = fields.String(required=True, load_only=True, validate=PASSWORD)


class AuditEventSchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.Function(lambda e: e.actor.display_name if e.actor else None,
                                 allow_none=True, metadata={"description": "The actor's name"})
    actor_role = fields.String(allow_none=True)
    action = fields.String()
    entity = fields.String()
    entity_id = fields.String()
    lgo_id = fields.Integer(allow_none=True)
    endpoint = fields.String(allow_none=True)
    method = fields.String(allow_none=True)
    ip = fields.Function(lambda e: str(e.ip) if e.ip else None)
    details = fields.Dict(allow_none=True)


class AuditQueryArgsSchema(PageArgsSchema):
    entity = fields.String(validate=validate.OneOf(["user", "household"]))
    entity_id = fields.String(validate=validate.Length(min=1, max=64))
    actor_id = fields.Integer()
    action = fields.String(
        validate=validate.OneOf(["read", "list", "export", "create", "update", "delete", "erase"])
    )
    since = UtcDateTime()
    until = UtcDateTime()


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
    meta = fields.Nested(PageMetaSchema)


class MeSchema(Schema):
    user = fields.Nested(UserDetailSchema)
    roles = fields.List(fields.String())
    permissions = fields.List(fields.String())


class CoverageArgsSchema(Schema):
    lgo = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "LGO code; LGO staff may leave it out for their own LGO"},
    )
    month = fields.String(
        validate=validate.Regexp(r"^(20\d\d|21\d\d)-(0[1-9]|1[0-2])$",
                                 error="A month as YYYY-MM in the Common Era, e.g. 2026-11."),
        metadata={"description": "YYYY-MM; the current month in Thailand by default",
                  "pattern": r"^(20\d\d|21\d\d)-(0[1-9]|1[0-2])$"},
    )


class CoverageRowSchema(Schema):
    user_id = fields.Integer()
    display_name = fields.String()
    volunteer_type = fields.String()
    village_codes = fields.List(fields.String())
    households = fields.Integer(metadata={"description": "Active households in the villages"})
    inspected = fields.Integer(metadata={"description": "Of them, inspected in the month"})
    inspections_by_volunteer = fields.Integer(
        metadata={"description": "Inspections the volunteer recorded in the month"})
    overdue = fields.Integer(
        metadata={"description": "Of them, never inspected or not for more than 90 days"})
    last_inspection_on = fields.Date(allow_none=True)


class CoverageSchema(Schema):
    month = fields.String()
    lgo = fields.String()
    as_of = fields.Date(metadata={"description": "The day the counts stand at"})
    overdue_days = fields.Integer()
    rows = fields.List(fields.Nested(CoverageRowSchema))
    unassigned_villages = fields.List(
        fields.String(), metadata={"description": "Villages with households but no volunteer"})
