"""The hand dataset: a small known dataset around the fiscal-year boundary of 30 Sep / 1 Oct 2024.

Three villages: Mueang Nga moo 1 (V1) and moo 2 (V2), town community 1 (V3). Households are
put in the register directly (their dates matter); logs, inspections and deposits go through
the API, so the rollups are maintained by the services' own hooks. The expected figures in
test_analytics_hand.py, tests/exports/test_monthly_hand.py and tests/maps/test_tiles_hand.py
are worked out by hand from the tables below; ``build`` makes the dataset for any of them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select

from khaya.areas.models import Lgo, Village
from khaya.collection.models import CollectionPoint, HazardousCollection, PointKind
from khaya.common.geo import point
from khaya.extensions import db
from khaya.households.models import Household, Occupancy, WetBin
from khaya.wastebank.models import Material, Member, Price, WasteBank

V1, V2, V3 = "51010201", "51010202", "51010101"
NGA = "mueang-nga-subdistrict-municipality"
TOWN = "lamphun-town-municipality"
D = dt.date

# name: (village, registered_on, members, wet_bin, occupancy, deactivated_on)
HOUSEHOLDS: dict[str, tuple[str, dt.date, int, WetBin, Occupancy, dt.date | None]] = {
    "h1": (V1, D(2024, 1, 1), 4, WetBin.has_bin, Occupancy.occupied, None),
    "h2": (V1, D(2024, 1, 1), 3, WetBin.has_bin, Occupancy.occupied, None),
    "h3": (V1, D(2024, 1, 1), 2, WetBin.communal, Occupancy.occupied, None),
    "h4": (V1, D(2024, 1, 1), 5, WetBin.none, Occupancy.occupied, None),
    "h5": (V1, D(2024, 9, 15), 1, WetBin.no_space, Occupancy.occupied, None),
    "h6": (V1, D(2024, 1, 1), 0, WetBin.none, Occupancy.vacant, None),
    "h7": (V1, D(2024, 1, 1), 2, WetBin.has_bin, Occupancy.occupied, D(2024, 10, 20)),
    "h8": (V2, D(2024, 1, 1), 6, WetBin.has_bin, Occupancy.occupied, None),
    "h9": (V2, D(2024, 10, 5), 2, WetBin.none, Occupancy.occupied, None),
    "h10": (V3, D(2024, 1, 1), 3, WetBin.has_bin, Occupancy.occupied, None),
    "h11": (V3, D(2024, 1, 1), 4, WetBin.communal, Occupancy.occupied, None),
}
# (day, household, kg by stream); a household may log twice a day.
LOGS = [
    (D(2024, 9, 29), "h1", {"organic": 1.0, "recyclable": 0.5}),
    (D(2024, 9, 29), "h2", {"organic": 2.0}),
    (D(2024, 9, 30), "h1", {"general": 0.3}),
    (D(2024, 9, 30), "h7", {"organic": 1.0}),
    (D(2024, 9, 30), "h6", {"recyclable": 1.0}),
    (D(2024, 10, 1), "h1", {"organic": 1.5}),
    (D(2024, 10, 1), "h1", {"recyclable": 0.4}),
    (D(2024, 10, 1), "h3", {"organic": 0.5, "hazardous": 0.2}),
    (D(2024, 10, 1), "h8", {"recyclable": 2.0}),
    (D(2024, 10, 2), "h7", {"organic": 0.7}),
    (D(2024, 10, 15), "h10", {"organic": 1.2}),
    (D(2024, 10, 31), "h2", {"general": 1.1}),
]
VOIDED_LOG = (D(2024, 10, 3), "h4", {"organic": 9.0})
# (day, household, passed), sent in this order: the later one of a day decides.
INSPECTIONS = [
    (D(2024, 8, 10), "h1", False),
    (D(2024, 9, 20), "h1", True),
    (D(2024, 9, 25), "h2", True),
    (D(2024, 10, 10), "h2", False),
    (D(2024, 10, 5), "h3", True),
    (D(2024, 10, 6), "h4", False),
    (D(2024, 10, 7), "h5", True),
    (D(2024, 9, 1), "h8", True),
    (D(2024, 10, 20), "h8", True),
    (D(2024, 10, 12), "h10", False),
    (D(2024, 10, 12), "h10", True),
]


def by_hand(ratio: float | None) -> float | None:
    """A share as a person writes it in a file: times 100, rounded half up to one decimal."""
    if ratio is None:
        return None
    return float((Decimal(str(ratio)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


@dataclass
class Dataset:
    households: dict[str, int]
    villages: dict[str, int]
    lgos: dict[str, int]
    bank_id: int
    members: dict[str, int]
    entries: dict[str, int] = field(default_factory=dict)
    voided_log: int | None = None


def log_item(household_id: int, day: dt.date, kg: dict[str, float]) -> dict[str, Any]:
    return {"kind": "sorting_log", "client_id": str(uuid.uuid4()),
            "data": {"household_id": household_id, "log_date": day.isoformat(),
                     "streams": sorted(kg), **{f"kg_{s}": v for s, v in kg.items()}}}


# The hand households have no GPS point, so no fix can be far from one; an inspection without a
# fix would be flagged, and its pass would wait for the LGO's review.
INSPECTOR = {"type": "Point", "coordinates": [99.03, 18.61]}


def inspection_item(household_id: int, day: dt.date, passed: bool) -> dict[str, Any]:
    return {"kind": "inspection", "client_id": str(uuid.uuid4()),
            "data": {"household_id": household_id, "inspected_on": day.isoformat(),
                     "registered": True, "bin_built": True, "food_waste_in_bin": True,
                     "lid_closed": passed, "used_correctly": True, "point": INSPECTOR}}


def register(session) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    villages = dict(session.execute(
        select(Village.code, Village.id).where(Village.code.in_([V1, V2, V3]))).tuples().all())
    lgos = dict(session.execute(select(Lgo.code, Lgo.id).where(Lgo.code.in_([NGA, TOWN])))
                .tuples().all())
    village_lgo = {V1: NGA, V2: NGA, V3: TOWN}
    households = {}
    for name, (village, registered, members, wet_bin, occupancy, _gone) in HOUSEHOLDS.items():
        # Deactivation comes after the logs: a household out of the register cannot log.
        household = Household(
            lgo_id=lgos[village_lgo[village]], village_id=villages[village],
            house_number=f"hand-{name}", members=members, wet_bin=wet_bin,
            occupancy=occupancy, registered_on=registered)
        session.add(household)
        session.flush()
        households[name] = household.id
    return households, villages, lgos


def bank(session, households: dict[str, int], lgos: dict[str, int],
          villages: dict[str, int]) -> tuple[int, dict[str, int]]:
    bank = WasteBank(lgo_id=lgos[NGA], name_th="ธนาคารขยะทดสอบ")
    session.add(bank)
    session.flush()
    for material, price in ((Material.pet, "8"), (Material.paper, "3"), (Material.glass, "1")):
        session.add(Price(bank_id=bank.id, material=material, price_per_kg=Decimal(price),
                          valid_from=D(2024, 1, 1)))
    members = {}
    for number, (name, joined, village) in enumerate(
            (("h1", D(2024, 6, 1), V1), ("h8", D(2024, 10, 10), V2)), start=1):
        member = Member(bank_id=bank.id, household_id=households[name], lgo_id=lgos[NGA],
                        village_id=villages[village], member_number=number, joined_on=joined)
        session.add(member)
        session.flush()
        members[name] = member.id
    return bank.id, members


def hazards(session, lgos: dict[str, int], villages: dict[str, int]) -> None:
    for village, day, kg in ((villages[V1], D(2024, 10, 20), {"kg_batteries": 3, "kg_bulbs": 1}),
                             (None, D(2024, 10, 25), {"kg_e_waste": 10})):
        spot = CollectionPoint(lgo_id=lgos[NGA], village_id=village,
                               kind=PointKind.hazardous_dropoff, name_th="จุดทิ้งขยะอันตราย",
                               point=point(99.03, 18.61), streams=["hazardous"], opening={})
        session.add(spot)
        session.flush()
        session.add(HazardousCollection(point_id=spot.id, lgo_id=lgos[NGA], collected_on=day,
                                        **kg))




Sync = Callable[..., list[dict]]


def syncer(client, auth) -> Sync:
    """Return ``sync(items, who="admin") -> results``, asserting nothing was rejected."""
    tokens: dict[str, dict[str, str]] = {}

    def send(items: list[dict], who: str = "admin") -> list[dict]:
        headers = tokens.setdefault(who, auth(who))
        response = client.post("/api/v1/sync", json={"device_id": "analytics-test",
                                                     "items": items}, headers=headers)
        assert response.status_code == 200, response.get_json()
        results = response.get_json()["results"]
        assert all(r["status"] != "rejected" for r in results), results
        return results

    return send


def build(client, auth, sync: Sync) -> Dataset:
    """Make the hand dataset inside the test's transaction (see the module docstring)."""
    session = db.session
    households, villages, lgos = register(session)
    bank_id, members = bank(session, households, lgos, villages)
    hazards(session, lgos, villages)
    session.commit()
    data = Dataset(households, villages, lgos, bank_id, members)
    sync([log_item(households[h], day, kg) for day, h, kg in LOGS])
    (voided,) = sync([log_item(households[VOIDED_LOG[1]], VOIDED_LOG[0], VOIDED_LOG[2])])
    data.voided_log = voided["id"]
    for day, h, passed in INSPECTIONS:
        sync([inspection_item(households[h], day, passed)])
    # As deactivation does; after h7's logs, which an inactive household could not send.
    gone = session.get(Household, households["h7"])
    gone.active, gone.occupancy, gone.deactivated_on = False, Occupancy.vacant, D(2024, 10, 20)
    session.commit()
    staff = auth("admin")
    response = client.post(f"/api/v1/sorting-logs/{data.voided_log}/void", headers=staff,
                           json={"reason": "typed for the wrong house"})
    assert response.status_code == 200, response.get_json()
    for key, name, day, lines in (
        ("sep", "h1", D(2024, 9, 28), [{"material": "pet", "kg": "2"}]),
        ("oct", "h1", D(2024, 10, 5), [{"material": "paper", "kg": "3"}]),
        ("h8", "h8", D(2024, 10, 12), [{"material": "pet", "kg": "1"},
                                        {"material": "glass", "kg": "2"}]),
    ):
        (result,) = sync([{"kind": "deposit", "client_id": str(uuid.uuid4()),
                           "data": {"bank_id": bank_id, "member_id": members[name],
                                    "deposit_date": day.isoformat(), "lines": lines}}])
        data.entries[key] = result["id"]
    response = client.post(f"/api/v1/waste-banks/{bank_id}/entries/{data.entries['oct']}/reverse",
                           headers=staff, json={"note": "weighed twice"})
    assert response.status_code in (200, 201), response.get_json()
    session.remove()
    return data
