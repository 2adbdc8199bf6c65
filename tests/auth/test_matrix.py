"""The authorisation matrix, built from the app's URL map so a new endpoint is covered at once.

For every ``/api/v1`` rule and method, and every role (as a principal of Lamphun Town
Municipality, "LGO A"): a public endpoint answers everyone; anonymous callers of anything else
get 401; a role without the permission gets 403; a role with it succeeds on an object of LGO A
and gets 404 for the same kind of object in Mueang Nga ("LGO B"); a role that may only see the
object gets 403 on LGO A's and 404 on LGO B's; an admin succeeds everywhere.

Expectations come from each view's ``khaya_access`` declaration and ``PERMISSIONS``; the path
parameters come from ``SAMPLES``, which must name every path argument of the API.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from khaya.areas.models import Lgo, Village
from khaya.auth.access import PERMISSIONS, Access
from khaya.auth.models import Role, RoleGrant, User
from khaya.collection.models import CollectionPoint, Schedule, ScheduleKind
from khaya.common.geo import point as geo_point
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import Inspection, Photo, SortingLog
from khaya.reminders.models import PushSubscription
from khaya.reports.models import (
    Located,
    Report,
    ReportApp,
    ReportPhoto,
    ReportSource,
    ReportType,
)
from tests.factories import bank_with_member

API = "/api/v1"
TOWN = "lamphun-town-municipality"  # LGO A
NGA = "mueang-nga-subdistrict-municipality"  # LGO B
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Rules that may go without a ``khaya_access`` declaration: the API docs and their assets.
EXEMPT_ENDPOINT_PREFIXES = ("api-docs.",)
EXEMPT_ENDPOINTS = frozenset({"web.docs_assets"})
ENVELOPE_KEYS = frozenset({"code", "status", "message", "errors"})
DENIED = frozenset({401, 403, 404})

# The demo account that plays each role, all of LGO A where the role has an LGO.
ROLE_LOGINS: dict[str, str | None] = {
    "anonymous": None,
    "resident": "0810000011",
    "volunteer": "0810000001",
    "lgo_staff": "town.staff",
    "lgo_admin": "town.admin",
    "province_officer": "province",
    "national_officer": "dla",
    "admin": "admin",
}

# Area codes per level: (one of LGO A, one of LGO B). Both LGOs lie in district 5101 of
# province 51, so those levels have one code for both.
AREA_CODES: dict[str, tuple[str, str]] = {
    "provinces": ("51", "51"),
    "districts": ("5101", "5101"),
    "tambons": ("510101", "510102"),
    "lgos": (TOWN, NGA),
    "villages": ("51010101", "51010201"),
}

# Query strings for rules whose required query parameters would otherwise make them answer 422.
_LEAGUE_OF_A = {"level": "village", "parent": TOWN, "indicator": "participation",
                "period": "2024-10"}
QUERIES: dict[str, dict[str, Any]] = {
    "/api/v1/areas/locate": {"lon": 99.0189, "lat": 18.5868},  # inside Lamphun Town
    "/api/v1/analytics/league.csv": _LEAGUE_OF_A,
    "/api/v1/analytics/league.xlsx": {**_LEAGUE_OF_A, "lang": "en"},
    "/api/v1/volunteers/coverage": {"lgo": TOWN, "month": "2025-06"},
    "/api/v1/fee-discounts/rule": {"lgo_code": TOWN},
    "/api/v1/fee-discounts/households": {"lgo_code": TOWN, "month": "2024-10"},
    "/api/v1/fee-discounts/households.csv": {"lgo_code": TOWN, "month": "2024-10"},
    "/api/v1/fee-discounts/households.xlsx": {"lgo_code": TOWN, "month": "2024-10"},
    "/api/v1/approvals": {"month": "2024-10"},
    "/api/v1/reports/settings": {"lgo": TOWN},
    "/api/v1/exports/dla-return.xlsx": {"month": "2024-10"},
    "/api/v1/exports/dla-return.pdf": {"month": "2024-10"},
    "/api/v1/analytics/indicators.csv": {"level": "village", "parent": TOWN, "period": "2024-10"},
    "/api/v1/analytics/indicators.xlsx": {"level": "lgo", "areas": TOWN, "period": "2024-10"},
    "/api/v1/analytics/series.csv": {"level": "lgo", "area": TOWN, "from": "2024-08-01",
                                     "to": "2024-10-31"},
    "/api/v1/analytics/series.xlsx": {"level": "village", "area": "51010101",
                                      "from": "2024-10-01", "to": "2024-10-31"},
}

# Bodies that pass validation, for the out-of-scope half: an empty body may be refused with 422
# before the object is looked up, which would hide whether the scope check works.
VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/users/<int:user_id>/password"): {"new_password": "matrix-password-1"},
    ("PUT", "/api/v1/users/<int:user_id>/volunteer"): {"volunteer_type": "other"},
    ("POST", "/api/v1/users/<int:user_id>/grants"): {"role": "lgo_staff"},
    ("POST", "/api/v1/areas/lgos/<code>/history"): {"valid_from": "2026-01-01", "name_en": "X"},
    ("PATCH", "/api/v1/households/<int:household_id>"): {"version": 1, "members": 2},
    ("POST", "/api/v1/households/<int:household_id>/deactivate"): {"reason": "matrix"},
    ("POST", "/api/v1/households/<int:household_id>/residents"): {"user_id": 1},
    ("POST", "/api/v1/sorting-logs/<int:log_id>/void"): {"reason": "matrix"},
    ("POST", "/api/v1/inspections/<int:inspection_id>/review"): {"decision": "accept",
                                                                 "reason": "matrix"},
    ("POST", "/api/v1/households/<int:household_id>/erase"): {"confirm": "x", "reason": "m"},
    ("PATCH", "/api/v1/waste-banks/<int:bank_id>"): {"name_th": "x"},
    ("POST", "/api/v1/waste-banks/<int:bank_id>/prices"): {
        "material": "paper",
        "price_per_kg": "1",
        "valid_from": "2024-01-01",
    },
    ("POST", "/api/v1/waste-banks/<int:bank_id>/members"): {"household_id": 1},
    ("POST", "/api/v1/waste-banks/<int:bank_id>/deposits"): {
        "member_id": 1,
        "deposit_date": "2024-03-01",
        "lines": [{"material": "pet", "kg": "1"}],
    },
    ("POST", "/api/v1/waste-banks/<int:bank_id>/withdrawals"): {"member_id": 1, "amount": "1"},
    ("POST", "/api/v1/waste-banks/<int:bank_id>/welfare-events"): {
        "beneficiary_member_id": 1,
        "amount_per_member": "1",
    },
    ("POST", "/api/v1/waste-banks/<int:bank_id>/entries/<int:entry_id>/reverse"): {"note": "m"},
    ("POST", "/api/v1/approvals/<lgo_code>/<month>/return"): {"reason": "matrix"},
    ("PUT", "/api/v1/approvals/settings/lgos/<lgo_code>"): {"confirm_villages": False},
    ("PUT", "/api/v1/approvals/settings/provinces/<province_code>"): {"late_items": "reopen"},
    ("POST", "/api/v1/reports/<int:report_id>/merge"): {"into": 1},
}
# Rules over an LGO or province that a provincial officer reaches for every LGO of the
# province: LGO B lies in Lamphun too, so it is in their scope, not out of it.
PROVINCE_WIDE = frozenset({
    "/api/v1/approvals/<lgo_code>/<month>",
    "/api/v1/approvals/<lgo_code>/<month>/accept",
    "/api/v1/approvals/<lgo_code>/<month>/return",
    "/api/v1/approvals/settings/lgos/<lgo_code>",
    "/api/v1/approvals/settings/provinces/<province_code>",
})


@dataclass(frozen=True)
class Objects:
    """Ids of the objects each LGO owns, made for the test."""

    user_a: int
    grant_a: int
    user_b: int
    grant_b: int
    household_a: int
    household_b: int
    token_a: str
    token_b: str
    log_a: int
    log_b: int
    photo_a: str
    photo_b: str
    bank_a: int
    bank_b: int
    member_a: int
    member_b: int
    entry_a: int
    entry_b: int
    point_a: int
    point_b: int
    inspection_a: int
    inspection_b: int
    schedule_a: int
    schedule_b: int
    subscription: int
    report_a: int
    report_b: int
    report_token_a: str
    report_token_b: str
    report_photo_a: str
    report_photo_b: str
    app_a: int
    app_b: int


class MissingSample(LookupError):
    pass


def _area_code(rule: Rule, _objects: Objects) -> tuple[str, str]:
    prefix = f"{API}/areas/"
    level = rule.rule.removeprefix(prefix).split("/")[0]
    if not rule.rule.startswith(prefix) or level not in AREA_CODES:
        raise MissingSample(f"add a sample for code in {rule.rule} (AREA_CODES or SAMPLES)")
    return AREA_CODES[level]


# Path argument -> (rule, objects) -> (in-scope value, out-of-scope value).
SAMPLES: dict[str, Callable[[Rule, Objects], tuple[Any, Any]]] = {
    "user_id": lambda _rule, o: (o.user_a, o.user_b),
    "grant_id": lambda _rule, o: (o.grant_a, o.grant_b),
    "code": _area_code,
    "filename": lambda _rule, _o: ("swagger-ui.css", "swagger-ui-bundle.js"),
    "household_id": lambda _rule, o: (o.household_a, o.household_b),
    "token": lambda _rule, o: (o.token_a, o.token_b),
    "log_id": lambda _rule, o: (o.log_a, o.log_b),
    "photo_id": lambda _rule, o: (o.photo_a, o.photo_b),
    "point_id": lambda _rule, o: (o.point_a, o.point_b),
    "schedule_id": lambda _rule, o: (o.schedule_a, o.schedule_b),
    # A citizen report in each LGO, with a photo; its token lets anyone holding it follow it
    # (both in reach); an Open311 app each LGO registered.
    "report_id": lambda _rule, o: (o.report_a, o.report_b),
    "report_token": lambda _rule, o: (o.report_token_a, o.report_token_b),
    "report_photo_id": lambda _rule, o: (o.report_photo_a, o.report_photo_b),
    "app_id": lambda _rule, o: (o.app_a, o.app_b),
    # Open311: a service (report type) and the answer's format.
    "service_code": lambda _rule, _o: ("illegal_dumping", "open_burning"),
    "fmt": lambda _rule, _o: ("json", "xml"),
    # An item of the sorting guide is every LGO's (the change is written for the caller's LGO):
    # two items, both in reach.
    "key": lambda _rule, _o: ("pet_bottle", "dry_battery"),
    # A browser's reminders belong to the person who subscribed it (see OWNER_ONLY).
    "subscription_id": lambda _rule, o: (o.subscription, o.subscription),
    # A flagged inspection waiting for its LGO's review.
    "inspection_id": lambda _rule, o: (o.inspection_a, o.inspection_b),
    # Banks themselves are readable across LGOs; their members and entries are not, so the
    # out-of-scope sample is another LGO's bank with its own member and entry.
    "bank_id": lambda _rule, o: (o.bank_a, o.bank_b),
    "member_id": lambda _rule, o: (o.member_a, o.member_b),
    "entry_id": lambda _rule, o: (o.entry_a, o.entry_b),
    # A map tile over LGO A's first community (z14); tiles are shared, their content scoped.
    "layer": lambda _rule, _o: ("villages", "collection-points"),
    "z": lambda _rule, _o: (14, 14),
    "x": lambda _rule, _o: (12698, 12698),
    "y": lambda _rule, _o: (7330, 7330),
    # Export jobs belong to the user who started them (see OWNER_ONLY).
    "job_id": lambda _rule, _o: (uuid.UUID(int=1), uuid.UUID(int=2)),
    # A month's sign-off: the LGO, a month that is over, a village of the LGO, the province.
    "lgo_code": lambda _rule, _o: (TOWN, NGA),
    "month": lambda _rule, _o: ("2024-10", "2024-10"),
    "village_code": lambda _rule, _o: ("51010101", "51010201"),
    "province_code": lambda _rule, _o: ("51", "51"),
}
# Rules whose objects belong to the user who made them: every other caller, admins included,
# gets 404. The matrix's callers never own the sample; tests/exports covers the owner.
OWNER_ONLY = frozenset({
    "/api/v1/push/subscriptions/<int:subscription_id>",
    "/api/v1/exports/jobs/<uuid:job_id>",
    "/api/v1/exports/jobs/<uuid:job_id>/download",
})


def samples_for(rule: Rule, objects: Objects) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the (in-scope, out-of-scope) path values for ``rule``."""
    inside: dict[str, Any] = {}
    outside: dict[str, Any] = {}
    for argument in sorted(rule.arguments):
        if argument not in SAMPLES:
            raise MissingSample(f"add a sample for {argument} (SAMPLES, used by {rule.rule})")
        inside[argument], outside[argument] = SAMPLES[argument](rule, objects)
    return inside, outside


