"""Sign-off of LGO months (see ``signoff``): where each stands, and the steps up the chain.

    GET  /api/v1/approvals?month=2026-11                    the LGOs in reach and their state
    GET  /api/v1/approvals/{lgo}/{month}                    one LGO-month: steps, villages, late
    POST /api/v1/approvals/{lgo}/{month}/villages/{code}/confirm   volunteer, village head, staff
    POST /api/v1/approvals/{lgo}/{month}/submit             LGO staff or admin
    POST /api/v1/approvals/{lgo}/{month}/approve            LGO admin
    POST /api/v1/approvals/{lgo}/{month}/accept             provincial office
    POST /api/v1/approvals/{lgo}/{month}/return             provincial office (any step), LGO
                                                            admin (a month submitted); reason
    PUT  /api/v1/approvals/settings/lgos/{lgo}              confirm_villages (LGO admin)
    PUT  /api/v1/approvals/settings/provinces/{code}        late_items (provincial office)

A system admin may take any step, as DHIS2's superuser may; each step keeps the role.

An LGO out of the caller's reach answers 404, like a missing one; a step the caller's role may
not take on a month in reach answers 403; a step the month is not at answers 409.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import Schema, fields, validate
from sqlalchemy import select

from ..areas.models import Lgo, Province
from ..auth.access import current_principal, requires
from ..auth.models import User
from ..auth.scoping import Scope, current_scope, unscoped
from ..blueprint import Blueprint
from ..common.schemas import StrictSchema
from ..extensions import db
from . import acceptance, signoff
from .errors import AreaNotFound, InvalidQuery
from .signoff import LateRule, State

blp = Blueprint("approvals", __name__, url_prefix="/approvals",
                description="Sign-off of LGO months: confirm, submit, approve, accept, return")

# A month of the Common Era from 1900 (a Buddhist Era year such as 2569 is far in the future).
_MONTH = re.compile(r"^((?:19|2\d)\d{2})-(0[1-9]|1[0-2])$")


def _month(text: str) -> dt.date:
    match = _MONTH.match(text)
    if not match:
        raise InvalidQuery(errors={"month": ["Write a month as YYYY-MM in the Common Era, "
                                             "e.g. 2024-11."]})
    return dt.date(int(match[1]), int(match[2]), 1)


def _reaches(scope: Scope, lgo: Lgo) -> bool:
    return (scope.everything or lgo.id in scope.lgo_ids or lgo.province_id in scope.province_ids
            or any(v.id in scope.village_ids for v in lgo.villages))


def _lgo(code: str, permission: str | None = None) -> Lgo:
    """The LGO if the caller reaches it for reading (else 404) and, with ``permission``, for
    that step (else 403)."""
    lgo = db.session.execute(select(Lgo).where(Lgo.code == code)).scalar_one_or_none()
    principal = current_principal()
    if lgo is None or not _reaches(principal.scope_for("approvals.read"), lgo):
        raise AreaNotFound()
    if permission and not _reaches(principal.scope_for(permission), lgo):
        raise signoff.NotYours()
    return lgo


def _who() -> tuple[int, str | None]:
    principal = current_principal()
    return principal.user_id, principal.primary_role()


class ApprovalArgsSchema(StrictSchema):
    month = fields.String(required=True, validate=validate.Regexp(_MONTH), metadata={
        "description": "The month, YYYY-MM (Common Era)"})


class ReturnSchema(StrictSchema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class LgoSettingsSchema(StrictSchema):
    confirm_villages = fields.Boolean(required=True)


class ProvinceSettingsSchema(StrictSchema):
    late_items = fields.String(required=True,
                               validate=validate.OneOf([r.value for r in LateRule]))


class StepSchema(Schema):
    action = fields.String()
    village_code = fields.String(allow_none=True)
    actor_role = fields.String(allow_none=True)
    actor_name = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    at = fields.DateTime()


class VillageStateSchema(Schema):
    code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    confirmed = fields.Boolean()


class LgoMonthSchema(Schema):
    lgo_code = fields.String()
    name_th = fields.String()
    name_en = fields.String()
    month = fields.String()
    state = fields.String(metadata={"description": "open, submitted, approved or accepted"})
    returned_reason = fields.String(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    confirm_villages = fields.Boolean()
    villages_confirmed = fields.Integer()
    villages = fields.Integer()
    late = fields.Dict(metadata={
        "description": "Rows of earlier accepted months counted late in this month's view"})


class LgoMonthDetailSchema(LgoMonthSchema):
    steps = fields.List(fields.Nested(StepSchema))
    village_states = fields.List(fields.Nested(VillageStateSchema))
    late_items_rule = fields.String()


class ApprovalListSchema(Schema):
    month = fields.String()
    lgos = fields.List(fields.Nested(LgoMonthSchema))


def _summary(lgo: Lgo, month: dt.date, approval: Any, late: dict[str, Any]) -> dict[str, Any]:
    frozen = db.session.get(signoff.FrozenMonth, (lgo.id, month))
    confirmed = signoff.confirmed(lgo, month)
    return {
        "lgo_code": lgo.code, "name_th": lgo.name_th, "name_en": lgo.name_en,
        "month": f"{month:%Y-%m}", "state": approval.state.value if approval else "open",
        "returned_reason": approval.returned_reason if approval else None,
        "accepted_at": frozen.accepted_at if frozen else None,
        "confirm_villages": lgo.confirm_villages,
        "villages_confirmed": len(confirmed), "villages": len(lgo.villages), "late": late,
    }


def _detail(lgo: Lgo, month: dt.date) -> dict[str, Any]:
    approval = signoff.state_of([lgo.id], month)[lgo.id]
    late = signoff.late_of([lgo.id], month)[lgo.id]
    steps = signoff.history(lgo.id, month)
    # The names of the officials who took each step, whichever LGO's user list the caller
    # may read: the chain shows who signed (no phone, no other detail).
    names = dict(db.session.execute(
        select(User.id, User.display_name).where(
            User.id.in_([s.actor_id for s in steps if s.actor_id])),
        execution_options=unscoped()).tuples().all())
    codes = {v.id: v.code for v in lgo.villages}
    confirmed = signoff.confirmed(lgo, month)
    province = db.session.get(Province, lgo.province_id)
    return {
        **_summary(lgo, month, approval, late),
        "steps": [{"action": s.action.value, "village_code": codes.get(s.village_id or 0),
                   "actor_role": s.actor_role, "actor_name": names.get(s.actor_id or 0),
                   "reason": s.reason, "at": s.at} for s in steps],
        "village_states": [{"code": v.code, "name_th": v.name_th, "name_en": v.name_en,
                            "confirmed": v.id in confirmed} for v in lgo.villages],
        "late_items_rule": province.late_items if province else LateRule.next_month.value,
    }


@blp.route("")
@requires("approvals.read")
@blp.arguments(ApprovalArgsSchema, location="query")
@blp.response(200, ApprovalListSchema)
def list_months(args):
    """Every LGO in reach and where its month stands."""
    month = _month(args["month"])
    scope = current_scope() or Scope(everything=True)
    lgos = [lgo for lgo in db.session.execute(select(Lgo).order_by(Lgo.code)).scalars()
            if lgo.villages and _reaches(scope, lgo)]
    approvals = signoff.state_of([lgo.id for lgo in lgos], month)
    late = signoff.late_of([lgo.id for lgo in lgos], month)
    return {"month": f"{month:%Y-%m}",
            "lgos": [_summary(lgo, month, approvals[lgo.id], late[lgo.id]) for lgo in lgos]}


@blp.route("/<lgo_code>/<month>")
@requires("approvals.read")
@blp.response(200, LgoMonthDetailSchema)
def show_month(lgo_code: str, month: str):
    """One LGO-month: its state, every step with who and when, the villages, late items."""
    return _detail(_lgo(lgo_code), _month(month))


@blp.route("/<lgo_code>/<month>/villages/<village_code>/confirm", methods=["POST"])
@requires("approvals.confirm")
@blp.response(200, LgoMonthDetailSchema)
@blp.alt_response(409, response="CONFLICT")
def confirm_village(lgo_code: str, month: str, village_code: str):
    """Confirm a village's month (its volunteer or head, or the LGO's staff)."""
    lgo, day = _lgo(lgo_code, "approvals.confirm"), _month(month)
    village = next((v for v in lgo.villages if v.code == village_code), None)
    scope = current_principal().scope_for("approvals.confirm")
    if village is None:
        raise AreaNotFound()
    if not (scope.everything or lgo.id in scope.lgo_ids or village.id in scope.village_ids):
        raise signoff.NotYours()
    signoff.confirm_village(lgo, village, day, *_who())
    db.session.commit()
    return _detail(lgo, day)


def _step_route(name: str, permission: str, doc: str, take: Any):
    def view(lgo_code: str, month: str):
        lgo, day = _lgo(lgo_code, permission), _month(month)
        take(lgo, day, *_who())
        db.session.commit()
        return _detail(lgo, day)

    view.__name__ = f"{name}_month"
    view.__doc__ = doc
    decorated = blp.alt_response(409, response="CONFLICT")(view)
    decorated = blp.response(200, LgoMonthDetailSchema)(decorated)
    decorated = requires(permission)(decorated)
    blp.route(f"/<lgo_code>/<month>/{name}", methods=["POST"])(decorated)


_step_route("submit", "approvals.submit", "Submit the LGO's month (LGO staff or admin).",
            signoff.submit)
_step_route("approve", "approvals.approve", "Approve the LGO's submitted month (LGO admin).",
            signoff.approve)
_step_route("accept", "approvals.accept",
            "Accept the LGO's approved month (provincial office): its figures are frozen.",
            acceptance.accept)


@blp.route("/<lgo_code>/<month>/return", methods=["POST"])
@requires("approvals.return")
@blp.arguments(ReturnSchema)
@blp.response(200, LgoMonthDetailSchema)
@blp.alt_response(409, response="CONFLICT")
def return_month(data, lgo_code: str, month: str):
    """Send the month back to open with a reason: the provincial office from any step, the
    LGO admin a month submitted but not yet approved."""
    lgo, day = _lgo(lgo_code, "approvals.return"), _month(month)
    scope = current_principal().scope_for("approvals.return")
    allowed = ({State.submitted, State.approved, State.accepted}
               if scope.everything or lgo.province_id in scope.province_ids
               else {State.submitted})
    actor, role = _who()
    signoff.send_back(lgo, day, actor, role, data["reason"], allowed=allowed)
    db.session.commit()
    return _detail(lgo, day)


@blp.route("/settings/lgos/<lgo_code>", methods=["PUT"])
@requires("approvals.settings")
@blp.arguments(LgoSettingsSchema)
@blp.response(200, LgoSettingsSchema)
def lgo_settings(data, lgo_code: str):
    """Whether the LGO asks each village to confirm its month before submitting (LGO admin)."""
    lgo = _lgo(lgo_code, "approvals.settings")
    lgo.confirm_villages = data["confirm_villages"]
    db.session.commit()
    return {"confirm_villages": lgo.confirm_villages}


@blp.route("/settings/provinces/<province_code>", methods=["PUT"])
@requires("approvals.rules")
@blp.arguments(ProvinceSettingsSchema)
@blp.response(200, ProvinceSettingsSchema)
def province_settings(data, province_code: str):
    """What a late row of an accepted month does in the province (provincial office)."""
    province = db.session.execute(select(Province).where(Province.code == province_code)
                                  ).scalar_one_or_none()
    scope = current_principal().scope_for("approvals.rules")
    if province is None or not (scope.everything or province.id in scope.province_ids):
        raise AreaNotFound()
    province.late_items = data["late_items"]
    db.session.commit()
    return {"late_items": province.late_items}

