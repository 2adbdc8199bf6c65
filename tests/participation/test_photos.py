"""POST /api/v1/photos: ids held out of reach, re-encoding, metadata, damaged and huge images."""

from __future__ import annotations

import io
import json
import re
import struct
import uuid
import zlib

import pytest
from PIL import Image
from sqlalchemy import func, select, text

from khaya.participation.models import Photo
from tests.factories import image_bytes

URL = "/api/v1/photos"


def upload(client, headers, household_id: int, content: bytes, photo_id: str | None = None,
           name: str = "photo.jpg"):
    return client.post(URL, headers=headers, data={
        "id": photo_id or str(uuid.uuid4()), "household_id": str(household_id),
        "file": (io.BytesIO(content), name)})


@pytest.fixture
def nga_home(client, auth, db_session) -> dict:
    """A household of Mueang Nga, another LGO than the town's ``home``."""
    lon, lat = db_session.execute(text(
        "select st_x(p), st_y(p) from (select coalesce(point, st_pointonsurface(geom)) p "
        "from villages where code = '51010201') v")).one()
    response = client.post("/api/v1/households", headers=auth("nga.staff"), json={
        "village_code": "51010201", "house_number": "12/3", "members": 2,
        "registered_on": "2024-01-15",
        "point": {"type": "Point", "coordinates": [float(lon), float(lat)]}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def stored(db_session, photo_id: str) -> Photo:
    photo = db_session.execute(select(Photo).where(Photo.id == uuid.UUID(photo_id))).scalar_one()
    # Requests share the test's session: leave no instance behind for the next one to meet.
    db_session.expunge(photo)
    return photo


def test_an_id_held_by_another_lgo_answers_409_and_nothing_about_that_photo(
        client, auth, home, nga_home, db_session):
    """It answered 201 with the other LGO's household id, size and hash, and dropped the
    upload."""
    photo_id = str(uuid.uuid4())
    theirs = image_bytes("JPEG", (10, 10))
    first = upload(client, auth("0810000011"), home["id"], theirs, photo_id)
    assert first.status_code == 201, first.get_json()
    before = stored(db_session, photo_id)
    kept = (before.household_id, before.sha256, before.data)

    response = upload(client, auth("nga.staff"), nga_home["id"], image_bytes("PNG"), photo_id)
    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert body["code"] == "photo_id_taken"
    assert set(body) == {"code", "status", "message", "errors"}
    # Nothing about their photo: not its household, digest or size (as whole numbers: the
    # status 409 is no leak of household 4 or 409).
    said = json.dumps({key: value for key, value in body.items() if key != "status"})
    assert before.sha256 not in said
    for number in (home["id"], before.size):
        assert not re.search(rf"(?<!\d){number}(?!\d)", said), (number, said)
    after = stored(db_session, photo_id)
    assert (after.household_id, after.sha256, after.data) == kept


def test_an_id_of_another_household_in_the_same_lgo_is_409_too(
        client, auth, home, db_session):
    """A resident sees only their own household: another's photo id is out of reach."""
    photo_id = str(uuid.uuid4())
    staff = auth("town.staff")
    other = client.post("/api/v1/households", headers=staff, json={
        "village_code": "51010101", "house_number": "89", "members": 1,
        "registered_on": "2024-01-15",
        "point": {"type": "Point", "coordinates": [99.0121, 18.5865]}}).get_json()
    assert upload(client, staff, other["id"], image_bytes(), photo_id).status_code == 201
    resident = upload(client, auth("0810000011"), home["id"], image_bytes(), photo_id)
    assert resident.status_code == 409
    assert "household_id" not in resident.get_json()
    # Staff see both households: reusing the id for the other one is a conflict as well.
    assert upload(client, staff, home["id"], image_bytes(), photo_id).status_code == 409


def test_resending_ones_own_photo_is_idempotent(client, auth, home, db_session):
    photo_id = str(uuid.uuid4())
    content = image_bytes("JPEG", (12, 9))
    first = upload(client, auth("0810000011"), home["id"], content, photo_id)
    again = upload(client, auth("0810000011"), home["id"], content, photo_id)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    count = db_session.scalar(select(func.count()).select_from(Photo)
                              .where(Photo.id == uuid.UUID(photo_id)))
    assert count == 1


def test_a_png_signature_followed_by_html_is_refused(client, auth, home, db_session):
    """Only the first bytes were checked, so this was stored and served as sent."""
    html = b"\x89PNG\r\n\x1a\n<html><body><script>alert(document.cookie)</script></body></html>"
    response = upload(client, auth("0810000011"), home["id"], html, name="x.png")
    assert response.status_code == 422
    assert response.get_json()["code"] == "invalid_photo"
    assert "file" in response.get_json()["errors"]
    assert db_session.scalar(select(func.count()).select_from(Photo)) == 0


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_real_image_with_html_appended_is_stored_without_it(client, auth, home, db_session,
                                                               fmt):
    tail = b"<html><script>alert(1)</script></html>"
    photo_id = str(uuid.uuid4())
    response = upload(client, auth("0810000011"), home["id"], image_bytes(fmt) + tail,
                      photo_id)
    assert response.status_code == 201, response.get_json()
    data = stored(db_session, photo_id).data
    assert b"<script" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (8, 6)


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: the camera was turned; shown rotated 90 degrees
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (18.0, 34.0, 28.2), 3: "E", 4: (99.0, 0.0, 31.3)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"house 88, Lamphun")
    return out.getvalue()


def test_exif_with_gps_and_comments_is_stripped_and_orientation_applied(
        client, auth, home, db_session):
    original = _jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825)  # the fixture really carries a GPS position
    photo_id = str(uuid.uuid4())
    response = upload(client, auth("0810000011"), home["id"], original, photo_id)
    assert response.status_code == 201, response.get_json()
    data = stored(db_session, photo_id).data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert "comment" not in image.info
        assert "exif" not in image.info
        assert image.size == (20, 40)  # turned upright before the tag went
    assert b"PhoneMaker" not in data
    assert b"Lamphun" not in data


