"""CSV import of a household list, as LGO staff export it from Excel.

Every data row is registered the way ``POST /households`` would register it, each inside its own
savepoint: a bad row is rolled back alone and reported with its line number and the fields at
fault; the good rows are registered. A problem with the file itself (empty, not text, no header,
a required column missing, too many rows) refuses the whole file before anything is written.

A dry run does the same work inside one more savepoint that is rolled back at the end, so
duplicates within the file are still found and nothing (not even an audit row) is kept.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, IntegrityError

from ..errors import DomainError
from ..extensions import db
from . import services
from .errors import DuplicateHouseNumber, InvalidHousehold
from .schemas import HouseholdCreateSchema

_CREATE_SCHEMA = HouseholdCreateSchema()

MAX_ROWS = 5000
# Lines searched for the header, past any title lines Excel users put above it.
HEADER_SEARCH = 10
REQUIRED = ("village_code", "house_number")

# Column names as they may appear in the header; compared after ``_header_key``.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "village_code": ("village_code", "รหัสหมู่บ้าน"),
    "house_number": ("house_number", "บ้านเลขที่"),
    "members": ("members", "จำนวนสมาชิก"),
    "head_name": ("head_name", "ชื่อหัวหน้าครัวเรือน"),
    "phone": ("phone", "โทรศัพท์"),
    "occupancy": ("occupancy", "การอยู่อาศัย"),
    "wet_bin": ("wet_bin", "ถังขยะเปียก"),
    "lat": ("lat", "latitude", "ละติจูด"),
    "lon": ("lon", "lng", "longitude", "ลองจิจูด"),
    "gps_accuracy_m": ("gps_accuracy_m",),
    "registered_on": ("registered_on", "วันที่ลงทะเบียน"),
}
THAI_NAMES = {field: names[-1] for field, names in COLUMN_ALIASES.items() if len(names) > 1}

# Values as Thai staff type them, besides the API's own words.
OCCUPANCY_WORDS = {"อยู่อาศัย": "occupied", "มีคนอยู่": "occupied", "ว่าง": "vacant"}
WET_BIN_WORDS = {
    "มีถัง": "has_bin",
    "มี": "has_bin",
    "ถังรวม": "communal",
    "ใช้ถังรวม": "communal",
    "ไม่มีพื้นที่": "no_space",
    "ไม่มี": "none",
}

# Whitespace that Excel and Thai typing leave around values (Python's strip misses the last two).
_STRIP = " \t\r\n\u00a0\u200b\ufeff"
_HEADER_NOISE = re.compile(r"[\s_\-\u200b\ufeff]+")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_DMY_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_WHOLE_NUMBER = re.compile(r"^(\d+)\.0+$")
# Excel opens these as zip (xlsx) or OLE (xls) containers, not text.
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


def import_csv(content: bytes, *, dry_run: bool = False) -> dict[str, Any]:
    """Register the households of a CSV file; return the per-row report.

    Returns ``{"rows", "created", "rejected": [{"row", "errors"}], "dry_run"}`` where ``row``
    is the line of the file (the header is line 1). Raises ``InvalidHousehold`` (422) when the
    file itself cannot be read; then nothing is written.
    """
    text = _decode(content)
    header_line, columns, rows = _parse(text)
    limit = current_app.config.get("HOUSEHOLD_IMPORT_MAX_ROWS", MAX_ROWS)
    if len(rows) > limit:
        raise InvalidHousehold(
            f"A file may hold at most {limit:,} households; this one has {len(rows):,}. "
            "Split it into smaller files.",
            message_th=f"ไฟล์หนึ่งมีได้ไม่เกิน {limit:,} ครัวเรือน ไฟล์นี้มี {len(rows):,}"
                       " ให้แบ่งเป็นไฟล์ที่เล็กลง",
            errors={"file": [f"At most {limit:,} data rows per file."]},
        )
    if not rows:
        raise InvalidHousehold(
            "The file has a header but no households.",
            message_th="ไฟล์มีแถวหัวตารางแต่ไม่มีครัวเรือน",
            errors={"file": [f"No data rows after the header on line {header_line}."]},
        )

    report: dict[str, Any] = {"rows": len(rows), "created": 0, "rejected": [], "dry_run": dry_run}
    outer = db.session.begin_nested() if dry_run else None
    try:
        seen: dict[tuple[str, str], int] = {}
        for line, cells in rows:
            errors = _import_row(columns, cells, line, seen)
            if errors:
                report["rejected"].append({"row": line, "errors": errors})
            else:
                report["created"] += 1
    finally:
        if outer is not None:
            outer.rollback()
    return report


# The file ------------------------------------------------------------------------------------


def _decode(content: bytes) -> str:
    """Return the file's text: UTF-8 (Excel's "CSV UTF-8", with or without BOM), else Thai."""
    if not content or not content.strip():
        raise InvalidHousehold(
            "The file is empty.", message_th="ไฟล์ว่างเปล่า",
            errors={"file": ["Upload a CSV file with a header line."]},
        )
    if content.startswith(_SPREADSHEET_MAGIC):
        raise InvalidHousehold(
            "This is an Excel workbook, not a CSV file.",
            message_th="ไฟล์นี้เป็นสมุดงาน Excel ไม่ใช่ไฟล์ CSV",
            errors={"file": ['In Excel, use "Save As" and choose "CSV UTF-8".']},
        )
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)  # Excel's "Unicode Text"
    else:
        encodings = ("utf-8-sig", "cp874")  # cp874 (Windows Thai) is a superset of TIS-620
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break  # binary data, not text
        return unicodedata.normalize("NFC", text)
    raise InvalidHousehold(
        "This is not a CSV text file.",
        message_th="ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV",
        errors={"file": ['Not UTF-8 or Thai text; in Excel, choose "Save As" > "CSV UTF-8".']},
    )


def _header_key(name: str) -> str:
    return _HEADER_NOISE.sub("", name).casefold()


_FIELD_BY_HEADER = {
    _header_key(alias): field for field, aliases in COLUMN_ALIASES.items() for alias in aliases
}


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line, cells)`` for each record; ``line`` is where it starts in the file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    line = 1
    for cells in reader:
        yield line, cells
        line = reader.line_num + 1


def _header(text: str) -> tuple[str, int, list[str]]:
    """Return the delimiter, line and cells of the header.

    The header is the record, among the first few that are not blank, naming the most known
    columns (a title line above it is skipped); the delimiter is the one of comma, semicolon
    and tab that finds the most. With no known column at all, the first record is taken.
    """
    best: tuple[int, str, int, list[str]] | None = None
    readable = False
    for delimiter in (",", ";", "\t"):
        try:
            candidates = []
            for line, cells in _records(text, delimiter):
                if any(_clean(cell) for cell in cells):
                    candidates.append((line, cells))
                    if len(candidates) == HEADER_SEARCH:
                        break
        except csv.Error:
            continue
        readable = True
        for line, cells in candidates:
            known = len({_FIELD_BY_HEADER.get(_header_key(cell)) for cell in cells} - {None})
            # More known columns wins; then the earlier line; then the earlier delimiter.
            if best is None or (known, -line) > (best[0], -best[2]):
                best = (known, delimiter, line, cells)
    if best is None:
        if readable:
            return ",", 0, []
        raise _not_csv()
    return best[1], best[2], best[3]


def _parse(text: str) -> tuple[int, dict[str, int], list[tuple[int, list[str]]]]:
    """Return the header line, each known column's index and the non-blank data rows."""
    delimiter, header_line, header = _header(text)
    if not header:
        raise InvalidHousehold(
            "The file is empty.", message_th="ไฟล์ว่างเปล่า",
            errors={"file": ["Upload a CSV file with a header line."]},
        )
    columns: dict[str, int] = {}
    twice: list[str] = []
    for index, name in enumerate(header):
        field = _FIELD_BY_HEADER.get(_header_key(name))
        if field is None:
            continue  # a column of the LGO's own: ignored
        if field in columns:
            twice.append(f"{field} ({_clean(header[columns[field]])}, {_clean(name)})")
        else:
            columns[field] = index
    if twice:
        raise InvalidHousehold(
            f"Columns given twice: {'; '.join(twice)}.",
            message_th=f"มีคอลัมน์ซ้ำกัน: {'; '.join(twice)}",
            errors={"columns": [f"Given twice: {', '.join(twice)}."]},
        )
    missing = [field for field in REQUIRED if field not in columns]
    if ("lat" in columns) != ("lon" in columns):
        missing.append("lon" if "lat" in columns else "lat")
    if missing:
        named = ", ".join(
            f"{field} ({THAI_NAMES[field]})" if field in THAI_NAMES else field for field in missing
        )
        if {"lat", "lon"} & set(missing):
            named += "; latitude and longitude go together"
        found = "none of the known columns" if not columns else "only " + ", ".join(columns)
        found_th = "ไม่มีคอลัมน์ที่รู้จัก" if not columns else "เฉพาะ " + ", ".join(columns)
        raise InvalidHousehold(
            f"Missing required column(s): {named}. The first line must be the header "
            f"(found {found}).",
            message_th=f"ขาดคอลัมน์ที่จำเป็น: {named} บรรทัดแรกต้องเป็นหัวตาราง"
                       f" (พบ {found_th})",
            errors={"columns": [f"Missing required column(s): {named}."]},
        )
    try:
        rows = [
            (line, cells)
            for line, cells in _records(text, delimiter)
            if line > header_line and any(_clean(cell) for cell in cells)
        ]
    except csv.Error as error:
        raise _not_csv(str(error)) from None
    return header_line, columns, rows


