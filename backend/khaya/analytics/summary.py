"""The one-page printed summary: a province's or an LGO's figures and league table on A4.

Thai, in Sarabun: the title with the area and the period (Buddhist Era), the headline figures
of the area with numerators and denominators, the league table, the most improved area, the
definitions and the small-denominator rule, and the day it was made. It stays one page
whatever the number of rows: the table takes the room left between the headline and the
footnote, in one column while rows can be 6 pt or more, else in two columns with the type as
large as fits; past what 5 pt type holds, the lowest rows are left to league.csv and the page
says so. Aggregates only, no personal data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from ..common.pdf import GREEN, INK, MARGIN, MUTED, PT, WHITE, finish, new_pdf, text
from ..common.time import local_today, thai_date
from ..common.writers import percent, points
from .files import (
    INDICATOR_LABELS,
    LEVEL_LABELS,
    indicator_label,
    period_label,
)

PAGE_W, PAGE_H = 210.0, 297.0
WIDTH = PAGE_W - 2 * MARGIN
BAND = (238, 244, 238)  # every other row, a pale green for the eye to follow across
LINE = 1.45  # text() line height in multiples of the type size
MIN_SIZE, MAX_SIZE = 5.0, 9.0
ONE_COLUMN_MIN = 6.0  # below this size one column gives way to two
GAP = 6.0  # between the two columns


@dataclass(frozen=True)
class Column:
    title: str
    share: float  # of the table's width
    align: str = "L"


COLUMNS = (
    Column("อันดับ", 0.07, "C"), Column("พื้นที่", 0.33), Column("อำเภอ", 0.17),
    Column("ค่า", 0.11, "R"), Column("ตัวตั้ง/ตัวหาร", 0.17, "R"),
    Column("เปลี่ยนแปลง", 0.12, "R"), Column("", 0.03, "C"),
)


def value_text(value: float | None, unit: str) -> str:
    """Return a value as printed: a ratio as a percentage with one decimal."""
    if value is None:
        return "–"
    if unit == "ratio":
        return f"{percent(value):.1f}%"
    if unit == "tco2e":
        return f"{value:,.4f}"
    return f"{value:,.3f}"


def change_text(change: float | None, unit: str) -> str:
    """Return a change: percentage points for ratios, signed units otherwise."""
    if change is None:
        return "–"
    if unit == "ratio":
        return f"{points(change):+.1f}"
    return f"{change:+,.3f}"


def _count(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


def fraction_text(numerator: float, denominator: float) -> str:
    return f"{_count(numerator)}/{_count(denominator)}"


def _row_height(size: float) -> float:
    return size * PT * LINE


def _size_for(rows: int, height: float) -> float:
    """Return the largest type size at which ``rows`` rows plus a header fill ``height``."""
    return min(MAX_SIZE, math.floor(height / (rows + 1) / (PT * LINE) * 2) / 2)


@dataclass(frozen=True)
class Layout:
    columns: int
    size: float
    rows: list[dict[str, Any]]  # the rows printed, all of them unless the page cannot hold them


def layout(rows: list[dict[str, Any]], height: float) -> Layout:
    """Fit the league into ``height`` mm: one column, else two, else the top rows at 5 pt."""
    size = _size_for(len(rows), height)
    if size >= ONE_COLUMN_MIN:
        return Layout(1, size, rows)
    per_column = math.ceil(len(rows) / 2)
    size = _size_for(per_column, height)
    if size >= MIN_SIZE:
        return Layout(2, size, rows)
    fits = int(height / _row_height(MIN_SIZE)) - 1
    return Layout(2, MIN_SIZE, rows[:2 * fits])


def _table(pdf: FPDF, x: float, y: float, width: float, rows: Sequence[Mapping[str, Any]],
           size: float, unit: str) -> None:
    height = _row_height(size)
    widths = [c.share * width for c in COLUMNS]
    pdf.set_fill_color(*GREEN)
    pdf.rect(x, y, width, height, style="F")
    left = x
    for column, w in zip(COLUMNS, widths, strict=True):
        text(pdf, left, y, w - 0.8, column.title, size=size, bold=True, color=WHITE,
             align=column.align, min_size=4)
        left += w
    y += height
    for number, row in enumerate(rows):
        if number % 2:
            pdf.set_fill_color(*BAND)
            pdf.rect(x, y, width, height, style="F")
        cells = (
            "" if row["rank"] is None else str(row["rank"]),
            row["name_th"], row.get("district_name_th") or "",
            value_text(row["value"], unit),
            fraction_text(row["numerator"], row["denominator"]),
            change_text(row["change"], unit),
            "*" if row["small_denominator"] else "",
        )
        left = x
        for column, w, cell in zip(COLUMNS, widths, cells, strict=True):
            text(pdf, left + 0.4, y, w - 0.8, cell, size=size, align=column.align,
                 min_size=4)
            left += w
        y += height


def _headline(pdf: FPDF, y: float, headline: Mapping[str, Mapping[str, Any]]) -> float:
    names = list(headline)
    box = WIDTH / len(names)
    for index, name in enumerate(names):
        figure = headline[name]
        x = MARGIN + index * box
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x + 0.8, y, box - 1.6, 19)
        text(pdf, x + 2.5, y + 0.8, box - 5, indicator_label(name, "th"), size=8.5,
             color=MUTED)
        text(pdf, x + 2.5, y + 5, box - 5, value_text(figure["value"], figure["unit"]),
             size=15, bold=True, color=GREEN)
        text(pdf, x + 2.5, y + 12.5, box - 5,
             f"{fraction_text(figure['numerator'], figure['denominator'])} "
             f"({INDICATOR_LABELS[name][2].th})", size=7, color=MUTED)
    return y + 21


def _footnote_lines(names: Sequence[str], threshold: int, unit: str) -> list[str]:
    lines = [f"{INDICATOR_LABELS[n][0].th}: ตัวตั้ง = {INDICATOR_LABELS[n][1].th}; "
             f"ตัวหาร = {INDICATOR_LABELS[n][2].th}" for n in names if n in INDICATOR_LABELS]
    lines.append(f"* ตัวหารน้อยกว่า {threshold} ถือว่าตัวหารน้อย: แสดงค่าแต่ไม่จัดอันดับ "
                 "เพราะครัวเรือนเดียวทำให้ค่าแกว่งได้มาก · ตัวหาร 0 คือไม่มีข้อมูล")
    lines.append("เปลี่ยนแปลง = ค่าช่วงนี้ลบค่าช่วงก่อน"
                 + (" (จุดร้อยละ)" if unit == "ratio" else "")
                 + " · ครัวเรือนในทะเบียนนับ ณ สิ้นช่วงเวลา (หรือวันนี้ หากยังไม่สิ้นสุด)")
    today = local_today()
    lines.append(f"จัดทำเมื่อ {thai_date(today)} โดยระบบ Khaya · ข้อมูลรวมรายพื้นที่ "
                 "ไม่มีข้อมูลส่วนบุคคล")
    return lines


# How a place is written after its kind; an LGO's name already says what it is.
PLACE_PREFIX = {"province": "จังหวัด", "district": "อำเภอ", "tambon": "ตำบล", "village": "",
                "lgo": ""}


APPROVAL_TH = {"open": "ยังไม่ส่ง", "submitted": "ส่งแล้ว รออนุมัติ",
               "approved": "อปท. อนุมัติแล้ว รอจังหวัดรับรอง",
               "accepted": "จังหวัดรับรองแล้ว ตัวเลขไม่เปลี่ยนอีก",
               "partly accepted": "จังหวัดรับรองแล้วบาง อปท."}


def render(summary: Mapping[str, Any]) -> bytes:
    """Return the summary as a one-page A4 PDF."""
    league, parent = summary["league"], summary["parent"]
    name = league["indicator"]
    unit = league["rows"][0]["unit"] if league["rows"] else summary["headline"][name]["unit"]
    title = f"สรุปผลการคัดแยกขยะ {PLACE_PREFIX[parent['level']]}{parent['name_th']}"
    pdf = new_pdf("portrait", title)
    pdf.add_page()
    y = text(pdf, MARGIN, MARGIN, WIDTH, title, size=16, bold=True)
    y = text(pdf, MARGIN, y, WIDTH,
             f"{period_label(league['period'], 'th')} · ตารางอันดับ{LEVEL_LABELS[league['level']].th}"
             f"ตาม{indicator_label(name, 'th')} (เทียบกับ "
             f"{period_label(league['previous_period'], 'th')})", size=11, color=MUTED)
    if state := summary.get("approval_state"):
        # Where the month's sign-off stands: accepted figures no longer change.
        y = text(pdf, MARGIN, y, WIDTH, f"สถานะการรับรองข้อมูล: {APPROVAL_TH.get(state, state)}",
                 size=11, bold=state == "accepted")
    y = _headline(pdf, y + 1.5, summary["headline"])
    best = league["most_improved"]
    if best:
        line = (f"พัฒนาขึ้นมากที่สุด: {best['name_th']} "
                f"({change_text(best['change'], unit)}"
                f"{' จุดร้อยละ' if unit == 'ratio' else ''})")
    else:
        line = "พัฒนาขึ้นมากที่สุด: – (ไม่มีพื้นที่ที่เทียบได้และค่าเพิ่มขึ้น)"
    y = text(pdf, MARGIN, y, WIDTH, line, size=9.5, bold=True, color=INK) + 1
    notes = _footnote_lines(list(summary["headline"]), league["small_denominator_threshold"],
                            unit)
    note_size = 6.5
    footnote_top = PAGE_H - MARGIN - len(notes) * _row_height(note_size) - 1
    # Areas with nothing to count are folded into one line, not printed as rows of dashes.
    rows = [row for row in league["rows"] if not row.get("no_data")]
    empty = len(league["rows"]) - len(rows)
    if empty:
        notes.insert(0, f"ไม่มีข้อมูล (ไม่มีครัวเรือนหรือผู้ให้นับในช่วงนี้) {empty} พื้นที่ "
                        "ไม่แสดงในตาราง ดูรายชื่อใน league.csv")
        footnote_top -= _row_height(note_size)
    shown = layout(rows, footnote_top - y - 5)
    if len(shown.rows) < len(rows):
        # The note saying so takes a line from the table: fit the rows again without it.
        footnote_top -= _row_height(note_size)
        shown = layout(rows, footnote_top - y - 5)
        notes.insert(0, f"แสดง {len(shown.rows)} อันดับแรกจาก {len(rows)} พื้นที่ที่มีข้อมูล "
                        "ดูทั้งหมดใน league.csv")
    if shown.columns == 1:
        _table(pdf, MARGIN, y, WIDTH, shown.rows, shown.size, unit)
    else:
        half = math.ceil(len(shown.rows) / 2)
        column_width = (WIDTH - GAP) / 2
        _table(pdf, MARGIN, y, column_width, shown.rows[:half], shown.size, unit)
        _table(pdf, MARGIN + column_width + GAP, y, column_width, shown.rows[half:],
               shown.size, unit)
    note_y = footnote_top
    pdf.set_draw_color(*MUTED)
    pdf.line(MARGIN, note_y - 0.5, MARGIN + WIDTH, note_y - 0.5)
    for note in notes:
        note_y = text(pdf, MARGIN, note_y, WIDTH, note, size=note_size, color=MUTED,
                      min_size=4.5)
    return finish(pdf)
