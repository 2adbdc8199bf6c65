"""Onboarding a province: geothai's districts and tambons, the office's LGOs and villages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import geothai
import numpy as np
import pyogrio.raw
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from khaya.areas.models import (
    Assignment,
    District,
    Lgo,
    LgoType,
    LgoVersion,
    Province,
    Tambon,
    Village,
    VillageKind,
)
from khaya.areas.onboard import load_province, read_rows
from khaya.extensions import db

LGO_FIELDS = ["code", "name_th", "name_en", "type", "district_code", "tambons", "households",
              "lon", "lat"]
VILLAGE_FIELDS = ["code", "moo", "name_th", "name_en", "kind", "lgo", "households", "lon", "lat"]


def first_tambons(province: str, n: int) -> list[geothai.types.Subdistrict]:
    """The first ``n`` tambons of the province's capital district (DOPA XX01)."""
    return geothai.subdistricts(f"{province}01")[:n]


def nan_lgos() -> list[dict]:
    t1, t2, t3 = (t.code for t in first_tambons("55", 3))
    return [
        {"name_th": "องค์การบริหารส่วนจังหวัดน่าน", "name_en": "Nan PAO Test", "type": "อบจ.",
         "lon": "100.77", "lat": "18.78"},
        {"code": "nan-town-test", "name_th": "เทศบาลเมืองน่าน", "name_en": "Nan Town Test",
         "type": "ทม.", "tambons": t1, "households": "8,000", "lon": "100.7715",
         "lat": "18.7834"},
        {"code": "nan-sao-test", "name_th": "อบต.ทดสอบ", "name_en": "Nan SAO Test",
         "type": "SAO", "tambons": f"{t2}; {t3}", "lon": "100.75", "lat": "18.76"},
    ]


def nan_villages() -> list[dict]:
    t1, t2, t3 = (t.code for t in first_tambons("55", 3))
    return [
        {"code": f"{t1}01", "name_th": "ชุมชนหนึ่ง", "name_en": "Community One",
         "kind": "community", "households": "120", "lon": "100.771", "lat": "18.781"},
        {"code": f"{t2}01", "name_th": "บ้านหนึ่ง", "name_en": "Ban Nueng", "households": "80",
         "lon": "100.751", "lat": "18.761"},
        {"code": f"{t3}02", "moo": "2", "name_th": "บ้านสอง", "name_en": "Ban Song"},
    ]


