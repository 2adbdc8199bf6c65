"""Users, role grants, volunteer profiles, sign-in sessions and the audit log."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import INET, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import TIMESTAMP, pg_enum, utcnow
from ..extensions import Model
from .scoping import Scoped


class Role(enum.StrEnum):
    resident = "resident"
    volunteer = "volunteer"
    lgo_staff = "lgo_staff"
    lgo_admin = "lgo_admin"
    province_officer = "province_officer"
    # The Department of Local Administration (DLA): aggregates of every province, no rows.
    national_officer = "national_officer"
    admin = "admin"


class VolunteerType(enum.StrEnum):
    environment = "environment"  # อถล. local environment volunteer
    health = "health"  # อสม. village health volunteer
    natural_resources = "natural_resources"  # ทสม.
    village_head = "village_head"  # ผู้ใหญ่บ้าน / กำนัน
    other = "other"


class User(Scoped, Model):
    """A person who signs in. Their LGO (if any) scopes who may manage them."""

    __tablename__ = "users"
    __scope_columns__ = {"lgo": "lgo_id"}
    __table_args__ = (
        CheckConstraint("username is not null or phone is not null", name="has_login"),
        CheckConstraint("phone ~ '^\\+66[0-9]{8,9}$'", name="phone_e164"),
        CheckConstraint("username ~ '^[a-z0-9_.-]{3,40}$'", name="username_format"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str | None] = mapped_column(String(40), unique=True)
    # Stored in E.164 (+66…) whatever format it was typed in.
    phone: Mapped[str | None] = mapped_column(String(16), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    lgo_id: Mapped[int | None] = mapped_column(ForeignKey("lgos.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)

    grants: Mapped[list[RoleGrant]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        order_by="RoleGrant.id",
        foreign_keys="RoleGrant.user_id",
    )
    volunteer: Mapped[VolunteerProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    # Areas are named by class so that auth, below areas, never imports them.
    lgo: Mapped[Any] = relationship("Lgo")


class RoleGrant(Model):
    """One role held by a user over one area: a village, an LGO, a province or everything."""

    __tablename__ = "role_grants"
    __table_args__ = (
        CheckConstraint(
            "(role in ('admin', 'national_officer') and lgo_id is null and province_id is null"
            "     and village_id is null)"
            " or (role = 'province_officer' and province_id is not null and lgo_id is null"
            "     and village_id is null)"
            " or (role in ('lgo_staff', 'lgo_admin', 'volunteer') and lgo_id is not null"
            "     and province_id is null and village_id is null)"
            " or (role = 'resident' and village_id is not null and lgo_id is not null"
            "     and province_id is null)",
            name="area_fits_role",
        ),
        UniqueConstraint(
            "user_id",
            "role",
            "lgo_id",
            "province_id",
            "village_id",
            name="uq_role_grants_once",
            postgresql_nulls_not_distinct=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(pg_enum(Role, "role"))
    lgo_id: Mapped[int | None] = mapped_column(ForeignKey("lgos.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("villages.id"))
    # A resident's household, once the LGO links them (households sit above auth: by name).
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True
    )
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)

    user: Mapped[User] = relationship(back_populates="grants", foreign_keys=[user_id])
    lgo: Mapped[Any] = relationship("Lgo")
    province: Mapped[Any] = relationship("Province")
    village: Mapped[Any] = relationship("Village")


class VolunteerProfile(Model):
    __tablename__ = "volunteer_profiles"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    volunteer_type: Mapped[VolunteerType] = mapped_column(pg_enum(VolunteerType, "volunteer_type"))
    active: Mapped[bool] = mapped_column(default=True)
    trained_on: Mapped[dt.date | None]

    user: Mapped[User] = relationship(back_populates="volunteer")
    assignments: Mapped[list[VolunteerAssignment]] = relationship(
        cascade="all, delete-orphan", order_by="VolunteerAssignment.village_id"
    )


class VolunteerAssignment(Model):
    """A village a volunteer covers."""

    __tablename__ = "volunteer_assignments"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("volunteer_profiles.user_id", ondelete="CASCADE"), primary_key=True
    )
    village_id: Mapped[int] = mapped_column(ForeignKey("villages.id"), primary_key=True)
    assigned_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)

    village: Mapped[Any] = relationship("Village")


class LoginThrottle(Model):
    """Wrong passwords typed for one login identifier, whether or not an account has it.

    Keyed by an HMAC of the normalised identifier, so the table neither names the logins
    people tried nor tells which of them exist.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP, index=True)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)


class AuthSession(Model):
    """A signed-in device: its refresh tokens rotate within it; logout revokes it whole."""

    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class RefreshToken(Model):
    """One refresh token, stored only as its SHA-256; single use."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(TIMESTAMP)
    used_at: Mapped[dt.datetime | None] = mapped_column(TIMESTAMP)

    session: Mapped[AuthSession] = relationship()


class AuditEvent(Scoped, Model):
    """Who read, exported, changed or deleted personal data, when, and through which endpoint.

    Append-only: a trigger (see the migration) refuses UPDATE, DELETE and TRUNCATE.
    """

    __tablename__ = "audit_events"
    __scope_columns__ = {"lgo": "lgo_id"}
    __table_args__ = (
        # "Who accessed household X" walks this index newest first.
        Index("ix_audit_events_entity", "entity", "entity_id", "at"),
        Index("ix_audit_events_lgo_at", "lgo_id", "at"),
        # "Who saw household X" on a map: the tile views whose area holds its point.
        Index("ix_audit_events_area", "area", postgresql_using="gist",
              postgresql_where=text("area is not null")),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    lgo_id: Mapped[int | None] = mapped_column(ForeignKey("lgos.id"))
    endpoint: Mapped[str | None] = mapped_column(String(200))
    method: Mapped[str | None] = mapped_column(String(10))
    ip: Mapped[str | None] = mapped_column(INET)
    details: Mapped[dict | None] = mapped_column(JSONB)
    # The ground a map tile showed (its envelope), for events of entity "household_tile".
    area: Mapped[Any] = mapped_column(
        Geometry("POLYGON", srid=4326, spatial_index=False), nullable=True
    )
    # Who it was, by name, for the "who accessed household X" answer.
    actor: Mapped[User | None] = relationship(viewonly=True)