def build_path(rule: Rule, values: dict[str, Any]) -> str:
    return re.sub(r"<(?:[^<>:]+:)?([^<>]+)>", lambda m: str(values[m.group(1)]), rule.rule)


@dataclass(frozen=True)
class Case:
    rule: Rule
    method: str
    access: Access | None
    exempt: bool

    @property
    def name(self) -> str:
        return f"{self.method} {self.rule.rule}"

    @property
    def public(self) -> bool:
        return self.exempt or bool(self.access and self.access.public)


def _access_of(app: Flask, rule: Rule, method: str) -> Access | None:
    view = app.view_functions[rule.endpoint]
    access = getattr(view, "khaya_access", None)
    view_class = getattr(view, "view_class", None)
    if access is None and view_class is not None:
        # A MethodView declares access on each method's handler.
        access = getattr(getattr(view_class, method.lower(), None), "khaya_access", None)
    return access


def api_cases(app: Flask) -> list[Case]:
    """Every (rule, method) under /api/v1; DELETEs last so their effects cannot leak."""
    cases = []
    for rule in app.url_map.iter_rules():
        if not (rule.rule == API or rule.rule.startswith(API + "/")):
            continue
        exempt = rule.endpoint.startswith(EXEMPT_ENDPOINT_PREFIXES) or (
            rule.endpoint in EXEMPT_ENDPOINTS
        )
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            cases.append(Case(rule, method, _access_of(app, rule, method), exempt))
    return sorted(cases, key=lambda c: (c.method == "DELETE", c.rule.rule, c.method))


