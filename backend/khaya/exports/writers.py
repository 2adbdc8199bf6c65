"""The export files: CSV (UTF-8 with a BOM, one header row) and XLSX (Thai + English headers).

CSV: the header row is in the language asked for; participation is a percentage with one
decimal; the BOM makes Excel read the Thai correctly. XLSX: one sheet of figures with a Thai
header row and an English one below it, number formats (participation as a percentage), frozen
headers and a filter; a second sheet says what the file holds.

Every cell goes through ``common.spreadsheets``: text that a person typed (LGO, village and
area names) is written as text and never as a formula, in both formats.

Dashboard tables (``Table``: league tables, indicator tables, series) use the same CSV and
sheet conventions with a few title lines above one header row in the language asked for. Their
cells hold the API's own numbers unchanged (ratios stay ratios, shown as percentages by the
XLSX number format only), so a file can be checked cell by cell against the JSON it mirrors.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..common.spreadsheets import csv_row, xlsx_row
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


def _csv_bytes(lines: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(csv_row(line) for line in lines)
    # The BOM is what makes Excel read the file as UTF-8 (the Thai) instead of the ANSI page.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_csv(request: Request, rows: list[dict[str, Any]]) -> bytes:
    """Return the rows as CSV bytes."""
    header = [
        (c.th if request.lang == "th" else c.en) + (" (%)" if c.key == "participation"
                                                    and request.lang == "en" else "")
        for c in COLUMNS
    ]
    return _csv_bytes([header, *([_csv_value(c.key, row[c.key]) for c in COLUMNS]
                                 for row in rows)])


def _style_header(cells: Iterable[Any], *, italic: bool = False) -> None:
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in cells:
        cell.font = Font(italic=True, color="555555") if italic else Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def to_xlsx(request: Request, rows: list[dict[str, Any]]) -> bytes:
    """Return the rows as an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(xlsx_row(sheet, [c.th for c in COLUMNS]))
    sheet.append(xlsx_row(sheet, [c.en for c in COLUMNS]))
    _style_header(sheet[1])
    _style_header(sheet[2], italic=True)
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


@dataclass(frozen=True)
class TableColumn:
    key: str
    th: str
    en: str
    # Excel number format of the column's cells; the stored value is the API's, unchanged.
    number_format: str = "General"
    width: int = 14

    def header(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


@dataclass(frozen=True)
class Table:
    """A dashboard table: title lines, one header row in ``lang``, then the rows."""

    sheet_title: str
    lang: str
    title: Sequence[str]
    columns: Sequence[TableColumn]
    rows: Sequence[dict[str, Any]]
    about: Sequence[tuple[str, str]] = ()


def _table_csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def table_csv(table: Table) -> bytes:
    """Return a dashboard table as CSV: the title lines, a blank line, the header, the rows."""
    return _csv_bytes([
        *([line] for line in table.title),
        [],
        [c.header(table.lang) for c in table.columns],
        *([_table_csv_value(row.get(c.key)) for c in table.columns] for row in table.rows),
    ])


def table_xlsx(table: Table) -> bytes:
    """Return a dashboard table as XLSX: title lines, a frozen header row with a filter."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.sheet_title[:31]  # Excel's limit on sheet names
    for number, line in enumerate(table.title, start=1):
        sheet.append(xlsx_row(sheet, [line]))
        sheet.cell(number, 1).font = Font(bold=number == 1, size=13 if number == 1 else 11)
    sheet.append([])
    header_row = len(table.title) + 2
    sheet.append(xlsx_row(sheet, [c.header(table.lang) for c in table.columns]))
    _style_header(sheet[header_row])
    for row in table.rows:
        sheet.append(xlsx_row(sheet, [row.get(c.key) for c in table.columns]))
    last_row = header_row + len(table.rows)
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.number_format != "General":
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, max_row=last_row,
                                           min_col=index, max_col=index):
                cell.number_format = column.number_format
    sheet.freeze_panes = sheet.cell(header_row + 1, 1).coordinate
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{last_row}"
    if table.about:
        about = book.create_sheet(ABOUT_TITLE)
        for label, value in table.about:
            about.append(xlsx_row(about, [label, value]))
        for (cell,) in about.iter_rows(min_col=1, max_col=1):
            cell.font = Font(bold=True)
        about.column_dimensions["A"].width = 24
        about.column_dimensions["B"].width = 90
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_table(table: Table, fmt: str) -> bytes:
    """Return a dashboard table in ``fmt`` (csv or xlsx)."""
    return table_csv(table) if fmt == "csv" else table_xlsx(table)
