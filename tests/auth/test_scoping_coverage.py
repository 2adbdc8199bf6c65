"""What the scoping hook covers, and what it cannot see.

The hook (``khaya.auth.scoping``) filters ORM queries on models that inherit ``Scoped``. Two
ways past it are checked here: a model that holds an area column but never opted in, and raw
SQL (``text()``), which the hook does not read. Every model with an ``lgo_id``, ``village_id``
or ``household_id`` is scoped or listed in ``DELIBERATELY_UNSCOPED`` with the reason; every
``text()`` in ``backend/khaya`` is listed in ``RAW_SQL`` with why it is safe, and those that
touch household rows on a request name the test that proves they stay in the caller's scope.
"""

from __future__ import annotations

import ast
import datetime as dt
import uuid
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import inspect, select

import khaya.models  # noqa: F401  (every model registers before SCOPED_MODELS is read)
from khaya.areas.models import Lgo, Village
from khaya.auth.scoping import SCOPED_MODELS, Scope
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.households.models import Household

BACKEND = Path(__file__).resolve().parents[2] / "backend" / "khaya"
TESTS = Path(__file__).resolve().parents[1]
AREA_COLUMNS = ("lgo_id", "village_id", "household_id")
COLUMN_KIND = {"lgo_id": "lgo", "village_id": "village", "household_id": "household"}
TOWN_VILLAGE, NGA_VILLAGE = "51010101", "51010201"
TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"

_ROLLUP = ("an analytics rollup: counts per village, no household. Figures are served only for "
           "areas that analytics.territory.select_areas has checked against the caller's reach")
_SIGNOFF = ("a month's sign-off of an LGO (states, steps, village confirmations): read and "
            "changed only through the sign-off routes, which check the LGO against the "
            "caller's reach first")
DELIBERATELY_UNSCOPED: dict[str, str] = {
    "Village": "the territory is public: codes, names, boundaries and the LGO a village is in",
    "LgoVersion": "an LGO's renames and upgrades, public like the territory",
    "RoleGrant": "read only through its user (users are scoped by LGO) and, unscoped, at sign-in "
                 "to build the caller's own scope",
    "VolunteerAssignment": "read through its volunteer (a scoped user) and at sign-in; coverage "
                           "counts read it for one LGO checked against the caller's reach",
    "VillageDay": _ROLLUP,
    "VillageWeek": _ROLLUP,
    "VillageMonth": _ROLLUP,
    "VillageFiscalYear": _ROLLUP,
    "VillageRegister": _ROLLUP,
    "VillageRegisterStep": _ROLLUP,
    "VillageLogGap": _ROLLUP,
    "VillageInspectionSpan": _ROLLUP,
    "StaleVillage": "the rollups' work list: village ids waiting to be recounted, never served",
    "HouseholdMonth": "per-household tallies read only to sum them into village figures, and in "
                      "the PDPA copy of a household already found through the scoped register",
    "HouseholdFiscalYear": "per-household tallies read only to sum them into village figures",
    "MonthApproval": _SIGNOFF,
    "ApprovalStep": _SIGNOFF,
    "VillageConfirmation": _SIGNOFF,
    "FrozenMonth": "an accepted month's village figures (counts and kg, no household): read "
                   "only to answer figures of areas select_areas chose for the caller",
    "LateItem": "ids of late rows, read only to sum them into an LGO's late block after the "
                "sign-off route checked the LGO against the caller's reach",
    "FeeDiscountRule": "an LGO's fee-discount thresholds, read and set only for the LGO "
                       "lgo_to_act_for checked against the caller's reach",
    "PushSubscription": "a browser's reminders, read and changed only by the person who "
                        "subscribed it (services filter by user_id) and by the queue's sender",
    "ReportSettings": "an LGO's report settings, read for the LGO a report was routed to, and "
                      "changed only for the LGO lgo_for_settings checked against the caller's "
                      "reach",
    "ReportApp": "an Open311 app's key hash: found by its key (the app's own secret), listed "
                 "and retired only within the caller's LGOs (services filter by scope)",
    "HouseholdState": "the register's history, written only by the database's triggers and read "
                      "only to count households into village figures",
}
# Scoped models with an area column that is deliberately not one of their scope columns.
UNMAPPED_COLUMNS: dict[tuple[str, str], str] = {
    ("WasteBank", "village_id"): "a bank meets in a village but is its LGO's; anyone signed in "
                                 "reads its name and prices, and its members and books are "
                                 "scoped by their own village",
    ("Schedule", "village_id"): "a collection schedule is its LGO's (the village says where it "
                                "holds); anyone reads it through the village's calendar, and "
                                "only the LGO's staff change it",
}