@pytest.fixture
def objects(app: Flask, connection) -> Objects:
    """A user with two grants in each LGO (rolled back with the test).

    The second grant is the sample, so grant ids do not run level with user ids.
    """
    with app.app_context():
        lgo_ids = dict(db.session.execute(select(Lgo.code, Lgo.id)).all())
        users = {}
        for key, lgo_code in (("a", TOWN), ("b", NGA)):
            user = User(
                username=f"matrix.{key}",
                display_name=f"Matrix test user {key.upper()}",
                password_hash="!unusable",
                lgo_id=lgo_ids[lgo_code],
            )
            user.grants.append(RoleGrant(role=Role.volunteer, lgo_id=lgo_ids[lgo_code]))
            user.grants.append(RoleGrant(role=Role.lgo_staff, lgo_id=lgo_ids[lgo_code]))
            db.session.add(user)
            users[key] = user
        db.session.commit()
        households = {
            key: _household_with_records(lgo_ids[code], village)
            for key, code, village in (("a", TOWN, "51010101"), ("b", NGA, "51010201"))
        }
        # The demo resident of LGO A lives in household A, so "in scope" holds for residents.
        resident = db.session.execute(select(User).where(User.phone == "+66810000011")).scalar_one()
        next(g for g in resident.grants if g.role is Role.resident).household_id = households["a"][
            0
        ].id
        points = {
            key: CollectionPoint(
                lgo_id=lgo_ids[code],
                kind="recycling",
                name_th=f"matrix point {key}",
                point=geo_point(lon, lat),
                streams=["recyclable"],
                opening={},
            )
            for key, code, lon, lat in (("a", TOWN, 99.0121, 18.5865), ("b", NGA, 99.032, 18.613))
        }
        db.session.add_all(points.values())
        schedules = {
            key: Schedule(lgo_id=lgo_ids[code], kind=ScheduleKind.collection, stream="organic",
                          rule="FREQ=WEEKLY;BYDAY=TU", starts_on=dt.date(2026, 1, 6),
                          exceptions=[])
            for key, code in (("a", TOWN), ("b", NGA))
        }
        db.session.add_all(schedules.values())
        subscription = PushSubscription(user_id=users["a"].id, topics=["collection_tomorrow"],
                                        endpoint="https://push.example.org/send/matrix",
                                        p256dh="B" + "A" * 86, auth="A" * 22)
        db.session.add(subscription)
        banks = {
            key: tuple(row.id for row in bank_with_member(lgo_ids[code], households[key][0]))
            for key, code in (("a", TOWN), ("b", NGA))
        }
        reports = {key: _report_with_photo(lgo_ids[code], households[key][0])
                   for key, code in (("a", TOWN), ("b", NGA))}
        apps = {key: ReportApp(name=f"matrix app {key}", lgo_id=lgo_ids[code],
                               key_hash=f"{key:0>64}", key_hint="matrix")
                for key, code in (("a", TOWN), ("b", NGA))}
        db.session.add_all(apps.values())
        db.session.commit()
        made = Objects(
            user_a=users["a"].id,
            grant_a=users["a"].grants[1].id,
            user_b=users["b"].id,
            grant_b=users["b"].grants[1].id,
            household_a=households["a"][0].id,
            household_b=households["b"][0].id,
            token_a=households["a"][0].qr_token,
            token_b=households["b"][0].qr_token,
            log_a=households["a"][1].id,
            log_b=households["b"][1].id,
            photo_a=str(households["a"][2].id),
            photo_b=str(households["b"][2].id),
            point_a=points["a"].id,
            point_b=points["b"].id,
            inspection_a=households["a"][3].id,
            inspection_b=households["b"][3].id,
            schedule_a=schedules["a"].id,
            schedule_b=schedules["b"].id,
            subscription=subscription.id,
            bank_a=banks["a"][0],
            bank_b=banks["b"][0],
            member_a=banks["a"][1],
            member_b=banks["b"][1],
            entry_a=banks["a"][2],
            entry_b=banks["b"][2],
            report_a=reports["a"][0].id,
            report_b=reports["b"][0].id,
            report_token_a=reports["a"][0].token,
            report_token_b=reports["b"][0].token,
            report_photo_a=str(reports["a"][1].id),
            report_photo_b=str(reports["b"][1].id),
            app_a=apps["a"].id,
            app_b=apps["b"].id,
        )
        db.session.remove()
    return made


