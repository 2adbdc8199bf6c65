"""Several areas summed in SQL at once (each village under its area's key) give the figures of
each area read alone and of its villages added up one by one, for every kind of period."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from khaya.analytics import compute
from khaya.analytics.indicators import groups
from khaya.analytics.periods import custom
from khaya.analytics.territory import load, select_areas
from khaya.areas.models import Lgo, Village
from seed.scale import load_scale

NGA = "mueang-nga-subdistrict-municipality"
TOWN = "lamphun-town-municipality"
END = dt.date(2024, 10, 31)
NAMES = ["participation", "wet_bin_coverage", "verified_compliance", "bank_membership"]


@pytest.fixture
def activity(db_session):
    load_scale(db_session, households=700, days=45, end=END, lgos=[NGA, TOWN], seed=3,
               say=lambda _m: None)
    db_session.commit()


def counts(row, name):
    figure = row[name]
    return figure["numerator"], figure["denominator"]


@pytest.mark.parametrize("period", [
    "2024-10", "2024-10-15", custom(dt.date(2024, 10, 3), dt.date(2024, 10, 29)), "FY2568",
], ids=["month", "day", "range", "fiscal-year"])
def test_grouped_areas_match_each_area_and_its_villages(activity, db_session, period):
    names = NAMES
    together = {r["code"]: r for r in compute("lgo", [NGA, TOWN], period, names)}
    for code in (NGA, TOWN):
        (alone,) = compute("lgo", [code], period, names)
        villages = list(db_session.scalars(
            select(Village.code).join(Lgo, Lgo.id == Village.lgo_id).where(Lgo.code == code)))
        rows = compute("village", villages, period, names)
        for name in names:
            summed = tuple(sum(counts(r, name)[i] or 0 for r in rows) for i in (0, 1))
            assert counts(together[code], name) == counts(alone, name) == summed, (code, name)
        assert counts(together[code], "participation")[0] > 0


def test_groups_are_left_out_where_areas_overlap_or_hold_one_village(db_session):
    territory = load()
    lgos = select_areas(territory, "lgo", parent="51")
    assert groups(lgos) is not None
    # The PAO, named beside its LGOs, holds every village of the province: it overlaps them.
    pao = next(a for a in territory.areas["lgo"].values() if a.lgo_type == "PAO")
    assert groups([*lgos, pao]) is None
    ordinary = [a for a in lgos if len(a.village_ids) > 1][:5]
    of_village, of_area = groups(ordinary)
    assert sorted(of_area.values()) == [-5, -4, -3, -2, -1]
    assert all(of_village[v] == of_area[a.code] for a in ordinary for v in a.village_ids)
    villages = select_areas(territory, "village", parent=ordinary[0].code)
    assert groups(villages) is None