# Every text() in backend/khaya, by "module path:function, class or constant", with why the
# hook's blindness to it leaks nothing. "proof" names the test that shows it.
SCHEMA = "schema: a column default or a partial index's predicate, no query"
SESSION = "scope-free: a setting of the transaction (timeouts, parallel workers)"
AGGREGATE = ("scope-free: analytics rollups (counts per village and day) or their upkeep; "
             "figures are served only for areas checked by select_areas")
QUEUE = "scope-free: counts of the job and change queues (health, freshness)"
PARTITIONS = ("scope-free: the sorting logs' monthly partitions (catalogue and DDL; a job, "
              "retention)")
RAW_SQL: dict[str, tuple[str, str | None]] = {
    "common/batch.py:insert_new": (
        "scope-free: sets the claims trigger aside around the batch's own insert", None),
    "common/replica.py:_measure": ("scope-free: the primary's and the replica's WAL positions",
                                   None),
    "participation/partitions.py:ensure_log_partitions": (PARTITIONS, None),
    "participation/partitions.py:ensure_ahead": (PARTITIONS, None),
    "participation/partitions.py:partitions": (PARTITIONS, None),
    "participation/partitions.py:drop_before": (PARTITIONS, None),
    "analytics/changes.py:apply_chunk": ("scope-free: takes the change queue's next ids", None),
    "analytics/changes.py:freshness": ("scope-free: the database clock", None),
    "analytics/cli.py:_unhurried": (SESSION, None),
    "analytics/indicators.py:_quick": (SESSION, None),
    "analytics/models.py:_zero_int": (SCHEMA, None),
    "households/models.py:HouseholdState": (SCHEMA, None),
    "auth/models.py:AuditEvent": (SCHEMA, None),
    "analytics/models.py:_zero_kg": (SCHEMA, None),
    "analytics/models.py:SumsMixin": (SCHEMA, None),
    "analytics/models.py:StaleVillage": (SCHEMA, None),
    "analytics/models.py:FeeDiscountRule": (SCHEMA, None),
    "analytics/rebuild.py:build": ("scope-free: the admin CLI rebuilding every rollup", None),
    "analytics/rebuild.py:compare": ("scope-free: the admin CLI checking the rollups", None),
    "analytics/registers.py:_UPSERT": (AGGREGATE, None),
    "analytics/registers.py:_LIVE": (AGGREGATE, None),
    "analytics/registers.py:_CLEAR_STEPS": (AGGREGATE, None),
    "analytics/registers.py:_FILL_STEPS": (AGGREGATE, None),
    "analytics/registers.py:_STEP_ON": (AGGREGATE, None),
    "analytics/registers.py:_STEP_ON_GROUPED": (AGGREGATE, None),
    "analytics/gaps.py:fill_sql": (AGGREGATE, None),
    "analytics/gaps.py:_CLEAR": (AGGREGATE, None),
    "analytics/gaps.py:_READ": (AGGREGATE, None),
    "analytics/gaps.py:spans_sql": (AGGREGATE, None),
    "analytics/gaps.py:_CLEAR_SPANS": (AGGREGATE, None),
    "analytics/gaps.py:_READ_SPANS": (AGGREGATE, None),
    "analytics/rollups.py:_LOCK": ("scope-free: advisory locks on village ids", None),
    "analytics/signoff.py:LateItem": (SCHEMA, None),
    "analytics/acceptance.py:accept": ("scope-free: the change appliers' advisory lock", None),
    "analytics/signoff.py:_thaw": (
        "filters itself: one LGO-month's late items, the LGO checked by the route",
        "test_another_lgos_month_and_its_late_items_are_404"),
    "analytics/signoff.py:record_late": (AGGREGATE, None),
    "analytics/signoff.py:settle_late": (AGGREGATE, None),
    "analytics/signoff.py:_LATE_SQL": (
        "filters itself: where lgo_id = any(:lgos), the LGOs the route checked against the "
        "caller's reach", "test_another_lgos_month_and_its_late_items_are_404"),
    "analytics/services.py:choropleth": (
        "filters itself: joins figures of the areas select_areas chose for the caller",
        "test_a_choropleth_of_another_lgo_is_404"),
    "analytics/tasks.py:refresh": (SESSION, None),
    "areas/models.py:LgoVersion": (SCHEMA, None),
    "common/routes.py:Health.get": ("scope-free: the database and PostGIS versions", None),
    "exports/evidence.py:_COUNTED": (
        "filters itself: the villages of one LGO, checked against the caller's reach when the "
        "evidence job was asked for", "test_the_evidence_is_the_lgos_own"),
    "exports/evidence.py:_INSPECTIONS": (
        "filters itself: inspections of the households _COUNTED found",
        "test_the_evidence_is_the_lgos_own"),
    "households/models.py:Household": (SCHEMA, None),
    "jobs/changes.py:PendingChange": (SCHEMA, None),
    "jobs/changes.py:backlog": (QUEUE, None),
    "jobs/worker.py:stats": (QUEUE, None),
    "participation/models.py:Inspection": (SCHEMA, None),
    "participation/services.py:touch_last_log": (
        "filters itself: updates only the households of logs already stored, each checked "
        "against its sender's scope when it was stored",
        "test_a_log_for_another_lgos_household_moves_nothing"),
    "participation/verification.py:_REFRESH": (
        "filters itself: recomputes households of inspections just stored or reviewed, each "
        "checked against the caller's scope first, and only from their own inspections",
        "test_an_inspection_of_another_lgos_household_verifies_nothing"),
    "privacy/cli.py:apply_retention_command": (SESSION, None),
    "privacy/services.py:export_household": (
        "filters itself: one household's tallies, the household found through the scoped "
        "register first", "test_a_pdpa_copy_of_another_lgos_household_is_404"),
    "privacy/tasks.py:apply_retention_task": (SESSION, None),
    "users/coverage.py:_ROWS": (
        "filters itself: where lgo_id = :lgo_id, the LGO checked against the caller's reach",
        "test_coverage_counts_only_the_lgo_asked_for_and_only_if_in_reach"),
    "users/coverage.py:_UNASSIGNED": (
        "filters itself: the villages of one LGO checked against the caller's reach",
        "test_coverage_counts_only_the_lgo_asked_for_and_only_if_in_reach"),
    "wastebank/models.py:LedgerEntry": (SCHEMA, None),
}


