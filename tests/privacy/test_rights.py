"""PDPA rights: a household's copy of its data, and erasure that keeps the statistics."""

from __future__ import annotations

import io
import uuid

from pypdf import PdfReader
from sqlalchemy import func, select

from khaya.auth.models import AuditEvent, User
from khaya.common.time import local_today
from khaya.participation.models import Inspection, Photo, SortingLog
from tests.factories import image_bytes
from tests.pdfs import pdf_text

PNG = image_bytes("PNG")


def make_home(client, auth, db_session) -> dict:
    home = client.post(
        "/api/v1/households",
        headers=auth("town.staff"),
        json={
            "village_code": "51010101",
            "house_number": "77/1",
            "head_name": "นางสมใจ รักษ์โลก",
            "phone": "089-777-1111",
            "registered_on": "2024-01-01",
            "wet_bin": "has_bin",
            "members": 4,
            "point": {"type": "Point", "coordinates": [99.0121, 18.5865]},
        },
    ).get_json()
    resident = db_session.scalar(select(User.id).where(User.phone == "+66810000011"))
    client.post(
        f"/api/v1/households/{home['id']}/residents",
        headers=auth("town.staff"),
        json={"user_id": resident},
    )
    photo = str(uuid.uuid4())
    client.post(
        "/api/v1/photos",
        headers=auth("0810000011"),
        data={"id": photo, "household_id": str(home["id"]), "file": (io.BytesIO(PNG), "p.png")},
    )
    items = [
        {
            "kind": "sorting_log",
            "client_id": str(uuid.uuid4()),
            "data": {
                "household_id": home["id"],
                "log_date": local_today().isoformat(),
                "streams": ["organic"],
                "organic_handling": "wet_bin",
                **({"photo_id": photo} if n == 0 else {}),
            },
        }
        for n in range(3)
    ]
    client.post("/api/v1/sync", headers=auth("0810000011"), json={"device_id": "p", "items": items})
    return home


def test_resident_exports_their_household(client, auth, db_session):
    home = make_home(client, auth, db_session)
    edit = client.patch(f"/api/v1/households/{home['id']}", headers=auth("town.staff"),
                        json={"version": home["version"], "members": 5})
    assert edit.status_code == 200, edit.get_json()
    response = client.get(f"/api/v1/households/{home['id']}/export", headers=auth("0810000011"))
    assert response.status_code == 200
    data = response.get_json()
    assert data["household"]["head_name"] == "นางสมใจ รักษ์โลก"
    assert data["household"]["point"] == [99.0121, 18.5865]
    assert len(data["sorting_logs"]) == 3
    assert len(data["photos"]) == 1
    assert data["residents"][0]["phone"] == "+66810000011"
    assert {a["action"] for a in data["accesses"]} >= {"create", "update"}
    # What the register held about the household and when: 4 members since registration, 5
    # from today's edit.
    since = local_today().isoformat()
    assert [(s["from"], s["until"], s["members"], s["wet_bin"]) for s in data["register_history"]
            ] == [(None, since, 4, "has_bin"), (since, None, 5, "has_bin")]
    # The dashboards' tally of this month is held about the household too: today, three logs.
    today = local_today()
    assert [(m["month"], m["days_logged"], m["logs"]) for m in data["monthly_activity"]] == [
        (today.strftime("%Y-%m"), [today.day], 3)]
    exported = db_session.scalar(
        select(func.count()).where(
            AuditEvent.action == "export", AuditEvent.entity_id == str(home["id"])
        )
    )
    assert exported == 1


def test_export_pdf_is_readable(client, auth, db_session):
    home = make_home(client, auth, db_session)
    with client.get(
        f"/api/v1/households/{home['id']}/export.pdf", headers=auth("town.staff")
    ) as response:
        assert response.status_code == 200
        reader = PdfReader(io.BytesIO(response.data))
    words = pdf_text(reader.stream.getvalue())
    assert "77/1" in words
    assert "ประวัติในทะเบียนครัวเรือน (1)" in words
    assert "ลงทะเบียน ถึง ปัจจุบัน" in words
    assert "089" in words or "+6689" in words


def test_volunteer_may_not_export_and_others_do_not_see(client, auth, db_session):
    home = make_home(client, auth, db_session)
    url = f"/api/v1/households/{home['id']}/export"
    assert client.get(url, headers=auth("0810000001")).status_code == 403
    assert client.get(url, headers=auth("nga.staff")).status_code == 404
    assert client.get(url, headers=auth("0810000012")).status_code == 404


