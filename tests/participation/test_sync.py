"""POST /api/v1/sync: created, duplicate, rejected; nothing stored twice, nothing lost."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from khaya.common.time import local_today
from khaya.participation.models import SortingLog
from tests.factories import image_bytes


def count_logs(db_session) -> int:
    return db_session.scalar(select(func.count()).select_from(SortingLog))


def test_resident_logs_and_replay_is_a_duplicate(sync, home, db_session, log_item):
    item = log_item(home["id"], kg_organic=1.5)
    status, body = sync("0810000011", [item])
    assert status == 200
    (result,) = body["results"]
    assert result["status"] == "created"
    assert result["client_id"] == item["client_id"]
    status, again = sync("0810000011", [item])
    assert again["results"][0] == {**result, "status": "duplicate"}
    assert count_logs(db_session) == 1


def test_same_client_id_twice_in_one_batch(sync, home, db_session, log_item):
    item = log_item(home["id"])
    _, body = sync("0810000011", [item, item])
    assert [r["status"] for r in body["results"]] == ["created", "duplicate"]
    assert body["results"][0]["id"] == body["results"][1]["id"]
    assert count_logs(db_session) == 1


def test_mixed_batch_answers_per_item_in_order(sync, home, db_session, log_item):
    today = local_today()
    items = [
        log_item(home["id"]),
        log_item(home["id"], day=today + dt.timedelta(days=2)),
        log_item(home["id"], day=dt.date(2023, 12, 31)),
        log_item(home["id"], streams=["organic", "plastic"]),
        log_item(home["id"], kg_organic=-1),
        log_item(home["id"], kg_general=5),
        log_item(home["id"], kg_recyclable=1000),
        log_item(999_999_999),
        {"kind": "sorting_log", "client_id": "not-a-uuid", "data": {}},
        {"kind": "teleport", "client_id": str(uuid.uuid4()), "data": {}},
        "not even an object",
        log_item(home["id"], day=today - dt.timedelta(days=1)),
    ]
    status, body = sync("0810000011", items)
    assert status == 200
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["created"] + ["rejected"] * 10 + ["created"]
    assert [r["index"] for r in body["results"]] == list(range(len(items)))
    errors = [r["errors"] for r in body["results"]]
    assert "future" in errors[1]["log_date"][0]
    assert "registered" in errors[2]["log_date"][0]
    assert "streams" in errors[3]
    assert "kg_organic" in errors[4]
    assert "kg_general" in errors[5]
    assert "kg_recyclable" in errors[6]
    assert errors[7] == {"household_id": ["No such household in your area."]}
    assert "client_id" in errors[8]
    assert "kind" in errors[9]
    assert body["counts"] == {"created": 2, "rejected": 10}
    assert count_logs(db_session) == 2


def test_household_out_of_scope_is_rejected_not_revealed(sync, home, log_item):
    _, body = sync("0810000002", [log_item(home["id"])])
    assert body["results"][0]["errors"] == {"household_id": ["No such household in your area."]}


def test_volunteer_logs_and_inspects_in_assigned_village(
    sync, home, client, auth, log_item, inspection_item
):
    _, body = sync("0810000001", [log_item(home["id"]), inspection_item(home["id"])])
    assert [r["status"] for r in body["results"]] == ["created", "created"]
    household = client.get(f"/api/v1/households/{home['id']}", headers=auth("town.staff"))
    assert household.get_json()["verified_on"] == local_today().isoformat()
    assert household.get_json()["last_log_on"] == local_today().isoformat()


def test_resident_cannot_record_inspections(sync, home, inspection_item):
    _, body = sync("0810000011", [inspection_item(home["id"])])
    assert body["results"][0]["status"] == "rejected"
    assert "kind" in body["results"][0]["errors"]


def test_later_fail_removes_verification_and_late_old_pass_does_not_restore(
    sync, home, client, auth, inspection_item
):
    today = local_today()
    sync("0810000001", [inspection_item(home["id"], day=today - dt.timedelta(days=10))])
    sync("0810000001", [inspection_item(home["id"], passed=False, day=today)])
    url = f"/api/v1/households/{home['id']}"
    assert client.get(url, headers=auth("town.staff")).get_json()["verified_on"] is None
    # A pass made offline days ago arrives after the fail: the latest inspection still rules.
    sync("0810000001", [inspection_item(home["id"], day=today - dt.timedelta(days=3))])
    assert client.get(url, headers=auth("town.staff")).get_json()["verified_on"] is None


def test_inspection_location_flags(sync, home, client, auth, inspection_item):
    near = {"type": "Point", "coordinates": [99.0122, 18.5866]}
    far = {"type": "Point", "coordinates": [99.03, 18.60]}
    sync(
        "0810000001",
        [
            inspection_item(home["id"], point=near),
            inspection_item(home["id"], point=far),
            inspection_item(home["id"], point=near, mock_location=True),
            inspection_item(home["id"], point=None),
        ],
    )
    items = client.get(
        f"/api/v1/households/{home['id']}/inspections?per_page=10", headers=auth("town.staff")
    ).get_json()["items"]
    flags = sorted((i["location_flag"] or "", i["distance_m"]) for i in items)
    # 0.0001° east and north of the house at 18.6° N: about 10.5 m and 11.1 m, 15.3 m in all.
    assert flags[0][0] == ""
    assert flags[0][1] == pytest.approx(15.3, abs=0.3)
    assert [f for f, _ in flags[1:]] == ["far", "mock_location", "no_location"]
    far_item = next(i for i in items if i["location_flag"] == "far")
    assert 2000 < far_item["distance_m"] < 3500


def test_clock_offset_is_recorded(sync, home, db_session, log_item):
    behind = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10)
    _, body = sync("0810000011", [log_item(home["id"])], device_time=behind.isoformat())
    assert 595 <= body["clock_offset_s"] <= 605
    stored = db_session.scalar(select(SortingLog.clock_offset_s))
    assert stored == body["clock_offset_s"]


def test_too_many_items_is_413(sync, home, log_item):
    status, body = sync("0810000011", [log_item(home["id"]) for _ in range(501)])
    assert status == 413
    assert body["code"] == "batch_too_large"


@pytest.mark.parametrize(
    "body",
    [{}, {"device_id": "x"}, {"device_id": "x", "items": "nope"}, [], "text"],
)
def test_malformed_batch_is_400(client, auth, body):
    response = client.post("/api/v1/sync", json=body, headers=auth("0810000011"))
    assert response.status_code == 400
    assert response.get_json()["status"] == 400


def test_not_json_is_400(client, auth):
    response = client.post(
        "/api/v1/sync", data="{{{", content_type="application/json", headers=auth("0810000011")
    )
    assert response.status_code == 400


def test_anonymous_sync_is_401(client):
    assert client.post("/api/v1/sync", json={"device_id": "x", "items": []}).status_code == 401


def test_void_a_log(sync, home, client, auth, log_item):
    _, body = sync("0810000011", [log_item(home["id"])])
    log_id = body["results"][0]["id"]
    voided = client.post(
        f"/api/v1/sorting-logs/{log_id}/void", headers=auth("town.staff"), json={"reason": "บันทึกซ้ำ"}
    )
    assert voided.status_code == 200
    assert voided.get_json()["voided_at"]
    elsewhere = client.post(
        f"/api/v1/sorting-logs/{log_id}/void", headers=auth("nga.staff"), json={"reason": "x"}
    )
    assert elsewhere.status_code == 404


PNG = image_bytes("PNG")


def test_photo_then_log_that_uses_it(sync, home, client, auth, log_item):
    photo_id = str(uuid.uuid4())
    form = {"id": photo_id, "household_id": str(home["id"])}
    upload = client.post(
        "/api/v1/photos",
        headers=auth("0810000011"),
        data={**form, "file": (__import__("io").BytesIO(PNG), "bin.png")},
    )
    assert upload.status_code == 201, upload.get_json()
    # Every upload is stored re-encoded as JPEG (see test_photos.py).
    assert upload.get_json()["content_type"] == "image/jpeg"
    _, body = sync("0810000011", [log_item(home["id"], photo_id=photo_id)])
    assert body["results"][0]["status"] == "created"
    with client.get(f"/api/v1/photos/{photo_id}", headers=auth("town.staff")) as photo:
        assert photo.data.startswith(b"\xff\xd8\xff")
        assert photo.mimetype == "image/jpeg"
    assert client.get(f"/api/v1/photos/{photo_id}", headers=auth("nga.staff")).status_code == 404


def test_fake_image_is_rejected(home, client, auth):
    import io

    response = client.post(
        "/api/v1/photos",
        headers=auth("0810000011"),
        data={
            "id": str(uuid.uuid4()),
            "household_id": str(home["id"]),
            "file": (io.BytesIO(b"<script>alert(1)</script>"), "x.png"),
        },
    )
    assert response.status_code == 422


def test_unknown_photo_is_rejected(sync, home, log_item):
    _, body = sync("0810000011", [log_item(home["id"], photo_id=str(uuid.uuid4()))])
    assert "photo_id" in body["results"][0]["errors"]


def test_device_time_with_an_offset_postgresql_refuses_is_stored_in_utc(
    sync, home, db_session, log_item
):
    """Python parses offsets up to ±23:59, PostgreSQL only ±15:59: a phone reporting +22:30
    must not break the batch (it answered 500 before device times were converted to UTC)."""
    item = {**log_item(home["id"]), "device_time": "2024-06-01T08:00:00+22:30"}
    status, body = sync("0810000011", [item], device_time="2024-06-01T08:00:00-20:15")
    assert status == 200, body
    assert body["results"][0]["status"] == "created", body
    stored = db_session.scalar(select(SortingLog.device_time))
    assert stored == dt.datetime(2024, 5, 31, 9, 30, tzinfo=dt.UTC)


def test_device_time_that_leaves_the_calendar_in_utc_is_rejected(sync, home, log_item):
    item = {**log_item(home["id"]), "device_time": "0001-01-01T00:00:00+05:00"}
    status, body = sync("0810000011", [item])
    assert status == 200, body
    assert body["results"][0]["status"] == "rejected"
    assert "device_time" in body["results"][0]["errors"]
