"""Boundary import: official files replace the demo's approximate polygons."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, select

from khaya.areas.importer import BoundaryImportError, import_boundaries
from khaya.areas.models import BoundarySource, District, Lgo, Tambon, Village
from khaya.extensions import db


def square(index: int) -> shapely.MultiPolygon:
    """Return a small MultiPolygon inside Lamphun, one step east per index."""
    # Binary fractions survive GeoJSON's decimal text unchanged, so geometries compare exactly.
    size = 1 / 64
    west = 99.0 + index * size
    return shapely.MultiPolygon([shapely.box(west, 18.25, west + size, 18.25 + size)])


def write_layer(
    path: Path,
    codes: list,
    geoms: list,
    *,
    field: str = "code",
    crs: str | None = "EPSG:4326",
    geometry_type: str = "MultiPolygon",
    layer: str | None = None,
) -> Path:
    """Write one layer with pyogrio; the driver follows the file extension."""
    pyogrio.raw.write(
        str(path),
        geometry=np.array([shapely.to_wkb(g) for g in geoms], dtype=object),
        field_data=[np.array(codes, dtype=object)],
        fields=[field],
        crs=crs,
        geometry_type=geometry_type,
        layer=layer,
    )
    return path


def write_geojson(path: Path, features: list[tuple[object, dict]], crs: str | None = None) -> Path:
    """Write a GeoJSON FeatureCollection by hand (no CRS member unless given)."""
    collection: dict = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code}, "geometry": geometry}
            for code, geometry in features
        ],
    }
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection))
    return path


def fetch(model, code: str):
    """Return the row as the database has it now, not as the session remembers it."""
    return db.session.scalars(
        select(model).where(model.code == code).execution_options(populate_existing=True)
    ).one()


def imported_count(model) -> int:
    return db.session.scalar(
        select(func.count()).where(model.boundary_source == BoundarySource.imported)
    )


@pytest.fixture
def tambon_codes(db_session) -> list[str]:
    return list(db_session.scalars(select(Tambon.code).order_by(Tambon.code).limit(3)))


@pytest.fixture
def small_lgo(db_session) -> tuple[str, list[str]]:
    """Return the code of an LGO with a few villages, and those villages' codes."""
    lgo_code = db_session.scalars(
        select(Lgo.code)
        .join(Village, Village.lgo_id == Lgo.id)
        .group_by(Lgo.code)
        .having(func.count(Village.id) >= 2)
        .order_by(func.count(Village.id), Lgo.code)
        .limit(1)
    ).one()
    villages = db_session.scalars(
        select(Village.code).join(Lgo).where(Lgo.code == lgo_code).order_by(Village.code)
    )
    return lgo_code, list(villages)


@pytest.mark.parametrize("extension", ["geojson", "gpkg", "shp"])
def test_import_replaces_matched_boundaries(db_session, tmp_path, tambon_codes, extension):
    geoms = [square(i) for i in range(len(tambon_codes))]
    path = write_layer(tmp_path / f"tambons.{extension}", tambon_codes, geoms)
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    report = import_boundaries(db_session, path, "tambons")

    assert report.matched == tambon_codes
    assert report.unmatched == []
    assert report.duplicates == {}
    assert report.features == 3
    for code, geom in zip(tambon_codes, geoms, strict=True):
        tambon = fetch(Tambon, code)
        assert tambon.boundary_source == BoundarySource.imported
        assert tambon.boundary_updated_at >= before - dt.timedelta(seconds=1)
        shape = to_shape(tambon.geom)
        assert shape.geom_type == "MultiPolygon"
        assert shape.equals(geom)
    assert imported_count(Tambon) == 3


def test_rows_without_a_feature_are_missing_and_untouched(db_session, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "one.gpkg", tambon_codes[:1], [square(0)])
    untouched = to_shape(fetch(Tambon, tambon_codes[1]).geom)
    all_codes = set(db_session.scalars(select(Tambon.code)))

    report = import_boundaries(db_session, path, "tambons")

    assert report.missing == sorted(all_codes - {tambon_codes[0]})
    assert len(report.missing) == len(all_codes) - 1
    other = fetch(Tambon, tambon_codes[1])
    assert other.boundary_source == BoundarySource.approximate
    assert to_shape(other.geom).equals(untouched)


def test_unknown_codes_are_reported_not_fatal(db_session, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "t.gpkg", [tambon_codes[0], "519999"], [square(0), square(1)])

    report = import_boundaries(db_session, path, "tambons")

    assert report.matched == [tambon_codes[0]]
    assert report.unmatched == ["519999"]
    assert report.as_dict()["unmatched"] == {"count": 1, "codes": ["519999"]}


