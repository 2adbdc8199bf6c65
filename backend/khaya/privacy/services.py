"""Export everything held about a household, and erase its personal data.

Erasure keeps the statistics right: the household row stays as an anonymous unit (its village,
members count, wet-bin status and dates), so its sorting logs, inspections and ledger entries
keep counting; everything that identifies people goes: the head's name, phone, house number, GPS
point, consents, photos, the QR token, and the name and phone of linked resident accounts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select, text, update

from ..areas.models import Village
from ..auth import audit
from ..auth.access import current_principal
from ..auth.models import AuditEvent, Role, RoleGrant, User
from ..auth.scoping import unscoped
from ..auth.services import revoke_all_sessions
from ..common.time import local_today
from ..extensions import db
from ..households.errors import InvalidHousehold
from ..households.models import Household, HouseholdState, new_qr_token
from ..households.services import get_household
from ..participation.models import Inspection, Photo, SortingLog
from ..participation.schemas import review_state
from ..wastebank.models import LedgerEntry, Member

HOUSEHOLD_FIELDS = (
    "id", "house_number", "members", "head_name", "phone", "occupancy", "wet_bin",
    "registered_on", "consents", "active", "deactivated_on", "deactivation_reason",
    "verified_on", "last_log_on", "last_inspected_on", "gps_accuracy_m",
)
LOG_FIELDS = ("id", "log_date", "streams", "organic_handling", "kg_organic", "kg_recyclable",
              "kg_general", "kg_hazardous", "recorded_role", "received_at", "voided_at")
# The LGO's review of a flagged inspection is a decision about the household: its outcome, date
# and reason are in the copy (who decided is the LGO's business; the accesses list their role).
INSPECTION_FIELDS = ("id", "inspected_on", "registered", "bin_built", "food_waste_in_bin",
                     "lid_closed", "used_correctly", "sorting_ok", "passed", "notes",
                     "distance_m", "gps_accuracy_m", "location_flag", "wet_bin", "counted",
                     "review_reason", "reviewed_at")


def _row(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _residents(household_id: int) -> list[User]:
    return list(db.session.execute(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.household_id == household_id, RoleGrant.role == Role.resident)
        .order_by(User.id), execution_options=unscoped(),
    ).scalars())


def export_household(household_id: int) -> dict[str, Any]:
    """Return everything Khaya holds about a household, and who has looked at it."""
    household = get_household(household_id)
    from geoalchemy2.shape import to_shape

    point = to_shape(household.point) if household.point is not None else None
    logs = db.session.execute(select(SortingLog).where(SortingLog.household_id == household.id)
                              .order_by(SortingLog.log_date, SortingLog.id)).scalars()
    inspections = db.session.execute(
        select(Inspection).where(Inspection.household_id == household.id)
        .order_by(Inspection.inspected_on, Inspection.id)).scalars()
    photos = db.session.execute(select(Photo.id, Photo.content_type, Photo.size, Photo.created_at)
                                .where(Photo.household_id == household.id)).all()
    members = db.session.execute(select(Member).where(Member.household_id == household.id)
                                 ).scalars().all()
    entries = db.session.execute(
        select(LedgerEntry).where(LedgerEntry.household_id == household.id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)).scalars()
    accesses = db.session.execute(
        select(AuditEvent.at, AuditEvent.actor_role, AuditEvent.action, AuditEvent.endpoint)
        .where(audit.household_events(household.id))
        .order_by(AuditEvent.at, AuditEvent.id), execution_options=unscoped()).all()
    audit.record("export", "household", [(household.id, household.lgo_id)],
                 details={"document": "subject_access"})
    # The dashboards' per-household monthly tallies are held about the household too (and outlive
    # raw logs under the retention setting): the days it logged, counts and kg. Read by name, as
    # analytics sits above this domain.
    months = db.session.execute(text("""
        select to_char(month, 'YYYY-MM') as month, days, logs, kg_organic, kg_recyclable,
               kg_general, kg_hazardous, deposits, deposit_kg
        from household_months where household_id = :id order by month
    """), {"id": household.id}).mappings().all()
    # The register's history of the household: what it held and from when to when.
    spans = db.session.execute(
        select(HouseholdState, Village.code).join(Village, Village.id == HouseholdState.village_id)
        .where(HouseholdState.household_id == household.id)
        .order_by(HouseholdState.valid_from)).all()
    return {
        "exported_on": local_today(),
        "household": {**_row(household, HOUSEHOLD_FIELDS),
                      "village_code": household.village.code, "lgo_code": household.lgo.code,
                      "point": [point.x, point.y] if point else None},
        "residents": [{"id": u.id, "display_name": u.display_name, "phone": u.phone}
                      for u in _residents(household.id)],
        "register_history": [
            # The span it was registered with begins at -infinity (read as date.min).
            {"from": None if state.valid_from == dt.date.min else state.valid_from,
             "until": state.valid_until, "village_code": code,
             "members": state.members, "occupancy": state.occupancy.value,
             "wet_bin": state.wet_bin.value, "in_register": state.active}
            for state, code in spans],
        "sorting_logs": [_row(log, LOG_FIELDS) for log in logs],
        "inspections": [{**_row(i, INSPECTION_FIELDS),
                         "review": review_state(i.location_flag, i.review)}
                        for i in inspections],
        "photos": [dict(p._mapping) for p in photos],
        "waste_bank_accounts": [{"bank_id": m.bank_id, "member_number": m.member_number,
                                 "joined_on": m.joined_on} for m in members],
        "ledger_entries": [{"id": e.id, "bank_id": e.bank_id, "entry_date": e.entry_date,
                            "kind": e.kind.value, "amount": e.amount, "note": e.note}
                           for e in entries],
        "monthly_activity": [{**{k: v for k, v in m.items() if k != "days"},
                              "days_logged": [d + 1 for d in range(31) if m["days"] >> d & 1]}
                             for m in months],
        "accesses": [dict(a._mapping) for a in accesses],
    }


def erase_household(household_id: int, confirm: str, reason: str) -> Household:
    """Erase a household's personal data for good; its anonymous figures stay."""
    household = get_household(household_id)
    if confirm != household.house_number:
        raise InvalidHousehold(errors={"confirm": ["Type the house number to confirm erasure."]})
    # Photos are personal data (faces, houses); the logs that pointed at them keep counting.
    # Free text (inspectors' notes, the LGO's review reasons) may name people: it goes too.
    db.session.execute(update(SortingLog).where(SortingLog.household_id == household.id)
                       .values(photo_id=None))
    db.session.execute(update(Inspection).where(Inspection.household_id == household.id)
                       .values(photo_id=None, notes=None, inspector_point=None,
                               review_reason=None))
    db.session.execute(delete(Photo).where(Photo.household_id == household.id))
    for user in _residents(household.id):
        user.display_name = "ผู้ใช้ที่ลบข้อมูลแล้ว"
        user.phone = None
        user.username = f"erased-{user.id}"
        user.is_active = False
        revoke_all_sessions(user.id, "erased")
    household.head_name = None
    household.phone = None
    household.point = None
    household.gps_accuracy_m = None
    household.consents = {}
    household.house_number = f"erased-{household.id}"
    household.qr_token = new_qr_token()
    household.active = False
    household.deactivated_on = household.deactivated_on or local_today()
    household.deactivation_reason = "erased at the resident's request"
    db.session.flush()
    audit.record("erase", "household", [(household.id, household.lgo_id)],
                 details={"reason": reason, "by": current_principal().user_id})
    return household