def _report_with_photo(lgo_id: int, household: Household) -> tuple[Report, ReportPhoto]:
    """A citizen report at a household's village, with a photo."""
    now = dt.datetime.now(dt.UTC)
    report = Report(client_id=uuid.uuid4(), type=ReportType.illegal_dumping,
                     point=geo_point(99.0121, 18.5865), located_by=Located.map, description="m",
                     lgo_id=lgo_id, village_id=household.village_id, source=ReportSource.web,
                     token=uuid.uuid4().hex, reported_at=now, received_at=now)
    db.session.add(report)
    db.session.flush()
    photo = ReportPhoto(id=uuid.uuid4(), report_id=report.id, stage="report",
                        content_type="image/jpeg", data=b"\xff\xd8", size=2, sha256="0" * 64)
    db.session.add(photo)
    db.session.flush()
    return report, photo


def _household_with_records(lgo_id: int, village_code: str):
    """Make a household with a sorting log, a photo and a flagged inspection in a village."""
    village_id = db.session.execute(
        select(Village.id).where(Village.code == village_code)
    ).scalar_one()
    household = Household(
        lgo_id=lgo_id,
        village_id=village_id,
        house_number="matrix-1",
        registered_on=dt.date(2024, 1, 1),
        members=3,
    )
    db.session.add(household)
    db.session.flush()
    photo = Photo(
        id=uuid.uuid4(),
        household_id=household.id,
        lgo_id=lgo_id,
        village_id=village_id,
        content_type="image/png",
        data=b"\x89PNG",
        size=4,
        sha256="0" * 64,
    )
    log = SortingLog(
        client_id=uuid.uuid4(),
        household_id=household.id,
        lgo_id=lgo_id,
        village_id=village_id,
        log_date=dt.date(2024, 2, 1),
        streams=["organic"],
    )
    inspection = Inspection(
        client_id=uuid.uuid4(),
        household_id=household.id,
        lgo_id=lgo_id,
        village_id=village_id,
        inspected_on=dt.date(2024, 2, 1),
        registered=True,
        bin_built=True,
        food_waste_in_bin=True,
        lid_closed=True,
        used_correctly=True,
        passed=True,
        location_flag="no_location",
    )
    db.session.add_all([photo, log, inspection])
    db.session.flush()
    return household, log, photo, inspection


