"""The seeded territory in the database: counts, LGO membership, boundaries, LGO history."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from khaya.areas import services
from khaya.areas.errors import InvalidLgoChange
from khaya.areas.models import District, Lgo, LgoType, Province, Tambon, Village, VillageKind


def test_seed_counts(db_session):
    count = lambda model: db_session.scalar(select(func.count()).select_from(model))  # noqa: E731
    assert (count(Province), count(District), count(Tambon), count(Lgo)) == (1, 8, 51, 58)
    assert db_session.scalar(select(func.count()).where(Village.kind == VillageKind.village)) == 577
    assert (
        db_session.scalar(select(func.count()).where(Village.kind == VillageKind.community)) == 17
    )
    types = dict(db_session.execute(select(Lgo.type, func.count()).group_by(Lgo.type)).all())
    assert types == {
        LgoType.PAO: 1,
        LgoType.town_municipality: 1,
        LgoType.subdistrict_municipality: 39,
        LgoType.SAO: 17,
    }


def test_every_village_is_in_one_non_pao_lgo(db_session):
    rows = db_session.execute(select(Village.code, Lgo.type).join(Lgo)).all()
    assert len(rows) == 594
    assert all(lgo_type != LgoType.PAO for _, lgo_type in rows)
    # Every non-PAO LGO has at least one village.
    empty = db_session.scalars(
        select(Lgo.code).where(Lgo.type != LgoType.PAO, ~Lgo.villages.any())
    ).all()
    assert empty == []


def test_boundaries_are_valid(db_session):
    for table in ("provinces", "districts", "tambons", "lgos", "villages"):
        invalid = db_session.execute(
            text(
                f"select code, ST_IsValidReason(geom) from {table} "  # noqa: S608
                "where geom is null or not ST_IsValid(geom) or ST_SRID(geom) <> 4326"
            )
        ).all()
        assert invalid == [], table


@pytest.mark.parametrize("table", ["villages", "tambons", "districts"])
def test_boundaries_do_not_overlap(db_session, table):
    overlaps = db_session.execute(
        text(f"""
            select a.code, b.code, ST_Area(ST_Intersection(a.geom, b.geom)) as area
            from {table} a join {table} b on a.code < b.code and a.geom && b.geom
            where ST_Area(ST_Intersection(a.geom, b.geom)) > 1e-10
        """)  # noqa: S608
    ).all()
    assert overlaps == []


@pytest.mark.parametrize("table", ["villages", "tambons", "districts", "lgos"])
def test_boundaries_tile_the_province_without_gaps(db_session, table):
    where = "where type <> 'PAO'" if table == "lgos" else ""
    union_area, sum_area, province_area = db_session.execute(
        text(f"""
            select ST_Area(ST_Union(geom)), sum(ST_Area(geom)),
                   (select ST_Area(geom) from provinces where code = '51')
            from {table} {where}
        """)  # noqa: S608
    ).one()
    assert union_area == pytest.approx(province_area, rel=1e-9)
    assert sum_area == pytest.approx(province_area, rel=1e-9)


def test_province_area_is_plausible(db_session):
    # Lamphun covers about 4,506 km²; the generated outline stays within a factor of two.
    km2 = db_session.scalar(text("select ST_Area(geom::geography) / 1e6 from provinces"))
    assert 2250 < km2 < 9000


def test_lgo_upgrade_keeps_history(db_session):
    lgo = db_session.scalars(select(Lgo).where(Lgo.type == LgoType.SAO).order_by(Lgo.code)).first()
    old_name = lgo.name_en
    day = dt.date(2023, 11, 1)
    services.change_lgo(
        lgo,
        valid_from=day,
        type=LgoType.subdistrict_municipality,
        name_th="เทศบาลตำบลทดสอบ",
        name_en="Test Subdistrict Municipality",
        note="upgraded",
    )
    assert lgo.type == LgoType.subdistrict_municipality
    assert lgo.name_en == "Test Subdistrict Municipality"
    assert services.lgo_as_of(lgo, dt.date(2023, 10, 31)).name_en == old_name
    assert services.lgo_as_of(lgo, day).type == LgoType.subdistrict_municipality
    assert [v.valid_to for v in lgo.history] == [day, None]


@pytest.mark.parametrize(
    ("valid_from", "new_type"),
    [
        (dt.date(2000, 1, 1), None),  # before the open period began
        (dt.date.today() + dt.timedelta(days=30), None),  # not yet in force
        (dt.date(2024, 1, 1), LgoType.PAO),  # nothing becomes a PAO
    ],
)
def test_invalid_lgo_changes(db_session, valid_from, new_type):
    lgo = db_session.scalars(select(Lgo).where(Lgo.type == LgoType.SAO).order_by(Lgo.code)).first()
    with pytest.raises(InvalidLgoChange):
        services.change_lgo(lgo, valid_from=valid_from, type=new_type, name_en="X")
    assert len(lgo.history) == 1
