"""Who is calling and what they may do: authentication, permissions and per-route access.

Every API view declares its access with ``@public`` or ``@requires(permission)``; the
authorisation-matrix test reads that declaration from each view of the URL map, so a view
without one fails a test. ``requires`` authenticates, checks the permission and puts the
permission's ``Scope`` on ``flask.g`` for the scoping hook.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import g, request
from sqlalchemy import bindparam, select

from ..extensions import db
from .errors import Forbidden, InvalidToken, TokenRevoked, Unauthorized
from .models import AuthSession, Role, RoleGrant, User, VolunteerAssignment, VolunteerProfile
from .scoping import Scope, unscoped
from .tokens import decode_access_token

_LGO_WORK = frozenset(
    {
        "households.read",
        "households.write",
        "logs.write",
        "inspections.write",
        # Accepting or rejecting flagged inspections: the LGO's own staff only.
        "inspections.review",
        "deposits.write",
        "points.write",
        "banks.read",
        "banks.write",
        "hazardous.write",
        # Citizen reports: the LGO's queue, and working through it.
        "reports.read",
        "reports.manage",
        "reports.write",
        "analytics.read",
        "exports.read",
        # Volunteers' coverage of the register: counts and volunteers' names, never a phone.
        "coverage.read",
        # The households that qualify for a fee discount (names them: the LGO's own only).
        "discounts.read",
    }
)
# Every signed-in person may manage their own session and account.
SESSION = "session"
# The LGO's own steps of a month's sign-off (see analytics.signoff). A system admin may take
# any step, as DHIS2's superuser may; each step records the role that took it.
_SIGNOFF_STAFF = ("approvals.read", "approvals.confirm", "approvals.submit",
                  # The carbon-credit evidence names households (by code): the LGO's own.
                  "evidence.export")
PERMISSIONS: dict[Role, frozenset[str]] = {
    # A resident's scope is their own household, so "households.read" reaches only that one.
    Role.resident: frozenset({
        SESSION, "households.read", "households.export", "households.erase", "logs.write",
        "banks.read", "reports.write",
    }),
    Role.volunteer: frozenset(
        {
            SESSION,
            "households.read",
            "logs.write",
            "inspections.write",
            "deposits.write",
            "banks.read",
            "reports.write",
            # A volunteer (a village head among them) confirms their villages' month.
            "approvals.read",
            "approvals.confirm",
        }
    ),
    Role.lgo_staff: _LGO_WORK | {SESSION, "households.export", *_SIGNOFF_STAFF},
    Role.lgo_admin: _LGO_WORK | {
        SESSION, "users.read", "users.manage", "audit.read", "households.export",
        # Whether the public may report without an account; the apps posting over Open311.
        "reports.settings",
        "discounts.manage",
        "households.erase", *_SIGNOFF_STAFF, "approvals.approve", "approvals.return",
        "approvals.settings",
    },
    Role.province_officer: frozenset({SESSION, "analytics.read", "exports.read",
                                      "coverage.read", "approvals.read", "approvals.accept",
                                      "approvals.return", "approvals.settings",
                                      "approvals.rules"}),
    # DLA compares provinces: every province's aggregates and figures files, never a row.
    Role.national_officer: frozenset({SESSION, "analytics.read", "exports.read"}),
    Role.admin: _LGO_WORK
    | {
        SESSION,
        "users.read",
        "users.manage",
        "audit.read",
        "areas.manage",
        "settings.manage",
        "reports.settings",
        "discounts.manage",
        "households.export",
        "households.erase",
        *_SIGNOFF_STAFF,
        "approvals.approve",
        "approvals.accept",
        "approvals.return",
        "approvals.settings",
        "approvals.rules",
    },
}


@dataclass(frozen=True)
class Grant:
    role: Role
    lgo_id: int | None
    province_id: int | None
    village_id: int | None
    household_id: int | None = None


@dataclass(frozen=True)
class Principal:
    """The signed-in caller: their grants and the villages they volunteer in."""

    user_id: int
    session_id: uuid.UUID | None
    grants: tuple[Grant, ...]
    volunteer_village_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def has(self, permission: str) -> bool:
        return any(permission in PERMISSIONS[grant.role] for grant in self.grants)

    def scope_for(self, permission: str) -> Scope:
        """Return the rows this caller may reach with ``permission``."""
        lgo_ids: set[int] = set()
        village_ids: set[int] = set()
        province_ids: set[int] = set()
        household_ids: set[int] = set()
        for grant in self.grants:
            if permission not in PERMISSIONS[grant.role]:
                continue
            # A national officer's permissions are aggregates only, so reaching every area
            # with them reaches no household.
            if grant.role in (Role.admin, Role.national_officer):
                return Scope(everything=True)
            if grant.role is Role.province_officer and grant.province_id:
                province_ids.add(grant.province_id)
            elif grant.role in (Role.lgo_staff, Role.lgo_admin) and grant.lgo_id:
                lgo_ids.add(grant.lgo_id)
            elif grant.role is Role.volunteer:
                village_ids |= self.volunteer_village_ids
            elif grant.role is Role.resident and grant.household_id:
                household_ids.add(grant.household_id)
        return Scope(
            lgo_ids=frozenset(lgo_ids),
            village_ids=frozenset(village_ids),
            household_ids=frozenset(household_ids),
            province_ids=frozenset(province_ids),
        )

    @property
    def lgo_ids(self) -> frozenset[int]:
        """Every LGO the caller holds a role in (a volunteer's and a resident's included)."""
        return frozenset(grant.lgo_id for grant in self.grants if grant.lgo_id)

    @property
    def is_admin(self) -> bool:
        return Role.admin in self.roles

    def primary_role(self) -> str | None:
        order = list(Role)
        return max(self.roles, key=order.index).value if self.grants else None


@functools.cache
def _statements() -> tuple[Any, Any, Any]:
    """The three statements every signed-in request runs, built once with bound parameters
    (building and keying them anew was most of the cost of an authenticated request)."""
    live = (
        select(AuthSession.id)
        .join(User, User.id == AuthSession.user_id)
        .where(
            AuthSession.id == bindparam("sid"),
            AuthSession.user_id == bindparam("uid"),
            AuthSession.revoked_at.is_(None),
            User.is_active.is_(True),
        )
    )
    grants = select(RoleGrant).where(RoleGrant.user_id == bindparam("uid")).order_by(RoleGrant.id)
    villages = (
        select(VolunteerAssignment.village_id)
        .join(VolunteerProfile, VolunteerProfile.user_id == VolunteerAssignment.user_id)
        .where(VolunteerAssignment.user_id == bindparam("uid"), VolunteerProfile.active.is_(True))
    )
    return live, grants, villages


def load_principal(user_id: int, session_id: uuid.UUID | None) -> Principal:
    """Read a user's grants and volunteer villages (sign-in must see past any scope)."""
    _, grants_of, villages_of = _statements()
    grants = tuple(
        Grant(row.role, row.lgo_id, row.province_id, row.village_id, row.household_id)
        for row in db.session.execute(
            grants_of, {"uid": user_id}, execution_options=unscoped()
        ).scalars()
    )
    villages = frozenset(
        db.session.execute(villages_of, {"uid": user_id}, execution_options=unscoped()).scalars()
    )
    return Principal(user_id, session_id, grants, villages)


