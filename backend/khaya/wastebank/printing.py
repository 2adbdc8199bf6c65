"""The passbook as a printable PDF: Thai, Buddhist Era dates, baht with two decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..common.pdf import GREEN, MARGIN, MUTED, finish, new_pdf, text
from ..common.time import thai_date
from .models import EntryKind, Material

KIND_TH = {
    EntryKind.deposit: "ฝากขยะ",
    EntryKind.withdrawal: "ถอนเงิน",
    EntryKind.welfare_debit: "หักเงินสวัสดิการ",
    EntryKind.welfare_credit: "รับเงินสวัสดิการ",
    EntryKind.reversal: "รายการแก้ไข",
}
MATERIAL_TH = {
    Material.pet: "ขวด PET",
    Material.plastic_other: "พลาสติกอื่น",
    Material.paper: "กระดาษ",
    Material.carton: "กล่องกระดาษ",
    Material.glass: "แก้ว",
    Material.aluminium: "อะลูมิเนียม",
    Material.iron: "เหล็ก",
    Material.other: "อื่น ๆ",
}
# Column x positions and widths in mm on A4 portrait inside the margin.
COLUMNS = (
    (0, 32, "วันที่", "L"),
    (32, 78, "รายการ", "L"),
    (110, 28, "ฝาก/รับ", "R"),
    (138, 28, "ถอน/หัก", "R"),
    (166, 28, "คงเหลือ", "R"),
)
ROW = 7.5


def baht(amount: Decimal | float) -> str:
    return f"{Decimal(amount):,.2f}"


def _detail(entry: dict[str, Any]) -> str:
    label = KIND_TH[entry["kind"]]
    if entry["lines"]:
        parts = [f"{MATERIAL_TH[line.material]} {line.kg:g} กก." for line in entry["lines"]]
        label += " (" + ", ".join(parts) + ")"
    elif entry["note"]:
        label += f" ({entry['note']})"
    return label


def passbook_pdf(book: dict[str, Any]) -> bytes:
    """Render a passbook returned by ``services.passbook``."""
    member, bank = book["member"], book["bank"]
    pdf = new_pdf("portrait", f"สมุดบัญชี {bank.name_th} สมาชิกเลขที่ {member['member_number']}")
    pdf.set_auto_page_break(False)
    width = pdf.w - 2 * MARGIN

    def header() -> float:
        pdf.add_page()
        y = text(
            pdf,
            MARGIN,
            MARGIN,
            width,
            f"สมุดบัญชีธนาคารขยะ {bank.name_th}",
            size=18,
            bold=True,
            color=GREEN,
        )
        y = text(pdf, MARGIN, y, width, bank.lgo.name_th, size=12, color=MUTED)
        period = f"ถึง {thai_date(book['until'])}"
        if book["since"]:
            period = f"ตั้งแต่ {thai_date(book['since'])} {period}"
        y = text(
            pdf,
            MARGIN,
            y,
            width,
            f"สมาชิกเลขที่ {member['member_number']} · ครัวเรือน {member['household_id']} · {period}",
            size=12,
        )
        y += 2
        for x, w, title, align in COLUMNS:
            text(pdf, MARGIN + x, y, w, title, size=11, bold=True, align=align)
        pdf.set_draw_color(*MUTED)
        pdf.line(MARGIN, y + ROW, MARGIN + width, y + ROW)
        return y + ROW + 1

    y = header()
    text(pdf, MARGIN + 32, y, 78, "ยอดยกมา", size=11)
    text(pdf, MARGIN + 166, y, 28, baht(book["opening_balance"]), size=11, align="R")
    y += ROW
    for entry in book["entries"]:
        if y > pdf.h - MARGIN - 2 * ROW:
            y = header()
        amount = Decimal(entry["amount"])
        text(pdf, MARGIN, y, 32, thai_date(entry["entry_date"]), size=10)
        text(pdf, MARGIN + 32, y, 78, _detail(entry), size=10, min_size=7)
        column = 110 if amount >= 0 else 138
        text(pdf, MARGIN + column, y, 28, baht(abs(amount)), size=10, align="R")
        text(pdf, MARGIN + 166, y, 28, baht(entry["balance"]), size=10, align="R")
        y += ROW
    pdf.line(MARGIN, y, MARGIN + width, y)
    text(pdf, MARGIN + 32, y + 1, 78, "ยอดคงเหลือ", size=12, bold=True)
    text(pdf, MARGIN + 166, y + 1, 28, baht(book["closing_balance"]), size=12, bold=True, align="R")
    return finish(pdf)
