"""Fee discounts for verified sorters: the LGO's rule and the households that meet it.

A household qualifies for a month when, at the month's end, it is in the register and occupied,
its latest counted inspection passed no more than ``verified_within_days`` days before the
month's end, and it logged on at least ``min_log_days`` days of the month (voided logs do not
count). The list goes to the LGO's fee office, as Bangkok charges 20 baht a month instead of 60
to households that sort: it names households (house number and head), so it is the LGO's only
and every household on it is audited as exported.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ..areas.models import Lgo, Village
from ..auth import audit
from ..common.writers import Table, TableColumn
from ..extensions import db
from ..households.models import Household, Occupancy
from ..participation.models import Inspection, SortingLog
from .models import FeeDiscountRule
from .periods import next_month

DEFAULTS = {"verified_within_days": 90, "min_log_days": 20, "fee_baht": None,
            "discounted_fee_baht": None}
RULE_FIELDS = tuple(DEFAULTS)


def rule_of(lgo: Lgo) -> dict[str, Any]:
    """The LGO's rule, or the defaults while it has set none."""
    stored = db.session.get(FeeDiscountRule, lgo.id)
    values = {k: getattr(stored, k) for k in RULE_FIELDS} if stored else dict(DEFAULTS)
    return {"lgo_code": lgo.code, "set": stored is not None,
            "updated_at": stored.updated_at if stored else None, **values}


def set_rule(lgo: Lgo, data: dict[str, Any], user_id: int) -> dict[str, Any]:
    stored = db.session.get(FeeDiscountRule, lgo.id)
    if stored is None:
        stored = FeeDiscountRule(lgo_id=lgo.id, **DEFAULTS)
        db.session.add(stored)
    for key in RULE_FIELDS:
        if key in data:
            setattr(stored, key, data[key])
    stored.updated_by_id = user_id
    stored.updated_at = func.now()
    db.session.flush()
    db.session.refresh(stored)
    audit.record("update", "fee_discount_rule", [(lgo.code, lgo.id)],
                 details={k: str(getattr(stored, k)) for k in RULE_FIELDS})
    return rule_of(lgo)


def qualifying(lgo: Lgo, month: dt.date) -> list[dict[str, Any]]:
    """The LGO's households that qualify for ``month`` (its first day), by village and house."""
    rule = rule_of(lgo)
    end = next_month(month) - dt.timedelta(days=1)
    logged = (select(SortingLog.household_id, func.count(SortingLog.log_date.distinct())
                     .label("days"))
              .where(SortingLog.lgo_id == lgo.id, SortingLog.voided_at.is_(None),
                     SortingLog.log_date.between(month, end))
              .group_by(SortingLog.household_id).subquery("logged"))
    latest = (select(Inspection.household_id, Inspection.inspected_on, Inspection.passed)
              .where(Inspection.lgo_id == lgo.id, Inspection.counted,
                     Inspection.inspected_on <= end)
              .distinct(Inspection.household_id)
              .order_by(Inspection.household_id, Inspection.inspected_on.desc(),
                        Inspection.received_at.desc(), Inspection.id.desc())
              .subquery("latest"))
    since = end - dt.timedelta(days=rule["verified_within_days"])
    rows = db.session.execute(
        select(Household.id, Household.house_number, Household.head_name, Household.members,
               Village.code.label("village_code"), Village.name_th.label("village_name_th"),
               logged.c.days, latest.c.inspected_on)
        .join(logged, logged.c.household_id == Household.id)
        .join(latest, latest.c.household_id == Household.id)
        .join(Village, Village.id == Household.village_id)
        .where(Household.lgo_id == lgo.id, Household.active,
               Household.occupancy == Occupancy.occupied,
               logged.c.days >= rule["min_log_days"], latest.c.passed,
               latest.c.inspected_on > since)
        .order_by(Village.code, Household.house_number, Household.id)).all()
    found = [{"household_code": f"{r.village_code}-{r.id:06d}", "household_id": r.id,
              "village_code": r.village_code, "village_name_th": r.village_name_th,
              "house_number": r.house_number, "head_name": r.head_name, "members": r.members,
              "log_days": r.days, "verified_on": r.inspected_on,
              "discounted_fee_baht": rule["discounted_fee_baht"]} for r in rows]
    return found


def listed(lgo: Lgo, month: dt.date, *, action: str) -> dict[str, Any]:
    """The month's list with the rule it was made by; each household audited (``action``)."""
    rows = qualifying(lgo, month)
    audit.record(action, "household", [(r["household_id"], lgo.id) for r in rows],
                 details={"purpose": "fee_discount", "month": month.isoformat()})
    return {"lgo_code": lgo.code, "month": month.isoformat(), "rule": rule_of(lgo),
            "households": rows}


COLUMNS = (
    TableColumn("household_code", "รหัสครัวเรือน", "Household code", width=18),
    TableColumn("village_code", "รหัสหมู่บ้าน", "Village code", width=12),
    TableColumn("village_name_th", "หมู่บ้าน", "Village", width=20),
    TableColumn("house_number", "บ้านเลขที่", "House number", width=12),
    TableColumn("head_name", "หัวหน้าครัวเรือน", "Head of household", width=26),
    TableColumn("members", "จำนวนสมาชิก", "Members", width=10),
    TableColumn("log_days", "วันที่บันทึกในเดือน", "Days logged in the month", width=12),
    TableColumn("verified_on", "ตรวจผ่านล่าสุด", "Last passed inspection", width=14),
    TableColumn("discounted_fee_baht", "ค่าธรรมเนียมที่ลดแล้ว (บาท)", "Discounted fee (baht)",
                width=14),
)


def table(found: dict[str, Any], lang: str) -> Table:
    rule = found["rule"]
    fee = rule["fee_baht"]
    discounted = rule["discounted_fee_baht"]
    th = lang == "th"
    return Table(
        sheet_title="ลดค่าธรรมเนียม" if th else "Fee discounts",
        lang=lang,
        title=[
            (f"ครัวเรือนที่ได้รับส่วนลดค่าธรรมเนียมขยะ {found['lgo_code']} เดือน {found['month'][:7]}"
             if th else f"Households qualifying for the waste-fee discount, {found['lgo_code']}, "
             f"{found['month'][:7]}"),
            (f"เงื่อนไข: ถังขยะเปียกตรวจผ่านภายใน {rule['verified_within_days']} วัน และบันทึก"
             f"การคัดแยกอย่างน้อย {rule['min_log_days']} วันในเดือน" if th else
             f"Rule: wet bin passed within {rule['verified_within_days']} days, sorting "
             f"logged on at least {rule['min_log_days']} days of the month"),
            (f"ค่าธรรมเนียม {_baht(fee)} บาท ลดเหลือ {_baht(discounted)} บาท" if th else
             f"Fee {_baht(fee)} baht, discounted to {_baht(discounted)} baht"),
        ],
        columns=COLUMNS,
        rows=found["households"],
        about=[("Personal data" if not th else "ข้อมูลส่วนบุคคล",
                "For the LGO's fee office only; every household listed is recorded in the "
                "audit log." if not th else
                "ใช้เฉพาะงานจัดเก็บค่าธรรมเนียมของ อปท. ทุกครัวเรือนในรายการถูกบันทึกในบันทึกการเข้าถึง")],
    )


def _baht(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:,.2f}"
