"""The dashboards as tables: league tables, indicator tables and series for CSV and XLSX.

Each builder takes what the analytics JSON endpoint answers (``analytics.services``) and lays
it out as a ``common.writers.Table``: title lines naming the indicator, its unit and the period (in
Thai with the Buddhist Era when ``lang`` is th), then one row per area or period. Shares (the
``ratio`` unit) are written as every data file writes them: percentages with one decimal, and
their changes in percentage points (``common.writers.percent`` and ``points``); every other
number is the JSON's own, unrounded further and unconverted, so a file and its JSON agree cell
by cell. Aggregates only: no household appears in any of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..common.time import THAI_MONTHS, be_year, local_today, thai_date
from ..common.writers import (
    PERCENT_FORMAT,
    POINTS_FORMAT,
    Table,
    TableColumn,
    percent,
    points,
)
from .indicators import INDICATORS
from .periods import CUSTOM, DAY, FISCAL_YEAR, MONTH
from .territory import load

EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


@dataclass(frozen=True)
class Label:
    th: str
    en: str

    def __call__(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


# What each indicator is called, and what its numerator and denominator count, in Thai and
# English: the files' titles and the printed summary's footnote.
INDICATOR_LABELS: dict[str, tuple[Label, Label, Label]] = {
    "participation": (
        Label("การมีส่วนร่วมคัดแยกขยะ", "Sorting participation"),
        Label("ครัวเรือนที่บันทึกการคัดแยกขยะในช่วงเวลา", "occupied households that logged"),
        Label("ครัวเรือนที่อยู่อาศัยในทะเบียน", "occupied registered households")),
    "wet_bin_coverage": (
        Label("ความครอบคลุมถังขยะเปียก", "Wet-bin coverage"),
        Label("ครัวเรือนที่มีถังขยะเปียกผ่านการตรวจ (รวมถังรวม/ไม่มีพื้นที่)",
              "households with a verified wet-bin arrangement"),
        Label("ครัวเรือนที่อยู่อาศัยในทะเบียน", "occupied registered households")),
    "verified_compliance": (
        Label("การผ่านการตรวจถังขยะเปียก", "Verified compliance"),
        Label("ครัวเรือนที่ผลตรวจล่าสุดผ่าน", "households whose latest inspection passed"),
        Label("ครัวเรือนที่ได้รับการตรวจ", "households inspected")),
    "bank_membership": (
        Label("สมาชิกธนาคารขยะ", "Waste-bank membership"),
        Label("ครัวเรือนที่มีบัญชีธนาคารขยะ", "households with a waste-bank account"),
        Label("ครัวเรือนที่อยู่อาศัยในทะเบียน", "occupied registered households")),
    "bank_activity": (
        Label("การฝากธนาคารขยะ", "Waste-bank activity"),
        Label("ครัวเรือนสมาชิกที่ฝากขยะในช่วงเวลา", "member households that deposited"),
        Label("ครัวเรือนสมาชิก", "member households")),
    "bank_kg": (
        Label("ขยะที่ฝากธนาคารขยะ", "Waste-bank deposits"),
        Label("กิโลกรัมที่ฝาก", "kg deposited at waste banks"),
        Label("ครัวเรือนที่อยู่อาศัยในทะเบียน", "occupied registered households")),
    "hazardous_kg_per_1000": (
        Label("ขยะอันตรายที่จุดรวบรวม", "Hazardous waste collected"),
        Label("กิโลกรัมที่รวบรวมได้ที่จุดทิ้งขยะอันตราย",
              "hazardous kg collected at drop-off points"),
        Label("ประชากรในทะเบียน", "residents")),
    "kg_by_stream": (
        Label("ขยะที่ชั่งจากการคัดแยก", "Waste weighed in sorting logs"),
        Label("กิโลกรัมที่บันทึกในการคัดแยก", "kg weighed in sorting logs"),
        Label("ครัวเรือนที่อยู่อาศัยในทะเบียน", "occupied registered households")),
    "carbon_tco2e": (
        Label("ก๊าซเรือนกระจกที่ลดได้", "Greenhouse gas avoided"),
        Label("ประชากรในครัวเรือนที่มีถังขยะเปียกผ่านการตรวจ",
              "persons in verified wet-bin households"),
        Label("ประชากรในทะเบียน", "residents")),
    "reports_per_1000": (
        Label("เรื่องแจ้งปัญหาขยะ", "Citizen reports"),
        Label("เรื่องที่ได้รับ", "citizen reports received"),
        Label("ครัวเรือนที่อยู่อาศัยในทะเบียน", "occupied registered households")),
    "report_close_days": (
        Label("วันที่ใช้ปิดเรื่อง (มัธยฐาน)", "Days to close a report (median)"),
        Label("เรื่องที่ปิด", "reports closed"),
        Label("เรื่องที่ปิด", "reports closed")),
}
# The units as the files write them: a share (the API's ratio, 0-1) as a percentage.
UNIT_LABELS: dict[str, Label] = {
    "ratio": Label("ร้อยละ (0–100, ทศนิยม 1 ตำแหน่ง)", "percent (0–100, one decimal)"),
    "kg_per_household": Label("กิโลกรัมต่อครัวเรือน", "kg per household"),
    "kg_per_1000_residents": Label("กิโลกรัมต่อประชากร 1,000 คน", "kg per 1,000 residents"),
    "tco2e": Label("ตันคาร์บอนไดออกไซด์เทียบเท่า (tCO2e)", "tonnes CO2 equivalent (tCO2e)"),
    "reports_per_1000_households": Label("เรื่องต่อครัวเรือน 1,000 ครัวเรือน",
                                         "reports per 1,000 households"),
    "days": Label("วัน", "days"),
}
LEVEL_LABELS: dict[str, Label] = {
    "village": Label("หมู่บ้าน/ชุมชน", "villages and communities"),
    "tambon": Label("ตำบล", "tambons"),
    "lgo": Label("องค์กรปกครองส่วนท้องถิ่น", "local government organisations"),
    "district": Label("อำเภอ", "districts"),
    "province": Label("จังหวัด", "provinces"),
}
VALUE_FORMATS = {"ratio": PERCENT_FORMAT, "kg_per_household": "#,##0.000",
                 "kg_per_1000_residents": "#,##0.000", "tco2e": "#,##0.0000",
                 "reports_per_1000_households": "#,##0.00", "days": "#,##0.0"}
CHANGE_FORMATS = {"ratio": POINTS_FORMAT, "tco2e": "+#,##0.0000;-#,##0.0000;0"}
# What a column of values, and one of changes, says after its name, by unit.
VALUE_SUFFIX: dict[str, Label] = {"ratio": Label(" (%)", " (%)")}
CHANGE_SUFFIX: dict[str, Label] = {"ratio": Label(" (จุด)", " (pp)")}


def file_value(value: Any, unit: str) -> Any:
    """Return a figure's value as the files write it: a share as a percentage."""
    return percent(value) if unit == "ratio" else value