def area_models() -> dict[str, type]:
    return {
        mapper.class_.__name__: mapper.class_
        for mapper in db.Model.registry.mappers
        if {column.key for column in mapper.columns} & set(AREA_COLUMNS)
    }


def test_every_model_with_an_area_column_is_scoped_or_listed(app):
    models = area_models()
    scoped = {model.__name__ for model in SCOPED_MODELS}
    unlisted = sorted(name for name in models if name not in scoped | set(DELIBERATELY_UNSCOPED))
    assert not unlisted, (
        f"models with {AREA_COLUMNS} that the scoping hook does not filter: {unlisted}. "
        "Inherit Scoped and name the scope columns, or add them to DELIBERATELY_UNSCOPED "
        "with the reason.")
    stale = sorted(set(DELIBERATELY_UNSCOPED) - set(models))
    assert not stale, f"DELIBERATELY_UNSCOPED names models without an area column: {stale}"
    both = sorted(set(DELIBERATELY_UNSCOPED) & scoped)
    assert not both, f"scoped, yet listed as deliberately unscoped: {both}"


def test_scoped_models_scope_by_every_area_column_they_hold(app):
    problems = []
    for model in SCOPED_MODELS:
        columns = {c.key for c in inspect(model).columns}
        mapped = model.__scope_columns__
        problems += [f"{model.__name__}.{name} ({kind}) is no column"
                     for kind, name in mapped.items() if name not in columns]
        problems += [f"{model.__name__}: unknown scope kind {kind!r}"
                     for kind in mapped if kind not in COLUMN_KIND.values()]
        for column in sorted(columns & set(AREA_COLUMNS)):
            if (COLUMN_KIND[column] not in mapped
                    and (model.__name__, column) not in UNMAPPED_COLUMNS):
                problems.append(f"{model.__name__}.{column} is not a scope column")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_the_hook_filters_every_scoped_model_by_each_scope_column(app, query_counter, model):
    """An ORM query in a request carries each scope kind's condition, and a caller with no
    scope at all gets a query that can return nothing."""
    table = model.__tablename__
    for kind, column in model.__scope_columns__.items():
        with app.test_request_context():
            g.khaya_scope = Scope(**{f"{kind}_ids": frozenset({-7})})
            query_counter.clear()
            assert db.session.execute(select(model)).all() == []
            (sql,) = [s for s in query_counter if s.lstrip().upper().startswith("SELECT")]
            db.session.remove()
        assert f"{table}.{column} IN (" in sql, f"{model.__name__} by {kind}: {sql}"
    with app.test_request_context():
        g.khaya_scope = Scope.nothing()
        query_counter.clear()
        assert db.session.execute(select(model)).all() == []
        (sql,) = [s for s in query_counter if s.lstrip().upper().startswith("SELECT")]
        db.session.remove()
    assert "false" in sql.lower(), f"{model.__name__} with no scope: {sql}"


