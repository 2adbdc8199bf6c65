"""The carbon-credit evidence of an LGO: households by code, their share of tCO2e summing to the
carbon indicator, the inspections that verified them with their photos, and a SHA-256 manifest.

On the carbon hand dataset (tests/analytics/test_carbon_hand.py): in October 2024 the counted
persons are c1 (4, own bin), c2 (3, communal bin) and c5 (6, a far pass the LGO accepted), 13 in
all; c3's "no space", c4's unreviewed far pass, c6's later fail and c7's rejected pass are not.
"""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
import zipfile
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from khaya.analytics import compute
from khaya.auth.models import AuditEvent
from khaya.participation.models import Inspection, Photo
from tests.analytics._hand import NGA, V1, syncer
from tests.analytics.test_carbon_hand import carbon_village  # noqa: F401  (a fixture)

PNG = b"\x89PNG\r\n\x1a\n" + b"evidence" * 8


@pytest.fixture
def sync(client, auth):
    return syncer(client, auth)


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def _evidence(client, auth, who: str = "nga.staff", **body):
    return client.post("/api/v1/exports/evidence", headers=auth(who),
                       json={"lgo": NGA, "period": "2024-10", **body})


def test_the_evidence_sums_to_the_indicator_and_its_manifest_verifies(
        carbon_village, client, auth, db_session):  # noqa: F811
    # c1's deciding inspection carries a photo.
    inspection_id = db_session.scalar(
        select(Inspection.id).where(Inspection.household_id == carbon_village["c1"]))
    photo = Photo(id=uuid.uuid4(), household_id=carbon_village["c1"],
                  lgo_id=db_session.scalar(select(Inspection.lgo_id).where(
                      Inspection.id == inspection_id)),
                  village_id=db_session.scalar(select(Inspection.village_id).where(
                      Inspection.id == inspection_id)),
                  content_type="image/png", data=PNG, size=len(PNG),
                  sha256=hashlib.sha256(PNG).hexdigest())
    db_session.add(photo)
    db_session.flush()
    photo_id = photo.id
    db_session.execute(update(Inspection).where(Inspection.id == inspection_id)
                       .values(photo_id=photo_id))
    db_session.commit()

    job = _evidence(client, auth)
    assert job.status_code == 202, job.get_json()
    status = client.get(job.headers["Location"], headers=auth("nga.staff")).get_json()
    assert status["status"] == "done", status
    download = client.get(f"/api/v1/exports/jobs/{status['id']}/download",
                          headers=auth("nga.staff"))
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))

    households = _rows(archive, "households.csv")
    by_persons = sorted(int(h["persons"]) for h in households)
    assert by_persons == [3, 4, 6]
    codes = {h["household_code"] for h in households}
    assert codes == {f"{V1}-{carbon_village[c]:06d}" for c in ("c1", "c2", "c5")}
    assert all(h["days"] == "31" for h in households)
    # No names: the register's house numbers (co2-c1 ...) are not in any file.
    assert b"co2-" not in b"".join(archive.read(n) for n in archive.namelist())

    (october,) = compute("village", [V1], "2024-10", ["carbon_tco2e"])
    carbon = october["carbon_tco2e"]
    shares = sum(Decimal(h["tco2e"]) for h in households)
    summary = {r["field"]: r["value"] for r in _rows(archive, "summary.csv")}
    assert Decimal(summary["tco2e"]) == shares
    assert int(summary["persons"]) == carbon["numerator"] == 13
    # 13 x 0.252 x 31 / 1000 x 0.1454 = 0.0147662424, which the indicator gives to 4 places.
    assert shares == Decimal(13) * Decimal("0.252") * 31 / 1000 * Decimal("0.1454")
    assert shares == Decimal("0.0147662424")
    assert round(float(shares), 4) == carbon["value"]

    inspections = _rows(archive, "inspections.csv")
    c5 = next(i for i in inspections if i["household_code"].endswith(f"{carbon_village['c5']:06d}"))
    assert (c5["lgo_review"], c5["location_check"]) == ("accepted", "far")
    assert float(c5["distance_from_house_m"]) > 3000
    c1 = next(i for i in inspections if i["household_code"].endswith(f"{carbon_village['c1']:06d}"))
    assert c1["photo"] == f"photos/{photo_id}.png"
    assert archive.read(c1["photo"]) == PNG

    # Every file is in the manifest, and each hash verifies.
    listed = {}
    for line in archive.read("MANIFEST.sha256").decode().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    assert set(listed) == set(archive.namelist()) - {"MANIFEST.sha256"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest, name

    # Each download records an export of each household it names.
    exported = db_session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "export", AuditEvent.entity == "household",
        AuditEvent.entity_id.in_([str(carbon_village[c]) for c in ("c1", "c2", "c5")])))
    assert exported == 3


def test_the_evidence_is_the_lgos_own(carbon_village, client, auth):  # noqa: F811
    assert _evidence(client, auth, "town.staff").status_code == 404
    assert _evidence(client, auth, "province").status_code == 403  # aggregates only
    assert _evidence(client, auth, "nga.staff", period="2024-13").status_code == 422