def test_duplicate_codes_leave_the_area_unchanged(db_session, tmp_path, tambon_codes):
    first, second = tambon_codes[:2]
    path = write_layer(
        tmp_path / "t.gpkg", [first, second, first], [square(0), square(1), square(2)]
    )

    report = import_boundaries(db_session, path, "tambons")

    assert report.duplicates == {first: [0, 2]}
    assert report.matched == [second]
    assert fetch(Tambon, first).boundary_source == BoundarySource.approximate


def test_codes_are_stripped_and_numeric_codes_padded(db_session, tmp_path):
    district = db_session.scalars(select(District.code).order_by(District.code).limit(1)).one()
    box = shapely.geometry.mapping(square(0))
    # No CRS member: GeoJSON is longitude/latitude by definition.
    path = write_geojson(tmp_path / "d.geojson", [(int(district), box), (1, box)])

    report = import_boundaries(db_session, path, "districts")

    assert report.matched == [district]
    assert report.unmatched == ["0001"]


def test_village_import_recomputes_the_lgo(db_session, tmp_path, small_lgo):
    lgo_code, village_codes = small_lgo
    geoms = [square(i) for i in range(len(village_codes))]
    path = write_layer(tmp_path / "v.geojson", [f" {c} " for c in village_codes], geoms)

    report = import_boundaries(db_session, path, "villages")

    assert report.matched == village_codes
    assert report.lgos_recomputed == [lgo_code]
    lgo = fetch(Lgo, lgo_code)
    assert lgo.boundary_source == BoundarySource.imported
    assert lgo.boundary_updated_at is not None
    assert to_shape(lgo.geom).geom_type == "MultiPolygon"
    assert to_shape(lgo.geom).equals(shapely.union_all(geoms))


def test_dry_run_reports_and_writes_nothing(db_session, tmp_path, small_lgo):
    lgo_code, village_codes = small_lgo
    before = to_shape(fetch(Lgo, lgo_code).geom)
    geoms = [square(i) for i in range(len(village_codes))]
    path = write_layer(tmp_path / "v.gpkg", village_codes, geoms)

    report = import_boundaries(db_session, path, "villages", dry_run=True)

    assert report.dry_run
    assert report.matched == village_codes
    assert report.lgos_recomputed == [lgo_code]
    assert imported_count(Village) == 0
    assert imported_count(Lgo) == 0
    assert to_shape(fetch(Lgo, lgo_code).geom).equals(before)


def test_layer_is_chosen_by_name(db_session, tmp_path, tambon_codes):
    path = tmp_path / "two.gpkg"
    write_layer(path, tambon_codes[:1], [square(0)], layer="first")
    write_layer(path, tambon_codes[1:2], [square(1)], layer="second")

    with pytest.raises(BoundaryImportError, match="several layers") as caught:
        import_boundaries(db_session, path, "tambons")
    assert caught.value.errors == {"layer": ["Choose one of: first, second."]}

    report = import_boundaries(db_session, path, "tambons", layer="second")
    assert report.matched == [tambon_codes[1]]


def test_code_field_is_configurable(db_session, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "t.shp", tambon_codes[:1], [square(0)], field="TB_CODE")

    report = import_boundaries(db_session, path, "tambons", code_field="tb_code")

    assert report.matched == tambon_codes[:1]


def assert_rejected(db_session, path, level: str = "tambons", **kwargs) -> BoundaryImportError:
    """Import, expect a rejection, and check that nothing of the level was touched."""
    with pytest.raises(BoundaryImportError) as caught:
        import_boundaries(db_session, path, level, **kwargs)
    assert caught.value.status == 422
    assert caught.value.code == "boundary_import_error"
    assert imported_count(Tambon) == 0
    return caught.value


def test_other_crs_is_rejected_with_a_hint(db_session, tmp_path, tambon_codes):
    utm = shapely.MultiPolygon([shapely.box(500000, 2000000, 501000, 2001000)])
    path = write_layer(tmp_path / "utm.gpkg", tambon_codes[:1], [utm], crs="EPSG:32647")

    error = assert_rejected(db_session, path)

    assert "EPSG:32647" in error.message
    assert "ogr2ogr -t_srs EPSG:4326" in error.message
    assert error.errors == {"crs": ["EPSG:32647 is not supported; must be EPSG:4326."]}


def test_shapefile_without_crs_is_rejected(db_session, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "t.shp", tambon_codes[:1], [square(0)])
    path.with_suffix(".prj").unlink()

    error = assert_rejected(db_session, path)

    assert "no coordinate reference system" in error.message


def test_projected_coordinates_labelled_wgs84_are_rejected(db_session, tmp_path, tambon_codes):
    utm = shapely.MultiPolygon([shapely.box(500000, 2000000, 501000, 2001000)])
    path = write_layer(tmp_path / "t.gpkg", tambon_codes[:1], [utm])

    error = assert_rejected(db_session, path)

    assert "outside longitude/latitude range" in error.message


