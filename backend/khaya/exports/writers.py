"""The export files: CSV (UTF-8 with a BOM, one header row) and XLSX (Thai + English headers).

CSV: the header row is in the language asked for; participation is a percentage with one
decimal; the BOM makes Excel read the Thai correctly. XLSX: one sheet of figures with a Thai
header row and an English one below it, number formats (participation as a percentage), frozen
headers and a filter; a second sheet says what the file holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..common.time import thai_date
from .figures import COLUMNS, Request, month_label

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
SHEET_TITLE = "ตัวเลขรายเดือน"
ABOUT_TITLE = "คำอธิบาย About"


def filename(request: Request, fmt: str) -> str:
    """Return an ASCII file name: khaya-monthly-<lgo or all>-<from>-<to>.<fmt>."""
    who = request.lgo_codes[0] if len(request.lgo_codes) == 1 else "all-lgos"
    span = f"{request.start:%Y-%m}_{request.end:%Y-%m}"
    return f"khaya-monthly-{who}-{span}-{request.calendar}.{fmt}"


def _csv_value(key: str, value: Any) -> Any:
    if value is None:
        return ""
    if key == "participation":
        return f"{float(value) * 100:.1f}"
    return value


def to_csv(request: Request, rows: list[dict[str, Any]]) -> bytes:
    """Return the rows as CSV bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        (c.th if request.lang == "th" else c.en) + (" (%)" if c.key == "participation"
                                                    and request.lang == "en" else "")
        for c in COLUMNS
    )
    for row in rows:
        writer.writerow(_csv_value(c.key, row[c.key]) for c in COLUMNS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(request: Request, rows: list[dict[str, Any]]) -> bytes:
    """Return the rows as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append([c.th for c in COLUMNS])
    sheet.append([c.en for c in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="555555")
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([row[c.key] for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 28 if column.key == "lgo_name" else 16
        if column.number_format != "text":
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                cell.number_format = column.number_format
    sheet.freeze_panes = "C3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(COLUMNS))}{max(2, len(rows) + 2)}"
    _about(book.create_sheet(ABOUT_TITLE), request)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _about(sheet: Any, request: Request) -> None:
    today = dt.date.today()
    first = month_label(request.start, request.calendar, request.lang)
    last = month_label(request.end, request.calendar, request.lang)
    lines = [
        ("แหล่งข้อมูล / Source", "Khaya: ระบบติดตามการคัดแยกขยะชุมชน จังหวัดลำพูน"),
        ("จัดทำเมื่อ / Made on", f"{thai_date(today)} ({today.isoformat()})"),
        ("ช่วงเวลา / Period", f"{first} – {last}"),
        ("ปฏิทิน / Calendar", "พุทธศักราช (พ.ศ.)" if request.calendar == "be"
         else "คริสต์ศักราช (ค.ศ.) / Common Era"),
        ("อปท. / LGOs", ", ".join(request.lgo_codes)),
        ("หมายเหตุ / Notes", "ตัวเลขรวมระดับ อปท. ไม่มีข้อมูลส่วนบุคคล / LGO totals only, "
         "no personal data. Households and residents are counted at each month's end "
         "(today for the current month). tCO2e follows the DLA wet-bin method."),
    ]
    for label, value in lines:
        sheet.append([label, value])
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def render(request: Request, rows: list[dict[str, Any]], fmt: str) -> bytes:
    """Return the export file in ``fmt`` (csv or xlsx)."""
    return to_csv(request, rows) if fmt == "csv" else to_xlsx(request, rows)
