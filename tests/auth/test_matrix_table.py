"""Who may do what, written out by hand for every route of the URL map and every role.

``test_matrix.py`` derives its expectations from each view's declared permission and the
``PERMISSIONS`` table, so a wrong entry there moves the test with it. This table states the
answers from the roles as Khaya's users know them (README, "Roles and demo logins") and checks
them through HTTP with the demo accounts, all of Lamphun Town ("LGO A"), against objects of
LGO A (in scope) and of Mueang Nga ("LGO B", out of scope). Objects, sample paths, query strings
and valid bodies are ``test_matrix``'s.

Each row has one word per role, in the order of ``ROLES``:

- ``ok``: allowed, on LGO A's object and on LGO B's alike (public, shared, or the admin's);
- ``in``: allowed on LGO A's object; LGO B's answers 404, as if it did not exist;
- ``see``: the role may see the object but not do this: 403 on LGO A's, 404 on LGO B's;
- ``403``, ``401``, ``404``: that status, whatever the object;
- ``422``: the village asked for in the query is not in the caller's area (a resident's area is
  their household, so they print no village's sheet).

Allowed means 200 for a GET, and for other methods anything but 401, 403, 404 or a 5xx (most
are sent with an empty body and answer 422 after the access check). A route added without a row
fails ``test_every_route_has_a_row``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.routing import Rule

from khaya.extensions import db
from khaya.households.models import Household
from tests.auth import test_matrix as matrix

# The matrix's fixtures, so both tables run against the same objects and callers.
objects = matrix.objects
call = matrix.call

ROLES = ("anonymous", "resident", "volunteer", "lgo_staff", "lgo_admin", "province_officer",
         "national_officer", "admin")
WORDS = frozenset({"ok", "in", "see", "403", "401", "404", "422"})

EVERYONE = "ok   ok   ok   ok   ok   ok   ok   ok"
# What belongs to the person who made it: nobody else, admins included, finds it.
OWN_ONLY = "401  404  404  404  404  404  404  404"
SIGNED_IN = "401  ok   ok   ok   ok   ok   ok   ok"
ADMIN_ONLY = "401  403  403  403  403  403  403  ok"
# Figures and comparisons: LGO roles for their LGO, provincial officers, admins.
FIGURES = "401  403  403  ok   ok   ok   ok   ok"
# The LGO's office work (register, points, hazardous waste, banks' books, reviews).
OFFICE = "401  403  403  ok   ok   403  403  ok"
OFFICE_OBJECT = "401  403  403  in   in   403  403  ok"
# Managing an LGO's people: its admins (LGO staff may not even see other users).
PEOPLE = "401  403  403  403  ok   403  403  ok"
PEOPLE_OBJECT = "401  403  403  403  in   403  403  ok"
# A household's own data: its resident, its villages' volunteers, its LGO; never the province.
HOUSEHOLD_READ = "401  in   in   in   in   403  403  ok"
HOUSEHOLD_LIST = "401  ok   ok   ok   ok   403  403  ok"
# Changing a household: its LGO; its resident and volunteers see it but may not change it.
HOUSEHOLD_WRITE = "401  see  see  in   in   403  403  ok"
# A waste bank's members and books: members see their own account, volunteers their villages'.
BANK_READ = "401  in   in   in   in   403  403  ok"

# Columns: anon res  vol  staff ladm prov dla  adm
TABLE: dict[tuple[str, str], str] = {
    # The app shell, its files and the docs: anyone.
    ("GET", "/"): EVERYONE,
    ("GET", "/<path:path>"): EVERYONE,
    # nothing is there
    ("GET", "/static/<path:filename>"):
        "404  404  404  404  404  404  404  404",
    ("GET", "/api/v1/docs"): EVERYONE,
    ("GET", "/api/v1/docs-assets/<path:filename>"): EVERYONE,
    ("GET", "/api/v1/openapi.json"): EVERYONE,
    ("GET", "/api/v1/health"): EVERYONE,
    # OGC API - Features: public layers for QGIS and GDAL.
    ("GET", "/ogc"): EVERYONE,
    ("GET", "/ogc/api"): EVERYONE,
    ("GET", "/ogc/conformance"): EVERYONE,
    ("GET", "/ogc/collections"): EVERYONE,
    ("GET", "/ogc/collections/<collectionId>"): EVERYONE,
    ("GET", "/ogc/collections/<collectionId>/items"): EVERYONE,
    ("GET", "/ogc/collections/<collectionId>/queryables"): EVERYONE,
    ("GET", "/ogc/collections/<collectionId>/items/<featureId>"): EVERYONE,
    # Open311 GeoReport v2: public reads; a post needs an app's api_key, which no role has.
    ("GET", "/open311/v2/discovery.json"): EVERYONE,
    ("GET", "/open311/v2/services.<any(json, xml):fmt>"): EVERYONE,
    ("GET", "/open311/v2/services/<service_code>.<any(json, xml):fmt>"): EVERYONE,
    ("GET", "/open311/v2/requests.<any(json, xml):fmt>"): EVERYONE,
    ("GET", "/open311/v2/requests/<report_id>.<any(json, xml):fmt>"): EVERYONE,
    ("GET", "/open311/v2/tokens/<report_token>.<any(json, xml):fmt>"): EVERYONE,
    ("POST", "/open311/v2/requests.<any(json, xml):fmt>"): "403  403  403  403  403  403  403  403",
    # Signing in and out.
    ("POST", "/api/v1/auth/login"): EVERYONE,
    ("POST", "/api/v1/auth/refresh"): EVERYONE,
    ("POST", "/api/v1/auth/logout"): SIGNED_IN,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("POST", "/api/v1/me/password"): SIGNED_IN,
    # Residents and volunteers see their accounts; a provincial officer has none.
    ("GET", "/api/v1/me/memberships"): "401  ok   ok   ok   ok   403  403  ok",
    # The phone's one endpoint: anyone signed in may send; each item is checked on its own.
    ("POST", "/api/v1/sync"): SIGNED_IN,
    # The territory: public; only an admin records an LGO's rename or upgrade.
    ("GET", "/api/v1/areas/tree"): EVERYONE,
    ("GET", "/api/v1/areas/locate"): EVERYONE,
    ("GET", "/api/v1/areas/provinces"): EVERYONE,
    ("GET", "/api/v1/areas/provinces/geojson"): EVERYONE,
    ("GET", "/api/v1/areas/provinces/<code>"): EVERYONE,
    ("GET", "/api/v1/areas/districts"): EVERYONE,
    ("GET", "/api/v1/areas/districts/geojson"): EVERYONE,
    ("GET", "/api/v1/areas/districts/<code>"): EVERYONE,
    ("GET", "/api/v1/areas/tambons"): EVERYONE,
    ("GET", "/api/v1/areas/tambons/geojson"): EVERYONE,
    ("GET", "/api/v1/areas/tambons/<code>"): EVERYONE,
    ("GET", "/api/v1/areas/lgos"): EVERYONE,
    ("GET", "/api/v1/areas/lgos/geojson"): EVERYONE,
    ("GET", "/api/v1/areas/lgos/<code>"): EVERYONE,
    ("POST", "/api/v1/areas/lgos/<code>/history"): ADMIN_ONLY,
    ("POST", "/api/v1/areas/provinces/<code>/load"): ADMIN_ONLY,
    ("GET", "/api/v1/areas/villages"): EVERYONE,
    ("GET", "/api/v1/areas/villages/geojson"): EVERYONE,
    ("GET", "/api/v1/areas/villages/<code>"): EVERYONE,
    # Maps: area and point layers are public; households only for those who may see them, each
    # tile holding only the caller's households.
    ("GET", "/api/v1/tiles"): EVERYONE,
    ("GET", "/api/v1/tiles/<layer>/<int:z>/<int:x>/<int:y>.mvt"): EVERYONE,
    ("GET", "/api/v1/tiles/households/<int:z>/<int:x>/<int:y>.mvt"):
        "401  ok   ok   ok   ok   403  403  ok",
    # Collection points: anyone finds them; the LGO keeps its own.
    ("GET", "/api/v1/collection-points"): EVERYONE,
    ("GET", "/api/v1/collection-points/geojson"): EVERYONE,
    ("GET", "/api/v1/collection-points/nearest"): EVERYONE,
    ("GET", "/api/v1/collection-points/<int:point_id>"): EVERYONE,
    ("POST", "/api/v1/collection-points"): OFFICE,
    ("PATCH", "/api/v1/collection-points/<int:point_id>"): OFFICE_OBJECT,
    # Citizen reports: anyone may report (the LGO decides whether without an account) and
    # follow a report by its token; residents, volunteers and the LGO's staff report from the
    # app; the LGO works through its own queue; its admins choose the settings and apps.
    ("POST", "/api/v1/reports"): EVERYONE,
    ("POST", "/api/v1/reports/form"): EVERYONE,
    ("GET", "/api/v1/reports/track/<string:report_token>"): EVERYONE,
    ("POST", "/api/v1/reports/photos"): "401  ok   ok   ok   ok   403  403  ok",
    ("GET", "/api/v1/reports/mine"): "401  ok   ok   ok   ok   403  403  ok",
    ("GET", "/api/v1/reports"): OFFICE,
    ("GET", "/api/v1/reports/<int:report_id>"): OFFICE_OBJECT,
    ("GET", "/api/v1/reports/<int:report_id>/duplicates"): OFFICE_OBJECT,
    ("GET", "/api/v1/reports/<int:report_id>/photos/<uuid:report_photo_id>"): OFFICE_OBJECT,
    ("PATCH", "/api/v1/reports/<int:report_id>"): OFFICE_OBJECT,
    ("POST", "/api/v1/reports/<int:report_id>/merge"): OFFICE_OBJECT,
    ("GET", "/api/v1/reports/staff"): OFFICE,
    ("GET", "/api/v1/reports/settings"): PEOPLE,
    ("PUT", "/api/v1/reports/settings"): PEOPLE,
    ("GET", "/api/v1/reports/apps"): PEOPLE,
    ("POST", "/api/v1/reports/apps"): PEOPLE,
    ("DELETE", "/api/v1/reports/apps/<int:app_id>"): PEOPLE_OBJECT,
    # Collection schedules: the LGO keeps its own; every village's calendar is public.
    ("GET", "/api/v1/schedules"): OFFICE,
    ("POST", "/api/v1/schedules"): OFFICE,
    ("PATCH", "/api/v1/schedules/<int:schedule_id>"): OFFICE_OBJECT,
    ("DELETE", "/api/v1/schedules/<int:schedule_id>"): OFFICE_OBJECT,
    ("GET", "/api/v1/villages/<village_code>/calendar"): EVERYONE,
    ("GET", "/api/v1/villages/<village_code>/calendar.ics"): EVERYONE,
    # The sorting guide: anyone reads it; the LGO changes an item for its own residents.
    ("GET", "/api/v1/guide"): EVERYONE,
    ("PUT", "/api/v1/guide/overrides/<key>"): OFFICE,
    ("DELETE", "/api/v1/guide/overrides/<key>"): OFFICE,
    # Fee discounts: the LGO's staff read the list (it names households); its admin sets the rule.
    ("GET", "/api/v1/fee-discounts/rule"): OFFICE,
    ("PUT", "/api/v1/fee-discounts/rule"): PEOPLE,
    ("GET", "/api/v1/fee-discounts/households"): OFFICE,
    ("GET", "/api/v1/fee-discounts/households.csv"): OFFICE,
    ("GET", "/api/v1/fee-discounts/households.xlsx"): OFFICE,
    # Reminders: anyone signed in subscribes their browser; a subscription is its owner's.
    ("GET", "/api/v1/push/key"): EVERYONE,
    ("PUT", "/api/v1/push/subscription"): SIGNED_IN,
    ("GET", "/api/v1/push/subscriptions"): SIGNED_IN,
    ("DELETE", "/api/v1/push/subscriptions/<int:subscription_id>"): OWN_ONLY,
    # Hazardous waste: the LGO records collections and hand-overs; totals are figures.
    ("GET", "/api/v1/hazardous/collections"): OFFICE,
    ("POST", "/api/v1/hazardous/collections"): OFFICE,
    ("GET", "/api/v1/hazardous/handovers"): OFFICE,
    ("POST", "/api/v1/hazardous/handovers"): OFFICE,
    ("GET", "/api/v1/hazardous/totals"): FIGURES,
    # The register.
    ("GET", "/api/v1/households"): HOUSEHOLD_LIST,
    ("POST", "/api/v1/households"): OFFICE,
    ("POST", "/api/v1/households/import"): OFFICE,
    # Printing a village's QR cards and signs: office work, which volunteers do in the field.
    ("GET", "/api/v1/households/qr-cards.pdf"): "401  422  ok   ok   ok   403  403  ok",
    ("GET", "/api/v1/households/signs.pdf"): "401  422  ok   ok   ok   403  403  ok",
    ("GET", "/api/v1/households/by-qr/<token>"): HOUSEHOLD_READ,
    ("GET", "/api/v1/households/<int:household_id>"): HOUSEHOLD_READ,
    ("PATCH", "/api/v1/households/<int:household_id>"): HOUSEHOLD_WRITE,
    ("POST", "/api/v1/households/<int:household_id>/deactivate"): HOUSEHOLD_WRITE,
    ("POST", "/api/v1/households/<int:household_id>/residents"): HOUSEHOLD_WRITE,
    ("GET", "/api/v1/households/<int:household_id>/logs"): HOUSEHOLD_READ,
    ("GET", "/api/v1/households/<int:household_id>/rewards"): HOUSEHOLD_READ,
    ("GET", "/api/v1/households/<int:household_id>/inspections"): HOUSEHOLD_READ,
    # PDPA rights: the resident and the LGO have the copy; the resident and the LGO's admin
    # may erase. Volunteers and LGO staff see the household but exercise neither right.
    ("GET", "/api/v1/households/<int:household_id>/export"):
        "401  in   see  in   in   403  403  ok",
    ("GET", "/api/v1/households/<int:household_id>/export.pdf"):
        "401  in   see  in   in   403  403  ok",
    ("POST", "/api/v1/households/<int:household_id>/erase"):
        "401  in   see  see  in   403  403  ok",
    # Logs, photos and inspections.
    ("POST", "/api/v1/photos"): "401  ok   ok   ok   ok   403  403  ok",
    ("GET", "/api/v1/photos/<uuid:photo_id>"): HOUSEHOLD_READ,
    ("POST", "/api/v1/sorting-logs/<int:log_id>/void"): OFFICE_OBJECT,
    ("GET", "/api/v1/inspections/reviews"): OFFICE,
    ("POST", "/api/v1/inspections/<int:inspection_id>/review"): OFFICE_OBJECT,
    # Waste banks: anyone signed in finds a bank and its prices; volunteers weigh deposits; the
    # LGO keeps the bank and its books.
    ("GET", "/api/v1/waste-banks"): SIGNED_IN,
    ("POST", "/api/v1/waste-banks"): OFFICE,
    ("GET", "/api/v1/waste-banks/<int:bank_id>"): SIGNED_IN,
    ("PATCH", "/api/v1/waste-banks/<int:bank_id>"): OFFICE_OBJECT,
    ("GET", "/api/v1/waste-banks/<int:bank_id>/prices"): SIGNED_IN,
    ("POST", "/api/v1/waste-banks/<int:bank_id>/prices"): OFFICE_OBJECT,
    ("GET", "/api/v1/waste-banks/<int:bank_id>/members"): BANK_READ,
    ("POST", "/api/v1/waste-banks/<int:bank_id>/members"): OFFICE_OBJECT,
    ("GET", "/api/v1/waste-banks/<int:bank_id>/members/<int:member_id>"): BANK_READ,
    ("GET", "/api/v1/waste-banks/<int:bank_id>/members/<int:member_id>/passbook"): BANK_READ,
    ("GET", "/api/v1/waste-banks/<int:bank_id>/members/<int:member_id>/passbook.pdf"):
        BANK_READ,
    ("GET", "/api/v1/waste-banks/<int:bank_id>/ledger"): BANK_READ,
    ("POST", "/api/v1/waste-banks/<int:bank_id>/deposits"): "401  403  in   in   in   403  403  ok",
    ("POST", "/api/v1/waste-banks/<int:bank_id>/withdrawals"): OFFICE_OBJECT,
    ("POST", "/api/v1/waste-banks/<int:bank_id>/welfare-events"): OFFICE_OBJECT,
    ("POST", "/api/v1/waste-banks/<int:bank_id>/entries/<int:entry_id>/reverse"): OFFICE_OBJECT,
    # Figures: aggregates only, so the province sees them too.
    ("GET", "/api/v1/analytics/definitions"): FIGURES,
    ("GET", "/api/v1/analytics/freshness"): FIGURES,
    ("GET", "/api/v1/analytics/indicators"): FIGURES,
    ("GET", "/api/v1/analytics/indicators.csv"): FIGURES,
    ("GET", "/api/v1/analytics/indicators.xlsx"): FIGURES,
    ("GET", "/api/v1/analytics/league"): FIGURES,
    ("GET", "/api/v1/analytics/league.csv"): FIGURES,
    ("GET", "/api/v1/analytics/league.xlsx"): FIGURES,
    ("GET", "/api/v1/analytics/series"): FIGURES,
    ("GET", "/api/v1/analytics/series.csv"): FIGURES,
    ("GET", "/api/v1/analytics/series.xlsx"): FIGURES,
    ("GET", "/api/v1/analytics/choropleth"): FIGURES,
    ("GET", "/api/v1/analytics/summary.pdf"): FIGURES,
    # Volunteers' names: the LGO's and the province's, not the national office's.
    ("GET", "/api/v1/volunteers/coverage"): "401  403  403  ok   ok   ok   403  ok",
    # A month's sign-off: the village's volunteer confirms, LGO staff submit, the LGO admin
    # approves (and sends back a submitted month), the province accepts or sends back; the
    # province reaches every LGO of Lamphun. A system admin may take any step.
    # The monthly return to DLA: whoever exports figures (the consolidated one, without lgo).
    # The carbon-credit evidence names households by code: the LGO's own staff (and admins).
    ("POST", "/api/v1/exports/evidence"): OFFICE,
    ("GET", "/api/v1/exports/dla-return.xlsx"): FIGURES,
    ("GET", "/api/v1/exports/dla-return.pdf"): FIGURES,
    ("GET", "/api/v1/approvals"): "401  403  ok   ok   ok   ok   403  ok",
    ("GET", "/api/v1/approvals/<lgo_code>/<month>"): "401  403  in   in   in   ok   403  ok",
    ("POST", "/api/v1/approvals/<lgo_code>/<month>/villages/<village_code>/confirm"):
        "401  403  in   in   in   403  403  ok",
    ("POST", "/api/v1/approvals/<lgo_code>/<month>/submit"):
        "401  403  403  in   in   403  403  ok",
    ("POST", "/api/v1/approvals/<lgo_code>/<month>/approve"):
        "401  403  403  403  in   403  403  ok",
    ("POST", "/api/v1/approvals/<lgo_code>/<month>/accept"):
        "401  403  403  403  403  ok   403  ok",
    ("POST", "/api/v1/approvals/<lgo_code>/<month>/return"):
        "401  403  403  403  in   ok   403  ok",
    ("PUT", "/api/v1/approvals/settings/lgos/<lgo_code>"): "401  403  403  403  in   ok   403  ok",
    ("PUT", "/api/v1/approvals/settings/provinces/<province_code>"):
        "401  403  403  403  403  ok   403  ok",
    ("GET", "/api/v1/exports/monthly.csv"): FIGURES,
    ("GET", "/api/v1/exports/monthly.xlsx"): FIGURES,
    ("POST", "/api/v1/exports/jobs"): FIGURES,
    # A job is its maker's alone: anyone else who may export gets 404, admins included.
    ("GET", "/api/v1/exports/jobs/<uuid:job_id>"): "401  403  403  404  404  404  404  404",
    ("GET", "/api/v1/exports/jobs/<uuid:job_id>/download"):
        "401  403  403  404  404  404  404  404",
    # People and the audit trail.
    ("GET", "/api/v1/users"): PEOPLE,
    ("POST", "/api/v1/users"): PEOPLE,
    ("GET", "/api/v1/users/<int:user_id>"): PEOPLE_OBJECT,
    ("PATCH", "/api/v1/users/<int:user_id>"): PEOPLE_OBJECT,
    ("POST", "/api/v1/users/<int:user_id>/password"): PEOPLE_OBJECT,
    ("POST", "/api/v1/users/<int:user_id>/unlock"): PEOPLE_OBJECT,
    ("PUT", "/api/v1/users/<int:user_id>/volunteer"): PEOPLE_OBJECT,
    ("POST", "/api/v1/users/<int:user_id>/grants"): PEOPLE_OBJECT,
    ("DELETE", "/api/v1/users/<int:user_id>/grants/<int:grant_id>"): PEOPLE_OBJECT,
    ("GET", "/api/v1/audit-events"): PEOPLE,
}

# Path values outside /api/v1 (the API's come from test_matrix.SAMPLES): (LGO A's, LGO B's).
OTHER_SAMPLES: dict[str, tuple[Any, Any]] = {
    "path": ("office/households", "app/today"),  # client-side routes get the app shell
    "collectionId": ("villages", "villages"),
    "featureId": ("51010101", "51010201"),
}
# Query strings the table's GETs need to answer 200 (beside test_matrix.QUERIES).
_FIGURES_OF_A = {"level": "village", "parent": matrix.TOWN, "period": "2024-10"}
OTHER_QUERIES: dict[str, dict[str, Any]] = {
    "/api/v1/analytics/indicators": _FIGURES_OF_A,
    "/api/v1/analytics/league": {**_FIGURES_OF_A, "indicator": "participation"},
    "/api/v1/analytics/choropleth": {**_FIGURES_OF_A, "indicator": "participation"},
    "/api/v1/analytics/series": {"level": "lgo", "area": matrix.TOWN, "from": "2024-08-01",
                                 "to": "2024-10-31"},
    "/api/v1/collection-points/nearest": {"lon": 99.0189, "lat": 18.5868},
    "/api/v1/households/qr-cards.pdf": {"village": "51010101"},  # household A's community
    "/api/v1/households/signs.pdf": {"village": "51010101"},
    "/api/v1/exports/monthly.csv": {"from": "2024-10", "to": "2024-10"},
    "/api/v1/exports/monthly.xlsx": {"from": "2024-10", "to": "2024-10"},
}


def url_map_routes(app: Flask) -> dict[tuple[str, str], Rule]:
    return {
        (method, rule.rule): rule
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - matrix.IGNORED_METHODS
    }


def row(key: tuple[str, str]) -> dict[str, str]:
    words = TABLE[key].split()
    return dict(zip(ROLES, words, strict=True))


def test_every_route_has_a_row(app):
    routes = set(url_map_routes(app))
    missing = sorted(routes - set(TABLE))
    stale = sorted(set(TABLE) - routes)
    assert not missing, (
        "routes without a row in TABLE: say, by hand, which role may call each: "
        f"{missing}")
    assert not stale, f"rows for routes that no longer exist: {stale}"


def test_every_row_is_well_formed(app):
    routes = url_map_routes(app)
    problems = []
    for key, text in TABLE.items():
        words = text.split()
        if len(words) != len(ROLES) or not set(words) <= WORDS:
            problems.append(f"{key}: {text!r}")
        elif key in routes and not routes[key].arguments and {"in", "see"} & set(words):
            problems.append(f"{key}: 'in' and 'see' need an object in the path")
    assert not problems, "\n".join(problems)


class TableChecker(matrix.Checker):
    """``test_matrix``'s checker, stricter about success: a GET that is allowed answers 200."""

    def request(self, case, values, body=None):
        path = matrix.build_path(case.rule, values)
        query = matrix.QUERIES.get(case.rule.rule) or OTHER_QUERIES.get(case.rule.rule)
        if query:
            path += "?" + urlencode(query)
        return self.call(case.method, path, self.login, body)

    def check(self, case, scope, status, body, want):
        if case.rule.rule.startswith(matrix.API) or status >= 400:
            super().check(case, scope, status, body, want)
        elif want != "success" and status != int(want):
            self.fail(case, scope, f"expected {want}, got {status}")
        if want == "success" and case.method == "GET" and status != 200 and status < 500:
            self.fail(case, scope, f"expected 200, got {status}: {str(body)[:300]}")


