"""Managing users, grants and volunteers inside the caller's scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ..areas.models import Lgo, LgoType, Province, Village
from ..auth import audit, throttle
from ..auth.access import PERMISSIONS, Principal, current_principal
from ..auth.errors import DuplicateLogin, Forbidden, InvalidUserChange, UserNotFound
from ..auth.models import Role, RoleGrant, User, VolunteerAssignment, VolunteerProfile
from ..auth.passwords import hash_password, normalize_phone
from ..auth.scoping import current_scope
from ..auth.services import check_new_password, own_user, revoke_all_sessions
from ..common.pagination import paginate
from ..extensions import db

# The roles an LGO administrator may hand out; province and system roles need an admin.
LGO_ROLES = frozenset({Role.resident, Role.volunteer, Role.lgo_staff, Role.lgo_admin})


def get_user(user_id: int) -> User:
    """Return a user inside the caller's scope, or 404 as if it did not exist."""
    user = db.session.execute(select(User).where(User.id == user_id)).scalar_one_or_none()
    if user is None:
        raise UserNotFound()
    return user


def get_manageable_user(user_id: int) -> User:
    """Return a user the caller may change: every role they hold is one the caller could grant.

    Without this an LGO admin could reset the password of an admin or of another LGO's admin
    who happens to live in their LGO, and sign in as them.
    """
    user = get_user(user_id)
    for grant in user.grants:
        _check_can_grant(grant.role, db.session.get(Lgo, grant.lgo_id) if grant.lgo_id else None)
    return user


def list_users(
    *,
    page: int,
    per_page: int,
    q: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
) -> dict[str, Any]:
    """Return one page of the users in scope, by name; the access is audited."""
    stmt = select(User)
    if q:
        phone = normalize_phone(q)
        stmt = stmt.where(
            or_(
                User.display_name.ilike(f"%{q}%"),
                User.username == q.lower(),
                *([User.phone == phone] if phone else []),
            )
        )
    if role:
        stmt = stmt.where(User.grants.any(RoleGrant.role == role))
    if active is not None:
        stmt = stmt.where(User.is_active.is_(active))
    result = paginate(stmt.order_by(User.display_name, User.id), page=page, per_page=per_page)
    audit.record("list", "user", [(u.id, u.lgo_id) for u in result["items"]])
    return result


def read_user(user_id: int) -> User:
    user = get_user(user_id)
    audit.record("read", "user", [(user.id, user.lgo_id)])
    return user


def _lgo_by_code(code: str, field: str = "lgo_code") -> Lgo:
    lgo = db.session.execute(select(Lgo).where(Lgo.code == code)).scalar_one_or_none()
    if lgo is None:
        raise InvalidUserChange(errors={field: [f"No LGO has the code {code!r}."]})
    return lgo


def _villages_by_code(codes: list[str], lgo: Lgo, field: str) -> list[Village]:
    villages = db.session.execute(select(Village).where(Village.code.in_(codes))).scalars().all()
    found = {v.code: v for v in villages}
    errors = [f"{code}: no such village." for code in codes if code not in found]
    errors += [f"{v.code}: not in {lgo.code}." for v in villages if v.lgo_id != lgo.id]
    if errors:
        raise InvalidUserChange(errors={field: errors})
    return [found[code] for code in codes]


def _check_can_grant(role: Role, lgo: Lgo | None) -> None:
    """An LGO admin grants LGO roles in their own LGO; anything else needs an admin."""
    scope = current_scope()
    if scope is None or scope.everything:
        return
    if role not in LGO_ROLES or lgo is None or lgo.id not in scope.lgo_ids:
        raise Forbidden("You may grant only resident, volunteer and LGO roles in your own LGO.",
                        message_th="คุณมอบได้เฉพาะบทบาทผู้อยู่อาศัย อาสาสมัคร และเจ้าหน้าที่"
                                   " ใน อปท. ของคุณเอง")


