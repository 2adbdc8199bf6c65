"""Cells of the CSV and XLSX files Khaya writes: text people typed never becomes a formula.

A name such as ``=HYPERLINK("http://evil.example","click")`` (an LGO's, a village's, a
household's) is kept as typed in the database, but a spreadsheet that opens an export must
show it as text. Otherwise a click, or Excel's DDE on a cell such as ``=cmd|' /C calc'!A0``,
runs what a stranger typed on an officer's PC (OWASP, CSV injection).

- CSV: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
  a leading apostrophe (OWASP's rule), which spreadsheets read as "this is text" and hide.
  Numbers are not text: a negative figure is written as it is and stays a number, and so is a
  text cell that is nothing but a number (``-12.5``), which no spreadsheet runs.
- XLSX: every text cell is stored as a string, never as a formula (openpyxl would otherwise turn
  a value starting with ``=`` into one), and those starting like a formula are marked
  ``quotePrefix`` so that editing the cell in Excel keeps it text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def starts_like_formula(text: str) -> bool:
    """Tell whether a spreadsheet could read ``text`` as a formula."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value: Any) -> Any:
    """Return ``value`` as it may go into a CSV cell."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in values]


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Return ``values`` ready for ``sheet.append``: text as string cells, never formulas."""
    row: list[Any] = []
    for value in values:
        if isinstance(value, str):
            cell = Cell(sheet, value=value)
            cell.data_type = "s"
            if starts_like_formula(value):
                cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row