def june_of_two_households(client, auth, home: dict) -> None:
    """Add a neighbour (three people, no bin) and June 2024's logs and inspections of both."""
    neighbour = client.post("/api/v1/households", headers=auth("town.staff"), json={
        "village_code": "51010101", "house_number": "77/2", "members": 3, "wet_bin": "none",
        "registered_on": "2024-01-01"}).get_json()

    def log(household: int, day: str, kg: dict[str, float]) -> dict:
        return {"kind": "sorting_log", "client_id": str(uuid.uuid4()),
                "data": {"household_id": household, "log_date": day, "streams": sorted(kg),
                         **{f"kg_{stream}": value for stream, value in kg.items()}}}

    def inspection(household: int, day: str, passed: bool) -> dict:
        return {"kind": "inspection", "client_id": str(uuid.uuid4()),
                "data": {"household_id": household, "inspected_on": day, "registered": True,
                         "bin_built": True, "food_waste_in_bin": True, "lid_closed": passed,
                         "used_correctly": True, "notes": "ฝาถังปิดสนิท",
                         "point": {"type": "Point", "coordinates": [99.0121, 18.5865]}}}

    items = [
        log(home["id"], "2024-06-10", {"organic": 1.5, "recyclable": 0.5}),
        log(home["id"], "2024-06-20", {"general": 0.8}),
        log(neighbour["id"], "2024-06-15", {"organic": 1.0}),
        inspection(home["id"], "2024-06-12", True),
        inspection(neighbour["id"], "2024-06-18", False),
    ]
    response = client.post("/api/v1/sync", headers=auth("0810000001"),
                           json={"device_id": "v", "items": items})
    assert [r["status"] for r in response.get_json()["results"]] == ["created"] * 5


def june_figures(client, auth) -> dict:
    response = client.get("/api/v1/analytics/indicators", headers=auth("town.staff"),
                          query_string={"level": "village", "areas": "51010101",
                                        "period": "2024-06"})
    assert response.status_code == 200, response.get_json()
    (village,) = response.get_json()["areas"]
    figures = village["indicators"]
    return {
        name: (figures[name]["numerator"], figures[name]["denominator"], figures[name]["value"])
        for name in ("participation", "wet_bin_coverage", "verified_compliance",
                     "kg_by_stream", "carbon_tco2e")
    } | {"kg": figures["kg_by_stream"]["breakdown"],
         "logs": figures["kg_by_stream"]["detail"]["logs"]}


# June 2024 in community 1, worked out by hand: both households logged; the home's bin passed
# its inspection and the neighbour's failed; 1.5 + 0.5 + 0.8 + 1.0 = 3.8 kg over two households;
# carbon counts the home's four people: 4 x 0.252 kg x 30 days / 1000 x 0.1454 = 0.0044 tCO2e.
JUNE = {
    "participation": (2, 2, 1.0),
    "wet_bin_coverage": (1, 2, 0.5),
    "verified_compliance": (1, 2, 0.5),
    "kg_by_stream": (3.8, 2, 1.9),
    "carbon_tco2e": (4, 7, 0.0044),
    "kg": {"organic": 2.5, "recyclable": 0.5, "general": 0.8, "hazardous": 0},
    "logs": 3,
}


def test_erasure_keeps_the_figures_and_drops_the_person(client, auth, db_session):
    home = make_home(client, auth, db_session)
    june_of_two_households(client, auth, home)
    assert june_figures(client, auth) == JUNE
    resident = db_session.scalar(select(User.id).where(User.phone == "+66810000011"))
    url = f"/api/v1/households/{home['id']}/erase"
    wrong = client.post(url, headers=auth("town.admin"), json={"confirm": "1", "reason": "x"})
    assert wrong.status_code == 422
    assert (
        client.post(
            url, headers=auth("town.staff"), json={"confirm": "77/1", "reason": "x"}
        ).status_code
        == 403
    )
    erased = client.post(
        url, headers=auth("town.admin"), json={"confirm": "77/1", "reason": "คำขอของเจ้าของข้อมูล"}
    )
    assert erased.status_code == 200
    assert june_figures(client, auth) == JUNE
    body = erased.get_json()
    assert body["head_name"] is None
    assert body["phone"] is None
    assert body["point"] is None
    assert body["house_number"] == f"erased-{home['id']}"
    assert body["qr_token"] != home["qr_token"]
    assert body["members"] == home["members"]
    # The logs still count, without the photo; the inspectors' notes go.
    logs = db_session.scalars(select(SortingLog).where(SortingLog.household_id == home["id"]))
    assert [log.photo_id for log in logs] == [None] * 5
    assert db_session.scalar(select(func.count()).select_from(Photo)) == 0
    notes = db_session.scalars(select(Inspection.notes).order_by(Inspection.inspected_on))
    assert list(notes) == [None, "ฝาถังปิดสนิท"]
    account = db_session.get(User, resident)
    assert account.username == f"erased-{resident}"
    assert account.phone is None
    assert account.is_active is False
    erasure = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert erasure.entity_id == str(home["id"])
    assert erasure.details["reason"] == "คำขอของเจ้าของข้อมูล"


def resident_id(db_session) -> int:
    return db_session.scalar(select(User.id).where(User.display_name == "ผู้ใช้ที่ลบข้อมูลแล้ว"))


def test_resident_may_erase_their_own_household(client, auth, db_session):
    home = make_home(client, auth, db_session)
    token = auth("0810000011")
    response = client.post(
        f"/api/v1/households/{home['id']}/erase",
        headers=token,
        json={"confirm": "77/1", "reason": "ย้ายออก"},
    )
    assert response.status_code == 200
    # Their account is anonymised and signed out: the same token no longer works.
    assert client.get("/api/v1/me", headers=token).status_code == 401
