"""Mass assignment: fields a request schema does not document are refused, in every body.

The operations come from the OpenAPI document, so a new endpoint with a JSON body is covered at
once. Each gets the keys an attacker would try (``role``, ``lgo_id``, ``household_id``, ...) that
its schema does not document, alone and next to a body that is otherwise valid, at the top level
and inside every nested object; every one must be refused with 422 "Unknown field.".
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from khaya.areas.models import Village
from khaya.auth.models import User
from khaya.collection.models import CollectionPoint, Schedule, ScheduleKind
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import Inspection, SortingLog
from khaya.reports.models import Located, Report, ReportSource, ReportType
from tests.factories import bank_with_member

EXTRA_KEYS = ("lgo_id", "household_id", "role", "is_admin", "user_id")
UNKNOWN = ["Unknown field."]
TOWN = "lamphun-town-municipality"
AREA_CODES = {
    "provinces": "51",
    "districts": "5101",
    "tambons": "510101",
    "lgos": TOWN,
    "villages": "51010101",
}
METHODS = ("get", "post", "put", "patch", "delete")
# Strings tried, in order, for a string property with a pattern.
PATTERN_CANDIDATES = ("12", "51010101", "valid-value", TOWN, "0812345678", "2024-10",
                      # A browser's push keys: a P-256 point and an auth secret, base64url.
                      "B" + "A" * 86, "A" * 22)


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # as the OpenAPI document spells it: /api/v1/users/{user_id}
    schema: dict[str, Any]
    public: bool

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        prefix = "#/components/schemas/"
        assert schema["$ref"].startswith(prefix), schema["$ref"]
        schema = spec["components"]["schemas"][schema["$ref"].removeprefix(prefix)]
    return schema


def body_operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation whose request body is JSON, with its resolved schema."""
    operations = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if not operation or "requestBody" not in operation:
                continue
            content = operation["requestBody"].get("content", {})
            if "application/json" not in content:
                continue
            schema = resolve(spec, content["application/json"]["schema"])
            # ``security: []`` marks a public operation (see khaya.auth.access._declare).
            public = operation.get("security", spec.get("security")) == []
            operations.append(Operation(method.upper(), path, schema, public))
    return operations


