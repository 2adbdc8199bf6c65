"""Dates as Thai officials read them: the local day, the Buddhist Era and the fiscal year."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TZ = "Asia/Bangkok"


def local_zone() -> ZoneInfo:
    name = current_app.config.get("TIMEZONE", DEFAULT_TZ) if has_app_context() else DEFAULT_TZ
    return ZoneInfo(name)


def local_today() -> dt.date:
    """Return today's date in Thailand: a log for "today" is dated by the local day, not UTC."""
    return dt.datetime.now(local_zone()).date()


def be_year(day: dt.date) -> int:
    """Return the Buddhist Era year (CE + 543)."""
    return day.year + 543


THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)


def thai_date(day: dt.date) -> str:
    """Return a date as a Thai official writes it: 25 พฤศจิกายน 2569."""
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {be_year(day)}"


def fiscal_year(day: dt.date) -> int:
    """Return the BE fiscal year a day falls in (1 Oct - 30 Sep, named by the year it ends)."""
    return be_year(day) + (1 if day.month >= 10 else 0)
