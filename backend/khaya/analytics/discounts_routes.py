"""Fee discounts for verified sorters (see ``discounts``).

    GET /api/v1/fee-discounts/rule?lgo_code=                 discounts.read: the LGO's rule
    PUT /api/v1/fee-discounts/rule                           discounts.manage (LGO admin)
    GET /api/v1/fee-discounts/households?month=&lgo_code=    discounts.read; each one audited
    GET /api/v1/fee-discounts/households.csv / .xlsx         the same for the fee office
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from ..auth.access import current_principal, requires
from ..blueprint import Blueprint
from ..collection.services import lgo_to_act_for
from ..common.files import attachment
from ..common.schemas import StrictSchema
from ..common.time import local_today
from ..common.writers import render_table
from ..extensions import db
from . import discounts, periods
from .errors import InvalidDiscountRule

blp = Blueprint("fee_discounts", __name__, url_prefix="/fee-discounts",
                description="Fee discounts for verified sorters: the rule and the list")
MONTH = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
MEDIA = {"csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class LgoArgsSchema(StrictSchema):
    lgo_code = fields.String(validate=validate.Regexp(r"^[a-z0-9-]{1,80}$"), metadata={
        "description": "Admins name the LGO; LGO roles default to theirs"})


class ListArgsSchema(LgoArgsSchema):
    month = fields.String(validate=validate.Regexp(MONTH), metadata={
        "description": "YYYY-MM; default: the last complete month"})


class FileArgsSchema(ListArgsSchema):
    lang = fields.String(load_default="th", validate=validate.OneOf(("th", "en")))


class RuleSchema(StrictSchema):
    lgo_code = fields.String(validate=validate.Regexp(r"^[a-z0-9-]{1,80}$"))
    verified_within_days = fields.Integer(validate=validate.Range(min=1, max=730))
    min_log_days = fields.Integer(validate=validate.Range(min=1, max=31))
    fee_baht = fields.Decimal(allow_none=True, places=2, as_string=False,
                              validate=validate.Range(min=0, max=100_000))
    discounted_fee_baht = fields.Decimal(allow_none=True, places=2, as_string=False,
                                         validate=validate.Range(min=0, max=100_000))

    @validates_schema
    def _discount_is_lower(self, data: dict[str, Any], **kwargs: Any) -> None:
        fee, lower = data.get("fee_baht"), data.get("discounted_fee_baht")
        if fee is not None and lower is not None and lower > fee:
            raise ValidationError("Not more than fee_baht.", "discounted_fee_baht")


class RuleOutSchema(StrictSchema):
    lgo_code = fields.String()
    set = fields.Boolean(metadata={"description": "False: the defaults, none set yet"})
    updated_at = fields.DateTime(allow_none=True)
    verified_within_days = fields.Integer()
    min_log_days = fields.Integer()
    # Numbers in JSON, as documented (a Decimal field answered "60.00", a string).
    fee_baht = fields.Float(allow_none=True)
    discounted_fee_baht = fields.Float(allow_none=True)


class QualifyingSchema(StrictSchema):
    household_code = fields.String()
    household_id = fields.Integer()
    village_code = fields.String()
    village_name_th = fields.String()
    house_number = fields.String()
    head_name = fields.String(allow_none=True)
    members = fields.Integer()
    log_days = fields.Integer()
    verified_on = fields.Date()
    discounted_fee_baht = fields.Float(allow_none=True)


class ListSchema(StrictSchema):
    lgo_code = fields.String()
    month = fields.String()
    rule = fields.Nested(RuleOutSchema)
    households = fields.List(fields.Nested(QualifyingSchema))


def _month(text: str | None) -> dt.date:
    if text:
        return dt.date.fromisoformat(f"{text}-01")
    return periods.last_complete_month(local_today()).start


@blp.route("/rule")
@requires("discounts.read")
@blp.arguments(LgoArgsSchema, location="query")
@blp.response(200, RuleOutSchema)
def show_rule(args):
    """The LGO's fee-discount rule (the defaults while none is set)."""
    return discounts.rule_of(lgo_to_act_for(args.get("lgo_code"), InvalidDiscountRule))


@blp.route("/rule", methods=["PUT"])
@requires("discounts.manage")
@blp.arguments(RuleSchema)
@blp.response(200, RuleOutSchema)
def set_rule(data):
    """Set the LGO's rule: verified within how many days, logged on how many days, the fees."""
    lgo = lgo_to_act_for(data.pop("lgo_code", None), InvalidDiscountRule)
    rule = discounts.set_rule(lgo, data, current_principal().user_id)
    db.session.commit()
    return rule


@blp.route("/households")
@requires("discounts.read")
@blp.arguments(ListArgsSchema, location="query")
@blp.response(200, ListSchema)
def list_households(args):
    """The households that qualify for the month, by village and house (each one audited)."""
    lgo = lgo_to_act_for(args.get("lgo_code"), InvalidDiscountRule)
    found = discounts.listed(lgo, _month(args.get("month")), action="list")
    db.session.commit()
    return found


def _file(args: dict[str, Any], fmt: str):
    lgo = lgo_to_act_for(args.get("lgo_code"), InvalidDiscountRule)
    found = discounts.listed(lgo, _month(args.get("month")), action="export")
    data = render_table(discounts.table(found, args["lang"]), fmt)
    db.session.commit()
    return attachment(data, f"fee-discounts-{lgo.code}-{found['month'][:7]}.{fmt}", MEDIA[fmt])


@blp.route("/households.csv")
@requires("discounts.read")
@blp.arguments(FileArgsSchema, location="query")
@blp.response(200, content_type=MEDIA["csv"])
def households_csv(args):
    """The month's list as CSV for the fee office (each household audited as exported)."""
    return _file(args, "csv")


@blp.route("/households.xlsx")
@requires("discounts.read")
@blp.arguments(FileArgsSchema, location="query")
@blp.response(200, content_type=MEDIA["xlsx"])
def households_xlsx(args):
    """The month's list as XLSX for the fee office (each household audited as exported)."""
    return _file(args, "xlsx")
