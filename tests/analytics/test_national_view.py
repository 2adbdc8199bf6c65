"""The national office (DLA) compares provinces; a provincial officer still sees only theirs.

A second province, Nan (55), is onboarded the way an office would (geothai and its files), and
given households and logs beside Lamphun's; the figures are counted by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from khaya.analytics import territory
from khaya.areas.models import Lgo, Village
from khaya.areas.onboard import Row, load_province
from khaya.extensions import db
from khaya.households.models import Household, Occupancy, WetBin
from tests.analytics._hand import log_item, syncer
from tests.areas.test_load_province import nan_lgos, nan_villages

OCTOBER = dt.date(2024, 10, 10)


def rows(dicts: list[dict]) -> list[Row]:
    return [Row(n, {k: str(v) for k, v in d.items()},
                (float(d["lon"]), float(d["lat"])) if d.get("lon") else None)
            for n, d in enumerate(dicts, start=1)]


@pytest.fixture
def two_provinces(app, client, auth, monkeypatch):
    """Lamphun: 1 household, which logs in October 2024. Nan: 4 households, 1 of which logs."""
    monkeypatch.setitem(app.config, "SMALL_DENOMINATOR", 1)
    with app.app_context():
        report = load_province(db.session, "55", lgos=rows(nan_lgos()),
                               villages=rows(nan_villages()))
        assert report.ok, report.conflicts
        villages = dict(db.session.execute(select(Village.code, Village.id)).tuples().all())
        lgo_of = dict(db.session.execute(select(Village.code, Lgo.code).join(Lgo)).tuples().all())
        lgos = dict(db.session.execute(select(Lgo.code, Lgo.id)).tuples().all())
        nan = sorted(code for code in villages if code.startswith("55"))
        placed = [("51010201", 0)] + [(nan[0], n) for n in range(2)] \
            + [(nan[1], n) for n in range(2)]
        ids = []
        for village, n in placed:
            household = Household(
                lgo_id=lgos[lgo_of[village]], village_id=villages[village],
                house_number=f"nation-{village}-{n}", members=3, wet_bin=WetBin.has_bin,
                occupancy=Occupancy.occupied, registered_on=dt.date(2024, 1, 1))
            db.session.add(household)
            db.session.flush()
            ids.append(household.id)
        db.session.commit()
        db.session.remove()
    territory._cache.clear()
    sync = syncer(client, auth)
    sync([log_item(ids[0], OCTOBER, {"organic": 1.0}), log_item(ids[1], OCTOBER, {"organic": 2.0})])
    yield nan
    territory._cache.clear()


def league(client, headers, **args):
    query = "&".join(f"{k}={v}" for k, v in {"indicator": "participation", "period": "2024-10",
                                              **args}.items())
    return client.get(f"/api/v1/analytics/league?{query}", headers=headers)


def test_dla_ranks_the_provinces_and_drills_down(client, auth, two_provinces):
    dla = auth("dla")
    response = league(client, dla, level="province")
    assert response.status_code == 200, response.get_json()
    ranked = [(r["code"], r["rank"], r["value"], r["numerator"], r["denominator"])
              for r in response.get_json()["rows"]]
    assert ranked == [("51", 1, 1.0, 1, 1), ("55", 2, 0.25, 1, 4)]

    # Country, then a province's LGOs, then an LGO's villages.
    lgos = league(client, dla, level="lgo", parent="55").get_json()["rows"]
    assert {(r["code"], r["denominator"]) for r in lgos} == {("nan-town-test", 2),
                                                             ("nan-sao-test", 2)}
    villages = league(client, dla, level="village", parent="nan-sao-test").get_json()["rows"]
    assert [r["code"] for r in villages] == [two_provinces[1], two_provinces[2]]

    choropleth = client.get("/api/v1/analytics/choropleth?level=province&indicator=participation"
                            "&period=2024-10", headers=dla)
    assert choropleth.status_code == 200
    shaded = {f["properties"]["code"]: f["properties"]["value"]
              for f in choropleth.get_json()["features"]}
    assert shaded == {"51": 1.0, "55": 0.25}


def test_a_provincial_officer_still_sees_only_their_province(client, auth, two_provinces):
    officer = auth("province")
    provinces = league(client, officer, level="province").get_json()["rows"]
    assert [r["code"] for r in provinces] == ["51"]
    assert league(client, officer, level="lgo", parent="55").status_code == 404
    assert league(client, officer, level="village", parent="nan-town-test").status_code == 404


def test_the_national_office_reads_no_household(client, auth, two_provinces):
    dla = auth("dla")
    for path in ("/api/v1/households", "/api/v1/reports", "/api/v1/volunteers/coverage",
                 "/api/v1/approvals", "/api/v1/users", "/api/v1/tiles/households/10/800/470.mvt"):
        assert client.get(path, headers=dla).status_code == 403, path
