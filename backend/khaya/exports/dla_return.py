"""The monthly return the province sends up to DLA, made only from months it has accepted.

One LGO's return holds the fields DLA re-keys into its LGO waste information system
(households, persons in wet-bin households, kg by stream, hazardous kg collected, waste-bank
members and kg, tCO2e), the items of earlier accepted months that arrived late and are counted
in this month (see ``analytics.signoff``), and who submitted, approved and accepted it, when.
It is refused while the month is not accepted. The province's consolidated return lists every
LGO in reach with its state, the figures of the accepted ones, and their total.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..analytics import compute, signoff
from ..analytics.signoff import Action, State
from ..areas.models import Lgo, Province
from ..auth.models import User
from ..auth.scoping import Scope, unscoped
from ..common import writers
from ..common.pdf import GREEN, MARGIN, MUTED, finish, new_pdf, text
from ..common.time import thai_date
from ..errors import Conflict
from ..extensions import db
from . import figures

# (key, Thai header, English header, Excel number format)
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("households", "ครัวเรือนที่อยู่อาศัย (ครัวเรือน)", "Occupied households", "#,##0"),
    ("wet_bin_persons", "ประชากรในครัวเรือนที่มีถังขยะเปียก (คน)",
     "Persons in wet-bin households", "#,##0"),
    ("kg_organic", "ขยะอินทรีย์ (กก.)", "Organic waste (kg)", "#,##0.00"),
    ("kg_recyclable", "ขยะรีไซเคิล (กก.)", "Recyclable waste (kg)", "#,##0.00"),
    ("kg_general", "ขยะทั่วไป (กก.)", "General waste (kg)", "#,##0.00"),
    ("kg_hazardous", "ขยะอันตรายจากครัวเรือน (กก.)", "Household hazardous waste (kg)",
     "#,##0.00"),
    ("hazardous_collected_kg", "ขยะอันตรายที่จุดรวบรวม (กก.)",
     "Hazardous waste collected (kg)", "#,##0.00"),
    ("bank_members", "สมาชิกธนาคารขยะ (ครัวเรือน)", "Waste-bank member households", "#,##0"),
    ("bank_kg", "ขยะที่ฝากธนาคารขยะ (กก.)", "Waste-bank deposits (kg)", "#,##0.00"),
    ("tco2e", "ก๊าซเรือนกระจกที่ลดได้ (tCO2e)", "Greenhouse gas avoided (tCO2e)", "0.0000"),
    ("late_items", "ข้อมูลเดือนก่อนที่มาช้า (รายการ)", "Late items of earlier months", "#,##0"),
    ("late_kg", "ขยะที่บันทึกมาช้า (กก.)", "Waste logged late (kg)", "#,##0.00"),
)
SUMMED = tuple(key for key, *_ in FIELDS)
# The PDF's column heads: short enough for a landscape A4 page of twelve figures.
SHORT_TH = {
    "households": "ครัวเรือน", "wet_bin_persons": "คน (ถังเปียก)", "kg_organic": "อินทรีย์ กก.",
    "kg_recyclable": "รีไซเคิล กก.", "kg_general": "ทั่วไป กก.", "kg_hazardous": "อันตราย กก.",
    "hazardous_collected_kg": "จุดรวบรวม กก.", "bank_members": "สมาชิกธนาคาร",
    "bank_kg": "ฝากธนาคาร กก.", "tco2e": "tCO2e", "late_items": "มาช้า (รายการ)",
    "late_kg": "มาช้า กก.",
}
STATE_WORDS = figures.APPROVAL_WORDS


class MonthNotAccepted(Conflict):
    code = "month_not_accepted"
    message = "The province has not accepted this LGO's month: it has no return yet."
    message_th = "จังหวัดยังไม่รับรองข้อมูลเดือนนี้ของ อปท. จึงยังออกรายงานไม่ได้"


def _signers(lgo_id: int, month: dt.date) -> dict[str, Any]:
    """Who took the chain's last submit, approve and accept (after any return), and when."""
    steps = signoff.history(lgo_id, month)
    last: dict[str, Any] = {}
    for s in steps:
        if s.action in (Action.send_back, Action.reopen):
            last = {}
        elif s.action in (Action.submit, Action.approve, Action.accept):
            last[s.action.value] = s
    names = dict(db.session.execute(
        select(User.id, User.display_name).where(
            User.id.in_([s.actor_id for s in last.values() if s.actor_id])),
        execution_options=unscoped()).tuples().all())
    out: dict[str, Any] = {}
    for action in ("submit", "approve", "accept"):
        taken = last.get(action)
        out[f"{action}_by"] = names.get(taken.actor_id) if taken and taken.actor_id else None
        out[f"{action}_at"] = taken.at if taken else None
    return out


