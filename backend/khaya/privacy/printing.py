"""A household's data as a readable Thai PDF (the resident's copy under the PDPA)."""

from __future__ import annotations

from typing import Any

from ..common.pdf import GREEN, MARGIN, MUTED, finish, new_pdf, text
from ..common.time import thai_date

ROW = 6.5
# A flagged inspection (far from the house, no GPS, mock location) and what the LGO decided.
REVIEW_NOTES = {
    "pending": " · ตำแหน่งผิดปกติ รอเจ้าหน้าที่ตรวจสอบ",
    "accepted": " · ตำแหน่งผิดปกติ เจ้าหน้าที่รับรองแล้ว",
    "rejected": " · ตำแหน่งผิดปกติ เจ้าหน้าที่ไม่รับรอง",
}

OCCUPANCY_TH = {"occupied": "มีผู้อยู่อาศัย", "vacant": "ว่าง"}
WET_BIN_TH = {"has_bin": "มีถังของตัวเอง", "communal": "ใช้ถังรวม", "no_space": "ไม่มีพื้นที่",
              "none": "ไม่มี"}


class _Writer:
    def __init__(self, title: str) -> None:
        self.pdf = new_pdf("portrait", title)
        self.width = self.pdf.w - 2 * MARGIN
        self.y = self.pdf.h  # forces a first page

    def line(self, words: str, *, size: float = 11, bold: bool = False, color=None) -> None:
        if self.y > self.pdf.h - MARGIN - ROW:
            self.pdf.add_page()
            self.y = MARGIN
        kwargs = {"color": color} if color else {}
        self.y = text(self.pdf, MARGIN, self.y, self.width, words, size=size, bold=bold,
                      min_size=7, **kwargs)

    def heading(self, words: str) -> None:
        self.y += 2
        self.line(words, size=14, bold=True, color=GREEN)


def _date(value: Any) -> str:
    return thai_date(value) if value else "-"


def subject_access_pdf(data: dict[str, Any]) -> bytes:
    """Render ``services.export_household`` output for a person to read."""
    household = data["household"]
    out = _Writer(f"ข้อมูลครัวเรือน {household['id']}")
    out.line("ข้อมูลส่วนบุคคลของครัวเรือนที่ระบบ Khaya จัดเก็บ", size=18, bold=True, color=GREEN)
    out.line(f"ออกให้เมื่อ {_date(data['exported_on'])} ตามพระราชบัญญัติคุ้มครองข้อมูลส่วนบุคคล "
             "พ.ศ. 2562", color=MUTED)
    out.heading("ครัวเรือน")
    for label, value in (
        ("บ้านเลขที่", household["house_number"]), ("หมู่บ้าน/ชุมชน", household["village_code"]),
        ("องค์กรปกครองส่วนท้องถิ่น", household["lgo_code"]),
        ("หัวหน้าครัวเรือน", household["head_name"] or "-"),
        ("โทรศัพท์", household["phone"] or "-"), ("จำนวนสมาชิก", household["members"]),
        ("ถังขยะเปียก", household["wet_bin"]), ("ลงทะเบียนเมื่อ", _date(household["registered_on"])),
        ("ผ่านการตรวจเมื่อ", _date(household["verified_on"])),
        ("พิกัด", ", ".join(f"{c:.6f}" for c in household["point"]) if household["point"] else "-"),
    ):
        out.line(f"{label}: {value}")
    out.heading(f"ผู้ใช้ที่ผูกกับครัวเรือน ({len(data['residents'])})")
    for person in data["residents"]:
        out.line(f"{person['display_name']} {person['phone'] or ''}")
    out.heading(f"ประวัติในทะเบียนครัวเรือน ({len(data['register_history'])})")
    for span in data["register_history"]:
        since = _date(span["from"]) if span["from"] else "ลงทะเบียน"
        until = _date(span["until"]) if span["until"] else "ปัจจุบัน"
        state = ("ออกจากทะเบียน" if not span["in_register"]
                 else OCCUPANCY_TH.get(span["occupancy"], span["occupancy"]))
        out.line(f"{since} ถึง {until}: หมู่บ้าน/ชุมชน {span['village_code']} สมาชิก "
                 f"{span['members']} คน {state} ถังขยะเปียก "
                 f"{WET_BIN_TH.get(span['wet_bin'], span['wet_bin'])}", size=10)
    out.heading(f"บันทึกการคัดแยกขยะ ({len(data['sorting_logs'])})")
    for log in data["sorting_logs"]:
        void = " (ยกเลิก)" if log["voided_at"] else ""
        out.line(f"{_date(log['log_date'])}: {', '.join(log['streams'])}{void}", size=10)
    out.heading(f"การตรวจถังขยะเปียก ({len(data['inspections'])})")
    for item in data["inspections"]:
        verdict = "ผ่าน" if item["passed"] else "ไม่ผ่าน"
        review = REVIEW_NOTES.get(item["review"] or "", "")
        if item["review"] in ("accepted", "rejected") and item["review_reason"]:
            review += f" ({item['review_reason']})"
        if not item["counted"]:
            review += " · ไม่นับผล"
        out.line(f"{_date(item['inspected_on'])}: {verdict}{review}", size=10)
    out.heading(f"บัญชีธนาคารขยะ ({len(data['waste_bank_accounts'])})")
    for entry in data["ledger_entries"]:
        out.line(f"{_date(entry['entry_date'])}: {entry['kind']} {entry['amount']:,.2f} บาท",
                 size=10)
    out.heading(f"สรุปรายเดือนที่ใช้ในรายงาน ({len(data['monthly_activity'])})")
    for month in data["monthly_activity"]:
        days = ", ".join(str(d) for d in month["days_logged"]) or "-"
        out.line(f"{month['month']}: บันทึก {month['logs']} ครั้ง วันที่ {days}", size=10)
    out.heading(f"ผู้ที่เข้าถึงข้อมูลครัวเรือนนี้ ({len(data['accesses'])})")
    for access in data["accesses"]:
        out.line(f"{access['at']:%Y-%m-%d %H:%M} {access['actor_role'] or '-'} "
                 f"{access['action']} {access['endpoint'] or ''}", size=9)
    return finish(out.pdf)