def file_change(change: Any, unit: str) -> Any:
    """Return a change as the files write it: of a share, in percentage points."""
    return points(change) if unit == "ratio" else change


def _suffixed(column: TableColumn, suffixes: Mapping[str, Label], unit: str) -> TableColumn:
    if unit not in suffixes:
        return column
    suffix = suffixes[unit]
    return TableColumn(column.key, column.th + suffix.th, column.en + suffix.en,
                       column.number_format, column.width)


def indicator_label(name: str, lang: str) -> str:
    return INDICATOR_LABELS[name][0](lang) if name in INDICATOR_LABELS else name


def unit_label(unit: str, lang: str) -> str:
    return UNIT_LABELS[unit](lang) if unit in UNIT_LABELS else unit


def _month_name(day: dt.date, lang: str) -> str:
    if lang == "th":
        return f"{THAI_MONTHS[day.month - 1]} {be_year(day)}"
    return f"{EN_MONTHS[day.month - 1]} {day.year}"


def period_label(period: Mapping[str, Any], lang: str) -> str:
    """Return a period as a reader writes it: ``ตุลาคม 2567``, ``ปีงบประมาณ พ.ศ. 2568``; one
    still running says how far it has come: ``ธันวาคม 2569 (ถึงวันนี้ 2 จาก 31 วัน)``."""
    label = _period_label(period, lang)
    if period.get("complete") is False and period["kind"] != DAY:
        elapsed, days = period["elapsed_days"], period["days"]
        label += (f" (ถึงวันนี้ {elapsed} จาก {days} วัน)" if lang == "th"
                  else f" (to date, {elapsed} of {days} days)")
    return label


def _period_label(period: Mapping[str, Any], lang: str) -> str:
    kind, start, end = period["kind"], period["start"], period["end"]
    if kind == MONTH:
        return _month_name(start, lang)
    if kind == FISCAL_YEAR:
        be = int(str(period["label"])[2:])
        if lang == "th":
            return f"ปีงบประมาณ พ.ศ. {be} ({thai_date(start)} – {thai_date(end)})"
        return f"Fiscal year {be} BE ({start:%d %b %Y} – {end:%d %b %Y})"
    if kind == DAY:
        return thai_date(start) if lang == "th" else start.isoformat()
    assert kind == CUSTOM, kind
    if lang == "th":
        return f"{thai_date(start)} – {thai_date(end)}"
    return f"{start.isoformat()} – {end.isoformat()}"