def _not_csv(detail: str | None = None) -> InvalidHousehold:
    return InvalidHousehold(
        "This is not a readable CSV file.",
        message_th="อ่านไฟล์ CSV นี้ไม่ได้",
        errors={"file": [detail or 'In Excel, choose "Save As" > "CSV UTF-8".']},
    )


# One row -------------------------------------------------------------------------------------


def _clean(cell: str) -> str:
    return cell.strip(_STRIP)


def _import_row(
    columns: dict[str, int], cells: list[str], line: int, seen: dict[tuple[str, str], int]
) -> dict[str, list[str]]:
    """Register one row in its own savepoint; return its errors (empty when it was added)."""
    values = {field: _clean(cells[index]) for field, index in columns.items() if index < len(cells)}
    raw, errors = _row_data({field: value for field, value in values.items() if value})
    try:
        data = _CREATE_SCHEMA.load(raw)
    except ValidationError as error:
        _merge(errors, error.messages)
    if errors:
        return errors

    key = (data["village_code"], data["house_number"])
    try:
        with db.session.begin_nested():
            services.register_household(data)
    except DuplicateHouseNumber as error:
        if key in seen:
            return {"house_number": [f"{key[1]} is already on line {seen[key]} of this file."]}
        return _domain_errors(error)
    except DomainError as error:
        return _domain_errors(error)
    except (IntegrityError, DataError) as error:
        # A database rule the schema does not check: the row is refused, never the file.
        constraint = getattr(getattr(error.orig, "diag", None), "constraint_name", None)
        return {"row": [f"Refused by the database ({constraint or 'invalid value'})."]}
    seen.setdefault(key, line)
    return {}


