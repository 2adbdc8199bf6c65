"""The monthly export files: CSV (UTF-8 with a BOM) and XLSX, each with one header row.

One header row, in the language asked for (``header``): the figures are re-keyed or pasted
into DLA's LGO waste information system, where a second header row is one more row to skip
and, pasted, a row of data. Participation is a percentage with one decimal
(0-100, "(%)" in the column name) in both formats, as in every data file Khaya writes
(``common.writers``). XLSX: number formats, frozen header and code columns, a filter, and an
About sheet that says what the file holds.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..common.spreadsheets import xlsx_row
from ..common.time import thai_date
from ..common.writers import MEDIA_TYPES, XLSX_MEDIA_TYPE, csv_bytes, style_header, write_about
from .figures import COLUMNS, Request, month_label

SHEET_TITLE = "ตัวเลขรายเดือน"
__all__ = ["MEDIA_TYPES", "XLSX_MEDIA_TYPE", "filename", "render"]


def filename(request: Request, fmt: str) -> str:
    """Return an ASCII file name: khaya-monthly-<lgo or all>-<from>-<to>.<fmt>."""
    who = request.lgo_codes[0] if len(request.lgo_codes) == 1 else "all-lgos"
    span = f"{request.start:%Y-%m}_{request.end:%Y-%m}"
    return f"khaya-monthly-{who}-{span}-{request.calendar}.{fmt}"


def to_csv(request: Request, rows: list[dict[str, Any]]) -> bytes:
    """Return the rows as CSV bytes."""
    header = [request.header_of(c) for c in COLUMNS]
    return csv_bytes([header, *(["" if row[c.key] is None else row[c.key] for c in COLUMNS]
                                 for row in rows)])


def to_xlsx(request: Request, rows: list[dict[str, Any]]) -> bytes:
    """Return the rows as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(xlsx_row(sheet, [request.header_of(c) for c in COLUMNS]))
    style_header(sheet[1])
    for row in rows:
        sheet.append(xlsx_row(sheet, [row[c.key] for c in COLUMNS]))
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 28 if column.key == "lgo_name" else 16
        if column.number_format != "text":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = column.number_format
    sheet.freeze_panes = "C2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{len(rows) + 1}"
    write_about(book, _about(request))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _about(request: Request) -> list[tuple[str, str]]:
    today = dt.date.today()
    first = month_label(request.start, request.calendar, request.lang)
    last = month_label(request.end, request.calendar, request.lang)
    return [
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


def render(request: Request, rows: list[dict[str, Any]], fmt: str) -> bytes:
    """Return the export file in ``fmt`` (csv or xlsx)."""
    return to_csv(request, rows) if fmt == "csv" else to_xlsx(request, rows)