@dataclass
class Caller:
    """Sends one request per call, each with a fresh session so side effects cannot leak."""

    client: Any
    auth: Callable[[str | int], dict[str, str]]

    def __call__(
        self, method: str, path: str, login: str | None, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        headers = self.auth(login) if login else {}
        kwargs: dict[str, Any] = {"headers": headers}
        if method in BODY_METHODS:
            kwargs["json"] = {} if body is None else body
        with self.client.open(path, method=method, **kwargs) as response:
            if response.mimetype == "text/xml":
                return response.status_code, _georeport_xml(response.data)
            return response.status_code, response.get_json(silent=True)


def _georeport_xml(data: bytes) -> Any:
    """An Open311 XML answer as its JSON twin, for errors: [{"code", "description"}]."""
    root = ElementTree.fromstring(data)
    if root.tag != "errors":
        return root.tag
    return [{"code": int(e.findtext("code") or 0), "description": e.findtext("description")}
            for e in root.findall("error")]


@pytest.fixture
def call(client, auth) -> Caller:
    return Caller(client, auth)


def envelope_problem(status: int, body: Any) -> str | None:
    """Say what is wrong with an error response's envelope, or ``None``.

    Open311 answers errors in GeoReport v2's own shape, a list of {"code", "description"}.
    """
    if isinstance(body, list) and body and all(isinstance(e, dict) for e in body):
        if [e.get("code") for e in body] != [status] or not body[0].get("description"):
            return f"bad GeoReport error: {body!r}"
        return None
    if not isinstance(body, dict) or not body.keys() >= ENVELOPE_KEYS:
        return f"no error envelope {sorted(ENVELOPE_KEYS)}: {body!r}"
    if body["status"] != status or not isinstance(body["errors"], dict):
        return f"bad error envelope: {body!r}"
    return None


class Checker:
    """Runs the requests of one role and collects every failure, each naming its case."""

    def __init__(self, call: Caller, role: str) -> None:
        self.call = call
        self.role = role
        self.login = ROLE_LOGINS[role]
        self.failures: list[str] = []

    def fail(self, case: Case, scope: str, message: str) -> None:
        self.failures.append(f"{case.name} as {self.role} ({scope}): {message}")

    def request(
        self, case: Case, values: dict[str, Any], body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        path = build_path(case.rule, values)
        if query := QUERIES.get(case.rule.rule):
            path += "?" + urlencode(query)
        return self.call(case.method, path, self.login, body)

    def check(self, case: Case, scope: str, status: int, body: Any, want: str) -> None:
        """``want`` is "success" (not 401/403/404), or a status as text."""
        if status >= 500:
            self.fail(case, scope, f"server error {status}: {body!r}")
            return
        if status >= 400 and (problem := envelope_problem(status, body)):
            self.fail(case, scope, problem)
        if want == "success":
            if status in DENIED:
                self.fail(case, scope, f"expected success, got {status}: {body!r}")
        elif status != int(want):
            self.fail(case, scope, f"expected {want}, got {status}: {body!r}")

    def expect(self, case: Case, scope: str, values: dict[str, Any], want: str) -> None:
        status, body = self.request(case, values)
        self.check(case, scope, status, body, want)

    def expect_not_found(self, case: Case, values: dict[str, Any]) -> None:
        """Out of scope: 404, once the body (if any) is valid enough to reach the lookup."""
        status, body = self.request(case, values)
        if status == 422 and case.method in BODY_METHODS:
            valid = VALID_BODIES.get((case.method, case.rule.rule))
            if valid is None:
                self.fail(
                    case,
                    "out of scope",
                    "an empty body got 422 before the scope check; add a valid body for "
                    f"({case.method!r}, {case.rule.rule!r}) to VALID_BODIES",
                )
                return
            status, body = self.request(case, values, valid)
        self.check(case, "out of scope", status, body, "404")


def run_matrix(app: Flask, checker: Checker, objects: Objects) -> None:
    role = checker.role
    permissions = PERMISSIONS[Role(role)] if role != "anonymous" else frozenset()
    for case in api_cases(app):
        if case.access is None and not case.exempt:
            continue  # test_every_api_rule_declares_access names it
        try:
            inside, outside = samples_for(case.rule, objects)
        except MissingSample as missing:
            checker.fail(case, "samples", str(missing))
            continue
        has_object = bool(case.rule.arguments)
        samples = [("in scope", inside)] + ([("out of scope", outside)] if has_object else [])
        access = case.access or Access(public=True)
        if case.public:
            for scope, values in samples:
                checker.expect(case, scope, values, "success")
        elif role == "anonymous":
            for scope, values in samples:
                checker.expect(case, scope, values, "401")
        elif case.rule.rule in OWNER_ONLY and (
            role == "admin" or access.permission in permissions
        ):
            for scope, values in samples:
                checker.expect(case, scope, values, "404")
        elif role == "admin":
            # An admin's scope is everything: LGO B's objects are theirs as well.
            for scope, values in samples:
                checker.expect(case, scope, values, "success")
        elif access.permission in permissions:
            checker.expect(case, "in scope", inside, "success")
            if has_object and role == "national_officer":
                # Every province's aggregates are the national office's: LGO B's too.
                checker.expect(case, "out of scope", outside, "success")
            elif has_object and role == "province_officer" and case.rule.rule in PROVINCE_WIDE:
                checker.expect(case, "LGO B, in the province", outside, "success")
            elif has_object and access.shared:
                # Declared shared: anyone with the permission reads it, whatever their area.
                checker.expect(case, "out of scope", outside, "success")
            elif has_object:
                checker.expect_not_found(case, outside)
        elif access.visible_with and access.visible_with in permissions:
            checker.expect(case, "in scope", inside, "403")
            if has_object:
                checker.expect(case, "out of scope", outside, "404")
        else:
            for scope, values in samples:
                checker.expect(case, scope, values, "403")


def test_every_api_rule_declares_access(app):
    cases = api_cases(app)
    assert len(cases) > 20, "the URL map lost its API rules"
    undeclared = [case.name for case in cases if case.access is None and not case.exempt]
    assert not undeclared, (
        "these API rules declare no access; decorate their views with @public or "
        f"@requires(...): {undeclared}"
    )
    assert any(case.exempt for case in cases), "the docs endpoints moved; update EXEMPT_*"


def test_every_path_argument_has_a_sample(app, objects):
    missing = []
    for case in api_cases(app):
        try:
            samples_for(case.rule, objects)
        except MissingSample as error:
            missing.append(f"{case.name}: {error}")
    assert not missing, "\n".join(missing)


def test_every_permission_is_known(app):
    """A typo in @requires("...") would make an endpoint admin-only (or unreachable)."""
    known = set().union(*PERMISSIONS.values())
    unknown = [
        f"{case.name}: {name}"
        for case in api_cases(app)
        if case.access and not case.access.public
        for name in (case.access.permission, case.access.visible_with)
        if name is not None and name not in known
    ]
    assert not unknown, f"permissions no role holds: {unknown}"


@pytest.mark.parametrize("role", list(ROLE_LOGINS))
def test_matrix(app, call, objects, role):
    checker = Checker(call, role)
    run_matrix(app, checker, objects)
    assert not checker.failures, f"{len(checker.failures)} failing cases:\n" + "\n".join(
        checker.failures
    )


def test_a_role_that_may_only_see_gets_403_in_scope_and_404_out(app, call, objects, monkeypatch):
    """No role holds ``users.read`` without ``users.manage`` today; give LGO staff that."""
    cases = [c for c in api_cases(app) if c.access and c.access.visible_with]
    assert cases, "no rule declares visible_with any more"
    checker = Checker(call, "lgo_staff")
    for case in cases:
        assert case.access is not None
        try:
            inside, outside = samples_for(case.rule, objects)
        except MissingSample as missing:
            checker.fail(case, "samples", str(missing))
            continue
        with monkeypatch.context() as patch:
            granted = PERMISSIONS[Role.lgo_staff] | {case.access.visible_with}
            patch.setitem(PERMISSIONS, Role.lgo_staff, granted - {case.access.permission})
            checker.expect(case, "in scope", inside, "403")
            checker.expect(case, "out of scope", outside, "404")
    assert not checker.failures, "\n".join(checker.failures)


# Key expectations, stated without the PERMISSIONS table.


@pytest.mark.parametrize(
    ("login", "path"),
    [
        ("province", "/api/v1/users"),
        ("province", "/api/v1/audit-events"),
        ("0810000011", "/api/v1/users"),
        ("0810000001", "/api/v1/users"),
        ("0810000011", "/api/v1/audit-events"),
        ("0810000001", "/api/v1/audit-events"),
        ("town.staff", "/api/v1/users"),
    ],
)
def test_forbidden_lists(call, login, path):
    status, body = call("GET", path, login)
    assert status == 403, f"GET {path} as {login}: {status} {body!r}"
    assert body["code"] == "forbidden"


@pytest.mark.parametrize("path", ["/api/v1/users", "/api/v1/audit-events", "/api/v1/me"])
def test_anonymous_gets_401_with_the_envelope(call, path):
    status, body = call("GET", path, None)
    assert status == 401
    assert set(body) >= ENVELOPE_KEYS
    assert body["code"] == "unauthorized"
    assert body["errors"] == {}


def test_lgo_admin_gets_404_for_a_user_of_another_lgo(call, objects):
    status, body = call("GET", f"/api/v1/users/{objects.user_b}", "town.admin")
    assert status == 404, f"town.admin read a Mueang Nga user: {status} {body!r}"
    status, body = call("PATCH", f"/api/v1/users/{objects.user_b}", "town.admin", {})
    assert status == 404, f"town.admin patched a Mueang Nga user: {status} {body!r}"
    status, _ = call("GET", f"/api/v1/users/{objects.user_a}", "town.admin")
    assert status == 200


def _all_users(call: Caller, login: str) -> Iterator[dict[str, Any]]:
    page = 1
    while True:
        status, body = call("GET", f"/api/v1/users?per_page=500&page={page}", login)
        assert status == 200, body
        yield from body["items"]
        if page >= body["meta"]["pages"]:
            return
        page += 1


def test_lgo_admin_lists_only_their_lgos_users(call, objects):
    users = list(_all_users(call, "town.admin"))
    ids = {user["id"] for user in users}
    assert objects.user_a in ids
    assert objects.user_b not in ids, "town.admin sees a Mueang Nga user"
    others = [user for user in users if user["lgo_code"] != TOWN]
    assert not others, f"town.admin sees users outside their LGO: {others}"
    logins = {user["username"] for user in users}
    assert {"town.admin", "town.staff"} <= logins
    assert not logins & {"nga.admin", "nga.staff", "admin", "province"}


def test_admin_lists_users_of_every_lgo(call, objects):
    users = list(_all_users(call, "admin"))
    ids = {user["id"] for user in users}
    assert {objects.user_a, objects.user_b} <= ids
    assert {TOWN, NGA} <= {user["lgo_code"] for user in users}
    assert {"town.admin", "nga.admin", "admin", "province"} <= {u["username"] for u in users}


def test_another_users_grant_is_not_found(call, objects):
    """The grant must belong to the user in the path, whoever asks."""
    for login in ("town.admin", "admin"):
        path = f"/api/v1/users/{objects.user_a}/grants/{objects.grant_b}"
        status, body = call("DELETE", path, login)
        assert status == 404, f"DELETE {path} as {login}: {status} {body!r}"
    status, body = call("GET", f"/api/v1/users/{objects.user_b}", "admin")
    assert objects.grant_b in {grant["id"] for grant in body["grants"]}


@pytest.fixture
def town_user_with_wider_roles(app: Flask, connection) -> dict[str, int]:
    """Users whose home LGO is Lamphun Town but who hold roles a town admin may not grant."""
    with app.app_context():
        lgo_ids = dict(db.session.execute(select(Lgo.code, Lgo.id)).all())
        nga_admin = User(
            username="matrix.dual",
            display_name="Town member, Mueang Nga admin",
            password_hash="!unusable",
            lgo_id=lgo_ids[TOWN],
        )
        nga_admin.grants.append(RoleGrant(role=Role.lgo_staff, lgo_id=lgo_ids[TOWN]))
        nga_admin.grants.append(RoleGrant(role=Role.lgo_admin, lgo_id=lgo_ids[NGA]))
        nga_volunteer = User(
            username="matrix.ngavol",
            display_name="Town member, Mueang Nga volunteer",
            password_hash="!unusable",
            lgo_id=lgo_ids[TOWN],
        )
        nga_volunteer.grants.append(RoleGrant(role=Role.volunteer, lgo_id=lgo_ids[NGA]))
        system_admin = User(
            username="matrix.sysadmin",
            display_name="System admin from the town",
            password_hash="!unusable",
            lgo_id=lgo_ids[TOWN],
        )
        system_admin.grants.append(RoleGrant(role=Role.admin))
        db.session.add_all([nga_admin, nga_volunteer, system_admin])
        db.session.commit()
        ids = {
            "nga_admin": nga_admin.id,
            "nga_volunteer": nga_volunteer.id,
            "system_admin": system_admin.id,
        }
        db.session.remove()
    return ids


@pytest.mark.parametrize(
    ("target", "method", "suffix", "body"),
    [
        pytest.param(
            "system_admin",
            "POST",
            "/password",
            {"new_password": "taken-over-123"},
            id="reset-password-of-a-system-admin",
        ),
        pytest.param(
            "system_admin", "PATCH", "", {"is_active": False}, id="deactivate-a-system-admin"
        ),
        pytest.param(
            "system_admin",
            "PATCH",
            "",
            {"username": "matrix.renamed"},
            id="change-login-of-a-system-admin",
        ),
        pytest.param(
            "nga_admin",
            "POST",
            "/password",
            {"new_password": "taken-over-123"},
            id="reset-password-of-another-lgos-admin",
        ),
        pytest.param(
            "nga_admin", "PATCH", "", {"is_active": False}, id="deactivate-another-lgos-admin"
        ),
        pytest.param(
            "nga_volunteer",
            "PUT",
            "/volunteer",
            {"volunteer_type": "other", "village_codes": ["51010205"]},
            id="assign-another-lgos-villages",
        ),
    ],
)
def test_lgo_admin_cannot_manage_roles_beyond_their_lgo(
    call, town_user_with_wider_roles, target, method, suffix, body
):
    """A town admin sees these users (their home LGO is the town) but may not act for roles
    outside it: taking over the account would hand them a role they could never grant
    (``_check_can_grant``), and the volunteer's villages belong to Mueang Nga."""
    user_id = town_user_with_wider_roles[target]
    path = f"/api/v1/users/{user_id}{suffix}"
    status, _ = call("GET", f"/api/v1/users/{user_id}", "town.admin")
    assert status == 200, "the user should be visible to the town admin"
    status, answer = call(method, path, "town.admin", body)
    assert status == 403, (
        f"APP BUG: {method} {path} {body} as town.admin (lgo_admin of Lamphun Town) returned "
        f"{status}, expected 403: the user holds a role outside the town ({target}), which an "
        "LGO admin may not grant, so they may not reset, deactivate, rename or re-assign it "
        f"either. Response: {answer!r}"
    )