def build(scope: Scope, month: dt.date, lgo_code: str | None) -> dict[str, Any]:
    """The return of one LGO (refused unless accepted), or of every LGO in reach."""
    codes = figures.lgos_for(scope, lgo_code)
    lgos = {lgo.code: lgo for lgo in db.session.execute(
        select(Lgo).where(Lgo.code.in_(codes))).scalars()}
    states = signoff.states([lgo.id for lgo in lgos.values()], month)
    if lgo_code and states[lgos[lgo_code].id] != State.accepted.value:
        raise MonthNotAccepted(extra={"state": states[lgos[lgo_code].id]})
    accepted = [code for code in codes if states[lgos[code].id] == State.accepted.value]
    computed = {row["code"]: row for row in (
        compute("lgo", accepted, f"{month:%Y-%m}") if accepted else [])}
    late = signoff.late_of([lgos[c].id for c in accepted], month)
    request = figures.Request(tuple(codes), month, month, "be", "th")
    rows = []
    for code in codes:
        lgo = lgos[code]
        row: dict[str, Any] = {"lgo_code": code, "lgo_name": lgo.name_th,
                               "state": states[lgo.id]}
        if code in computed:
            mapped = figures._row(computed[code], month, request)
            block = late[lgo.id]
            row.update({key: mapped.get(key) for key in SUMMED if key in mapped})
            row["late_items"] = block["items"]
            row["late_kg"] = float(sum(Decimal(v) for v in block["kg"].values()))
            row.update(_signers(lgo.id, month))
        rows.append(row)
    done = [r for r in rows if r["state"] == State.accepted.value]
    total = {key: sum((r.get(key) or 0) for r in done) for key in SUMMED}
    province = db.session.get(Province, next(iter(lgos.values())).province_id) if lgos else None
    return {"month": month, "lgo": lgo_code, "rows": rows, "total": total,
            "accepted": len(done), "lgos": len(rows),
            "province": province.name_th if province else ""}


def xlsx(answer: dict[str, Any], lang: str) -> bytes:
    words = STATE_WORDS["th" if lang == "th" else "en"]
    month = answer["month"]
    label = figures.month_label(month, "be", lang)
    columns = [
        writers.TableColumn("lgo_code", "รหัส อปท.", "LGO code", width=30),
        writers.TableColumn("lgo_name", "ชื่อ อปท.", "LGO name", width=34),
        writers.TableColumn("state_words", "สถานะการรับรองข้อมูล", "Sign-off", width=26),
        *(writers.TableColumn(key, th, en, number_format=fmt) for key, th, en, fmt in FIELDS),
        writers.TableColumn("submit_by", "ผู้ส่ง", "Submitted by", width=26),
        writers.TableColumn("approve_by", "ผู้อนุมัติ", "Approved by", width=26),
        writers.TableColumn("accept_by", "ผู้รับรอง (จังหวัด)", "Accepted by", width=26),
        writers.TableColumn("accept_at", "วันที่รับรอง", "Accepted on", width=16),
    ]
    rows = [{**row, "state_words": words[row["state"]],
             "accept_at": row.get("accept_at") and row["accept_at"].date().isoformat()}
            for row in answer["rows"]]
    if answer["lgo"] is None:
        rows.append({"lgo_name": "รวม อปท. ที่รับรองแล้ว" if lang == "th" else
                     "Total of accepted LGOs", **answer["total"]})
    title = ("รายงานผลการคัดแยกขยะประจำเดือนถึงกรมส่งเสริมการปกครองท้องถิ่น" if lang == "th"
             else "Monthly waste-sorting return to DLA")
    return writers.render_table(writers.Table(
        sheet_title="DLA", lang=lang, columns=columns, rows=rows,
        title=[title, f"{answer['province']} · {label}",
               (f"รับรองแล้ว {answer['accepted']} จาก {answer['lgos']} อปท." if lang == "th"
                else f"{answer['accepted']} of {answer['lgos']} LGOs accepted")],
        about=[("ที่มา / Source", "Khaya: ตัวเลขของเดือนที่จังหวัดรับรองแล้ว (ล็อกไว้เมื่อรับรอง) "
                                 "และข้อมูลของเดือนก่อนที่มาช้าซึ่งนับในเดือนนี้ / figures of "
                                 "months the province accepted (frozen at acceptance); late "
                                 "items of earlier months counted in this month."),
               ("เดือน / Month", f"{month:%Y-%m}")],
    ), "xlsx")


