"""The passbook as a printable PDF: whose account it is, every entry and the balance in baht.

Thai by default, with Buddhist Era dates, as the member's own passbook reads; English for the
odd reader who needs it. Money columns say their unit (บาท / baht) so a printed page stands
on its own.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ..common.pdf import GREEN, MARGIN, MUTED, finish, new_pdf, text
from ..common.time import thai_date
from .models import EntryKind, Material

KIND = {
    "th": {
        EntryKind.deposit: "ฝากขยะ",
        EntryKind.withdrawal: "ถอนเงิน",
        EntryKind.welfare_debit: "หักเงินสวัสดิการ",
        EntryKind.welfare_credit: "รับเงินสวัสดิการ",
        EntryKind.reversal: "รายการแก้ไข",
    },
    "en": {
        EntryKind.deposit: "Deposit",
        EntryKind.withdrawal: "Withdrawal",
        EntryKind.welfare_debit: "Welfare debit",
        EntryKind.welfare_credit: "Welfare payment",
        EntryKind.reversal: "Correction",
    },
}
MATERIAL = {
    "th": {
        Material.pet: "ขวด PET",
        Material.plastic_other: "พลาสติกอื่น",
        Material.paper: "กระดาษ",
        Material.carton: "กล่องกระดาษ",
        Material.glass: "แก้ว",
        Material.aluminium: "อะลูมิเนียม",
        Material.iron: "เหล็ก",
        Material.other: "อื่น ๆ",
    },
    "en": {
        Material.pet: "PET bottles",
        Material.plastic_other: "other plastics",
        Material.paper: "paper",
        Material.carton: "cardboard",
        Material.glass: "glass",
        Material.aluminium: "aluminium",
        Material.iron: "iron",
        Material.other: "other",
    },
}
WORDS = {
    "th": {
        "title": "สมุดบัญชีธนาคารขยะ {bank}",
        "member": "สมาชิกเลขที่ {n}",
        "house": "บ้านเลขที่ {house}",
        "moo": "หมู่ {moo}",
        "household": "ครัวเรือน {id}",
        "from": "ตั้งแต่ {day}",
        "to": "ถึง {day}",
        "date": "วันที่",
        "detail": "รายการ",
        "in": "ฝาก/รับ (บาท)",
        "out": "ถอน/หัก (บาท)",
        "balance": "คงเหลือ (บาท)",
        "opening": "ยอดยกมา",
        "closing": "ยอดคงเหลือ",
        "kg": "กก.",
        "unit": "บาท",
    },
    "en": {
        "title": "Waste-bank passbook: {bank}",
        "member": "Member no. {n}",
        "house": "House {house}",
        "moo": "Moo {moo}",
        "household": "Household {id}",
        "from": "from {day}",
        "to": "to {day}",
        "date": "Date",
        "detail": "Entry",
        "in": "In (baht)",
        "out": "Out (baht)",
        "balance": "Balance (baht)",
        "opening": "Brought forward",
        "closing": "Balance",
        "kg": "kg",
        "unit": "baht",
    },
}
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)
# Column x positions and widths in mm on A4 portrait inside the margin.
COLUMNS = (
    (0, 32, "date", "L"),
    (32, 78, "detail", "L"),
    (110, 28, "in", "R"),
    (138, 28, "out", "R"),
    (166, 28, "balance", "R"),
)
ROW = 7.5


def baht(amount: Decimal | float) -> str:
    return f"{Decimal(amount):,.2f}"


def _kg(kg: Decimal) -> str:
    # A weight is stored to the hundredth (10.00); the passbook writes it as weighed (10, 2.5).
    return f"{Decimal(kg).normalize():f}"


def _date(day: dt.date, lang: str) -> str:
    return thai_date(day) if lang == "th" else f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def _name(row: Any, lang: str) -> str:
    return (getattr(row, "name_en", None) if lang == "en" else None) or row.name_th


def holder(member: dict[str, Any], lang: str) -> str:
    """Say whose account it is: number, head of household, house and village."""
    words = WORDS[lang]
    parts = [words["member"].format(n=member["member_number"])]
    household = member.get("household")
    if household is None:
        return " · ".join([*parts, words["household"].format(id=member["household_id"])])
    if household["head_name"]:
        parts.append(household["head_name"])
    village = household["village_name_en" if lang == "en" else "village_name_th"]
    place = [words["house"].format(house=household["house_number"])]
    if household["moo"]:
        place.append(words["moo"].format(moo=household["moo"]))
    place.append(village)
    parts.append(" ".join(place))
    return " · ".join(parts)


def _detail(entry: dict[str, Any], lang: str) -> str:
    label = KIND[lang][entry["kind"]]
    if entry["lines"]:
        unit = WORDS[lang]["kg"]
        parts = [
            f"{MATERIAL[lang][line.material]} {_kg(line.kg)} {unit}" for line in entry["lines"]
        ]
        label += " (" + ", ".join(parts) + ")"
    elif entry["note"]:
        label += f" ({entry['note']})"
    return label


def passbook_pdf(book: dict[str, Any], lang: str = "th") -> bytes:
    """Render a passbook returned by ``ledger.passbook``."""
    member, bank = book["member"], book["bank"]
    words = WORDS[lang]
    title = words["title"].format(bank=_name(bank, lang))
    pdf = new_pdf("portrait", f"{title} · {words['member'].format(n=member['member_number'])}")
    pdf.set_lang(lang)
    width = pdf.w - 2 * MARGIN

    def header() -> float:
        pdf.add_page()
        y = text(pdf, MARGIN, MARGIN, width, title, size=18, bold=True, color=GREEN)
        y = text(pdf, MARGIN, y, width, _name(bank.lgo, lang), size=12, color=MUTED)
        y = text(pdf, MARGIN, y, width, holder(member, lang), size=13, bold=True)
        period = words["to"].format(day=_date(book["until"], lang))
        if book["since"]:
            period = f"{words['from'].format(day=_date(book['since'], lang))} {period}"
        y = text(pdf, MARGIN, y, width, period, size=11, color=MUTED)
        y += 2
        for x, w, key, align in COLUMNS:
            text(pdf, MARGIN + x, y, w, words[key], size=11, bold=True, align=align)
        pdf.set_draw_color(*MUTED)
        pdf.line(MARGIN, y + ROW, MARGIN + width, y + ROW)
        return y + ROW + 1

    y = header()
    text(pdf, MARGIN + 32, y, 78, words["opening"], size=11)
    text(pdf, MARGIN + 166, y, 28, baht(book["opening_balance"]), size=11, align="R")
    y += ROW
    for entry in book["entries"]:
        if y > pdf.h - MARGIN - 2 * ROW:
            y = header()
        amount = Decimal(entry["amount"])
        text(pdf, MARGIN, y, 32, _date(entry["entry_date"], lang), size=10)
        text(pdf, MARGIN + 32, y, 78, _detail(entry, lang), size=10, min_size=7)
        column = 110 if amount >= 0 else 138
        text(pdf, MARGIN + column, y, 28, baht(abs(amount)), size=10, align="R")
        text(pdf, MARGIN + 166, y, 28, baht(entry["balance"]), size=10, align="R")
        y += ROW
    pdf.line(MARGIN, y, MARGIN + width, y)
    text(pdf, MARGIN + 32, y + 1, 78, words["closing"], size=12, bold=True)
    closing = f"{baht(book['closing_balance'])} {words['unit']}"
    text(pdf, MARGIN + 130, y + 1, 64, closing, size=12, bold=True, align="R")
    return finish(pdf)
