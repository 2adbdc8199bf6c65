"""What each indicator counts, in words, for ``GET /analytics/definitions`` and the README.

The words must say exactly what ``indicators`` and ``registers`` compute: a provincial office
re-keys these figures into DLA's system and sells carbon credits on them, so a reader has to be
able to recompute every figure by hand from the register and the inspections.
"""

from __future__ import annotations

from typing import Any

# Register arrangements (households.wet_bin) that each indicator counts once verified. The SQL
# in ``registers`` filters on the same values.
COVERAGE_ARRANGEMENTS = ("has_bin", "communal", "no_space")
CARBON_ARRANGEMENTS = ("has_bin", "communal")
# Days in the DLA method's year, for the per-person yearly figure.
YEAR_DAYS = 365

_VERIFIED_EN = ("verified: its latest counted inspection on or before the period's end (or "
                "today while the period runs) passed all five points; a flagged inspection (far "
                "from the house, no GPS, mock location) counts only once the LGO accepts it, "
                "except that a flagged fail counts while it waits")
_VERIFIED_TH = ("ผ่านการตรวจ คือ ผลตรวจล่าสุดที่นับผลได้ ณ วันสิ้นงวด (หรือวันนี้ถ้างวดยังไม่จบ) "
                "ผ่านครบ 5 ข้อ ผลตรวจที่ตำแหน่งผิดปกติ (ห่างจากบ้าน ไม่มี GPS หรือตำแหน่งปลอม) "
                "นับเมื่อ อปท. รับรองแล้วเท่านั้น ยกเว้นผลไม่ผ่านซึ่งนับทันที")
_REGISTER_EN = ("occupied registered households at the period's end (or today while it runs)")
_REGISTER_TH = "ครัวเรือนที่อยู่อาศัยในทะเบียน ณ วันสิ้นงวด (หรือวันนี้ถ้างวดยังไม่จบ)"