def _number(value: Any, digits: int) -> str:
    if value is None:
        return "–"
    return f"{float(value):,.{digits}f}"


def pdf(answer: dict[str, Any]) -> bytes:
    """A printable Thai return: one row per LGO, its state, its figures and who signed."""
    month = answer["month"]
    doc = new_pdf("landscape", "รายงานผลการคัดแยกขยะประจำเดือน")
    doc.add_page()
    width = doc.w - 2 * MARGIN
    y = text(doc, MARGIN, MARGIN, width,
             "รายงานผลการคัดแยกขยะประจำเดือนถึงกรมส่งเสริมการปกครองท้องถิ่น",
             size=15, bold=True, color=GREEN)
    y = text(doc, MARGIN, y, width,
             f"{answer['province']} · {figures.month_label(month, 'be', 'th')} · รับรองแล้ว "
             f"{answer['accepted']} จาก {answer['lgos']} อปท.", size=11, color=MUTED)
    columns = [("อปท.", 50, "lgo_name", None), ("สถานะ", 30, "state", None)] + [
        (SHORT_TH[key], (width - 80) / len(FIELDS), key,
         0 if fmt.startswith("#,##0") and not fmt.endswith("00") else 4 if fmt == "0.0000"
         else 1) for key, th, _en, fmt in FIELDS]
    y += 3
    x = MARGIN
    top = y
    for label, w, _key, _digits in columns:
        bottom = text(doc, x, top, w - 1, label, size=8, bold=True, min_size=6,
                      align="L" if x == MARGIN or label == "สถานะ" else "R")
        y = max(y, bottom)
        x += w
    words = STATE_WORDS["th"]
    rows = answer["rows"] + ([{"lgo_name": "รวม อปท. ที่รับรองแล้ว", "state": "",
                               **answer["total"]}] if answer["lgo"] is None else [])
    for row in rows:
        if y > doc.h - MARGIN - 12:
            doc.add_page()
            y = MARGIN
        x, top = MARGIN, y + 1
        for _label, w, key, digits in columns:
            value = row.get(key)
            if key == "state":
                shown = words.get(value, "") if value else ""
            elif digits is None:
                shown = str(value or "")
            else:
                shown = "" if row.get("state") not in (State.accepted.value, "") else \
                    _number(value, digits)
            bottom = text(doc, x, top, w - 1, shown, size=8,
                          bold=row.get("state") == "", align="L" if digits is None else "R",
                          min_size=5)
            y = max(y, bottom)
            x += w
    y += 4
    for row in answer["rows"]:
        if row["state"] != State.accepted.value:
            continue
        if y > doc.h - MARGIN - 6:
            doc.add_page()
            y = MARGIN
        signed = " · ".join(
            f"{word} {row.get(f'{action}_by') or '–'} ({thai_date(row[f'{action}_at'].date())})"
            for action, word in (("submit", "ส่งโดย"), ("approve", "อนุมัติโดย"),
                                 ("accept", "รับรองโดย"))
            if row.get(f"{action}_at"))
        y = text(doc, MARGIN, y, width, f"{row['lgo_name']}: {signed}", size=8, color=MUTED)
    return finish(doc)


def filename(answer: dict[str, Any], fmt: str) -> str:
    who = answer["lgo"] or "province"
    return f"khaya-dla-return_{who}_{answer['month']:%Y-%m}.{fmt}"

