"""Demo accounts: one or more of every role, in two demo LGOs. Idempotent by login.

Existing accounts are left exactly as they are (passwords included), so a rerun never undoes
what someone changed in the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from khaya.areas.models import Lgo, Province, Village
from khaya.auth.models import (
    Role,
    RoleGrant,
    User,
    VolunteerAssignment,
    VolunteerProfile,
    VolunteerType,
)
from khaya.auth.passwords import hash_password, normalize_phone

DEMO_PASSWORD = "lamphun-demo"
TOWN = "lamphun-town-municipality"
MUEANG_NGA = "mueang-nga-subdistrict-municipality"


@dataclass(frozen=True)
class DemoAccount:
    login: str
    display_name: str
    role: Role
    lgo: str | None = None
    village: str | None = None
    volunteer_type: VolunteerType | None = None
    villages: tuple[str, ...] = ()
    note: str = ""


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "ผู้ดูแลระบบ (Admin)", Role.admin, note="everything"),
    DemoAccount(
        "province",
        "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดลำพูน",
        Role.province_officer,
        note="province-wide aggregates",
    ),
    DemoAccount(
        "dla",
        "กรมส่งเสริมการปกครองท้องถิ่น (สถ.)",
        Role.national_officer,
        note="every province's aggregates",
    ),
    DemoAccount(
        "town.admin",
        "ผู้ดูแล เทศบาลเมืองลำพูน",
        Role.lgo_admin,
        lgo=TOWN,
        note="Lamphun Town Municipality, manages its users",
    ),
    DemoAccount(
        "town.staff",
        "เจ้าหน้าที่ เทศบาลเมืองลำพูน",
        Role.lgo_staff,
        lgo=TOWN,
        note="Lamphun Town Municipality",
    ),
    DemoAccount(
        "nga.admin",
        "ผู้ดูแล เทศบาลตำบลเหมืองง่า",
        Role.lgo_admin,
        lgo=MUEANG_NGA,
        note="Mueang Nga Subdistrict Municipality",
    ),
    DemoAccount(
        "nga.staff",
        "เจ้าหน้าที่ เทศบาลตำบลเหมืองง่า",
        Role.lgo_staff,
        lgo=MUEANG_NGA,
        note="Mueang Nga Subdistrict Municipality",
    ),
    DemoAccount(
        "0810000001",
        "สมศรี ใจดี (อถล.)",
        Role.volunteer,
        lgo=TOWN,
        volunteer_type=VolunteerType.environment,
        villages=("51010101", "51010102", "51010103"),
        note="local environment volunteer, communities 1-3 of the town",
    ),
    DemoAccount(
        "0810000002",
        "บุญมี รักษ์ดี (อสม.)",
        Role.volunteer,
        lgo=MUEANG_NGA,
        volunteer_type=VolunteerType.health,
        villages=("51010201", "51010202"),
        note="village health volunteer, Mueang Nga moo 1-2",
    ),
    DemoAccount(
        "0810000011",
        "ครัวเรือน ชุมชนที่ 1",
        Role.resident,
        lgo=TOWN,
        village="51010101",
        note="resident, town community 1",
    ),
    DemoAccount(
        "0810000012",
        "ครัวเรือน บ้านต้นผึ้ง",
        Role.resident,
        lgo=MUEANG_NGA,
        village="51010201",
        note="resident, Ban Ton Phueng (Mueang Nga moo 1)",
    ),
)


def load_accounts(session: Session) -> int:
    """Create the demo accounts that are missing; return how many were created."""
    lgos = dict(session.execute(select(Lgo.code, Lgo.id)).all())
    villages = dict(session.execute(select(Village.code, Village.id)).all())
    province_id = session.execute(select(Province.id).where(Province.code == "51")).scalar_one()
    password_hash = hash_password(DEMO_PASSWORD)
    created = 0
    for account in DEMO_ACCOUNTS:
        phone = normalize_phone(account.login)
        column = User.phone if phone else User.username
        if session.execute(select(User.id).where(column == (phone or account.login))).first():
            continue
        lgo_id = lgos[account.lgo] if account.lgo else None
        user = User(
            username=None if phone else account.login,
            phone=phone,
            display_name=account.display_name,
            password_hash=password_hash,
            lgo_id=lgo_id,
        )
        user.grants.append(
            RoleGrant(
                role=account.role,
                lgo_id=lgo_id,
                province_id=province_id if account.role is Role.province_officer else None,
                village_id=villages[account.village] if account.village else None,
            )
        )
        if account.volunteer_type:
            user.volunteer = VolunteerProfile(
                volunteer_type=account.volunteer_type,
                assignments=[VolunteerAssignment(village_id=villages[v]) for v in account.villages],
            )
        session.add(user)
        created += 1
    session.flush()
    return created


def logins_table() -> str:
    """Return the demo logins as a table for the terminal and the README."""
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD})", ""]
    for account in DEMO_ACCOUNTS:
        login = account.login
        if login.isdigit():
            login = f"{login[:3]}-{login[3:6]}-{login[6:]}"
        lines.append(f"  {account.role.value:<17} {login:<14} {account.note}")
    return "\n".join(lines)
