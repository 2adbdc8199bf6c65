"""Users, their roles and volunteer villages, the caller's own account, and the audit view.

GET   /api/v1/me                                  the caller, roles and areas
POST  /api/v1/me/password                         change one's own password
GET   /api/v1/users                               users of the caller's LGO (phones masked)
POST  /api/v1/users
GET   /api/v1/users/{user_id}
PATCH /api/v1/users/{user_id}
POST  /api/v1/users/{user_id}/password            an LGO admin resets a member's password
POST  /api/v1/users/{user_id}/unlock
PUT   /api/v1/users/{user_id}/volunteer           type, training, villages
POST  /api/v1/users/{user_id}/grants
DELETE /api/v1/users/{user_id}/grants/{grant_id}
GET   /api/v1/audit-events                        who accessed what, newest first
GET   /api/v1/volunteers/coverage?lgo=&month=     each volunteer's households and inspections
"""

from __future__ import annotations

from ..auth import services as auth_services
from ..auth.access import current_principal, requires
from ..auth.audit import events_query
from ..auth.schemas import PasswordChangeSchema
from ..auth.scoping import Scope, current_scope
from ..blueprint import Blueprint
from ..common.pagination import paginate
from ..extensions import db
from . import coverage, services
from .schemas import (
    AuditPageSchema,
    AuditQueryArgsSchema,
    CoverageArgsSchema,
    CoverageSchema,
    GrantCreateSchema,
    MeSchema,
    PasswordResetSchema,
    UserCreateSchema,
    UserDetailSchema,
    UserPageSchema,
    UserQueryArgsSchema,
    UserUpdateSchema,
    VolunteerUpdateSchema,
)

blp = Blueprint("users", __name__, description="Users, roles, volunteers and the audit trail")


def _visible_user(user_id: int, **_kwargs) -> None:
    services.get_user(user_id)


@blp.route("/me")
@requires("session")
@blp.response(200, MeSchema)
def me():
    """Return the caller's account, roles, areas and volunteer villages."""
    return services.me(current_principal())


@blp.route("/me/password", methods=["POST"])
@requires("session")
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(data):
    """Change one's own password; one's other devices are signed out."""
    auth_services.change_own_password(
        current_principal(), data["current_password"], data["new_password"]
    )
    db.session.commit()


@blp.route("/users")
@requires("users.read")
@blp.arguments(UserQueryArgsSchema, location="query")
@blp.response(200, UserPageSchema)
def list_users(args):
    """List the users of the caller's LGO, by name, phone numbers masked."""
    page = services.list_users(**args)
    db.session.commit()
    return page


@blp.route("/users", methods=["POST"])
@requires("users.manage")
@blp.arguments(UserCreateSchema)
@blp.response(201, UserDetailSchema)
@blp.alt_response(409, response="CONFLICT")  # the phone or username is taken
def create_user(data):
    """Create a user with a first role."""
    user = services.create_user(data)
    db.session.commit()
    return user, 201, {"Location": f"/api/v1/users/{user.id}"}


@blp.route("/users/<int:user_id>")
@requires("users.read")
@blp.response(200, UserDetailSchema)
def get_user(user_id: int):
    """Return one user, with the full phone number; the access is audited."""
    user = services.read_user(user_id)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@requires("users.manage", visible_with="users.read", lookup=_visible_user)
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserDetailSchema)
@blp.alt_response(409, response="CONFLICT")  # the phone or username is taken
def update_user(data, user_id: int):
    """Change a user's name, login or active flag."""
    user = services.update_user(user_id, data)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>/password", methods=["POST"])
@requires("users.manage", visible_with="users.read", lookup=_visible_user)
@blp.arguments(PasswordResetSchema)
@blp.response(204)
def reset_password(data, user_id: int):
    """Set a member's new password; their devices are signed out."""
    services.reset_password(user_id, data["new_password"])
    db.session.commit()


@blp.route("/users/<int:user_id>/unlock", methods=["POST"])
@requires("users.manage", visible_with="users.read", lookup=_visible_user)
@blp.response(200, UserDetailSchema)
def unlock_user(user_id: int):
    """Let the user sign in at once: forget the wrong passwords typed for their logins."""
    user = services.unlock(user_id)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>/volunteer", methods=["PUT"])
@requires("users.manage", visible_with="users.read", lookup=_visible_user)
@blp.arguments(VolunteerUpdateSchema)
@blp.response(200, UserDetailSchema)
def set_volunteer(data, user_id: int):
    """Set a volunteer's type, training date and assigned villages."""
    user = services.set_volunteer(user_id, data)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>/grants", methods=["POST"])
@requires("users.manage", visible_with="users.read", lookup=_visible_user)
@blp.arguments(GrantCreateSchema)
@blp.response(201, UserDetailSchema)
def add_grant(data, user_id: int):
    """Give a user another role."""
    user = services.add_grant(user_id, data)
    db.session.commit()
    return user


@blp.route("/users/<int:user_id>/grants/<int:grant_id>", methods=["DELETE"])
@requires("users.manage", visible_with="users.read", lookup=_visible_user)
@blp.response(200, UserDetailSchema)
@blp.alt_response(422, response="UNPROCESSABLE_ENTITY")  # e.g. your own admin role
def remove_grant(user_id: int, grant_id: int):
    """Take a role away from a user."""
    user = services.remove_grant(user_id, grant_id)
    db.session.commit()
    return user


@blp.route("/audit-events")
@requires("audit.read")
@blp.arguments(AuditQueryArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
def audit_events(args):
    """Answer "who accessed household X": the audit trail of the caller's LGO, newest first."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return paginate(events_query(**args), page=page, per_page=per_page)


@blp.route("/volunteers/coverage")
@requires("coverage.read")
@blp.arguments(CoverageArgsSchema, location="query")
@blp.response(200, CoverageSchema)
def volunteer_coverage(args):
    """Return each volunteer's villages, households inspected and overdue in a month."""
    return coverage.volunteer_coverage(args.get("lgo"), args.get("month"),
                                       current_scope() or Scope.nothing())
