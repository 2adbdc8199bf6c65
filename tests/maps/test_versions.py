"""Data versions: triggers bump them, compaction keeps them, the LRU cache stays bounded."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, select, text

from khaya.areas.models import Lgo, Village
from khaya.extensions import db
from khaya.households.models import Household
from khaya.maps import cache, tiles
from khaya.maps.models import MapDataChange
from tests.maps._support import TOWN_VILLAGE, tile_of

_numbers = itertools.count(1)


def _household() -> Household:
    village = db.session.execute(select(Village).where(Village.code == TOWN_VILLAGE)).scalar_one()
    household = Household(lgo_id=village.lgo_id, village_id=village.id,
                          house_number=f"v-{next(_numbers)}", registered_on=dt.date(2024, 1, 1),
                          members=2)
    db.session.add(household)
    db.session.flush()
    return household


def test_every_write_statement_on_a_watched_table_moves_its_version(db_session):
    start = cache.read_version(["households"])
    household = _household()
    after_insert = cache.read_version(["households"])
    assert after_insert > start
    household.members = 3
    db.session.flush()
    assert cache.read_version(["households"]) > after_insert
    points = cache.read_version(["collection_points"])
    db.session.execute(text("update collection_points set status = status where false"))
    # A statement that matched no row still counts: versions may move without a change, never
    # stay put with one.
    assert cache.read_version(["collection_points"]) == points + 1


def test_sources_add_up(db_session):
    both = cache.read_version(["households", "villages"])
    assert both == cache.read_version(["households"]) + cache.read_version(["villages"])


def test_compaction_folds_the_log_without_moving_the_version(db_session):
    _household()
    _household().members = 4
    db.session.flush()
    before = cache.read_version(["households"])
    assert cache.change_counts()["households"] >= 2
    folded = cache.compact("households")
    assert folded >= 2
    assert cache.read_version(["households"]) == before
    assert "households" not in cache.change_counts()
    _household()
    assert cache.read_version(["households"]) == before + 1


def test_the_queue_compacts_a_grown_log(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "MAPS_VERSION_COMPACT_AFTER", 1)
    assert db.session.execute(select(func.count()).select_from(MapDataChange)).scalar_one() > 0
    version = cache.read_version(tiles.SOURCES["lgos"])
    z, x, y = tile_of(99.0121, 18.5865, 10)
    assert client.get(f"/api/v1/tiles/lgos/{z}/{x}/{y}.mvt").status_code == 200
    # A tile request leaves the log alone: the periodic job (``maps.tasks``) folds it.
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(MapDataChange)).scalar_one() > 0
    assert tiles.compact_versions() is True
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(MapDataChange)).scalar_one() == 0
    assert cache.read_version(tiles.SOURCES["lgos"]) == version
    again = client.get(f"/api/v1/tiles/lgos/{z}/{x}/{y}.mvt")
    assert again.status_code == 200
    assert tiles.cache_info()["hits"] >= 1


def test_a_renamed_lgo_changes_the_lgo_tiles(client, db_session):
    z, x, y = tile_of(99.0121, 18.5865, 10)
    first = client.get(f"/api/v1/tiles/lgos/{z}/{x}/{y}.mvt")
    lgo = db.session.execute(
        select(Lgo).where(Lgo.code == "lamphun-town-municipality")
    ).scalar_one()
    lgo.name_en = "Lamphun Town (renamed)"
    db.session.commit()
    second = client.get(f"/api/v1/tiles/lgos/{z}/{x}/{y}.mvt",
                        headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert b"Lamphun Town (renamed)" in second.data


def test_the_lru_cache_is_bounded_by_entries_and_bytes():
    lru = cache.LRUCache(max_entries=3, max_bytes=100)
    for key in "abc":
        lru.put(key, key, 10)
    assert lru.get("a") == "a"  # a is now the most recent
    lru.put("d", "d", 10)
    assert lru.get("b") is None
    assert len(lru) == 3
    lru.put("big", "big", 90)
    assert len(lru) <= 2
    assert lru.get("big") == "big"
    lru.put("huge", "huge", 101)
    assert lru.get("huge") is None