TEXTS: dict[str, tuple[str, str]] = {
    "reports_per_1000": (
        f"Citizen reports (dumping, burning, collection points, missed collections, hazardous "
        f"waste, other) received in the period, reports merged into another as its duplicate "
        f"left out / {_REGISTER_EN} x 1,000; the village is the one whose area holds the "
        f"report's point.",
        f"เรื่องแจ้งปัญหาขยะที่ได้รับในงวด (ไม่นับเรื่องที่รวมเข้ากับเรื่องอื่นเพราะซ้ำ) / "
        f"{_REGISTER_TH} x 1,000 นับเข้าหมู่บ้านที่ตำแหน่งของเรื่องอยู่ในเขต"),
    "report_close_days": (
        "The median of the days from receipt to closing of the citizen reports closed in the "
        "period (merged duplicates left out); numerator and denominator are how many closed. "
        "Lower is better: leagues rank it lowest first.",
        "ค่ามัธยฐานของจำนวนวันตั้งแต่ได้รับจนปิดเรื่อง ของเรื่องแจ้งปัญหาขยะที่ปิดในงวด "
        "(ไม่นับเรื่องที่รวมเข้ากับเรื่องอื่น) ตัวตั้งและตัวหารคือจำนวนเรื่องที่ปิด ยิ่งน้อยยิ่งดี"),
    "participation": (
        f"Occupied households with at least one accepted (not voided) sorting log dated in the "
        f"period / {_REGISTER_EN}.",
        f"ครัวเรือนที่มีบันทึกการคัดแยก (ที่ไม่ถูกยกเลิก) ในงวดอย่างน้อย 1 ครั้ง / {_REGISTER_TH}"),
    "wet_bin_coverage": (
        f"Households whose register arrangement is an own bin, a communal bin or 'no space' and "
        f"that are {_VERIFIED_EN} / {_REGISTER_EN}.",
        f"ครัวเรือนที่ทะเบียนระบุว่ามีถังขยะเปียกของตัวเอง ใช้ถังรวม หรือไม่มีพื้นที่ และ"
        f"{_VERIFIED_TH} / {_REGISTER_TH}"),
    "verified_compliance": (
        "Households whose latest counted inspection dated in the period passed / households "
        "with a counted inspection dated in the period (a flagged pass waiting for the LGO, or "
        "a rejected inspection, is left out of both).",
        "ครัวเรือนที่ผลตรวจล่าสุดในงวด (ที่นับผลได้) ผ่าน / ครัวเรือนที่ได้รับการตรวจในงวด "
        "(ผลผ่านที่รอ อปท. ตรวจสอบ หรือผลที่ อปท. ไม่รับรอง ไม่นับทั้งตัวตั้งและตัวหาร)"),
    "bank_membership": (
        f"Households with an open waste-bank account / {_REGISTER_EN}.",
        f"ครัวเรือนที่เป็นสมาชิกธนาคารขยะ / {_REGISTER_TH}"),
    "bank_activity": (
        "Member households that deposited in the period / member households.",
        "สมาชิกที่ฝากขยะในงวด / ครัวเรือนสมาชิกธนาคารขยะ"),
    "bank_kg": (
        f"kg deposited at waste banks in the period (reversed deposits excluded) / "
        f"{_REGISTER_EN}; by material.",
        f"น้ำหนักขยะที่ฝากธนาคารขยะในงวด (ไม่รวมรายการที่ถูกแก้ไขกลับ) / {_REGISTER_TH} "
        f"แยกตามวัสดุ"),
    "hazardous_kg_per_1000": (
        "Hazardous kg collected at drop-off points in the period / residents (members of "
        "occupied registered households) x 1,000; points without a village count for their "
        "LGO, district and province only.",
        "น้ำหนักขยะอันตรายที่เก็บจากจุดรวบรวมในงวด / ประชากรในทะเบียน x 1,000"),
    "kg_by_stream": (
        f"kg weighed in the period's sorting logs / {_REGISTER_EN}; by stream.",
        f"น้ำหนักขยะที่ชั่งในบันทึกการคัดแยกของงวด / {_REGISTER_TH} แยกตามประเภท"),
    "carbon_tco2e": (
        "DLA wet-bin method (T-VER): value = persons x CARBON_FOOD_WASTE_KG_PER_PERSON_DAY x "
        "days / 1000 x CARBON_TCO2E_PER_TONNE. Persons: members of occupied registered "
        "households whose register arrangement is an own bin (has_bin) or a communal bin "
        f"(communal) and that are {_VERIFIED_EN}. 'No space' households count in wet-bin "
        "coverage, not here: no food waste goes into a bin. Days: the period's days up to "
        "today. Numerator: those persons; denominator: residents (members of occupied "
        "registered households). Members and arrangements as the register held them on the "
        "period's last day (the register keeps its history).",
        "วิธีถังขยะเปียกของ สถ. (T-VER): ค่า = จำนวนคน x เศษอาหาร กก./คน/วัน x จำนวนวัน / 1000 x "
        "ตัน CO₂e ต่อตันเศษอาหาร จำนวนคน คือ สมาชิกของครัวเรือนที่ทะเบียนระบุว่ามีถังขยะเปียกของ"
        f"ตัวเองหรือใช้ถังรวม และ{_VERIFIED_TH} ครัวเรือนที่ไม่มีพื้นที่นับในความครอบคลุมของถัง"
        "ขยะเปียกแต่ไม่นับที่นี่ เพราะไม่มีเศษอาหารลงถัง จำนวนวัน คือ วันของงวดจนถึงวันนี้"),
}


def carbon(kg_per_person_day: float, tco2e_per_tonne: float) -> dict[str, Any]:
    """Return the carbon method: its factors, what it counts, and the formula."""
    return {
        "kg_per_person_day": kg_per_person_day,
        "tco2e_per_tonne": tco2e_per_tonne,
        "tco2e_per_person_year": round(kg_per_person_day * YEAR_DAYS / 1000 * tco2e_per_tonne,
                                       6),
        "arrangements_counted": list(CARBON_ARRANGEMENTS),
        "arrangements_not_counted": ["no_space", "none"],
        "persons": "members of verified households with an own or communal wet-waste bin",
        "days": "the period's days up to today",
        "formula": "persons * kg_per_person_day * days / 1000 * tco2e_per_tonne",
    }
