"""Monthly figures per LGO: the fields an LGO re-keys into DLA's LGO waste information system.

The figures are aggregates from ``analytics.compute``; no household appears in them, so an
export is not a read of personal data and is not written to the audit log.

Which LGOs a caller may export: LGO staff and admins their own LGO(s); provincial officers any
LGO of their province(s); admins any LGO. Without ``lgo``, every LGO the caller may export
except the PAO (it overlaps every other LGO); the PAO when named. Another LGO answers 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ..analytics import compute as analytics_compute
from ..analytics import signoff
from ..areas.models import Lgo, LgoType
from ..auth.scoping import Scope
from ..common.time import fiscal_year, local_today
from ..common.writers import PERCENT_FORMAT, percent
from ..extensions import db
from .errors import InvalidExport, LgoNotFound

# Indicators whose numerators and denominators make up the export.
INDICATORS = (
    "participation", "wet_bin_coverage", "kg_by_stream", "hazardous_kg_per_1000",
    "bank_membership", "bank_kg", "carbon_tco2e",
)
THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
EN_MONTHS_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)


@dataclass(frozen=True)
class Column:
    key: str
    th: str
    en: str
    # Excel number format; "text" columns are written as they are.
    number_format: str = "text"


COLUMNS: tuple[Column, ...] = (
    Column("lgo_code", "รหัส อปท.", "LGO code"),
    Column("lgo_name", "ชื่อ อปท.", "LGO name"),
    Column("fiscal_year", "ปีงบประมาณ", "Fiscal year"),
    Column("month", "เดือน", "Month"),
    Column("households", "ครัวเรือนที่อยู่อาศัย (ครัวเรือน)", "Occupied households", "#,##0"),
    Column("participating", "ครัวเรือนที่คัดแยกขยะ (ครัวเรือน)", "Households that sorted",
           "#,##0"),
    Column("participation", "ร้อยละครัวเรือนที่คัดแยกขยะ (%)", "Participation (%)",
           PERCENT_FORMAT),
    Column("residents", "จำนวนประชากร (คน)", "Residents", "#,##0"),
    Column("wet_bin_households", "ครัวเรือนที่มีถังขยะเปียกผ่านการตรวจ (ครัวเรือน)",
           "Households with a verified wet bin", "#,##0"),
    Column("wet_bin_persons", "ประชากรในครัวเรือนที่มีถังขยะเปียก (คน)",
           "Persons in wet-bin households", "#,##0"),
    Column("kg_organic", "ขยะอินทรีย์ (กก.)", "Organic waste (kg)", "#,##0.00"),
    Column("kg_recyclable", "ขยะรีไซเคิล (กก.)", "Recyclable waste (kg)", "#,##0.00"),
    Column("kg_general", "ขยะทั่วไป (กก.)", "General waste (kg)", "#,##0.00"),
    Column("kg_hazardous", "ขยะอันตรายจากครัวเรือน (กก.)", "Household hazardous waste (kg)",
           "#,##0.00"),
    Column("hazardous_collected_kg", "ขยะอันตรายที่จุดรวบรวม (กก.)",
           "Hazardous waste collected at drop-off points (kg)", "#,##0.00"),
    Column("bank_members", "สมาชิกธนาคารขยะ (ครัวเรือน)", "Waste-bank member households",
           "#,##0"),
    Column("bank_kg", "ขยะที่ฝากธนาคารขยะ (กก.)", "Waste-bank deposits (kg)", "#,##0.00"),
    Column("bank_baht", "มูลค่าขยะที่ฝาก (บาท)", "Waste-bank deposits (baht)", "#,##0.00"),
    Column("tco2e", "ก๊าซเรือนกระจกที่ลดได้ (tCO2e)", "Greenhouse gas avoided (tCO2e)",
           "0.0000"),
    Column("approval_state", "สถานะการรับรองข้อมูล", "Sign-off"),
)
# A month's sign-off state as each language writes it in a file.
APPROVAL_WORDS = {
    "th": {"open": "ยังไม่ส่ง", "submitted": "ส่งแล้ว รออนุมัติ",
           "approved": "อปท. อนุมัติแล้ว รอจังหวัดรับรอง", "accepted": "จังหวัดรับรองแล้ว"},
    "en": {"open": "open", "submitted": "submitted", "approved": "approved by the LGO",
           "accepted": "accepted by the province"},
}


@dataclass(frozen=True)
class Request:
    """What to export: LGO codes already checked against the caller's scope."""

    lgo_codes: tuple[str, ...]
    start: dt.date  # first day of the first month
    end: dt.date  # first day of the last month
    calendar: str = "be"
    lang: str = "th"  # LGO names and month names
    header: str = "th"  # the header row

    def header_of(self, column: Column) -> str:
        return column.th if self.header == "th" else column.en

    def months(self) -> Iterator[dt.date]:
        current = self.start
        while current <= self.end:
            yield current
            current = dt.date(current.year + current.month // 12, current.month % 12 + 1, 1)

    @property
    def month_count(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    @property
    def size(self) -> int:
        """LGO-months: the rows of the export."""
        return self.month_count * len(self.lgo_codes)

    def as_params(self) -> dict[str, Any]:
        return {"lgo_codes": list(self.lgo_codes), "from": _ym(self.start), "to": _ym(self.end),
                "calendar": self.calendar, "lang": self.lang, "header": self.header}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> Request:
        # Jobs queued before ``header`` existed wrote their header in ``lang``.
        return cls(tuple(params["lgo_codes"]), parse_month(params["from"]),
                   parse_month(params["to"]), params["calendar"], params["lang"],
                   params.get("header", params["lang"]))


def _ym(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def parse_month(text: str) -> dt.date:
    year, month = (int(part) for part in text.split("-"))
    return dt.date(year, month, 1)


def lgos_for(scope: Scope, code: str | None) -> tuple[str, ...]:
    """Return the LGO codes to export for a caller; an LGO outside their reach raises 404."""
    stmt = select(Lgo.code, Lgo.id, Lgo.province_id, Lgo.type).order_by(Lgo.code)
    if code:
        stmt = stmt.where(Lgo.code == code)
    rows = db.session.execute(stmt).all()
    reach = [
        row for row in rows
        if scope.everything or row.id in scope.lgo_ids or row.province_id in scope.province_ids
    ]
    if code:
        if not reach:
            raise LgoNotFound(errors={"lgo": [f"No LGO {code!r} in your area."]})
        return (reach[0].code,)
    codes = tuple(row.code for row in reach if row.type is not LgoType.PAO)
    if not codes:
        raise LgoNotFound(errors={"lgo": ["You may export no LGO's figures."]})
    return codes


def build_request(
    scope: Scope, *, lgo: str | None, start: dt.date, end: dt.date, calendar: str, lang: str,
    header: str, max_months: int,
) -> Request:
    """Check the range and the caller's reach; return what to export."""
    this_month = local_today().replace(day=1)
    if end < start:
        raise InvalidExport(errors={"to": ["Must not be before 'from'."]})
    if end > this_month:
        raise InvalidExport(errors={"to": ["Must not be after the current month."]})
    request = Request(lgos_for(scope, lgo), start, end, calendar, lang, header)
    if request.month_count > max_months:
        raise InvalidExport(errors={"to": [f"An export covers at most {max_months} months."]})
    return request


def month_label(first: dt.date, calendar: str, lang: str) -> str:
    """Return a month as the export writes it.

    Buddhist Era: ``ต.ค. 2567`` in Thai, ``Oct 2567`` in English, as officials write it.
    Common Era: ISO ``2024-10``, which spreadsheets sort and parse.
    """
    if calendar == "ce":
        return _ym(first)
    names = THAI_MONTHS_SHORT if lang == "th" else EN_MONTHS_SHORT
    return f"{names[first.month - 1]} {first.year + 543}"


def fiscal_year_label(first: dt.date, calendar: str) -> int:
    """Return the fiscal year (named by the year it ends in) in BE or CE."""
    be = fiscal_year(first)
    return be if calendar == "be" else be - 543


def rows(
    request: Request, compute: Callable[..., list[dict[str, Any]]] | None = None
) -> list[dict[str, Any]]:
    """Return one dict per LGO and month (LGO code order, then months), keyed by column."""
    if compute is None:
        compute = analytics_compute
    by_lgo: dict[str, list[dict[str, Any]]] = {code: [] for code in request.lgo_codes}
    ids = dict(db.session.execute(select(Lgo.code, Lgo.id).where(
        Lgo.code.in_(request.lgo_codes))).tuples().all())
    words = APPROVAL_WORDS["th" if request.lang == "th" else "en"]
    for first in request.months():
        states = signoff.states(list(ids.values()), first)
        for row in compute("lgo", list(request.lgo_codes), _ym(first), list(INDICATORS)):
            by_lgo[row["code"]].append({**_row(row, first, request),
                                        "approval_state": words[states[ids[row["code"]]]]})
    return [row for code in request.lgo_codes for row in by_lgo[code]]


def _row(row: dict[str, Any], first: dt.date, request: Request) -> dict[str, Any]:
    part, cover, carbon = row["participation"], row["wet_bin_coverage"], row["carbon_tco2e"]
    streams = row["kg_by_stream"].get("breakdown", {})
    bank_kg = row["bank_kg"]
    return {
        "lgo_code": row["code"],
        "lgo_name": row["name_th"] if request.lang == "th" else row["name_en"],
        "fiscal_year": fiscal_year_label(first, request.calendar),
        "month": month_label(first, request.calendar, request.lang),
        "households": part["denominator"],
        "participating": part["numerator"],
        "participation": percent(part["value"]),
        "residents": carbon["denominator"],
        "wet_bin_households": cover["numerator"],
        "wet_bin_persons": carbon["numerator"],
        "kg_organic": streams.get("organic", 0),
        "kg_recyclable": streams.get("recyclable", 0),
        "kg_general": streams.get("general", 0),
        "kg_hazardous": streams.get("hazardous", 0),
        "hazardous_collected_kg": row["hazardous_kg_per_1000"]["numerator"],
        "bank_members": row["bank_membership"]["numerator"],
        "bank_kg": bank_kg["numerator"],
        "bank_baht": (bank_kg.get("detail") or {}).get("baht", 0),
        "tco2e": carbon["value"],
    }