def samples(rule: Rule, objects: matrix.Objects) -> tuple[dict[str, Any], dict[str, Any]]:
    inside: dict[str, Any] = {}
    outside: dict[str, Any] = {}
    for argument in sorted(rule.arguments):
        if argument in OTHER_SAMPLES and not rule.rule.startswith(matrix.API):
            inside[argument], outside[argument] = OTHER_SAMPLES[argument]
        else:
            inside[argument], outside[argument] = matrix.SAMPLES[argument](rule, objects)
    return inside, outside


@pytest.fixture
def verified_a(app, objects) -> None:
    """Household A passed an inspection, so its village has a sign to print."""
    with app.app_context():
        db.session.get(Household, objects.household_a).verified_on = dt.date(2024, 2, 1)
        db.session.commit()
        db.session.remove()


@pytest.mark.usefixtures("verified_a")
@pytest.mark.parametrize("role", ROLES)
def test_the_table(app, call, objects, role):
    checker = TableChecker(call, role)
    routes = url_map_routes(app)
    # DELETEs last, so what they remove cannot change another row's answer.
    for key in sorted(TABLE, key=lambda k: (k[0] == "DELETE", k[1], k[0])):
        if key not in routes:
            continue  # test_every_route_has_a_row names it
        rule = routes[key]
        case = matrix.Case(rule, key[0], None, False)
        inside, outside = samples(rule, objects)
        has_object = bool(rule.arguments)
        word = row(key)[role]
        if word == "ok":
            checker.expect(case, "in scope", inside, "success")
            if has_object:
                checker.expect(case, "out of scope", outside, "success")
        elif word == "in":
            checker.expect(case, "in scope", inside, "success")
            checker.expect_not_found(case, outside)
        elif word == "see":
            checker.expect(case, "in scope", inside, "403")
            checker.expect(case, "out of scope", outside, "404")
        else:
            checker.expect(case, "in scope", inside, word)
            if has_object:
                checker.expect(case, "out of scope", outside, word)
    assert not checker.failures, f"{len(checker.failures)} cells disagree:\n" + "\n".join(
        checker.failures)
