"""The monthly export files: CSV (UTF-8 with a BOM, one header row) and XLSX (Thai + English
headers).

CSV: the header row is in the language asked for; participation is a percentage with one
decimal. XLSX: one sheet of figures with a Thai header row and an English one below it, number
formats (participation as a percentage), frozen headers and a filter; a second sheet says what
the file holds. The conventions every Khaya file shares (the BOM, headers, text never a
formula) are in ``common.writers``.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..common.spreadsheets import xlsx_row
from ..common.time import thai_date
from ..common.writers import ABOUT_TITLE, MEDIA_TYPES, XLSX_MEDIA_TYPE, csv_bytes, style_header
from .figures import COLUMNS, Request, month_label

SHEET_TITLE = "ตัวเลขรายเดือน"
__all__ = ["MEDIA_TYPES", "XLSX_MEDIA_TYPE", "filename", "render"]


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
    header = [
        (c.th if request.lang == "th" else c.en) + (" (%)" if c.key == "participation"
                                                    and request.lang == "en" else "")
        for c in COLUMNS
    ]
    return csv_bytes([header, *([_csv_value(c.key, row[c.key]) for c in COLUMNS]
                                 for row in rows)])


def to_xlsx(request: Request, rows: list[dict[str, Any]]) -> bytes:
    """Return the rows as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(xlsx_row(sheet, [c.th for c in COLUMNS]))
    sheet.append(xlsx_row(sheet, [c.en for c in COLUMNS]))
    style_header(sheet[1])
    style_header(sheet[2], italic=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, [row[c.key] for c in COLUMNS]))
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
        sheet.append(xlsx_row(sheet, [label, value]))
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def render(request: Request, rows: list[dict[str, Any]], fmt: str) -> bytes:
    """Return the export file in ``fmt`` (csv or xlsx)."""
    return to_csv(request, rows) if fmt == "csv" else to_xlsx(request, rows)
