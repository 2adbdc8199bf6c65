"""The foundation: launcher, migrations, isolation, health, docs and the error envelope."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text

from khaya.areas.models import Province
from khaya.auth.scoping import unscoped
from khaya.households.models import Household

ROOT = Path(__file__).resolve().parents[1]


def test_launcher_is_idempotent():
    """A second `ensure` finds everything in place and creates nothing."""
    name = os.environ.get("KHAYA_TEST_DB", "khaya_test")
    first = subprocess.run(
        ["bash", "scripts/db.sh", "ensure", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    second = subprocess.run(
        ["bash", "scripts/db.sh", "ensure", name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    if os.environ.get("DATABASE_URL"):
        assert "DATABASE_URL is set" in second.stderr
        return
    # Nothing to do is said by saying nothing: set-up output is for what changed.
    assert second.stderr == ""
    assert first.returncode == second.returncode == 0
    status = subprocess.run(["bash", "scripts/db.sh", "status"], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert status.stdout.startswith("running")


def test_models_and_migrations_agree(app, db_session):
    """Autogenerate finds nothing to do: the migrations build exactly the models' schema."""
    migrate_ext = app.extensions["migrate"]
    context = MigrationContext.configure(
        db_session.connection(),
        opts={"compare_type": True, "include_object": _include_object},
    )
    diff = compare_metadata(context, migrate_ext.db.metadata)
    assert diff == []


def _include_object(obj, name, obj_type, reflected, compare_to):
    if obj_type == "table" and name in {"spatial_ref_sys", "alembic_version"}:
        return False
    if obj_type == "table" and name.startswith("procrastinate_"):
        return False  # the job queue's own schema, applied from the library
    if obj_type == "table" and re.match(r"^sorting_logs_(p\d{4}_\d{2}|default)$", name or ""):
        return False  # the logs' monthly partitions (khaya_ensure_log_partition)
    # PostGIS names GiST indexes itself; GeoAlchemy2 reports them from the column definition.
    return not (obj_type == "index" and name and name.startswith("idx_"))


def _canaries(db_session) -> tuple[int, int]:
    provinces = db_session.scalar(select(func.count()).where(Province.code == "99"))
    households = db_session.scalar(
        select(func.count()).where(Household.house_number == "canary").execution_options(
            **unscoped()))
    return provinces, households


@pytest.mark.parametrize("turn", ["one", "other"])
def test_canary(db_session, client, auth, turn):
    """Each turn finds no canary, then writes and commits one directly and one through a request.

    Whichever turn runs second, in any order the tests are run in, proves that the first turn's
    rows were rolled back with its test's transaction.
    """
    assert _canaries(db_session) == (0, 0)
    db_session.execute(
        text(
            "insert into provinces (code, name_th, name_en, boundary_source) "
            "values ('99', 'แคนารี', 'Canary', 'approximate')"
        )
    )
    db_session.commit()
    response = client.post("/api/v1/households", headers=auth("town.staff"), json={
        "village_code": "51010101", "house_number": "canary", "registered_on": "2024-01-01"})
    assert response.status_code == 201, response.get_json()
    assert _canaries(db_session) == (1, 1)


def test_health_reports_database_and_postgis(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok"
    assert body["postgis"].split(".")[0] == "3"
    assert "PostgreSQL" in body["postgres"]


def test_openapi_lists_the_area_endpoints(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/health",
        "/api/v1/areas/tree",
        "/api/v1/areas/locate",
        "/api/v1/areas/villages",
        "/api/v1/areas/villages/{code}",
        "/api/v1/areas/lgos/geojson",
    ):
        assert path in spec["paths"], path


def test_docs_are_served_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/docs-assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    with client.get("/api/v1/docs-assets/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200
        assert len(asset.data) > 100_000


def test_root_serves_a_page(client):
    with client.get("/") as response:
        assert response.status_code == 200
        assert "Khaya" in response.get_data(as_text=True)


def test_unknown_api_path_gets_the_envelope(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json() == {
        "code": "not_found",
        "status": 404,
        "message": "The requested URL was not found on the server. If you entered the URL"
                   " manually please check your spelling and try again.",
        "errors": {},
    }


def test_wrong_method_gets_the_envelope(client):
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.get_json() == {
        "code": "method_not_allowed",
        "status": 405,
        "message": "The method is not allowed for the requested URL.",
        "errors": {},
    }
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


def test_uncaught_error_hides_details(app):
    """An unexpected exception answers 500 in the envelope, without its text or SQL."""
    with app.test_request_context("/api/v1/health"):
        response = app.handle_user_exception(RuntimeError("select secret from households"))
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)


def test_compose_file_matches_the_readme():
    """docker-compose.yml parses, and has PostGIS, the API behind nginx, health checks and a
    named volume."""
    import yaml

    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    db_service, api_service = compose["services"]["db"], compose["services"]["api"]
    assert "postgis" in db_service["image"]
    assert "healthcheck" in db_service
    assert "healthcheck" in api_service
    assert api_service["depends_on"]["db"]["condition"] == "service_healthy"
    volume = db_service["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert api_service["environment"]["DATABASE_URL"].startswith("postgresql+psycopg2://")
    # nginx in front, running the deployment's site file pointed at the api service.
    proxy = compose["services"]["proxy"]
    assert proxy["depends_on"]["api"]["condition"] == "service_healthy"
    mounted = proxy["volumes"][0].split(":")[0]
    site = (ROOT / mounted).read_text()
    assert "server 127.0.0.1:8000;" in site
    assert "s/127.0.0.1:8000/api:8000/" in proxy["command"][-1]
    assert api_service["environment"]["KHAYA_PROXY_FIX"] == "1"
    readme = (ROOT / "README.md").read_text()
    assert "docker compose up" in readme
    assert "DATABASE_URL" in readme
