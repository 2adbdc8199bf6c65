"""CSV import of a household list: a per-row report, good rows kept, nothing half-written."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from khaya.auth.models import AuditEvent
from khaya.households import services
from khaya.households.models import Household

URL = "/api/v1/households/import"
ENGLISH = (
    "village_code,house_number,members,head_name,phone,occupancy,wet_bin,lat,lon,registered_on"
)
# Thai header names as staff type them: odd spacing, the order changed.
THAI = " บ้านเลขที่ ,รหัสหมู่บ้าน,จำนวนสมาชิก,ชื่อหัวหน้าครัวเรือน,โทรศัพท์,ละติจูด,ลองจิจูด,วันที่ลงทะเบียน"
# Points inside villages 51010101 and 51010102 (Lamphun Town Municipality).
NEAR_01 = "18.5714,98.9984"
NEAR_02 = "18.5785,99.0078"


def good(house: str, village: str = "51010101", near: str = NEAR_01) -> str:
    return f"{village},{house},4,Somchai,081-234-5678,occupied,has_bin,{near},2025-06-01"


def csv_of(*rows: str, header: str = ENGLISH) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def upload(client, headers, body: bytes, *, dry_run: bool = False, multipart: bool = False):
    url = URL + ("?dry_run=true" if dry_run else "")
    if multipart:
        return client.post(url, headers=headers, data={"file": (io.BytesIO(body), "list.csv")})
    return client.post(url, headers=headers, data=body, content_type="text/csv")


def listed(client, headers, village: str = "51010101") -> dict[str, dict]:
    response = client.get(f"/api/v1/households?village={village}", headers=headers)
    assert response.status_code == 200
    return {item["house_number"]: item for item in response.json["items"]}


@pytest.fixture
def staff(auth):
    return auth("town.staff")


def test_english_headers_register_every_row(client, staff):
    body = csv_of(good("12"), good("199/3"), "51010101,7,,,,,,,,")

    response = upload(client, staff, body)

    assert response.status_code == 200, response.json
    assert response.json == {"rows": 3, "created": 3, "rejected": [], "dry_run": False}
    households = listed(client, staff)
    assert set(households) == {"12", "199/3", "7"}
    house = households["199/3"]
    assert house["members"] == 4
    assert house["head_name"] == "Somchai"
    assert house["occupancy"] == "occupied"
    assert house["wet_bin"] == "has_bin"
    assert house["registered_on"] == "2025-06-01"
    assert house["point"] == {"type": "Point", "coordinates": [98.9984, 18.5714]}
    # Empty cells take the API's defaults.
    assert households["7"]["members"] == 1
    assert households["7"]["point"] is None


def test_thai_headers_with_bom_and_buddhist_era_date_as_multipart(client, staff):
    body = "\ufeff" + "\r\n".join(
        [
            THAI,
            f"5/1,51010101,3,สมศรี ใจดี,0812345678,{NEAR_01},25/11/2567",
            # Excel stored the phone as a number and dropped its leading zero.
            f"5/2,51010101,2,บุญมี,812345679,{NEAR_01},2567-01-31",
        ]
    )

    response = upload(client, staff, body.encode(), multipart=True)

    assert response.status_code == 200, response.json
    assert response.json["created"] == 2, response.json
    households = listed(client, staff)
    assert households["5/1"]["registered_on"] == "2024-11-25"
    assert households["5/1"]["head_name"] == "สมศรี ใจดี"
    assert households["5/2"]["registered_on"] == "2024-01-31"
    detail = client.get(f"/api/v1/households/{households['5/2']['id']}", headers=staff)
    assert detail.json["phone"] == "+66812345679"


def test_windows_thai_file(client, staff):
    body = "\r\n".join(
        [
            "รหัสหมู่บ้าน,บ้านเลขที่,ชื่อหัวหน้าครัวเรือน,การอยู่อาศัย,ถังขยะเปียก",
            "51010101,88,ประยุทธ์ มั่นคง,ว่าง,ถังรวม",
        ]
    ).encode("cp874")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")

    response = upload(client, staff, body)

    assert response.status_code == 200, response.json
    assert response.json["created"] == 1, response.json
    house = listed(client, staff)["88"]
    assert house["head_name"] == "ประยุทธ์ มั่นคง"
    assert house["occupancy"] == "vacant"
    assert house["wet_bin"] == "communal"


def test_semicolons_title_line_and_blank_rows(client, staff):
    body = "\r\n".join(
        [
            "รายชื่อครัวเรือน ชุมชน 1;;",
            "Village Code;HOUSE NUMBER;Members;notes",
            "51010101;31;2;ignored",
            ";;;",
            "",
            "51010101;32;-1;ignored",
            ";;;",
        ]
    ).encode()

    response = upload(client, staff, body)

    assert response.status_code == 200, response.json
    report = response.json
    assert (report["rows"], report["created"]) == (2, 1), report
    assert rejected_fields(report) == {6: "members"}
    assert set(listed(client, staff)) == {"31"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("51010101,40,1,,,,,,,2024-11-25", "2024-11-25"),
        ("51010101,41,1,,,,,,,25/11/2567", "2024-11-25"),
        ("51010101,42,1,,,,,,,25-11-2024", "2024-11-25"),
        ("51010101,43,1,,,,,,,1.2.2567", "2024-02-01"),
    ],
)
def test_date_formats(client, staff, line, expected):
    response = upload(client, staff, csv_of(line))

    assert response.json["created"] == 1, response.json
    house = next(iter(listed(client, staff).values()))
    assert house["registered_on"] == expected


@pytest.fixture
def existing(client, staff):
    """Two households already in the register of village 51010101."""
    for house in ("900", "901"):
        response = client.post(
            "/api/v1/households",
            headers=staff,
            json={"village_code": "51010101", "house_number": house},
        )
        assert response.status_code == 201, response.json


BAD_ROWS = {
    "unknown village": ("51099999,{house},1,,,,,,,", "village_code"),
    "village of another LGO": ("51010201,{house},1,,,,,,,", "village_code"),
    "negative members": ("51010101,{house},-2,,,,,,,", "members"),
    "bad phone": ("51010101,{house},1,,12345,,,,,", "phone"),
    "future date": ("51010101,{house},1,,,,,,,01/01/2600", "registered_on"),
    "not a date": ("51010101,{house},1,,,,,,,13/13/2024", "registered_on"),
    "far away (Bangkok)": ("51010101,{house},1,,,,,13.75,100.5,", "point"),
    "latitude not a number": ("51010101,{house},1,,,,,north,98.99,", "lat"),
    "unknown wet bin": ("51010101,{house},1,,,,bucket,,,", "wet_bin"),
    "bad house number": ("51010101,#{house},1,,,,,,,", "house_number"),
    "duplicate within the file": ("51010101,{previous},1,,,,,,,", "house_number"),
    "duplicate of an existing household": ("51010101,{existing},1,,,,,,,", "house_number"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_rows_are_reported_and_the_others_registered(client, staff, existing, case):
    pattern, field = BAD_ROWS[case]
    body = csv_of(
        good("1"),
        pattern.format(house="2", previous="1", existing="900"),
        good("3"),
        pattern.format(house="4", previous="3", existing="901"),
        good("5", "51010102", NEAR_02),
    )

    response = upload(client, staff, body)

    assert response.status_code == 200, response.json
    report = response.json
    assert (report["rows"], report["created"]) == (5, 3), report
    assert [entry["row"] for entry in report["rejected"]] == [3, 5]
    for entry in report["rejected"]:
        assert list(entry["errors"]) == [field], entry
        assert all(isinstance(m, str) and m for m in entry["errors"][field])
    assert {"1", "3"} <= set(listed(client, staff)) <= {"1", "3", "900", "901"}
    assert set(listed(client, staff, "51010102")) == {"5"}


def test_duplicate_within_the_file_names_the_first_line(client, staff):
    body = csv_of(good("1"), good("2"), good("1"))

    report = upload(client, staff, body).json

    assert report["rejected"] == [
        {"row": 4, "errors": {"house_number": ["1 is already on line 2 of this file."]}}
    ]


def test_a_row_the_database_refuses_is_rolled_back_alone(client, staff, monkeypatch):
    register = services.register_household

    def members_out_of_range_for_house_2(data):
        # Past the schema's checks: the members_range constraint refuses it at the flush.
        return register({**data, "members": 99} if data["house_number"] == "2" else data)

    monkeypatch.setattr(services, "register_household", members_out_of_range_for_house_2)

    report = upload(client, staff, csv_of(good("1"), good("2"), good("3"))).json

    assert report["created"] == 2, report
    assert report["rejected"] == [
        {"row": 3, "errors": {"row": ["Refused by the database (ck_households_members_range)."]}}
    ]
    assert set(listed(client, staff)) == {"1", "3"}


MIXED = csv_of(
    good("1"),
    "51010201,2,1,,,,,,,",
    good("3"),
    "51010101,4,1,,,,,13.75,100.5,",
    "51010101,900,1,,,,,,,",
    good("3"),
    good("7"),
)
MIXED_REJECTED = {3: "village_code", 5: "point", 6: "house_number", 7: "house_number"}


def rejected_fields(report: dict) -> dict[int, str]:
    return {entry["row"]: ",".join(entry["errors"]) for entry in report["rejected"]}


def test_dry_run_reports_the_same_and_writes_nothing(client, staff, existing, db_session):
    def audited() -> int:
        return db_session.scalar(
            select(func.count()).where(
                AuditEvent.entity == "household", AuditEvent.action == "create"
            )
        )

    before_households = db_session.scalar(select(func.count(Household.id)))
    before_audit = audited()

    dry = upload(client, staff, MIXED, dry_run=True, multipart=True)

    assert dry.status_code == 200, dry.json
    assert dry.json["dry_run"] is True
    assert (dry.json["rows"], dry.json["created"]) == (7, 3)
    assert rejected_fields(dry.json) == MIXED_REJECTED
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Household.id))) == before_households
    assert audited() == before_audit

    real = upload(client, staff, MIXED)

    assert real.json == {**dry.json, "dry_run": False}
    assert audited() == before_audit + 3
    assert {"1", "3", "7"} <= set(listed(client, staff))


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b"village_code,members\r\n51010101,3\r\n", "house_number"),
        (b"house_number,lat\r\n12,18.57\r\n", "village_code"),
        (b"village_code,house_number,lat\r\n51010101,12,18.57\r\n", "lon"),
        (b"51010101,12,3\r\n51010101,13,3\r\n", "village_code"),
    ],
    ids=["no house_number", "no village_code", "lat without lon", "no header"],
)
def test_missing_required_column_is_refused(client, staff, body, named):
    response = upload(client, staff, body)

    assert response.status_code == 422
    assert named in response.json["message"]
    assert named in response.json["errors"]["columns"][0]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b" \r\n\r\n",
        b",,,\r\n,,\r\n",
        ENGLISH.encode() + b"\r\n",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        b"village_code,house_number\r\n51010101,1\x00\x00\r\n",
        b"village_code,house_number,village_code\r\n51010101,1,51010101\r\n",
    ],
    ids=["empty", "blank", "only commas", "header only", "xlsx", "png", "nul", "column twice"],
)
def test_unreadable_file_is_refused(client, staff, body):
    response = upload(client, staff, body)

    assert response.status_code == 422, response.json
    assert response.json["code"] == "validation_error"
    assert response.json["errors"]


def test_too_many_rows_is_refused_before_anything_is_written(client, staff, db_session):
    rows = [f"51010101,{n},1" for n in range(5001)]
    body = csv_of(*rows, header="village_code,house_number,members")
    before = db_session.scalar(select(func.count(Household.id)))

    response = upload(client, staff, body)

    assert response.status_code == 422
    assert "5,000" in response.json["message"]
    assert db_session.scalar(select(func.count(Household.id))) == before


def test_lgo_staff_of_another_lgo_cannot_import_into_town_villages(client, auth):
    response = upload(client, auth("nga.staff"), csv_of(good("1")))

    assert response.json["created"] == 0
    assert rejected_fields(response.json) == {2: "village_code"}


@pytest.mark.parametrize(("login", "status"), [(None, 401), ("0810000001", 403), ("province", 403)])
def test_only_lgo_staff_may_import(client, auth, login, status):
    headers = auth(login) if login else {}

    response = upload(client, headers, csv_of(good("1")))

    assert response.status_code == status
