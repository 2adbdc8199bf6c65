"""The carbon figure worked out by hand, per GET /api/v1/analytics/definitions.

Seven occupied households of Mueang Nga moo 1, put in the register with the wet-bin status a
clerk typed once; inspections of October 2024 arrive through /sync (some far from the house,
without GPS) and the LGO decides on the flagged ones through the review API. The table says,
for each household, what the stated definition makes of it:

    house  members  register   October's inspections                 verified  arrangement  persons
    c1     4        none       pass, confirms an own bin             yes       has_bin      4
    c2     3        none       pass, confirms a communal bin         yes       communal     3
    c3     2        none       pass, confirms "no space"             yes       no_space     0
    c4     5        has_bin    pass 3 km away, not reviewed          no        has_bin      0
    c5     6        none       pass 3 km away, accepted by the LGO   yes       has_bin      6
    c6     1        has_bin    pass; later a fail 3 km away          no        has_bin      0
    c7     2        communal   pass without GPS, rejected            no        communal     0

Persons counted: 4 + 3 + 6 = 13 of 23 residents ("no space" counts in coverage, not carbon).
October: 13 x 0.252 kg x 31 days / 1000 x 0.1454 = 0.014766 tCO2e; FY2568 (365 days):
13 x 0.252 x 365 / 1000 x 0.1454 = 0.173860 tCO2e. Wet-bin coverage 4/7 (c1, c2, c3, c5);
verified compliance in October 4/5 (c4's pass waits and c7's was rejected: neither counts).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from khaya.analytics import compute
from khaya.analytics.rebuild import reconcile
from khaya.areas.models import Lgo, Village
from khaya.common.geo import point
from khaya.households.models import Household, Occupancy, WetBin
from tests.analytics._hand import NGA, V1

D = dt.date
HOUSE = (99.03, 18.61)
NEAR = {"type": "Point", "coordinates": list(HOUSE)}
FAR = {"type": "Point", "coordinates": [99.06, 18.61]}  # about 3.2 km east
NO_GPS = None

# name: (members, register wet_bin)
HOUSEHOLDS = {
    "c1": (4, WetBin.none), "c2": (3, WetBin.none), "c3": (2, WetBin.none),
    "c4": (5, WetBin.has_bin), "c5": (6, WetBin.none), "c6": (1, WetBin.has_bin),
    "c7": (2, WetBin.communal),
}
# (day, household, passed, where the inspector stood, arrangement confirmed), in sending order
INSPECTIONS = [
    (D(2024, 10, 5), "c1", True, NEAR, "has_bin"),
    (D(2024, 10, 6), "c2", True, NEAR, "communal"),
    (D(2024, 10, 7), "c3", True, NEAR, "no_space"),
    (D(2024, 10, 8), "c4", True, FAR, "has_bin"),
    (D(2024, 10, 9), "c5", True, FAR, "has_bin"),
    (D(2024, 10, 2), "c6", True, NEAR, "has_bin"),
    (D(2024, 10, 20), "c6", False, FAR, "has_bin"),
    (D(2024, 10, 10), "c7", True, NO_GPS, "communal"),
]
DECISIONS = {"c5": "accept", "c7": "reject"}
# The hand column "persons" of the table above.
PERSONS = {"c1": 4, "c2": 3, "c3": 0, "c4": 0, "c5": 6, "c6": 0, "c7": 0}
RESIDENTS = 23


@pytest.fixture
def carbon_village(app, db_session, client, auth, sync) -> dict[str, int]:
    village_id = db_session.scalar(select(Village.id).where(Village.code == V1))
    lgo_id = db_session.scalar(select(Lgo.id).where(Lgo.code == NGA))
    ids = {}
    for name, (members, wet_bin) in HOUSEHOLDS.items():
        household = Household(lgo_id=lgo_id, village_id=village_id, house_number=f"co2-{name}",
                              members=members, wet_bin=wet_bin, occupancy=Occupancy.occupied,
                              registered_on=D(2024, 1, 1), point=point(*HOUSE))
        db_session.add(household)
        db_session.flush()
        ids[name] = household.id
    db_session.commit()
    stored = {}
    for day, name, passed, where, arrangement in INSPECTIONS:
        (result,) = sync([{"kind": "inspection", "client_id": str(uuid.uuid4()), "data": {
            "household_id": ids[name], "inspected_on": day.isoformat(), "registered": True,
            "bin_built": True, "food_waste_in_bin": True, "lid_closed": passed,
            "used_correctly": True, "point": where, "gps_accuracy_m": 5.0,
            "wet_bin": arrangement}}], who="0810000002")
        stored[name] = result["id"]
    for name, decision in DECISIONS.items():
        response = client.post(f"/api/v1/inspections/{stored[name]}/review",
                               headers=auth("nga.staff"),
                               json={"decision": decision, "reason": "checked with the village"})
        assert response.status_code == 200, response.get_json()
    db_session.remove()
    return ids


def test_carbon_is_the_stated_definition_computed_by_hand(carbon_village, client, auth,
                                                          db_session):
    stated = client.get("/api/v1/analytics/definitions", headers=auth("nga.staff")).get_json()
    carbon = stated["carbon"]
    assert carbon["arrangements_counted"] == ["has_bin", "communal"]
    assert set(carbon["arrangements_not_counted"]) == {"no_space", "none"}
    kg, factor = carbon["kg_per_person_day"], carbon["tco2e_per_tonne"]
    assert (kg, factor) == (0.252, 0.1454)
    assert carbon["tco2e_per_person_year"] == round(0.252 * 365 / 1000 * 0.1454, 6)
    assert sum(PERSONS.values()) == 13

    october = compute("village", [V1], "2024-10", ["carbon_tco2e", "wet_bin_coverage",
                                                   "verified_compliance"])[0]
    figure = october["carbon_tco2e"]
    assert (figure["numerator"], figure["denominator"]) == (13, RESIDENTS)
    assert figure["detail"]["days"] == 31
    assert figure["value"] == round(13 * kg * 31 / 1000 * factor, 4) == 0.0148
    assert figure["detail"]["food_waste_tonnes"] == round(13 * 0.252 * 31 / 1000, 3)
    cover, comply = october["wet_bin_coverage"], october["verified_compliance"]
    assert (cover["numerator"], cover["denominator"]) == (4, 7)
    assert cover["detail"] == {"arrangements": 7}
    assert (comply["numerator"], comply["denominator"]) == (4, 5)

    year = compute("village", [V1], "FY2568", ["carbon_tco2e"])[0]["carbon_tco2e"]
    assert (year["numerator"], year["detail"]["days"]) == (13, 365)
    assert year["value"] == round(13 * kg * 365 / 1000 * factor, 4) == 0.1739

    # The register followed the passes that count, and only those.
    register = dict(db_session.execute(
        select(Household.house_number, Household.wet_bin)
        .where(Household.id.in_(carbon_village.values()))).tuples().all())
    assert register == {"co2-c1": WetBin.has_bin, "co2-c2": WetBin.communal,
                        "co2-c3": WetBin.no_space, "co2-c4": WetBin.has_bin,
                        "co2-c5": WetBin.has_bin, "co2-c6": WetBin.has_bin,
                        "co2-c7": WetBin.communal}
    assert reconcile(D(2024, 10, 1), D(2024, 10, 31)).ok
