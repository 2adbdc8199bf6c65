"""QR-card sheets and wet-waste signs: what is printed, for whom, and that it is audited."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import segno
from pypdf import PdfReader
from sqlalchemy import select

from khaya.auth.models import AuditEvent
from khaya.households.cards import card_code
from khaya.households.models import Household
from tests.pdfs import pdf_text

VILLAGE = "51010101"  # ชุมชนที่ 1 of Lamphun Town Municipality
CARDS = f"/api/v1/households/qr-cards.pdf?village={VILLAGE}"
SIGNS = f"/api/v1/households/signs.pdf?village={VILLAGE}"


def _register(client, headers, house_number: str, village: str = VILLAGE) -> dict:
    body = {
        "village_code": village,
        "house_number": house_number,
        "members": 4,
        "head_name": "นางสมศรี ใจดี",
        "wet_bin": "has_bin",
    }
    response = client.post("/api/v1/households", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def town(auth) -> dict[str, str]:
    return auth("town.staff")


@pytest.fixture
def households(client, town) -> list[dict]:
    """Eleven households of community 1: one more than a sheet holds."""
    return [_register(client, town, f"{200 + n}/{n}") for n in range(1, 12)]


def _get_pdf(client, path: str, headers: dict[str, str]) -> PdfReader:
    with client.get(path, headers=headers) as response:
        assert response.status_code == 200, response.get_json()
        assert response.mimetype == "application/pdf"
        return PdfReader(io.BytesIO(response.data))


def _status(client, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    with client.get(path, headers=headers or {}) as response:
        return response.status_code, response.get_json()


def _text(reader: PdfReader) -> str:
    return pdf_text(reader.stream.getvalue())


def _occurrences(text: str, house_number: str) -> int:
    # "201/1" must not be counted inside "201/11" or a longer number.
    return len(re.findall(rf"(?<![\d/]){re.escape(house_number)}(?![\d/])", text))


def _images(reader: PdfReader) -> list:
    return [image for page in reader.pages for image in page.images]


def _modules(image) -> tuple[tuple[bool, ...], ...]:
    """Read the module grid back from a QR bitmap (dark modules are True), border or not."""
    grey = image.convert("L")
    left, top, right, _bottom = grey.point(lambda v: 255 if v < 128 else 0).getbbox()
    # The top-left finder pattern starts with a run of seven dark modules.
    run = 0
    while grey.getpixel((left + run, top)) < 128:
        run += 1
    module = run / 7
    size = round((right - left) / module)
    return tuple(
        tuple(
            grey.getpixel((int(left + (col + 0.5) * module), int(top + (row + 0.5) * module))) < 128
            for col in range(size)
        )
        for row in range(size)
    )


def _matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    return tuple(tuple(bool(v) for v in row) for row in segno.make(url, error="m").matrix)


def _exports(db_session, document: str) -> list[AuditEvent]:
    events = db_session.execute(
        select(AuditEvent).where(AuditEvent.action == "export", AuditEvent.entity == "household")
    ).scalars()
    return [event for event in events if event.details == {"document": document}]


def test_cards_one_per_household(client, town, households):
    reader = _get_pdf(client, CARDS, town)
    text = _text(reader)
    assert len(reader.pages) == 2  # ten cards to a sheet
    assert len(_images(reader)) == len(households)
    for household in households:
        assert _occurrences(text, household["house_number"]) == 1, household["house_number"]
    for line in ("เทศบาลเมืองลำพูน", "ชุมชนที่ 1", "สแกนเพื่อบันทึกการคัดแยกขยะ"):
        assert text.count(line) == len(households), line
    assert text.count("Scan to record") == len(households)
    # The code the scan screen accepts typed, under each QR.
    for household in households:
        code = card_code(household["qr_token"])
        assert code is not None
        assert _occurrences(text, code) == 1, code
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts
    assert all("Sarabun" in name for name in fonts)


def test_cards_encode_the_card_urls(client, town, households):
    reader = _get_pdf(client, CARDS, town)
    printed = {_modules(image.image) for image in _images(reader)}
    assert printed == {_matrix(household["qr_url"]) for household in households}
    for household in households:
        assert household["qr_url"].endswith("/h/" + household["qr_token"])


def test_deactivated_household_has_no_card(client, town, households):
    gone = households[3]
    with client.post(
        f"/api/v1/households/{gone['id']}/deactivate", json={"reason": "moved"}, headers=town
    ) as response:
        assert response.status_code == 200, response.get_json()
    reader = _get_pdf(client, CARDS, town)
    text = _text(reader)
    assert len(reader.pages) == 1
    assert len(_images(reader)) == len(households) - 1
    assert _occurrences(text, gone["house_number"]) == 0
    assert _occurrences(text, households[4]["house_number"]) == 1


def test_cards_are_audited_per_household(client, town, households, db_session):
    _get_pdf(client, CARDS, town)
    events = _exports(db_session, "qr_cards")
    assert sorted(event.entity_id for event in events) == sorted(
        str(household["id"]) for household in households
    )
    assert {event.actor_role for event in events} == {"lgo_staff"}
    assert {event.endpoint for event in events} == {"/api/v1/households/qr-cards.pdf"}


def test_village_without_households_is_refused(client, town):
    status, body = _status(client, "/api/v1/households/qr-cards.pdf?village=51010104", town)
    assert status == 422
    assert "no households" in body["message"]
    assert "village" in body["errors"]


def test_unknown_or_malformed_village_is_refused(client, town):
    status, body = _status(client, "/api/v1/households/qr-cards.pdf?village=51999999", town)
    assert (status, list(body["errors"])) == (422, ["village"])
    status, body = _status(client, "/api/v1/households/signs.pdf?village=5101", town)
    assert status == 422
    assert "village" in body["errors"]["query"]  # the argument schema's 8-digit rule


@pytest.mark.parametrize(
    ("login", "status"),
    [
        ("0810000001", 200),  # a volunteer assigned to communities 1-3
        ("nga.staff", 422),  # another LGO's staff: not a village in their area
        ("province", 403),  # provincial officers see aggregates, never households
        (None, 401),
    ],
)
@pytest.mark.parametrize("document", ["qr-cards.pdf", "signs.pdf"])
def test_who_may_print(client, auth, households, db_session, login, status, document):
    db_session.get(Household, households[0]["id"]).verified_on = dt.date(2024, 5, 1)
    db_session.commit()
    path = f"/api/v1/households/{document}?village={VILLAGE}"
    got, _body = _status(client, path, auth(login) if login else None)
    assert got == status


def test_volunteer_prints_only_their_villages(client, auth, households):
    volunteer = auth("0810000001")
    reader = _get_pdf(client, CARDS, volunteer)
    assert len(_images(reader)) == len(households)
    status, _body = _status(client, "/api/v1/households/qr-cards.pdf?village=51010104", volunteer)
    assert status == 422


def test_signs_for_verified_households(client, town, households, db_session):
    verified, moved = households[1], households[2]
    for household in (verified, moved):
        db_session.get(Household, household["id"]).verified_on = dt.date(2024, 5, 1)
    db_session.commit()
    with client.post(
        f"/api/v1/households/{moved['id']}/deactivate", json={"reason": "moved"}, headers=town
    ) as response:
        assert response.status_code == 200, response.get_json()
    reader = _get_pdf(client, SIGNS, town)
    text = _text(reader)
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert _occurrences(text, verified["house_number"]) == 1
    assert all(_occurrences(text, h["house_number"]) == 0 for h in households if h != verified)
    for line in ("ครัวเรือนมีการจัดการขยะเปียก", "ตรวจผ่านเมื่อ 1 พฤษภาคม 2567", "เทศบาลเมืองลำพูน"):
        assert line in text, line
    assert [event.entity_id for event in _exports(db_session, "signs")] == [str(verified["id"])]


def test_no_verified_households_no_signs(client, town, households):
    status, body = _status(client, SIGNS, town)
    assert status == 422
    assert "no verified households" in body["message"]