def authenticate() -> Principal | None:
    """Return the caller from the bearer token; ``None`` without one; raise if it is bad."""
    header = request.headers.get("Authorization")
    if not header:
        return None
    kind, _, token = header.partition(" ")
    if kind.lower() != "bearer" or not token.strip():
        raise InvalidToken("Send the access token as 'Authorization: Bearer <token>'.",
                           message_th="ส่งโทเค็นเข้าใช้งานในรูปแบบ 'Authorization: Bearer <token>'")
    claims = decode_access_token(token.strip())
    row = db.session.execute(
        _statements()[0], {"sid": claims["sid"], "uid": claims["sub"]},
        execution_options=unscoped(),
    ).first()
    if row is None:
        raise TokenRevoked()
    return load_principal(claims["sub"], claims["sid"])


def current_principal() -> Principal:
    principal = g.get("khaya_principal")
    if principal is None:
        raise Unauthorized()
    return principal


@dataclass(frozen=True)
class Access:
    """What a view declares: public, or the permission it needs."""

    public: bool = False
    permission: str | None = None
    visible_with: str | None = None
    # The object is shared across areas (a waste bank's name and prices); its sub-resources
    # are still scoped.
    shared: bool = False


def _declare(view: Callable, access: Access) -> None:
    view.khaya_access = access  # type: ignore[attr-defined]
    doc = getattr(view, "_apidoc", {})
    manual = dict(doc.get("manual_doc", {}))
    manual["security"] = [] if access.public else [{"bearerAuth": []}]
    view._apidoc = {**doc, "manual_doc": manual}  # type: ignore[attr-defined]


def mark_private() -> None:
    """Say that this request's answer is the caller's alone: it gets ``private, no-store``.

    Every ``requires`` view is marked (errors included: a 409 may hold both versions of a
    household); a public view that hands out something personal, such as tokens, marks itself.
    """
    g.khaya_private = True


def public(view: Callable) -> Callable:
    """Let anyone call ``view``; a token, if sent, must still be valid."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        g.khaya_principal = authenticate()
        g.khaya_scope = Scope.nothing()
        return view(*args, **kwargs)

    _declare(wrapper, Access(public=True))
    return wrapper


def requires(
    permission: str,
    *,
    visible_with: str | None = None,
    lookup: Callable[..., Any] | None = None,
    shared: bool = False,
) -> Callable[[Callable], Callable]:
    """Require a signed-in caller with ``permission``; scope their queries to it.

    With ``visible_with`` and ``lookup``, a caller who may see the object but not act on it
    gets 403, and one who may not even see it gets 404, as for a missing object.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            mark_private()
            principal = authenticate()
            if principal is None:
                raise Unauthorized()
            g.khaya_principal = principal
            if principal.has(permission):
                g.khaya_scope = principal.scope_for(permission)
                return view(*args, **kwargs)
            if visible_with and lookup and principal.has(visible_with):
                g.khaya_scope = principal.scope_for(visible_with)
                lookup(**kwargs)
            raise Forbidden()

        _declare(
            wrapper, Access(permission=permission, visible_with=visible_with, shared=shared)
        )
        return wrapper

    return decorator