def _png_declaring(width: int, height: int) -> bytes:
    """Return a tiny PNG whose header declares ``width`` x ``height`` pixels."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def test_decompression_bombs_are_refused_unread(client, auth, home, app, db_session):
    limit = app.config["PHOTO_MAX_PIXELS"]
    huge = _png_declaring(100_000, 100_000)
    over = io.BytesIO()
    # Small on disk (one bit a pixel, all zero), just over the limit once decoded.
    Image.new("1", (5_000, limit // 5_000 + 1)).save(over, format="PNG")
    assert len(huge) < 200
    assert len(over.getvalue()) < app.config["PHOTO_MAX_BYTES"]
    for content in (huge, over.getvalue()):
        response = upload(client, auth("0810000011"), home["id"], content, name="bomb.png")
        assert response.status_code == 422, response.get_json()
        assert "file" in response.get_json()["errors"]
    assert db_session.scalar(select(func.count()).select_from(Photo)) == 0


def test_large_photos_are_scaled_down(client, auth, home, app, db_session):
    side = app.config["PHOTO_MAX_SIDE"]
    photo_id = str(uuid.uuid4())
    content = image_bytes("JPEG", (side * 2, side // 2), quality=30)
    response = upload(client, auth("0810000011"), home["id"], content, photo_id)
    assert response.status_code == 201, response.get_json()
    with Image.open(io.BytesIO(stored(db_session, photo_id).data)) as image:
        assert image.size == (side, side // 4)


def test_a_text_part_named_file_is_a_field_error(client, auth, home):
    response = client.post(URL, headers=auth("0810000011"), data={
        "id": str(uuid.uuid4()), "household_id": str(home["id"]), "file": "not a file"})
    assert response.status_code == 422
    assert "file" in str(response.get_json()["errors"])


def test_photos_are_never_cached(client, auth, home):
    photo_id = str(uuid.uuid4())
    assert upload(client, auth("0810000011"), home["id"], image_bytes(),
                  photo_id).status_code == 201
    with client.get(f"{URL}/{photo_id}", headers=auth("town.staff")) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