def place_name(code: str | None, lang: str) -> str:
    """Return the name of the area a code names (any level); the whole province without one."""
    territory = load()
    if code is None:
        return "ทุกพื้นที่ที่เข้าถึงได้" if lang == "th" else "every area in reach"
    area = territory.get(territory.level_of(code), code)
    return area.name_th if lang == "th" else area.name_en


def _name(row: Mapping[str, Any], prefix: str, lang: str) -> Any:
    return row.get(f"{prefix}name_th" if lang == "th" else f"{prefix}name_en")


def _about(lang: str, threshold: int) -> list[tuple[str, str]]:
    today = local_today()
    return [
        ("แหล่งข้อมูล / Source", "Khaya: ระบบติดตามการคัดแยกขยะชุมชน จังหวัดลำพูน"),
        ("จัดทำเมื่อ / Made on", f"{thai_date(today)} ({today.isoformat()})"),
        ("หมายเหตุ / Notes",
         "ตัวเลขรวมระดับพื้นที่ ไม่มีข้อมูลส่วนบุคคล / Area totals only, no personal data. "
         f"ตัวหารน้อยกว่า {threshold} ไม่จัดอันดับ / Denominators under {threshold} are "
         "flagged small and left unranked."),
    ]


def _made_line(lang: str, threshold: int) -> str:
    today = local_today()
    if lang == "th":
        return (f"จัดทำเมื่อ {thai_date(today)} · ตัวหารน้อยกว่า {threshold} "
                "ถือว่าตัวหารน้อย ไม่จัดอันดับ · ข้อมูลรวม ไม่มีข้อมูลส่วนบุคคล")
    return (f"Made on {today.isoformat()} · denominators under {threshold} are small and "
            "unranked · aggregates only, no personal data")


def league_table(league: Mapping[str, Any], lang: str) -> Table:
    """Return ``/analytics/league``'s answer as a table: one row per league row."""
    name = league["indicator"]
    unit = league["rows"][0]["unit"] if league["rows"] else _unit_of(name)
    threshold = league["small_denominator_threshold"]
    th = lang == "th"
    title = [
        f"{'ตารางอันดับ' if th else 'League table'}: {indicator_label(name, lang)}",
        f"{'หน่วย' if th else 'Unit'}: {unit_label(unit, lang)}",
        (f"{'ช่วงเวลา' if th else 'Period'}: {period_label(league['period'], lang)} "
         f"({'เทียบกับ' if th else 'compared with'} "
         f"{period_label(league['previous_period'], lang)})"),
        (f"{'พื้นที่' if th else 'Areas'}: {LEVEL_LABELS[league['level']](lang)} "
         f"{'ใน' if th else 'in'} {place_name(league['parent'], lang)}"),
        _made_line(lang, threshold),
    ]
    columns = [
        TableColumn("rank", "อันดับ", "Rank", width=8),
        TableColumn("code", "รหัส", "Code", width=14),
        TableColumn("name", "ชื่อพื้นที่", "Name", width=34),
        TableColumn("district_code", "รหัสอำเภอ", "District code", width=10),
        TableColumn("district", "อำเภอ", "District", width=18),
        _suffixed(TableColumn("value", "ค่า", "Value", VALUE_FORMATS.get(unit, "General")),
                  VALUE_SUFFIX, unit),
        TableColumn("numerator", "ตัวตั้ง", "Numerator"),
        TableColumn("denominator", "ตัวหาร", "Denominator"),
        TableColumn("small_denominator", "ตัวหารน้อย", "Small denominator", width=10),
        _suffixed(TableColumn("previous_value", "ค่าช่วงก่อน", "Previous value",
                              VALUE_FORMATS.get(unit, "General")), VALUE_SUFFIX, unit),
        _suffixed(TableColumn("change", "เปลี่ยนแปลง", "Change",
                              CHANGE_FORMATS.get(unit, "General")), CHANGE_SUFFIX, unit),
    ]
    rows = [{
        "rank": row["rank"], "code": row["code"], "name": _name(row, "", lang),
        "district_code": row.get("district_code"), "district": _name(row, "district_", lang),
        "value": file_value(row["value"], unit), "numerator": row["numerator"],
        "denominator": row["denominator"], "small_denominator": row["small_denominator"],
        "previous_value": file_value(row["previous"]["value"], unit),
        "change": file_change(row["change"], unit),
    } for row in league["rows"]]
    return Table("ตารางอันดับ" if th else "League", lang, title, columns, rows,
                 _about(lang, threshold))