def _build_grant(spec: dict[str, Any], *, user_lgo: Lgo | None) -> RoleGrant:
    role: Role = spec["role"]
    lgo = _lgo_by_code(spec["lgo_code"]) if spec.get("lgo_code") else user_lgo
    if role in (Role.admin, Role.national_officer):
        _check_can_grant(role, None)
        return RoleGrant(role=role)
    if role is Role.province_officer:
        _check_can_grant(role, None)
        code = spec.get("province_code")
        province = (
            db.session.execute(select(Province).where(Province.code == code)).scalar_one_or_none()
            if code
            else None
        )
        if province is None:
            raise InvalidUserChange(
                errors={"province_code": ["A province officer needs a province."]}
            )
        return RoleGrant(role=role, province_id=province.id)
    if lgo is None:
        raise InvalidUserChange(errors={"lgo_code": ["This role needs an LGO."]})
    if lgo.type is LgoType.PAO and role is Role.resident:
        raise InvalidUserChange(errors={"lgo_code": ["Residents belong to a municipality or SAO."]})
    _check_can_grant(role, lgo)
    if role is Role.resident:
        if not spec.get("village_code"):
            raise InvalidUserChange(errors={"village_code": ["A resident needs a village."]})
        (village,) = _villages_by_code([spec["village_code"]], lgo, "village_code")
        return RoleGrant(role=role, lgo_id=lgo.id, village_id=village.id)
    return RoleGrant(role=role, lgo_id=lgo.id)


def create_user(data: dict[str, Any]) -> User:
    """Create an account with its first role; an LGO admin's users join the admin's LGO."""
    principal = current_principal()
    scope = current_scope()
    lgo: Lgo | None
    if data.get("lgo_code"):
        lgo = _lgo_by_code(data["lgo_code"])
    elif scope is not None and not scope.everything and len(scope.lgo_ids) == 1:
        lgo = db.session.get(Lgo, next(iter(scope.lgo_ids)))
    else:
        lgo = None
    if not data.get("phone") and not data.get("username"):
        raise InvalidUserChange(errors={"phone": ["Give a phone number or a username."]})
    check_new_password("password", data["password"], data.get("username"), data.get("phone"),
                       data["display_name"])
    user = User(
        display_name=data["display_name"],
        phone=data.get("phone"),
        username=data.get("username"),
        password_hash=hash_password(data["password"]),
        lgo_id=lgo.id if lgo else None,
    )
    grant = _build_grant(
        {
            "role": data["role"],
            "village_code": data.get("village_code"),
            "province_code": data.get("province_code"),
        },
        user_lgo=lgo,
    )
    grant.granted_by_id = principal.user_id
    user.grants.append(grant)
    if data["role"] is Role.volunteer:
        _set_volunteer(user, lgo, data.get("volunteer") or {"volunteer_type": "other"})
    db.session.add(user)
    _flush_unique()
    audit.record("create", "user", [(user.id, user.lgo_id)])
    return user


def _flush_unique() -> None:
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        if "uq_users_phone" in str(error.orig) or "uq_users_username" in str(error.orig):
            raise DuplicateLogin() from None
        if "uq_role_grants_once" in str(error.orig):
            raise InvalidUserChange(
                errors={"role": ["The user already holds this role."]}
            ) from None
        raise


def update_user(user_id: int, data: dict[str, Any]) -> User:
    """Change a user's name, login or active flag; deactivating signs them out everywhere."""
    user = get_manageable_user(user_id)
    for key in ("display_name", "phone", "username"):
        if key in data:
            setattr(user, key, data[key])
    # Before any query: an autoflush of a user without a login breaks a database constraint.
    if not user.phone and not user.username:
        raise InvalidUserChange(errors={"phone": ["Keep a phone number or a username."]})
    if "is_active" in data:
        if user.id == current_principal().user_id and not data["is_active"]:
            raise InvalidUserChange(errors={"is_active": ["You cannot deactivate yourself."]})
        user.is_active = data["is_active"]
        if not user.is_active:
            revoke_all_sessions(user.id, "deactivated")
    _flush_unique()
    audit.record("update", "user", [(user.id, user.lgo_id)], details={"fields": sorted(data)})
    return user