def raw_sql_sites() -> dict[str, list[int]]:
    """Return every call of SQLAlchemy's ``text`` in backend/khaya by where it is."""
    sites: dict[str, list[int]] = {}
    for path in sorted(BACKEND.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {alias.asname or alias.name for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module == "sqlalchemy"
                 for alias in node.names if alias.name == "text"}
        names |= {"sqlalchemy.text", "sa.text"}
        module = path.relative_to(BACKEND).as_posix()

        def visit(node: ast.AST, where: list[str], module: str = module,
                  names: set[str] = names) -> None:
            for child in ast.iter_child_nodes(node):
                inside = where
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    inside = [*where, child.name]
                elif not where and isinstance(child, ast.Assign | ast.AnnAssign):
                    target = child.targets[0] if isinstance(child, ast.Assign) else child.target
                    inside = [ast.unparse(target)]
                if isinstance(child, ast.Call) and ast.unparse(child.func) in names:
                    key = f"{module}:{'.'.join(where) or '<module>'}"
                    sites.setdefault(key, []).append(child.lineno)
                if isinstance(child, ast.Attribute) and child.attr == "exec_driver_sql":
                    sites.setdefault(f"{module}:{'.'.join(where)}", []).append(child.lineno)
                visit(child, inside)

        visit(tree, [])
    return sites


def test_every_raw_query_is_reviewed():
    sites = raw_sql_sites()
    assert len(sites) > 20, "the inventory lost track of the raw SQL"
    unreviewed = {key: lines for key, lines in sites.items() if key not in RAW_SQL}
    assert not unreviewed, (
        "raw SQL the scoping hook cannot filter: filter by the caller's scope in the query (and "
        f"name the test that proves it in RAW_SQL) or say why it is scope-free: {unreviewed}")
    stale = sorted(set(RAW_SQL) - set(sites))
    assert not stale, f"RAW_SQL lists raw SQL that is gone: {stale}"


def test_every_proof_named_in_the_review_exists():
    tests = "".join(p.read_text(encoding="utf-8") for p in TESTS.rglob("test_*.py"))
    missing = sorted({proof for _reason, proof in RAW_SQL.values()
                      if proof and f"def {proof}(" not in tests})
    assert not missing, f"RAW_SQL names proofs that no test defines: {missing}"


# The proofs: raw SQL on a request stays inside the caller's scope.


def _make_household(session, village_code: str, lgo_code: str) -> int:
    village_id = session.execute(select(Village.id).where(Village.code == village_code)
                                 ).scalar_one()
    lgo_id = session.execute(select(Lgo.id).where(Lgo.code == lgo_code)).scalar_one()
    household = Household(lgo_id=lgo_id, village_id=village_id, house_number="scope-1",
                          members=2, registered_on=dt.date(2024, 1, 1))
    session.add(household)
    session.commit()
    return household.id


@pytest.fixture
def nga_household(app, db_session) -> int:
    """A household of Mueang Nga, never logged or inspected."""
    return _make_household(db_session, NGA_VILLAGE, NGA)


@pytest.fixture
def town_household(app, db_session) -> int:
    """A household of the town's first community, where 081-000-0001 volunteers."""
    return _make_household(db_session, TOWN_VILLAGE, TOWN)


def _sync(client, auth, who: str, kind: str, items: list[dict]) -> list[str]:
    response = client.post("/api/v1/sync", headers=auth(who), json={
        "device_id": "scope-test", "items": [
            {"kind": kind, "client_id": str(uuid.uuid4()), "data": data} for data in items]})
    assert response.status_code == 200, response.get_json()
    return [result["status"] for result in response.get_json()["results"]]


def _household(db_session, household_id: int) -> Household:
    db_session.expire_all()
    return db_session.get(Household, household_id)


# The caller's own household shares the batch, so the raw UPDATE runs and could reach past it.


@pytest.mark.parametrize("who", ["town.staff", "0810000001"])
def test_a_log_for_another_lgos_household_moves_nothing(client, auth, db_session, nga_household,
                                                        town_household, who):
    day = local_today() - dt.timedelta(days=1)
    statuses = _sync(client, auth, who, "sorting_log", [
        {"household_id": household, "log_date": day.isoformat(), "streams": ["organic"]}
        for household in (town_household, nga_household)])
    assert statuses == ["created", "rejected"]
    assert _household(db_session, town_household).last_log_on == day
    assert _household(db_session, nga_household).last_log_on is None


@pytest.mark.parametrize("who", ["town.staff", "0810000001"])
def test_an_inspection_of_another_lgos_household_verifies_nothing(client, auth, db_session,
                                                                  nga_household, town_household,
                                                                  who):
    day = local_today() - dt.timedelta(days=1)
    statuses = _sync(client, auth, who, "inspection", [
        {"household_id": household, "inspected_on": day.isoformat(), "registered": True,
         "bin_built": True, "food_waste_in_bin": True, "lid_closed": True,
         "used_correctly": True, "point": {"type": "Point", "coordinates": [99.03, 18.61]}}
        for household in (town_household, nga_household)])
    assert statuses == ["created", "rejected"]
    assert _household(db_session, town_household).last_inspected_on == day
    nga = _household(db_session, nga_household)
    assert (nga.verified_on, nga.last_inspected_on) == (None, None)


def test_a_pdpa_copy_of_another_lgos_household_is_404(client, auth, nga_household):
    for who in ("town.staff", "town.admin"):
        response = client.get(f"/api/v1/households/{nga_household}/export", headers=auth(who))
        assert response.status_code == 404, (who, response.get_json())
    own = client.get(f"/api/v1/households/{nga_household}/export", headers=auth("nga.staff"))
    assert own.status_code == 200
    assert own.get_json()["household"]["id"] == nga_household


def test_coverage_counts_only_the_lgo_asked_for_and_only_if_in_reach(client, auth,
                                                                      nga_household):
    query = {"lgo": NGA, "month": "2024-10"}
    assert client.get("/api/v1/volunteers/coverage", query_string=query,
                      headers=auth("town.staff")).status_code == 404
    town = client.get("/api/v1/volunteers/coverage", query_string={**query, "lgo": TOWN},
                      headers=auth("town.staff")).get_json()
    # The Mueang Nga household counts for none of the town's volunteers.
    assert sum(row["households"] for row in town["rows"]) == 0
    assert town["unassigned_villages"] == []
    nga = client.get("/api/v1/volunteers/coverage", query_string=query,
                     headers=auth("nga.staff")).get_json()
    # 081-000-0002 volunteers in Mueang Nga moo 1-2, where the household is.
    assert sum(row["households"] for row in nga["rows"]) == 1


def test_a_choropleth_of_another_lgo_is_404(client, auth):
    query = {"level": "village", "parent": NGA, "indicator": "participation",
             "period": "2024-10"}
    response = client.get("/api/v1/analytics/choropleth", query_string=query,
                          headers=auth("town.staff"))
    assert response.status_code == 404, response.get_json()
    own = client.get("/api/v1/analytics/choropleth", query_string={**query, "parent": TOWN},
                     headers=auth("town.staff"))
    assert own.status_code == 200
    codes = {feature["properties"]["code"] for feature in own.get_json()["features"]}
    assert TOWN_VILLAGE in codes
    assert NGA_VILLAGE not in codes
