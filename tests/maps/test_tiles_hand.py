"""Participation on the area tiles for the hand dataset (tests/analytics/_hand.py), checked
against figures worked out by hand from its tables, not against ``analytics.compute``.

Maps show the last complete month, so the tiles are asked for on a day in November 2024
(October's figures) and on one in October 2024 (September's): the clock of the tile and OGC
modules is set to that day; the data and the queries are real. The small-denominator threshold
is 1 so every hand area shows its value (the last test keeps the default).
"""

from __future__ import annotations

import datetime as dt

import mapbox_vector_tile
import pytest

from khaya.maps import ogc, tiles
from tests.analytics._hand import NGA, TOWN, V1, V2, V3, Dataset, Sync, build, syncer
from tests.maps._support import tile_of

NOVEMBER = dt.date(2024, 11, 5)  # shows October 2024
OCTOBER = dt.date(2024, 10, 15)  # shows September 2024

# (layer, area code, village whose point lies inside the area, zoom) -> (numerator,
# denominator, ratio rounded to 4 places as analytics rounds every ratio).
OCTOBER_FIGURES = {
    # V1 on 31 Oct: h1-h5 occupied (h6 vacant, h7 left on 20 Oct); h1, h2, h3 logged in October
    # (h7's log no longer counts, h4's was voided).
    ("villages", V1, V1, 14): (3, 5, 0.6),
    # V2: h8 and h9 (registered 5 Oct); h8 logged on 1 Oct.
    ("villages", V2, V2, 14): (1, 2, 0.5),
    # V3: h10 and h11; h10 logged on 15 Oct.
    ("villages", V3, V3, 14): (1, 2, 0.5),
    # Mueang Nga is V1 + V2: 3 + 1 of 5 + 2 = 4 / 7 = 0.571428...
    ("lgos", NGA, V1, 12): (4, 7, 0.5714),
    ("lgos", TOWN, V3, 12): (1, 2, 0.5),
    # Tambon Mueang Nga holds the municipality's villages and no other hand household.
    ("tambons", "510102", V1, 12): (4, 7, 0.5714),
    # District Mueang Lamphun holds both LGOs: 4 + 1 of 7 + 2 = 5 / 9 = 0.5555...
    ("districts", "5101", V1, 10): (5, 9, 0.5556),
}
SEPTEMBER_FIGURES = {
    # V1 on 30 Sep: h1-h5 and h7 occupied (h6 vacant); h1, h2, h7 logged (h6's log is a vacant
    # house's and counts for no household).
    ("villages", V1, V1, 14): (3, 6, 0.5),
    # V2: h8 only (h9 registers in October); no log.
    ("villages", V2, V2, 14): (0, 1, 0.0),
    # V3: h10 and h11; no log before 15 Oct.
    ("villages", V3, V3, 14): (0, 2, 0.0),
    ("lgos", NGA, V1, 12): (3, 7, 0.4286),  # 3 / 7 = 0.428571...
    ("districts", "5101", V1, 10): (3, 9, 0.3333),
}


@pytest.fixture
def sync(client, auth) -> Sync:
    return syncer(client, auth)


@pytest.fixture
def dataset(app, db_session, client, auth, sync) -> Dataset:
    return build(client, auth, sync)


@pytest.fixture
def on_day(monkeypatch):
    """Return ``on_day(day)``: the maps' clock reads ``day`` from then on."""

    def set_day(day: dt.date) -> None:
        monkeypatch.setattr(tiles, "local_today", lambda: day)
        monkeypatch.setattr(ogc, "local_today", lambda: day)

    return set_day


@pytest.fixture
def every_value_shown(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMALL_DENOMINATOR", 1)


def area_properties(client, village_point, layer: str, code: str, inside: str,
                    zoom: int) -> dict:
    z, x, y = tile_of(*village_point(inside), zoom)
    response = client.get(f"/api/v1/tiles/{layer}/{z}/{x}/{y}.mvt")
    assert response.status_code == 200
    found = mapbox_vector_tile.decode(response.data).get(layer, {}).get("features", [])
    (feature,) = [f for f in found if f["properties"]["code"] == code]
    return feature["properties"]


def participation(props: dict) -> tuple:
    return (props["participation_numerator"], props["participation_denominator"],
            props["participation"])


@pytest.mark.usefixtures("dataset", "every_value_shown")
@pytest.mark.parametrize(("day", "expected"), [
    pytest.param(NOVEMBER, OCTOBER_FIGURES, id="october"),
    pytest.param(OCTOBER, SEPTEMBER_FIGURES, id="september"),
])
def test_area_tiles_carry_the_hand_worked_participation(client, village_point, on_day, day,
                                                        expected):
    on_day(day)
    got = {key: area_properties(client, village_point, *key) for key in expected}
    for key, (numerator, denominator, ratio) in expected.items():
        props = got[key]
        assert props["participation_small"] is False, key
        assert participation(props)[:2] == (numerator, denominator), key
        assert props["participation"] == pytest.approx(ratio, abs=1e-9), key


@pytest.mark.usefixtures("dataset", "every_value_shown")
def test_the_ogc_villages_carry_the_same_figures(client, on_day):
    on_day(NOVEMBER)
    for code, (numerator, denominator, ratio) in ((V1, (3, 5, 0.6)), (V2, (1, 2, 0.5))):
        response = client.get(f"/ogc/collections/villages/items/{code}")
        assert response.status_code == 200
        props = response.get_json()["properties"]
        assert (props["participation_numerator"], props["participation_denominator"]) == (
            numerator, denominator)
        assert props["participation"] == pytest.approx(ratio, abs=1e-9)


@pytest.mark.usefixtures("dataset")
def test_at_the_default_threshold_the_hand_villages_show_only_their_size(
    client, village_point, on_day
):
    """Under 30 households a village shows its denominator and the flag, never what its
    households did: V1's 3 of 5 stays unpublished."""
    on_day(NOVEMBER)
    props = area_properties(client, village_point, "villages", V1, V1, 14)
    assert props["participation_small"] is True
    assert props["participation_denominator"] == 5
    assert "participation" not in props
    assert "participation_numerator" not in props