def example(spec: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A valid-looking value for ``schema``: objects get their required properties only."""
    schema = resolve(spec, schema)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: example(spec, properties[name]) for name in schema.get("required", [])}
    if kind == "string":
        if schema.get("format") == "date":
            return "2026-01-15"
        if schema.get("format") == "date-time":
            return "2026-01-15T09:00:00+07:00"
        if schema.get("format") in ("url", "uri"):
            return "https://push.example.org/send/1"
        if pattern := schema.get("pattern"):
            for text in PATTERN_CANDIDATES:
                if re.search(pattern, text):
                    return text
            raise MissingSample(f"no example matches {pattern!r}; add one to PATTERN_CANDIDATES")
        text = "valid-value-0123456789"
        while len(text) < schema.get("minLength", 0):
            text += text
        return text[: schema.get("maxLength", len(text))]
    if kind == "integer":
        return max(schema.get("minimum", 1), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "array":
        if schema.get("minItems", 0) > 0:
            return [example(spec, schema["items"]) for _ in range(schema["minItems"])]
        return []
    raise MissingSample(f"no example for schema {schema!r}; teach example() this type")


def extras_for(schema: dict[str, Any]) -> dict[str, Any]:
    """The attacker's keys that ``schema`` does not document, with plausible values."""
    documented = set(schema.get("properties", {}))
    values = {"lgo_id": 1, "household_id": 1, "role": "admin", "is_admin": True, "user_id": 1}
    return {key: values[key] for key in EXTRA_KEYS if key not in documented}


def nested_objects(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The properties of ``schema`` that are themselves objects with properties."""
    nested = {}
    for name, prop in schema.get("properties", {}).items():
        target = resolve(spec, prop)
        if target.get("type") == "object" and target.get("properties"):
            nested[name] = target
    return nested


@pytest.fixture
def spec(client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def path_values(app: Flask, connection) -> dict[str, Any]:
    """Real ids of Lamphun Town (the admin sees everything, so any would do)."""
    with app.app_context():
        user = db.session.execute(select(User).where(User.username == "town.staff")).scalar_one()
        village = db.session.execute(select(Village).where(Village.code == "51010101")).scalar_one()
        household = Household(
            lgo_id=village.lgo_id,
            village_id=village.id,
            house_number="mass-1",
            registered_on=dt.date(2024, 1, 1),
        )
        db.session.add(household)
        db.session.flush()
        log = SortingLog(
            client_id=uuid.uuid4(),
            household_id=household.id,
            lgo_id=village.lgo_id,
            village_id=village.id,
            log_date=dt.date(2024, 2, 1),
            streams=["organic"],
        )
        point = CollectionPoint(
            lgo_id=village.lgo_id,
            kind="recycling",
            name_th="mass point",
            point=village.point,
            streams=["recyclable"],
            opening={},
        )
        # Flagged and undecided, so a valid review body reaches the decision.
        inspection = Inspection(
            client_id=uuid.uuid4(), household_id=household.id, lgo_id=village.lgo_id,
            village_id=village.id, inspected_on=dt.date(2024, 2, 1), registered=True,
            bin_built=True, food_waste_in_bin=True, lid_closed=True, used_correctly=True,
            passed=True, location_flag="far")
        schedule = Schedule(lgo_id=village.lgo_id, kind=ScheduleKind.collection,
                            stream="organic", rule="FREQ=WEEKLY;BYDAY=TU",
                            starts_on=dt.date(2026, 1, 6), exceptions=[])
        db.session.add_all([log, point, inspection, schedule])
        db.session.flush()
        bank, member, entry = bank_with_member(village.lgo_id, household, name="mass bank",
                                               amount=Decimal("1.00"))
        now = dt.datetime.now(dt.UTC)
        report = Report(client_id=uuid.uuid4(), type=ReportType.illegal_dumping,
                        point=village.point, located_by=Located.map, description="mass",
                        lgo_id=village.lgo_id, village_id=village.id, source=ReportSource.web,
                        token=uuid.uuid4().hex, reported_at=now, received_at=now)
        db.session.add(report)
        db.session.commit()
        values = {
            "bank_id": bank.id,
            "member_id": member.id,
            "entry_id": entry.id,
            "user_id": user.id,
            "grant_id": user.grants[0].id,
            "household_id": household.id,
            "log_id": log.id,
            "point_id": point.id,
            "schedule_id": schedule.id,
            "key": "pet_bottle",  # an item of the sorting guide
            "subscription_id": 1,
            "inspection_id": inspection.id,
            "report_id": report.id,
            # A month's sign-off: the LGO, a month that is over, the province.
            "lgo_code": "lamphun-town-municipality",
            "month": "2024-10",
            "village_code": "51010101",
            "province_code": "51",
        }
        db.session.remove()
    return values


class MissingSample(LookupError):
    pass


def fill_path(operation: Operation, values: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "code" and operation.path.startswith("/api/v1/areas/"):
            level = operation.path.split("/")[4]
            if level not in AREA_CODES:
                raise MissingSample(f"add an area code for {level} to AREA_CODES")
            return AREA_CODES[level]
        if name not in values:
            raise MissingSample(f"add a sample for {name} to path_values")
        return str(values[name])

    return re.sub(r"{([^{}]+)}", value, operation.path)


def post(client, operation: Operation, path: str, body: dict[str, Any], headers) -> Any:
    with client.open(path, method=operation.method, json=body, headers=headers) as response:
        return response.status_code, response.get_json(silent=True)


def test_the_documented_operations_with_bodies_include_the_key_ones(spec):
    operations = {op.name for op in body_operations(spec)}
    assert operations, "the OpenAPI document lists no operation with a JSON body"
    assert {"POST /api/v1/users", "POST /api/v1/auth/login"} <= operations, operations
    # Every one of them is tested with at least one extra key.
    assert all(extras_for(op.schema) for op in body_operations(spec))


def test_request_schemas_forbid_additional_properties(spec):
    """The document says so too, so generated clients know the rule."""
    loose = [
        op.name
        for op in body_operations(spec)
        if op.schema.get("additionalProperties", True) is not False
    ]
    assert not loose, f"request schemas that allow additional properties: {loose}"


def test_extra_fields_are_refused_in_every_body(client, auth, spec, path_values):
    checked = []
    failures = []
    for operation in body_operations(spec):
        checked.append(operation.name)
        headers = {} if operation.public else auth("admin")
        extras = extras_for(operation.schema)
        try:
            path = fill_path(operation, path_values)
            valid = example(spec, operation.schema)
        except MissingSample as missing:
            failures.append(f"{operation.name}: {missing}")
            continue
        for label, body in (("extras alone", dict(extras)), ("valid body", {**valid, **extras})):
            status, answer = post(client, operation, path, body, headers)
            case = f"{operation.name} ({label}, as {'anonymous' if operation.public else 'admin'})"
            # The sync contract answers a malformed batch envelope with 400, not 422.
            expected = 400 if operation.path == "/api/v1/sync" else 422
            if status != expected or not isinstance(answer, dict):
                failures.append(f"{case}: expected {expected}, got {status}: {answer!r}")
                continue
            errors = answer.get("errors", {}).get("json", {})
            if expected == 422 and answer.get("code") != "validation_error":
                failures.append(f"{case}: code {answer.get('code')!r}, not validation_error")
            wrong = {key: errors.get(key) for key in extras if errors.get(key) != UNKNOWN}
            if wrong:
                failures.append(f"{case}: extra keys not refused as unknown: {wrong}; {answer}")
            documented = set(operation.schema.get("properties", {}))
            if refused := sorted(k for k in documented if errors.get(k) == UNKNOWN):
                failures.append(f"{case}: documented fields refused as unknown: {refused}")
            if label == "valid body" and set(errors) != set(extras):
                # The rest of the body is valid, so the extras alone are what the request is
                # refused for.
                failures.append(
                    f"{case}: refused for more than the extra keys: {errors} (if a documented "
                    "field is at fault, teach example() in this test a valid value)"
                )
    assert {"POST /api/v1/users", "POST /api/v1/auth/login", "POST /api/v1/sync"} <= set(
        checked), checked
    assert not failures, "\n".join(failures)


def test_extra_fields_are_refused_inside_nested_objects(client, auth, spec, path_values):
    checked = []
    failures = []
    for operation in body_operations(spec):
        headers = {} if operation.public else auth("admin")
        for name, nested in nested_objects(spec, operation.schema).items():
            extras = extras_for(nested)
            try:
                path = fill_path(operation, path_values)
                valid = example(spec, operation.schema)
                body = {**valid, name: {**example(spec, nested), **extras}}
            except MissingSample as missing:
                failures.append(f"{operation.name}: {missing}")
                continue
            status, answer = post(client, operation, path, body, headers)
            checked.append(f"{operation.name}.{name}")
            errors = (answer or {}).get("errors", {}).get("json", {})
            if status != 422 or errors.get(name) != dict.fromkeys(extras, UNKNOWN):
                failures.append(f"{operation.name} .{name}: {status} {answer!r}")
    assert "POST /api/v1/users.volunteer" in checked, checked
    assert not failures, "\n".join(failures)