def reset_password(user_id: int, new_password: str) -> User:
    """Set a member's password (an LGO admin helping someone); their sessions end."""
    user = get_manageable_user(user_id)
    check_new_password("new_password", new_password, user.username, user.phone,
                       user.display_name)
    user.password_hash = hash_password(new_password)
    throttle.clear([user.username or "", user.phone or ""])
    revoke_all_sessions(user.id, "password_reset")
    db.session.flush()
    audit.record("update", "user", [(user.id, user.lgo_id)], details={"fields": ["password"]})
    return user


def unlock(user_id: int) -> User:
    """Forget the wrong passwords typed for the user's logins, so they may sign in at once."""
    user = get_manageable_user(user_id)
    throttle.clear([user.username or "", user.phone or ""])
    return user


def add_grant(user_id: int, data: dict[str, Any]) -> User:
    user = get_manageable_user(user_id)
    lgo = db.session.get(Lgo, user.lgo_id) if user.lgo_id else None
    needs_profile = data["role"] is Role.volunteer and user.volunteer is None
    grant = _build_grant(data, user_lgo=lgo)
    grant.granted_by_id = current_principal().user_id
    with db.session.no_autoflush:
        user.grants.append(grant)
        if needs_profile:
            _set_volunteer(user, db.session.get(Lgo, grant.lgo_id), {"volunteer_type": "other"})
    _flush_unique()
    audit.record("update", "user", [(user.id, user.lgo_id)], details={"grant": grant.role.value})
    return user


def remove_grant(user_id: int, grant_id: int) -> User:
    user = get_manageable_user(user_id)
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        raise UserNotFound("The user has no such grant.",
                           message_th="ผู้ใช้นี้ไม่มีบทบาทที่ระบุ")
    _check_can_grant(grant.role, db.session.get(Lgo, grant.lgo_id) if grant.lgo_id else None)
    if user.id == current_principal().user_id and grant.role in (Role.lgo_admin, Role.admin):
        raise InvalidUserChange(errors={"grant_id": ["You cannot remove your own admin role."]})
    user.grants.remove(grant)
    db.session.flush()
    audit.record("update", "user", [(user.id, user.lgo_id)], details={"revoked": grant.role.value})
    return user


def _set_volunteer(user: User, lgo: Lgo | None, data: dict[str, Any]) -> None:
    if lgo is None:
        raise InvalidUserChange(errors={"lgo_code": ["A volunteer belongs to an LGO."]})
    _check_can_grant(Role.volunteer, lgo)
    villages = _villages_by_code(data.get("village_codes", []), lgo, "village_codes")
    profile = user.volunteer or VolunteerProfile(volunteer_type=data["volunteer_type"])
    profile.volunteer_type = data.get("volunteer_type", profile.volunteer_type)
    profile.active = data.get("active", True)
    profile.trained_on = data.get("trained_on", profile.trained_on)
    profile.assignments = [VolunteerAssignment(village_id=v.id) for v in villages]
    user.volunteer = profile


def set_volunteer(user_id: int, data: dict[str, Any]) -> User:
    """Set a volunteer's type, training date, active flag and assigned villages."""
    user = get_manageable_user(user_id)
    grant = next((g for g in user.grants if g.role is Role.volunteer), None)
    if grant is None:
        raise InvalidUserChange(errors={"role": ["Grant the volunteer role first."]})
    _set_volunteer(user, db.session.get(Lgo, grant.lgo_id), data)
    db.session.flush()
    audit.record("update", "user", [(user.id, user.lgo_id)], details={"fields": ["volunteer"]})
    return user


def me(principal: Principal) -> dict[str, Any]:
    """Return the caller's account with their roles and permissions."""
    return {
        "user": own_user(principal),
        "roles": sorted(role.value for role in principal.roles),
        "permissions": sorted(set().union(*(PERMISSIONS[r] for r in principal.roles))),
    }
