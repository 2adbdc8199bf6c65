"""The GeoReport v2 shapes of Khaya's reports: services, service requests, tokens and errors, in
JSON and in XML.

A service is a report type; a jurisdiction is an LGO (its code); a service request is a report.
Statuses fold to GeoReport's two: ``open`` (open, acknowledged, in progress) and ``closed``. A
request never carries who made it: no name, phone, e-mail or account, whoever reads it. Its
``media_url`` is the picture the reporter linked, if any; photos uploaded to Khaya stay with the
LGO (they may show people).

XML is written with the standard library's ElementTree, which escapes every text and attribute;
Khaya never parses XML, so no XML parser is exposed to what clients send.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from ..common.time import local_zone
from ..reports.models import Report, ReportStatus, ReportType

SERVICES: dict[ReportType, dict[str, Any]] = {
    ReportType.illegal_dumping: {
        "en": ("Illegal dumping", "Waste dumped by a road, in a field or a waterway."),
        "th": ("ทิ้งขยะไม่ถูกที่", "ขยะถูกทิ้งริมถนน ในที่ว่าง หรือในลำน้ำ"),
        "keywords": "dumping,litter,ทิ้งขยะ", "group": "waste",
    },
    ReportType.open_burning: {
        "en": ("Open burning", "Waste being burnt in the open."),
        "th": ("เผาขยะกลางแจ้ง", "มีการเผาขยะในที่โล่ง"),
        "keywords": "burning,smoke,เผาขยะ,ควัน", "group": "waste",
    },
    ReportType.collection_point: {
        "en": ("Collection point overflowing or damaged",
               "A bin, drop-off or recycling point that is full, overflowing or broken."),
        "th": ("จุดรวบรวมขยะล้นหรือชำรุด", "ถังหรือจุดรับขยะเต็ม ล้น หรือเสียหาย"),
        "keywords": "bin,overflow,ถังขยะ,ล้น", "group": "collection",
    },
    ReportType.missed_collection: {
        "en": ("Missed collection", "The collection did not come on its day."),
        "th": ("รถเก็บขยะไม่มาตามนัด", "ไม่มีการเก็บขยะในวันที่กำหนด"),
        "keywords": "collection,truck,เก็บขยะ", "group": "collection",
    },
    ReportType.hazardous_found: {
        "en": ("Hazardous waste found", "Batteries, bulbs, chemicals or e-waste left out."),
        "th": ("พบขยะอันตราย", "พบถ่านไฟฉาย หลอดไฟ สารเคมี หรือขยะอิเล็กทรอนิกส์ถูกทิ้ง"),
        "keywords": "hazardous,battery,chemical,ขยะอันตราย", "group": "waste",
    },
    ReportType.other: {
        "en": ("Other", "Any other problem with waste."),
        "th": ("อื่น ๆ", "ปัญหาอื่นเกี่ยวกับขยะ"),
        "keywords": "other,อื่นๆ", "group": "waste",
    },
}


def services(lang: str) -> list[dict[str, Any]]:
    return [service(code, lang) for code in ReportType]


def service(code: ReportType, lang: str) -> dict[str, Any]:
    known = SERVICES[code]
    name, description = known["th" if lang == "th" else "en"]
    return {"service_code": code.value, "service_name": name, "description": description,
            "metadata": False, "type": "realtime", "keywords": known["keywords"],
            "group": known["group"]}


def definition(code: ReportType) -> dict[str, Any]:
    """A service's definition: Khaya's services ask for no attributes beyond the standard."""
    return {"service_code": code.value, "attributes": []}


def moment(value: dt.datetime | None) -> str | None:
    """A W3C date-time in Thailand's time (GeoReport shows local time with its offset)."""
    if value is None:
        return None
    return value.astimezone(local_zone()).isoformat(timespec="seconds")


def request_view(report: Report, lon: float, lat: float, lgo_name: str,
                 lang: str) -> dict[str, Any]:
    """A report as a GeoReport service request: nothing about who made it."""
    name = SERVICES[report.type]["th" if lang == "th" else "en"][0]
    closed = report.status is ReportStatus.closed
    return {
        "service_request_id": str(report.id),
        "status": "closed" if closed else "open",
        "status_notes": report.close_note if closed else _status_note(report.status, lang),
        "service_name": name,
        "service_code": report.type.value,
        "description": report.description,
        "agency_responsible": lgo_name,
        "service_notice": "",
        "requested_datetime": moment(report.reported_at),
        "updated_datetime": moment(report.updated_at),
        "expected_datetime": None,
        "address": "",
        "address_id": "",
        "zipcode": "",
        "lat": round(lat, 6),
        "long": round(lon, 6),
        "media_url": report.media_url or "",
    }


_NOTES = {
    ReportStatus.open: ("Received; waiting for the LGO.", "ได้รับแล้ว รอ อปท. ดำเนินการ"),
    ReportStatus.acknowledged: ("The LGO has seen it.", "อปท. รับทราบแล้ว"),
    ReportStatus.in_progress: ("The LGO is working on it.", "อปท. กำลังดำเนินการ"),
}


def _status_note(status: ReportStatus, lang: str) -> str:
    english, thai = _NOTES[status]
    return thai if lang == "th" else english


def errors(code: int, description: str) -> list[dict[str, Any]]:
    return [{"code": code, "description": description}]


# XML -----------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _element(parent: ET.Element, tag: str, fields: dict[str, Any]) -> ET.Element:
    node = ET.SubElement(parent, tag)
    for key, value in fields.items():
        if isinstance(value, list):
            holder = ET.SubElement(node, key)
            for item in value:
                _element(holder, key.removesuffix("s"), item)
        else:
            ET.SubElement(node, key).text = _text(value)
    return node


def to_xml(root: str, item: str, rows: list[dict[str, Any]] | dict[str, Any]) -> bytes:
    """``rows`` as ``<root><item>...</item>...</root>`` (a dict: ``<root>`` holds its fields)."""
    top = ET.Element(root)
    if isinstance(rows, dict):
        for key, value in rows.items():
            if isinstance(value, list):
                holder = ET.SubElement(top, key)
                for entry in value:
                    _element(holder, key.removesuffix("s"), entry)
            else:
                ET.SubElement(top, key).text = _text(value)
    else:
        for row in rows:
            _element(top, item, row)
    return ET.tostring(top, encoding="utf-8", xml_declaration=True)
