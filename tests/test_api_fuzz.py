"""Hostile input: Schemathesis drives every operation of ``/api/v1/openapi.json``.

The OpenAPI document is read from the app itself, so a new operation is fuzzed the moment it is
registered. Two tests per operation:

- ``test_api_fuzz``: ``KHAYA_FUZZ_EXAMPLES`` random requests, valid and invalid (both
  generation modes, negative examples as well as positive), each sent as one of four roles
  signed in through ``POST /api/v1/auth/login``: an admin, an LGO admin, a provincial officer
  and a resident (``make fuzz`` sends many more). In about half of them one piece of text, in
  the body or the query, is swapped for text with a NUL, which PostgreSQL cannot store.
  (Schemathesis checks each case in Rust, which cannot hold a lone surrogate, so half an emoji,
  the other text PostgreSQL refuses, is sent by tests/hostile/test_hostile_input.py instead);
- ``test_api_boundaries``: Schemathesis' deterministic boundary and negative cases (each
  field missing, of the wrong type, just past its limits; unexpected methods), as the admin.

Every response must:

- not be a server error (``not_a_server_error``);
- match the schema documented for its status (``response_schema_conformance``), error
  envelopes included;
- carry a documented content type (``content_type_conformance``);
- have a documented status (``status_code_conformance``). flask-smorest documents a
  ``default`` error response on every operation, which makes that check accept any status, so
  ``status_code_declared`` below is stricter: a success or redirect status must be declared
  by the operation itself, and so must every client error except the ones any endpoint may
  answer (:data:`GENERIC_ERRORS`).

Each test runs inside the rolled-back transaction of ``tests/conftest.py`` on a small dataset
of its own (households with logs, inspections and photos, waste banks with a member and a
ledger entry, collection points, users and export jobs of every role). Generated path
parameters are swapped for that dataset's ids (``flatmap_path_parameters``; boundary cases:
``_point_at_rows``), so the operations reach real rows and not only 404s.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from khaya import create_app
from khaya.areas.models import Lgo, Village
from khaya.auth.models import Role, RoleGrant, User
from khaya.collection.models import CollectionPoint
from khaya.common.geo import point as geo_point
from khaya.exports.models import ExportJob, JobStatus
from khaya.extensions import db
from khaya.households.models import Household
from khaya.maps import tiles
from khaya.participation.models import Inspection, Photo, SortingLog
from khaya.reports.models import (
    Located,
    Report,
    ReportApp,
    ReportPhoto,
    ReportSource,
    ReportType,
)
from seed.accounts import DEMO_PASSWORD
from tests.factories import bank_with_member

EXAMPLES = int(os.environ.get("KHAYA_FUZZ_EXAMPLES", "20"))
TOWN = "lamphun-town-municipality"
NGA = "mueang-nga-subdistrict-municipality"

# The signed-in callers: login -> what the role is called in test names.
ROLES = {
    "admin": "admin",
    "town.admin": "lgo_admin",
    "province": "province_officer",
    "0810000011": "resident",
}

# Client errors any operation may answer without declaring them: malformed requests (400,
# e.g. a NUL character or a body that is not JSON), no or a bad token (401), a role without
# the permission (403), something outside the caller's scope or missing (404), a method the
# path does not have (405), a body too large (413), a body in another media type (415) and
# rate limits (429). Everything else must be declared by the operation.
GENERIC_ERRORS = frozenset({400, 401, 403, 404, 405, 413, 415, 429})


def status_code_declared(ctx: Any, response: Any, case: Any) -> bool | None:
    """A 2xx/3xx, or a 4xx outside :data:`GENERIC_ERRORS`, must be declared explicitly."""
    status = response.status_code
    if case.method.upper() != case.operation.method.upper():
        # A probe with another method (Flask answers OPTIONS itself) is not this operation.
        return None
    if status >= 500 or status in GENERIC_ERRORS:
        return None
    declared = [code for code in case.operation.responses.status_codes if code != "default"]
    if str(status) in declared or f"{str(status)[0]}XX" in declared:
        return None
    raise AssertionError(
        f"{status} is covered only by the blanket `default` response; declare it on the "
        f"operation (declared: {', '.join(declared)})"
    )


CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
    status_code_declared,
]

# The document comes from an app built only to render it (create_app does no I/O); the requests
# go to the test database's app (the ``app`` fixture) through ``case.call(app=...)``.
_document = (
    create_app({"TESTING": True, "SECRET_KEY": "fuzz-document-only-" + "0" * 32})
    .test_client()
    .get("/api/v1/openapi.json")
    .get_json()
)


def _load(phases: dict[str, Any]) -> Any:
    config = {"generation": {"max-examples": EXAMPLES, "mode": "all"}, "phases": phases}
    loaded = schemathesis.openapi.from_dict(_document, config=schemathesis.Config.from_dict(config))
    loaded.hook(flatmap_path_parameters)
    return loaded


# Text PostgreSQL cannot store, in forms Schemathesis would not make by chance.
UNSTORABLE_TEXT = ("ถัง\x00ขยะ", "\x00\x00")


def _text_slots(value: Any, path: tuple = ()) -> list[tuple[str, tuple]]:
    """Every string in a JSON-like value, as ("value", path), and every key, as ("key", path)."""
    if isinstance(value, str):
        return [("value", path)]
    slots: list[tuple[str, tuple]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            slots += [("key", (*path, key))] if isinstance(key, str) else []
            slots += _text_slots(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            slots += _text_slots(item, (*path, index))
    return slots


def _put_text(value: Any, slot: tuple[str, tuple], text: str) -> Any:
    kind, path = slot
    if not path:
        return text
    value = copy.deepcopy(value)
    parent = value
    for step in path[:-1]:
        parent = parent[step]
    if kind == "key":
        parent[text] = parent.pop(path[-1])
    else:
        parent[path[-1]] = text
    return value


def flatmap_case(context, case):
    """Sometimes swap one string of the body or the query for text the database cannot store."""
    choices = []
    if isinstance(case.body, dict | list):
        choices += [("body", slot, text) for slot in _text_slots(case.body)
                    for text in UNSTORABLE_TEXT]
    if case.query:
        choices += [("query", slot, text) for slot in _text_slots(dict(case.query))
                    if slot[0] == "value" for text in UNSTORABLE_TEXT]
    if not choices:
        return st.just(case)

    original = {"body": case.body, "query": case.query}

    def swapped(choice: tuple[str, tuple, str] | None) -> Any:
        # Each draw starts from the case as generated (its containers are copied, not changed).
        case.body, case.query = original["body"], original["query"]
        if choice is not None:
            where, slot, text = choice
            setattr(case, where, _put_text(original[where], slot, text))
        return case

    return st.one_of(st.none(), st.sampled_from(choices)).map(swapped)


# The ids of the current test's dataset by path parameter name (filled by ``signed_in``).
CURRENT: dict[str, list[Any]] = {}

AREA_CODES = {
    "provinces": ["51"],
    "districts": ["5101", "5102"],
    "tambons": ["510101", "510102"],
    "lgos": [TOWN, NGA],
    "villages": ["51010101", "51010201"],
}


def _known_values(name: str, path: str) -> list[Any]:
    """The dataset's values for a path parameter, slot 0 always LGO A's (or the first)."""
    if name == "code":
        return AREA_CODES.get(path.removeprefix("/api/v1/areas/").split("/")[0], [])
    return CURRENT.get(name, [])


def flatmap_path_parameters(context, path_parameters: dict[str, Any]):
    """Swap path parameters for rows of the dataset: each parameter keeps its generated value
    or takes the value of one slot drawn for the whole path (so a bank, its member and the
    member's entry belong together)."""
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path
    known = {name: _known_values(name, path) for name in path_parameters}
    swappable = sorted(name for name, values in known.items() if values)
    if not swappable:
        return st.just(path_parameters)

    def build(slot: int, keep: list[bool]) -> dict[str, Any]:
        swapped = dict(path_parameters)
        for name, generated in zip(swappable, keep, strict=True):
            if not generated:
                values = known[name]
                swapped[name] = values[slot % len(values)]
        return swapped

    return st.builds(
        build,
        st.integers(min_value=0, max_value=5),
        st.lists(st.booleans(), min_size=len(swappable), max_size=len(swappable)),
    )


# Random generation, the role drawn per example; some examples carry unstorable text.
fuzz_schema = _load(
    {"examples": {"enabled": False}, "coverage": {"enabled": False}, "fuzzing": {"enabled": True}}
)
fuzz_schema.hook(flatmap_case)
# Schemathesis' deterministic boundary and negative cases (missing and wrong-typed fields,
# values just past each limit, unexpected methods), as an admin, who reaches every row.
boundary_schema = _load(
    {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": False}}
)


def _village(code: str) -> Village:
    return db.session.execute(select(Village).where(Village.code == code)).scalar_one()


def _household(lgo_id: int, village: Village, number: str) -> Household:
    household = Household(
        lgo_id=lgo_id,
        village_id=village.id,
        house_number=number,
        registered_on=dt.date(2024, 1, 1),
        members=3,
        head_name="นางทดสอบ ฟัซ",
        phone="+66890000000",
        point=geo_point(99.0121, 18.5865),
    )
    db.session.add(household)
    db.session.flush()
    return household


def _records(household: Household) -> tuple[SortingLog, Inspection, Photo]:
    photo = Photo(
        id=uuid.uuid4(),
        household_id=household.id,
        lgo_id=household.lgo_id,
        village_id=household.village_id,
        content_type="image/png",
        data=b"\x89PNG\r\n\x1a\n",
        size=8,
        sha256="0" * 64,
    )
    db.session.add(photo)
    db.session.flush()
    log = SortingLog(
        client_id=uuid.uuid4(),
        household_id=household.id,
        lgo_id=household.lgo_id,
        village_id=household.village_id,
        log_date=dt.date(2024, 2, 1),
        streams=["organic", "recyclable"],
        kg_organic=1.5,
        photo_id=photo.id,
    )
    inspection = Inspection(
        client_id=uuid.uuid4(),
        household_id=household.id,
        lgo_id=household.lgo_id,
        village_id=household.village_id,
        inspected_on=dt.date(2024, 2, 2),
        registered=True,
        bin_built=True,
        food_waste_in_bin=True,
        lid_closed=True,
        used_correctly=True,
        passed=True,
    )
    db.session.add_all([log, inspection])
    db.session.flush()
    return log, inspection, photo


def _build_dataset() -> dict[str, list[Any]]:
    """Make the rows of one test (inside its transaction) and return their ids."""
    lgo_ids = dict(db.session.execute(select(Lgo.code, Lgo.id)).all())
    town, nga = lgo_ids[TOWN], lgo_ids[NGA]
    values: dict[str, list[Any]] = {}

    staff = {}
    for key, lgo_id in (("a", town), ("b", nga)):
        user = User(
            username=f"fuzz.{key}",
            display_name=f"Fuzz user {key}",
            password_hash="!unusable",
            lgo_id=lgo_id,
        )
        user.grants.append(RoleGrant(role=Role.lgo_staff, lgo_id=lgo_id))
        db.session.add(user)
        staff[key] = user
    db.session.flush()
    values["user_id"] = [user.id for user in staff.values()]
    values["grant_id"] = [user.grants[0].id for user in staff.values()]

    town_village, nga_village = _village("51010101"), _village("51010201")
    households = [
        _household(town, town_village, "fuzz-1"),
        _household(town, town_village, "fuzz-2"),
        _household(nga, nga_village, "fuzz-3"),
    ]
    # The demo resident of the town lives in the first household.
    resident = db.session.execute(select(User).where(User.phone == "+66810000011")).scalar_one()
    for grant in resident.grants:
        if grant.role is Role.resident:
            grant.household_id = households[0].id
    records = [_records(household) for household in households]
    values["household_id"] = [household.id for household in households]
    values["token"] = [household.qr_token for household in households]
    values["log_id"] = [log.id for log, _, _ in records]
    values["photo_id"] = [str(photo.id) for _, _, photo in records]

    banks = [bank_with_member(town, households[0], name="ธนาคารขยะฟัซ"),
             bank_with_member(nga, households[2], name="ธนาคารขยะฟัซ")]
    values["bank_id"] = [bank.id for bank, _, _ in banks]
    values["member_id"] = [member.id for _, member, _ in banks]
    values["entry_id"] = [entry.id for _, _, entry in banks]

    points = [
        CollectionPoint(
            lgo_id=lgo_id,
            kind="recycling",
            name_th="จุดรับขยะฟัซ",
            point=geo_point(lon, lat),
            streams=["recyclable", "hazardous"],
            opening={},
        )
        for lgo_id, lon, lat in ((town, 99.0121, 18.5865), (nga, 99.032, 18.613))
    ]
    db.session.add_all(points)
    db.session.flush()
    values["point_id"] = [point.id for point in points]
    # Items of the sorting guide (guide_items.json).
    values["key"] = ["pet_bottle", "dry_battery", "food_scraps"]

    # Export jobs belong to whoever started them: one finished, one queued and one failed
    # job for each signed-in role.
    now = dt.datetime.now(dt.UTC)
    jobs = [
        ExportJob(
            user_id=_user_of(login).id,
            format="csv",
            params={},
            status=status,
            filename="monthly.csv" if status is JobStatus.done else None,
            content_type="text/csv; charset=utf-8" if status is JobStatus.done else None,
            data=b"lgo,month\n" if status is JobStatus.done else None,
            size=10 if status is JobStatus.done else None,
            expires_at=now + dt.timedelta(days=1),
        )
        for login in ROLES
        for status in (JobStatus.done, JobStatus.queued, JobStatus.failed)
    ]
    db.session.add_all(jobs)
    db.session.flush()
    values["job_id"] = [str(job.id) for job in jobs]

    # Lists line up by slot: slot 0 is LGO A's row (or the first), and a bank, its member and
    # the member's entry share a slot, as do an OGC collection and one of its features.
    # A z14 tile over the town's first community, and the layers of the tile endpoints.
    values["layer"] = ["villages", "tambons", "districts", "lgos", "collection-points"]
    values["z"] = [14]
    values["x"] = [12698]
    values["y"] = [7330]
    # OGC API - Features: its collections and a feature of each kind.
    values["collectionId"] = ["villages", "tambons", "districts", "lgos", "collection-points"]
    values["featureId"] = ["51010101", "510101", "5101", TOWN, str(points[0].id)]
    # Citizen reports, one in each LGO, each with a photo; an Open311 app each.
    reports = [Report(client_id=uuid.uuid4(), type=ReportType.illegal_dumping,
                      point=geo_point(lon, lat), located_by=Located.map, description="ฟัซ",
                      lgo_id=lgo_id, village_id=village.id, source=ReportSource.web,
                      token=uuid.uuid4().hex, reported_at=now, received_at=now)
               for lgo_id, village, lon, lat in ((town, town_village, 99.0121, 18.5865),
                                                 (nga, nga_village, 99.032, 18.613))]
    db.session.add_all(reports)
    db.session.flush()
    photos = [ReportPhoto(id=uuid.uuid4(), report_id=report.id, stage="report",
                          content_type="image/jpeg", data=b"\xff\xd8", size=2, sha256="0" * 64)
              for report in reports]
    apps = [ReportApp(name="fuzz app", lgo_id=lgo_id, key_hash=f"{lgo_id:0>64}",
                      key_hint="fuzz") for lgo_id in (town, nga)]
    db.session.add_all([*photos, *apps])
    db.session.flush()
    values["report_id"] = [report.id for report in reports]
    values["report_token"] = [report.token for report in reports]
    values["report_photo_id"] = [str(photo.id) for photo in photos]
    values["app_id"] = [app.id for app in apps]
    db.session.commit()
    return values


def _user_of(login: str) -> User:
    column = User.phone if login.startswith("08") else User.username
    value = "+66" + login[1:] if login.startswith("08") else login
    return db.session.execute(select(User).where(column == value)).scalar_one()


class SignedIn:
    """Bearer tokens from ``POST /api/v1/auth/login``, each role signed in when first used
    (Argon2 makes a sign-in cost); signs in again once a token stops working."""

    def __init__(self, client) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def sign_in(self, login: str) -> None:
        response = self.client.post(
            "/api/v1/auth/login",
            json={"login": login, "password": DEMO_PASSWORD, "device_id": "fuzz"},
        )
        if response.status_code == 200:
            self.tokens[login] = response.get_json()["access_token"]
        elif login not in self.tokens:
            pytest.fail(f"{login} could not sign in: {response.status_code} {response.text}")

    def headers(self, login: str) -> dict[str, str]:
        if login not in self.tokens:
            self.sign_in(login)
        return {"Authorization": f"Bearer {self.tokens[login]}"}


@pytest.fixture
def signed_in(app: Flask, connection) -> Iterator[SignedIn]:
    """The roles' sign-ins, with the test's dataset made and the path samples pointed at it."""
    app.config["EXPORT_JOBS_INLINE"] = True
    with app.app_context():
        tiles.clear_caches()
        CURRENT.update(_build_dataset())
        db.session.remove()
    try:
        yield SignedIn(app.test_client())
    finally:
        CURRENT.clear()
        app.config.pop("EXPORT_JOBS_INLINE", None)
        with app.app_context():
            tiles.clear_caches()


def _call_and_check(case: Any, app: Flask, signed_in: SignedIn, login: str) -> None:
    headers = {**(case.headers or {}), **signed_in.headers(login)}
    response = case.call(app=app, headers=headers)
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    finally:
        if response.status_code == 401:
            # The example signed out or changed a password: sign in again for the next one.
            signed_in.sign_in(login)


_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


@fuzz_schema.parametrize()
@fuzz_schema.given(login=st.sampled_from(list(ROLES)))
@_SETTINGS
def test_api_fuzz(case, login: str, app: Flask, signed_in: SignedIn) -> None:
    """Random requests to every operation, each sent as one of the signed-in roles."""
    _call_and_check(case, app, signed_in, login)


def _fits(value: Any, schema: dict[str, Any]) -> bool:
    """Whether a generated path value is valid for its parameter (types the API uses)."""
    if schema.get("type") == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if schema.get("format") == "uuid":
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
    return isinstance(value, str)


def _point_at_rows(case: Any) -> None:
    """Boundary cases name path ids such as 0: send the valid ones to LGO A's rows instead, so
    the body and query cases reach real objects; invalid path values stay as generated."""
    item = _document["paths"][case.operation.path]
    declared = item.get("parameters", []) + item[case.method.lower()].get("parameters", [])
    schemas = {p["name"]: p.get("schema", {}) for p in declared if p["in"] == "path"}
    for name, value in list((case.path_parameters or {}).items()):
        known = _known_values(name, case.operation.path)
        if known and _fits(value, schemas.get(name, {})):
            case.path_parameters[name] = known[0]


@boundary_schema.parametrize()
@_SETTINGS
def test_api_boundaries(case, app: Flask, signed_in: SignedIn) -> None:
    """Schemathesis' boundary and negative cases for every operation, sent as the admin."""
    if case.method.upper() == case.operation.method.upper():
        _point_at_rows(case)
    _call_and_check(case, app, signed_in, "admin")


def _households_patch(document: dict[str, Any]) -> Any:
    loaded = schemathesis.openapi.from_dict(document)
    return loaded["/api/v1/households/{household_id}"]["PATCH"]


def test_the_checks_can_fail(app: Flask, signed_in: SignedIn) -> None:
    """The same checks on real responses: a stale edit's 409 passes while the document declares
    it, and fails once the declaration is taken out; an error envelope fails against
    flask-smorest's own error schema (code an integer, status a string)."""
    household = CURRENT["household_id"][0]
    stale = {"path_parameters": {"household_id": household}, "body": {"version": 99}}
    headers = signed_in.headers("admin")

    case = _households_patch(_document).Case(**stale, media_type="application/json")
    response = case.call(app=app, headers=headers)
    assert response.status_code == 409
    case.validate_response(response, checks=CHECKS, headers=headers)

    undeclared = copy.deepcopy(_document)
    del undeclared["paths"]["/api/v1/households/{household_id}"]["patch"]["responses"]["409"]
    case = _households_patch(undeclared).Case(**stale, media_type="application/json")
    response = case.call(app=app, headers=headers)
    with pytest.raises(FailureGroup, match="status_code_declared"):
        case.validate_response(response, checks=CHECKS, headers=headers)

    smorest_errors = copy.deepcopy(_document)
    smorest_errors["components"]["schemas"]["Error"]["properties"].update(
        code={"type": "integer"}, status={"type": "string"}
    )
    case = _households_patch(smorest_errors).Case(**stale, media_type="application/json")
    response = case.call(app=app, headers=headers)
    with pytest.raises(FailureGroup, match="Response violates schema"):
        case.validate_response(response, checks=CHECKS, headers=headers)


def _has_unstorable_text(value: Any) -> bool:
    return any(text in repr(value) for text in map(repr, UNSTORABLE_TEXT))


def _draw(operation: Any, where: str) -> list[Any]:
    """Draw the operation's cases as the random phase does; return their body or query."""
    values: list[Any] = []

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def draw(case: Any) -> None:
        values.append(getattr(case, where))

    draw()
    return values


def test_the_fuzz_sends_negative_examples_and_unstorable_text() -> None:
    """The random phase draws invalid requests too, and some carry text the database cannot
    store in a JSON body, a multipart form or a query string."""
    for path, method, where in (("/api/v1/households", "POST", "body"),
                                ("/api/v1/photos", "POST", "body"),
                                ("/api/v1/households", "GET", "query")):
        operation = fuzz_schema[path][method]
        modes = fuzz_schema.config.generation_for(operation=operation, phase="fuzzing").modes
        assert set(modes) == set(GenerationMode)
        values = _draw(operation, where)
        assert any(_has_unstorable_text(value) for value in values), (method, path, len(values))