def test_invalid_polygon_is_rejected_naming_the_feature(db_session, tmp_path, tambon_codes):
    bow_tie = shapely.MultiPolygon(
        [shapely.Polygon([(99.0, 18.3), (99.1, 18.4), (99.1, 18.3), (99.0, 18.4)])]
    )
    path = write_layer(tmp_path / "t.gpkg", tambon_codes[:2], [square(0), bow_tie])

    error = assert_rejected(db_session, path)

    assert f"feature 1 ({tambon_codes[1]})" in error.message
    assert "Self-intersection" in error.message
    [problem] = error.errors["features"]
    assert problem["index"] == 1
    assert problem["code"] == tambon_codes[1]
    assert problem["message"].startswith("Invalid polygon: Self-intersection")


def test_non_polygon_geometry_is_rejected(db_session, tmp_path, tambon_codes):
    path = write_layer(
        tmp_path / "t.geojson",
        tambon_codes[:2],
        [square(0), shapely.Point(99.0, 18.3)],
        geometry_type="Unknown",
    )

    error = assert_rejected(db_session, path)

    assert error.errors["features"] == [
        {"index": 1, "code": tambon_codes[1], "message": "A Point, not a Polygon or MultiPolygon."}
    ]


def test_feature_without_code_is_rejected(db_session, tmp_path, tambon_codes):
    box = shapely.geometry.mapping(square(0))
    path = write_geojson(tmp_path / "t.geojson", [(tambon_codes[0], box), (None, box)])

    error = assert_rejected(db_session, path)

    assert error.errors["features"] == [
        {"index": 1, "code": "", "message": "The field 'code' is empty."}
    ]


def test_unknown_level_is_rejected(db_session, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "t.gpkg", tambon_codes[:1], [square(0)])

    error = assert_rejected(db_session, path, level="amphoe")

    assert "provinces, districts, tambons, villages, lgos" in error.message


def test_empty_file_is_rejected(db_session, tmp_path):
    path = write_layer(tmp_path / "empty.gpkg", [], [])

    error = assert_rejected(db_session, path)

    assert "no features" in error.message


def test_missing_code_field_is_rejected(db_session, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "t.gpkg", tambon_codes[:1], [square(0)], field="name")

    error = assert_rejected(db_session, path)

    assert "no field 'code'" in error.message
    assert "name" in error.message


def test_unreadable_file_is_rejected(db_session, tmp_path):
    path = tmp_path / "junk.geojson"
    path.write_text("this is not a boundary file")

    error = assert_rejected(db_session, path)

    assert error.message.startswith("Cannot read")


def test_cli_imports_and_reports(runner, db_session, tmp_path, tambon_codes):
    path = write_layer(
        tmp_path / "t.gpkg", [*tambon_codes, "519999"], [square(i) for i in range(4)]
    )

    result = runner.invoke(args=["areas", "import-boundaries", str(path), "--level", "tambons"])

    assert result.exit_code == 0, result.output
    assert "Imported: tambons" in result.output
    assert f"matched: 3 ({', '.join(tambon_codes)})" in result.output
    assert "unmatched (no area has the code): 1 (519999)" in result.output
    assert "missing (areas not in the file, unchanged): " in result.output
    assert imported_count(Tambon) == 3


def test_cli_dry_run_changes_nothing(runner, db_session, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "t.gpkg", tambon_codes, [square(i) for i in range(3)])

    result = runner.invoke(
        args=["areas", "import-boundaries", str(path), "--level", "tambons", "--dry-run"]
    )

    assert result.exit_code == 0, result.output
    assert "Dry run, nothing changed" in result.output
    assert "matched: 3" in result.output
    assert imported_count(Tambon) == 0


def test_cli_rejection_exits_1_without_traceback(runner, db_session, tmp_path, tambon_codes):
    bow_tie = shapely.MultiPolygon(
        [shapely.Polygon([(99.0, 18.3), (99.1, 18.4), (99.1, 18.3), (99.0, 18.4)])]
    )
    path = write_layer(tmp_path / "t.gpkg", tambon_codes[:2], [square(0), bow_tie])

    result = runner.invoke(args=["areas", "import-boundaries", str(path), "--level", "tambons"])

    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 1 feature(s) cannot be imported")
    assert f"feature 1 ({tambon_codes[1]}): Invalid polygon: Self-intersection" in result.stderr
    assert "Traceback" not in result.output
    assert imported_count(Tambon) == 0


def test_cli_rejects_an_unknown_level(runner, tmp_path, tambon_codes):
    path = write_layer(tmp_path / "t.gpkg", tambon_codes[:1], [square(0)])

    result = runner.invoke(args=["areas", "import-boundaries", str(path), "--level", "amphoe"])

    assert result.exit_code == 2
    assert "Invalid value for '--level'" in result.output
