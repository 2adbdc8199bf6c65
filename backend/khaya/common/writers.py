"""The conventions every file Khaya writes shares, and dashboard tables.

CSV: UTF-8 with a BOM (what makes Excel read the Thai), CRLF lines. XLSX: one bold header row
on a light fill, an About sheet (``write_about``). Every cell goes through
``common.spreadsheets``: text that a person typed (LGO, village and area names) is written as
text and never as a formula, in both formats.

Shares (participation, coverage, compliance, membership, activity: the API's ``ratio`` unit,
0-1) are written in every data file as a percentage from 0 to 100 with one decimal (``percent``:
0.5912 becomes 59.1), in a column whose name says ``(%)``; a change of a share is in percentage
points, one decimal (``points``), in a column that says ``(จุด)`` or ``(pp)``. CSV and XLSX hold
the same number (an XLSX cell 59.1 with the format ``0.0``, not 0.591 shown as a percentage),
so what a person re-keys from either file is the same. Every About sheet states this
(``PERCENT_NOTE``). The API's JSON keeps ratios.

Dashboard tables (``Table``: league tables, indicator tables, series) have a few title lines
above one header row in the language asked for. Apart from shares, their cells hold the API's
own numbers unchanged, so a file can be checked cell by cell against the JSON it mirrors.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .spreadsheets import csv_row, xlsx_row

CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
ABOUT_TITLE = "คำอธิบาย About"
# The Excel formats of a percentage and of a change in percentage points, as written.
PERCENT_FORMAT = "0.0"
POINTS_FORMAT = "+0.0;-0.0;0.0"
PERCENT_NOTE = (
    "ร้อยละ / Percentages",
    "สัดส่วนทุกค่า (เช่น ร้อยละครัวเรือนที่คัดแยกขยะ) เขียนเป็นร้อยละ 0–100 ทศนิยม 1 ตำแหน่ง "
    "(59.1 = ร้อยละ 59.1) ในคอลัมน์ที่มี (%) การเปลี่ยนแปลงของสัดส่วนเป็นจุดร้อยละ "
    "ทศนิยม 1 ตำแหน่ง ในคอลัมน์ที่มี (จุด) / Every share (participation and the like) is a "
    "percentage from 0 to 100 with one decimal (59.1 means 59.1%) in a column marked (%); "
    "a change of a share is in percentage points, one decimal, in a column marked (pp). "
    "Each figure is rounded on its own, so a change can differ by 0.1 from the difference "
    "of the rounded values.",
)


def _one_decimal(value: float | int | Decimal | None) -> float | None:
    if value is None:
        return None
    rounded = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(rounded) + 0.0  # + 0.0: never a "-0.0" in a file


def percent(ratio: float | int | Decimal | None) -> float | None:
    """Return a share (0-1) as every data file writes it: a percentage, one decimal."""
    return _one_decimal(ratio)


def points(change: float | int | Decimal | None) -> float | None:
    """Return a change of a share (a difference of ratios) in percentage points, one decimal."""
    return _one_decimal(change)


def csv_bytes(lines: Iterable[Iterable[Any]]) -> bytes:
    """CSV bytes of ``lines``: UTF-8 with a BOM, CRLF, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(csv_row(line) for line in lines)
    # The BOM is what makes Excel read the file as UTF-8 (the Thai) instead of the ANSI page.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def style_header(cells: Iterable[Any]) -> None:
    fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in cells:
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_about(book: Any, lines: Iterable[tuple[str, str]]) -> None:
    """Add the About sheet: ``lines`` (label, text), then how the file writes percentages."""
    about = book.create_sheet(ABOUT_TITLE)
    for label, value in [*lines, PERCENT_NOTE]:
        about.append(xlsx_row(about, [label, value]))
    for (cell,) in about.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
    for (cell,) in about.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 90


@dataclass(frozen=True)
class TableColumn:
    key: str
    th: str
    en: str
    # Excel number format of the column's cells (PERCENT_FORMAT for shares).
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
    return csv_bytes([
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
    style_header(sheet[header_row])
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
    write_about(book, table.about)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def render_table(table: Table, fmt: str) -> bytes:
    """Return a dashboard table in ``fmt`` (csv or xlsx)."""
    return table_csv(table) if fmt == "csv" else table_xlsx(table)
