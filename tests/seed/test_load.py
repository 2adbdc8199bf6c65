"""Loading the territory into PostGIS: counts, idempotence, imported boundaries kept."""

from __future__ import annotations

import datetime as dt

import pytest
from geoalchemy2.shape import from_shape, to_shape
from shapely.geometry import MultiPolygon, Polygon
from sqlalchemy import func, select

from khaya.areas.models import (
    Assignment,
    BoundarySource,
    District,
    Lgo,
    LgoVersion,
    Province,
    Tambon,
    Village,
)
from seed.territory import load_territory

EXPECTED = {
    "provinces": 1, "districts": 8, "tambons": 51, "lgos": 58, "villages": 594,
    "lgo_versions": 58,
}
MODELS = {
    "provinces": Province, "districts": District, "tambons": Tambon, "lgos": Lgo,
    "villages": Village, "lgo_versions": LgoVersion,
}


def _row_counts(session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(model))
        for name, model in MODELS.items()
    }


def test_the_session_load_gave_the_expected_rows(db_session):
    assert _row_counts(db_session) == EXPECTED


def test_a_second_load_changes_nothing(db_session, query_counter):
    before = db_session.execute(
        select(Village.code, Village.lgo_id, Village.boundary_updated_at).order_by(Village.code)
    ).all()
    assert load_territory(db_session) == EXPECTED
    writes = [s for s in query_counter if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []
    assert _row_counts(db_session) == EXPECTED
    after = db_session.execute(
        select(Village.code, Village.lgo_id, Village.boundary_updated_at).order_by(Village.code)
    ).all()
    assert after == before


def test_loaded_rows_are_marked_and_linked(db_session):
    town = db_session.scalar(select(Lgo).where(Lgo.code == "lamphun-town-municipality"))
    assert town.district.code == "5101"
    assert [(v.note, v.valid_from, v.valid_to) for v in town.history] == [
        ("2022 reference list", dt.date(2022, 8, 1), None)
    ]
    assert {v.code[:6] for v in town.villages} == {"510101"}
    approximate = db_session.scalar(
        select(func.count()).where(Village.lgo_assignment == Assignment.approximate)
    )
    assert approximate > 0
    sources = db_session.scalars(select(Tambon.boundary_source).distinct()).all()
    assert sources == [BoundarySource.approximate]
    office = func.ST_SetSRID(func.ST_MakePoint(99.0121, 18.5865), 4326)
    inside = db_session.scalar(select(Tambon.code).where(func.ST_Contains(Tambon.geom, office)))
    assert inside == "510101"


@pytest.mark.parametrize("model", [Tambon, Lgo])
def test_imported_boundaries_are_kept(db_session, model):
    row = db_session.scalars(select(model).order_by(model.code)).first()
    square = MultiPolygon([Polygon([(99, 18), (99.1, 18), (99.1, 18.1), (99, 18.1)])])
    row.geom = from_shape(square, srid=4326)
    row.boundary_source = BoundarySource.imported
    db_session.flush()
    load_territory(db_session)
    db_session.flush()
    db_session.refresh(row)
    assert row.boundary_source == BoundarySource.imported
    assert to_shape(row.geom).equals(square)


def test_a_recorded_village_lgo_is_kept(db_session):
    guessed = select(Village).where(Village.lgo_assignment == Assignment.approximate)
    village = db_session.scalar(guessed.order_by(Village.code))
    other = db_session.scalar(select(Lgo).where(Lgo.code == "lamphun-town-municipality"))
    village.lgo_id, village.lgo_assignment = other.id, Assignment.reference
    db_session.flush()
    load_territory(db_session)
    db_session.refresh(village)
    assert (village.lgo_id, village.lgo_assignment) == (other.id, Assignment.reference)