def _row_data(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Turn a row's text into the request body ``POST /households`` takes, and the errors."""
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for field in ("house_number", "head_name", "gps_accuracy_m"):
        if field in values:
            data[field] = values[field]
    if "village_code" in values:
        data["village_code"] = _whole_number(re.sub(r"\s+", "", values["village_code"]))
    if "members" in values:
        data["members"] = _whole_number(values["members"])
    if "phone" in values:
        data["phone"] = _phone(values["phone"])
    if "occupancy" in values:
        data["occupancy"] = _word(values["occupancy"], OCCUPANCY_WORDS)
    if "wet_bin" in values:
        data["wet_bin"] = _word(values["wet_bin"], WET_BIN_WORDS)
    if "registered_on" in values:
        day = _date(values["registered_on"])
        if day is None:
            errors["registered_on"] = [
                "Not a date: write 2026-11-25 or day/month/year, e.g. 25/11/2569 or 25/11/2026."
            ]
        else:
            data["registered_on"] = day.isoformat()
    if "lat" in values or "lon" in values:
        lat, lon = _coordinate(values, "lat", errors), _coordinate(values, "lon", errors)
        if lat is not None and lon is not None:
            if abs(lat) > 90 and abs(lon) <= 90:
                errors["lat"] = ["Latitude and longitude look swapped (latitude is about 18)."]
            else:
                data["point"] = {"type": "Point", "coordinates": [lon, lat]}
    return data, errors


def _whole_number(text: str) -> str:
    """Undo Excel writing a whole number as ``3.0``."""
    match = _WHOLE_NUMBER.match(text)
    return match.group(1) if match else text


def _phone(text: str) -> str:
    """Put back the leading 0 that Excel drops when a phone column is stored as a number."""
    digits = _whole_number(text)
    if digits.isascii() and digits.isdigit() and len(digits) in (8, 9) and digits[0] != "0":
        return "0" + digits
    return text


def _word(text: str, thai: dict[str, str]) -> str:
    return thai.get(text, re.sub(r"[\s-]+", "_", text.casefold()))


def _date(text: str) -> dt.date | None:
    """Read an ISO date or a Thai day/month/year; a year past 2400 is Buddhist Era."""
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DMY_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        return None
    if year > 2400:
        year -= 543
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _coordinate(values: dict[str, str], field: str, errors: dict[str, list[str]]) -> float | None:
    text = values.get(field)
    if text is None:
        errors[field] = ["Give both latitude and longitude, or leave both empty."]
        return None
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        errors[field] = ["Not a number in decimal degrees, e.g. 18.5743."]
        return None
    return number


def _domain_errors(error: DomainError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _merge(errors, error.errors or {"row": [error.message]})
    return errors


def _merge(errors: dict[str, list[str]], messages: Any, prefix: str = "") -> None:
    """Add marshmallow-style messages to ``errors`` as ``{field: [text]}``, nested keys dotted."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            _merge(errors, value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(messages, list | tuple):
        for message in messages:
            if isinstance(message, dict | list | tuple):
                _merge(errors, message, prefix)
            else:
                errors.setdefault(prefix or "row", []).append(str(message))
    else:
        errors.setdefault(prefix or "row", []).append(str(messages))