def _unit_of(name: str) -> str:
    return INDICATORS[name].unit


def _figure_columns(names: Sequence[str], lang: str) -> list[TableColumn]:
    columns = []
    for name in names:
        label, unit = indicator_label(name, lang), _unit_of(name)
        shown = "%" if unit == "ratio" else unit_label(unit, lang)
        columns += [
            TableColumn(f"{name}.value", f"{label}: ค่า ({shown})", f"{label}: value ({shown})",
                        VALUE_FORMATS.get(unit, "General"), width=16),
            TableColumn(f"{name}.numerator", f"{label}: ตัวตั้ง", f"{label}: numerator"),
            TableColumn(f"{name}.denominator", f"{label}: ตัวหาร", f"{label}: denominator"),
            TableColumn(f"{name}.small_denominator", f"{label}: ตัวหารน้อย",
                        f"{label}: small denominator", width=10),
        ]
    return columns


def _figure_cells(figures: Mapping[str, Mapping[str, Any]],
                  names: Sequence[str]) -> dict[str, Any]:
    cells = {}
    for name in names:
        figure = figures[name]
        cells[f"{name}.value"] = file_value(figure["value"], _unit_of(name))
        for key in ("numerator", "denominator", "small_denominator"):
            cells[f"{name}.{key}"] = figure[key]
    return cells


def _indicator_lines(names: Sequence[str], lang: str) -> list[str]:
    th = lang == "th"
    return [f"{'ตัวชี้วัด' if th else 'Indicators'}: " + "; ".join(
        f"{indicator_label(n, lang)} ({unit_label(_unit_of(n), lang)})" for n in names)]


def indicator_table(table: Mapping[str, Any], lang: str, parent: str | None) -> Table:
    """Return ``/analytics/indicators``'s answer as a table: one row per area."""
    names = table["indicators"]
    th = lang == "th"
    title = [
        f"{'ตัวชี้วัดรายพื้นที่' if th else 'Indicators by area'}: "
        f"{LEVEL_LABELS[table['level']](lang)}"
        + (f" {'ใน' if th else 'in'} {place_name(parent, lang)}" if parent else ""),
        *_indicator_lines(names, lang),
        f"{'ช่วงเวลา' if th else 'Period'}: {period_label(table['period'], lang)}",
        _made_line(lang, table["small_denominator_threshold"]),
    ]
    columns = [
        TableColumn("code", "รหัส", "Code"),
        TableColumn("name", "ชื่อพื้นที่", "Name", width=34),
        TableColumn("district_code", "รหัสอำเภอ", "District code", width=10),
        TableColumn("district", "อำเภอ", "District", width=18),
        *_figure_columns(names, lang),
    ]
    rows = [{"code": area["code"], "name": _name(area, "", lang),
             "district_code": area.get("district_code"),
             "district": _name(area, "district_", lang),
             **_figure_cells(area["indicators"], names)} for area in table["areas"]]
    return Table("ตัวชี้วัด" if th else "Indicators", lang, title, columns, rows,
                 _about(lang, table["small_denominator_threshold"]))


def series_table(series: Mapping[str, Any], lang: str, threshold: int) -> Table:
    """Return ``/analytics/series``'s answer as a table: one row per period."""
    names = series["indicators"]
    th = lang == "th"
    title = [
        f"{'ตัวชี้วัดตามช่วงเวลา' if th else 'Indicators over time'}: "
        f"{_name(series, '', lang)} ({series['code']})",
        *_indicator_lines(names, lang),
        _made_line(lang, threshold),
    ]
    columns = [
        TableColumn("period", "ช่วงเวลา", "Period", width=24),
        TableColumn("code", "รหัสช่วงเวลา", "Period code", width=12),
        TableColumn("start", "วันแรก", "First day", width=12),
        TableColumn("end", "วันสุดท้าย", "Last day", width=12),
        *_figure_columns(names, lang),
    ]
    rows = [{"period": period_label(point["period"], lang), "code": point["period"]["label"],
             "start": point["period"]["start"].isoformat(),
             "end": point["period"]["end"].isoformat(),
             **_figure_cells(point["indicators"], names)} for point in series["points"]]
    return Table("ช่วงเวลา" if th else "Series", lang, title, columns, rows,
                 _about(lang, threshold))


def _slug(text: str) -> str:
    return text.replace("/", "_")


def filename(kind: str, fmt: str, *parts: str | None) -> str:
    """Return an ASCII file name: ``khaya-<kind>-<part>-...<fmt>`` (codes and periods only)."""
    return "-".join(["khaya", kind, *(_slug(p) for p in parts if p)]) + f".{fmt}"