def write_csv(path: Path, fields: list[str], rows: list[dict]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    # Spreadsheets save UTF-8 CSV with a byte-order mark.
    path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path


def write_gpkg(path: Path, fields: list[str], rows: list[dict]) -> Path:
    """A GeoPackage whose points are the rows' lon/lat (rows without them get none)."""
    columns = [f for f in fields if f not in ("lon", "lat")]
    geometry = np.array([
        shapely.to_wkb(shapely.Point(float(r["lon"]), float(r["lat"]))) if r.get("lon") else None
        for r in rows], dtype=object)
    pyogrio.raw.write(str(path), geometry=geometry,
                      field_data=[np.array([r.get(c, "") for r in rows], dtype=object)
                                  for c in columns],
                      fields=columns, crs="EPSG:4326", geometry_type="Point")
    return path


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_nan_loads_from_the_package_and_csv_files(app, runner, tmp_path):
    lgos = write_csv(tmp_path / "lgos.csv", LGO_FIELDS, nan_lgos())
    villages = write_csv(tmp_path / "villages.csv", VILLAGE_FIELDS, nan_villages())
    result = runner.invoke(args=["areas", "load-province", "55", "--lgos", str(lgos),
                                 "--villages", str(villages)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Loaded: province 55 Nan")

    with app.app_context():
        province = db.session.scalars(select(Province).where(Province.code == "55")).one()
        assert (province.name_th, province.name_en) == ("น่าน", "Nan")
        districts = db.session.scalars(select(District).where(District.province_id == province.id)
                                       ).all()
        assert sorted(d.code for d in districts) == sorted(d.code for d in geothai.districts("55"))
        tambons = db.session.scalars(select(Tambon).join(District).where(
            District.province_id == province.id)).all()
        expected = {t.code for d in geothai.districts("55") for t in geothai.subdistricts(d.code)}
        assert {t.code for t in tambons} == expected
        t1, t2, t3 = first_tambons("55", 3)
        stored = {t.code: t for t in tambons}[t1.code]
        assert (stored.name_th, stored.postcode) == (t1.name_th, t1.postal_codes[0])

        lgo = {row.code: row for row in db.session.scalars(
            select(Lgo).where(Lgo.province_id == province.id))}
        assert set(lgo) == {"nan-pao-test", "nan-town-test", "nan-sao-test"}
        assert lgo["nan-pao-test"].type is LgoType.PAO
        assert lgo["nan-pao-test"].district.code == "5501"  # the capital district, by default
        assert lgo["nan-town-test"].type is LgoType.town_municipality
        assert lgo["nan-town-test"].households == 8000
        assert to_shape(lgo["nan-town-test"].office_point).coords[0] == (100.7715, 18.7834)
        versions = db.session.scalars(select(LgoVersion).where(
            LgoVersion.lgo_id.in_([row.id for row in lgo.values()]))).all()
        assert len(versions) == 3

        village = {v.code: v for v in db.session.scalars(select(Village).where(
            Village.lgo_id.in_([row.id for row in lgo.values()])))}
        assert set(village) == {f"{t1.code}01", f"{t2.code}01", f"{t3.code}02"}
        one = village[f"{t1.code}01"]
        assert (one.kind, one.moo, one.households_estimate) == (VillageKind.community, 1, 120)
        assert one.lgo_id == lgo["nan-town-test"].id  # the only LGO serving its tambon
        assert one.lgo_assignment is Assignment.reference
        assert village[f"{t3.code}02"].lgo_id == lgo["nan-sao-test"].id
        assert village[f"{t3.code}02"].point is None
        assert to_shape(village[f"{t2.code}01"].point).coords[0] == (100.751, 18.761)

    # A second run finds everything as it left it.
    again = runner.invoke(args=["areas", "load-province", "55", "--lgos", str(lgos),
                                "--villages", str(villages)])
    assert again.exit_code == 0, again.output
    assert "created" not in again.output
    assert "updated" not in again.output
    assert f"unchanged: 1 provinces, {len(geothai.districts('55'))} districts" in again.output


def test_chiang_mai_loads_from_geopackages_through_the_api(app, client, auth, tmp_path):
    t1, t2 = first_tambons("50", 2)
    lgos = write_gpkg(tmp_path / "lgos.gpkg", LGO_FIELDS, [
        {"name_th": "อบจ.เชียงใหม่", "name_en": "Chiang Mai PAO Test", "type": "PAO",
         "lon": "98.99", "lat": "18.79"},
        {"name_th": "ทน.เชียงใหม่", "name_en": "Chiang Mai City Test",
         "type": "city_municipality", "tambons": f"{t1.code} {t2.code}", "lon": "98.98",
         "lat": "18.79"},
    ])
    villages = write_gpkg(tmp_path / "villages.gpkg", VILLAGE_FIELDS, [
        {"code": f"{t1.code}01", "name_th": "ชุมชนก", "name_en": "Community A",
         "kind": "community", "lon": "98.985", "lat": "18.791"},
        {"code": f"{t2.code}03", "name_th": "ชุมชนข", "name_en": "Community B",
         "kind": "community", "lon": "98.975", "lat": "18.785"},
    ])
    files = {"lgos": (lgos.open("rb"), "lgos.gpkg"), "villages": (villages.open("rb"),
                                                                   "villages.gpkg")}
    dry = client.post("/api/v1/areas/provinces/50/load", headers=auth("admin"),
                      data={**files, "dry_run": "true"}, content_type="multipart/form-data")
    assert dry.status_code == 200, dry.get_json()
    report = dry.get_json()
    assert report["dry_run"]
    assert report["ok"]
    assert report["created"]["villages"]["codes"] == [f"{t1.code}01", f"{t2.code}03"]
    assert report["created"]["districts"]["count"] == len(geothai.districts("50"))
    assert "CC BY 4.0" in report["source"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(Province.code == "50")) == 0

    files = {"lgos": (lgos.open("rb"), "lgos.gpkg"), "villages": (villages.open("rb"),
                                                                   "villages.gpkg")}
    done = client.post("/api/v1/areas/provinces/50/load", headers=auth("admin"), data=files,
                       content_type="multipart/form-data")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["created"]["lgos"]["count"] == 2
    # The new province's areas answer like Lamphun's.
    listed = client.get("/api/v1/areas/villages?lgo=chiang-mai-city-test").get_json()
    assert [v["code"] for v in listed["items"]] == [f"{t1.code}01", f"{t2.code}03"]
    assert client.get("/api/v1/areas/lgos/chiang-mai-city-test").get_json()["type"] \
        == "city_municipality"
    # Every tambon without a village yet is reported, not refused.
    missing = {(p["kind"], p["code"]) for p in done.get_json()["missing"]}
    t3 = first_tambons("50", 3)[2]
    assert ("tambon_without_villages", t3.code) in missing
    assert ("tambon_without_lgo", t3.code) in missing


def test_a_conflict_refuses_the_whole_load(app, client, auth, runner, tmp_path):
    t1, t2, _ = (t.code for t in first_tambons("55", 3))
    lgos = nan_lgos() + [{"code": "nan-rival-test", "name_th": "ทต.คู่แข่ง", "name_en": "Rival",
                          "type": "ทต.", "tambons": t2}]
    villages = nan_villages() + [
        {"code": "51010201", "name_th": "บ้านลำพูน", "name_en": "A Lamphun village"},
        {"code": f"{t1}09", "name_th": "บ้านสลับ", "name_en": "Swapped", "lon": "18.78",
         "lat": "100.77"},
        {"code": f"{t1}10", "name_th": "บ้านผิด", "name_en": "Wrong LGO", "lgo": "nowhere"},
    ]
    lgos.append({"name_th": "ผิดประเภท", "name_en": "Bad Type", "type": "county",
                 "tambons": t1})
    with app.app_context():
        before = {model: count(model) for model in (Province, District, Tambon, Lgo, Village)}
    result = runner.invoke(args=[
        "areas", "load-province", "55",
        "--lgos", str(write_csv(tmp_path / "l.csv", LGO_FIELDS, lgos)),
        "--villages", str(write_csv(tmp_path / "v.csv", VILLAGE_FIELDS, villages))])
    assert result.exit_code == 1
    assert result.output.startswith("Refused, nothing changed")
    for words in (f"tambon {t2} is served by nan-rival-test and nan-sao-test",
                  "village 51010201 is in tambon 510102, which is not in province 55",
                  "is not in Thailand (are longitude and latitude swapped?)",
                  "names LGO 'nowhere'", "unknown LGO type 'county'"):
        assert words in result.output, result.output
    with app.app_context():
        assert {model: count(model) for model in before} == before

    response = client.post(
        "/api/v1/areas/provinces/55/load", headers={**auth("admin"), "Accept-Language": "th"},
        data={"villages": (io.BytesIO(b"code,name_th,name_en\n5501010A,x,y\n"), "v.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "province_load_error"
    assert body["message"].startswith("มี 1 แถวที่ขัดกัน")
    (conflict,) = body["report"]["conflicts"]
    assert (conflict["kind"], conflict["file"], conflict["row"]) == ("bad_code", "villages", 1)
    assert "ต้องเป็นตัวเลข 8 หลัก" in conflict["message_th"]


def test_lamphun_loads_over_the_demo_without_changing_it(app, runner):
    with app.app_context():
        before = {model: count(model) for model in (District, Tambon, Lgo, Village)}
    result = runner.invoke(args=["areas", "load-province", "51"])
    assert result.exit_code == 0, result.output
    assert "created" not in result.output
    assert "updated:" not in result.output
    # geothai spells one tambon "NaKhon Chedi"; the demo's name is kept unless asked.
    assert "name differs (kept): 510611 'Nakhon Chedi', package 'NaKhon Chedi'" in result.output
    with app.app_context():
        assert {model: count(model) for model in before} == before
        assert db.session.scalar(select(Tambon.name_en).where(Tambon.code == "510611")) \
            == "Nakhon Chedi"


def test_unknown_province_and_who_may_load(client, auth, runner):
    result = runner.invoke(args=["areas", "load-province", "99"])
    assert result.exit_code == 1
    assert "No province has the code '99'" in result.output
    for login in ("province", "dla", "town.admin"):
        response = client.post("/api/v1/areas/provinces/55/load", headers=auth(login), data={},
                               content_type="multipart/form-data")
        assert response.status_code == 403, login
    assert client.post("/api/v1/areas/provinces/99/load", headers=auth("admin"), data={},
                       content_type="multipart/form-data").status_code == 422


def test_rows_are_read_from_csv_and_geopackage_alike(tmp_path):
    rows = nan_villages()
    from_csv = read_rows(write_csv(tmp_path / "v.csv", VILLAGE_FIELDS, rows), "villages")
    from_gpkg = read_rows(write_gpkg(tmp_path / "v.gpkg", VILLAGE_FIELDS, rows), "villages")
    assert [(r.fields["code"], r.point) for r in from_csv] \
        == [(r.fields["code"], r.point) for r in from_gpkg] \
        == [(row["code"], (float(row["lon"]), float(row["lat"])) if row.get("lon") else None)
            for row in rows]


def test_a_dry_run_writes_nothing(app):
    with app.app_context():
        report = load_province(db.session, "55", dry_run=True)
        db.session.flush()
        assert report.created["tambons"]
        assert count(Province) == 1
        assert any(p.kind == "no_pao" for p in report.missing)
