"""A household's streak, badges and its village's standing (see ``rewards``).

    GET /api/v1/households/{household_id}/rewards   households.read: the resident's own,
                                                    its villages' volunteers, its LGO
"""

from __future__ import annotations

from marshmallow import Schema, fields

from ..auth.access import requires
from ..blueprint import Blueprint
from ..households import services as households
from .rewards import household_rewards

blp = Blueprint("rewards", __name__, url_prefix="/households",
                description="Being noticed: a household's streak, badges and village standing")


class StreakSchema(Schema):
    current = fields.Integer(metadata={"description": "Days in a row ending today or yesterday"})
    best = fields.Integer()
    best_ended_on = fields.Date(allow_none=True)


class BadgeSchema(Schema):
    badge = fields.String(metadata={"description": "first_month, streak_30, verified_bin, "
                                                   "bank_member or first_hazardous"})
    earned_on = fields.Date()


class StandingSchema(Schema):
    period = fields.String()
    village_code = fields.String()
    village_name_th = fields.String()
    village_name_en = fields.String()
    rank = fields.Integer(allow_none=True)
    value = fields.Float(allow_none=True)
    change = fields.Float(allow_none=True)
    ranked = fields.Integer(metadata={"description": "Villages of the LGO given a rank"})
    villages = fields.Integer()
    small_denominator = fields.Boolean()
    no_data = fields.Boolean()


class RewardsSchema(Schema):
    household_id = fields.Integer()
    today = fields.Date()
    streak = fields.Nested(StreakSchema)
    logged_days = fields.Integer()
    badges = fields.List(fields.Nested(BadgeSchema))
    village = fields.Nested(StandingSchema, allow_none=True)


@blp.route("/<int:household_id>/rewards")
@requires("households.read")
@blp.response(200, RewardsSchema)
def rewards(household_id: int):
    """The household's streak, badges and its village's standing among the LGO's villages."""
    return household_rewards(households.get_household(household_id))
