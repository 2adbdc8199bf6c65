"""The national simulation's provinces: made-up office lists loaded through the onboarding,
boundaries that tile, and the scale generator filling several provinces at once."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import geothai
import pytest
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from khaya.analytics import compute, territory
from khaya.areas.models import District, Lgo, LgoType, Province, Tambon, Village
from khaya.households.models import Household
from seed import nation
from seed.scale import load_scale

END = dt.date(2024, 10, 31)


@pytest.fixture(autouse=True)
def fresh_territory():
    # The analytics keep the territory for a minute per process: these tests add provinces.
    territory._cache.clear()
    yield
    territory._cache.clear()


def shape(element):
    return to_shape(element)


def test_office_rows_cover_every_tambon_and_repeat_for_a_seed():
    lgos, villages = nation.office_rows("58", seed=5)
    tambons = {t.code for d in geothai.districts("58") for t in geothai.subdistricts(d.code)}
    assert {row.fields["tambons"] for row in lgos[1:]} == tambons
    assert [row.fields["type"] for row in lgos].count("PAO") == 1
    assert lgos[0].fields["code"] == "pao-58"
    assert Counter(row.fields["type"] for row in lgos)["town_municipality"] == 1
    served = Counter(row.fields["code"][:6] for row in villages)
    assert set(served) == tambons
    assert all(6 <= count <= 16 for count in served.values())
    assert nation.office_rows("58", seed=5) == (lgos, villages)
    assert nation.office_rows("58", seed=6) != (lgos, villages)


def test_load_provinces_onboards_and_draws_boundaries_that_tile(db_session):
    said: list[str] = []
    made = nation.load_provinces(db_session, ["51", "58"], seed=5, say=said.append)
    # Lamphun has its villages from the reference file; only Mae Hong Son is made up.
    assert list(made) == ["58"]
    assert len(said) == 1
    assert "Mae Hong Son" in said[0]
    assert nation.load_provinces(db_session, ["58"], seed=5) == {}

    province = db_session.scalars(select(Province).where(Province.code == "58")).one()
    whole = shape(province.geom)
    assert whole.is_valid
    assert whole.area > 0
    lamphun = shape(db_session.scalars(select(Province.geom).where(Province.code == "51")).one())
    assert whole.intersection(lamphun).area < 1e-9

    villages = list(db_session.scalars(
        select(Village).join(Tambon, Tambon.id == Village.tambon_id)
        .join(District, District.id == Tambon.district_id)
        .where(District.province_id == province.id)))
    assert len(villages) == made["58"] > 45 * 6
    cells = [shape(v.geom) for v in villages]
    assert all(c.is_valid for c in cells)
    assert all(c.contains(shape(v.point)) for c, v in zip(cells, villages, strict=True))
    # The villages tile the province: no overlap, no gap.
    assert abs(sum(c.area for c in cells) - whole.area) < whole.area * 1e-6
    assert shapely.union_all(cells).symmetric_difference(whole).area < whole.area * 1e-6
    for tambon in db_session.scalars(select(Tambon).join(District).where(
            District.province_id == province.id)):
        mine = [c for c, v in zip(cells, villages, strict=True) if v.tambon_id == tambon.id]
        assert abs(shape(tambon.geom).area - sum(c.area for c in mine)) < 1e-9
        assert tambon.households == sum(v.households_estimate for v in villages
                                        if v.tambon_id == tambon.id)
    assert province.households == sum(v.households_estimate for v in villages)

    lgos = list(db_session.scalars(select(Lgo).where(Lgo.province_id == province.id)))
    assert len(lgos) == 46
    for lgo in lgos:
        assert lgo.geom is not None
        assert lgo.office_point is not None
        if lgo.type is LgoType.PAO:
            assert shape(lgo.geom).equals(whole)
        else:
            assert any(v.lgo_id == lgo.id for v in villages)
            assert shape(lgo.geom).contains(shape(lgo.office_point))


def test_the_scale_generator_fills_several_provinces(db_session):
    nation.load_provinces(db_session, ["58"], seed=5)
    territory._cache.clear()
    counts = load_scale(db_session, households=600, days=20, end=END, provinces=["51", "58"],
                        seed=7, say=lambda _m: None)
    by_province = dict(db_session.execute(
        select(Province.code, func.count(Household.id))
        .join(District, District.province_id == Province.id)
        .join(Tambon, Tambon.district_id == District.id)
        .join(Village, Village.tambon_id == Tambon.id)
        .join(Household, Household.village_id == Village.id)
        .group_by(Province.code)).tuples().all())
    assert set(by_province) == {"51", "58"}
    assert sum(by_province.values()) == counts["households"]
    # Households are shared out by the villages' estimates.
    estimates = dict(db_session.execute(
        select(Province.code, func.sum(Village.households_estimate))
        .join(District, District.province_id == Province.id)
        .join(Tambon, Tambon.district_id == District.id)
        .join(Village, Village.tambon_id == Tambon.id)
        .where(Province.code.in_(["51", "58"])).group_by(Province.code)).tuples().all())
    share = by_province["58"] / counts["households"]
    expected = estimates["58"] / (estimates["51"] + estimates["58"])
    assert abs(share - expected) < 0.05
    rows = {r["code"]: r for r in compute("province", ["51", "58"], "2024-10")}
    for code in ("51", "58"):
        assert rows[code]["participation"]["numerator"] > 0
        assert rows[code]["participation"]["denominator"] <= by_province[code]
