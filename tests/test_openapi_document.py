"""The OpenAPI document describes what the API really answers (fixes found by the fuzz test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

NUMERIC_KEYWORDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")


@pytest.fixture(scope="module")
def document(app) -> dict[str, Any]:
    return app.test_client().get("/api/v1/openapi.json").get_json()


def _walk(node: Any, path: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{path}/{index}")


def test_error_schema_is_the_envelope(document, client):
    """flask-smorest's own error schema said code was an integer and status a string, and
    forbade other fields: every documented error response contradicted the real envelope."""
    schema = document["components"]["schemas"]["Error"]
    properties = schema["properties"]
    assert properties["code"]["type"] == "string"
    assert properties["status"]["type"] == "integer"
    assert properties["message"]["type"] == "string"
    assert properties["errors"]["type"] == "object"
    assert set(schema["required"]) == {"code", "status", "message", "errors"}
    # Some errors add fields (current_version, retry_after, ...).
    assert schema.get("additionalProperties", True) is not False
    body = client.get("/api/v1/me").get_json()
    assert isinstance(body["code"], str)
    assert isinstance(body["status"], int)


def test_numeric_bounds_and_defaults_are_numbers(document):
    """Decimal bounds (validate.Range(max=10000) on a Decimal field) reached the document as
    strings such as "10000.00", which made it invalid OpenAPI."""
    wrong = [
        f"{path}/{key}: {node[key]!r}"
        for path, node in _walk(document)
        for key in NUMERIC_KEYWORDS
        if key in node and not isinstance(node[key], int | float)
    ]
    wrong += [
        f"{path}/default: {node['default']!r}"
        for path, node in _walk(document)
        if node.get("type") == "number"
        and "default" in node
        and not isinstance(node["default"], int | float)
    ]
    assert not wrong, "\n".join(wrong)
    price = document["components"]["schemas"]["PriceCreate"]["properties"]["price_per_kg"]
    assert price["maximum"] == 10000


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/households",
        "/api/v1/collection-points",
        "/api/v1/hazardous/collections",
        "/api/v1/audit-events",
        "/api/v1/users",
    ],
)
def test_a_page_past_postgresql_bigint_is_422(client, auth, path):
    """OFFSET (page - 1) * per_page overflowed bigint and answered 500."""
    response = client.get(f"{path}?page={10**20}", headers=auth("admin"))
    assert response.status_code == 422, response.get_json()
    assert "page" in response.get_json()["errors"]["query"]
    largest = client.get(f"{path}?page={2**31 - 1}&per_page=500", headers=auth("admin"))
    assert largest.status_code == 200, largest.get_json()
    assert largest.get_json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/users"),  # DuplicateLogin
        ("patch", "/api/v1/users/{user_id}"),  # DuplicateLogin
        ("post", "/api/v1/households"),  # DuplicateHouseNumber
        ("patch", "/api/v1/households/{household_id}"),  # VersionConflict
        ("post", "/api/v1/waste-banks/{bank_id}/members"),  # AlreadyMember
        ("post", "/api/v1/waste-banks/{bank_id}/prices"),  # PriceExists
        ("post", "/api/v1/waste-banks/{bank_id}/entries/{entry_id}/reverse"),  # AlreadyReversed
        ("post", "/api/v1/hazardous/collections"),  # ClientIdTaken
        ("post", "/api/v1/hazardous/handovers"),  # ClientIdTaken, ReceiptTaken
        ("post", "/api/v1/photos"),  # PhotoIdTaken
    ],
)
def test_operations_that_can_conflict_declare_409(document, method, path):
    """The fuzz test found these answering 409 with only the blanket "default" documented."""
    responses = document["paths"][path][method]["responses"]
    assert responses.get("409") == {"$ref": "#/components/responses/CONFLICT"}


def test_a_second_price_from_the_same_day_is_the_declared_409(client, auth):
    bank = client.post(
        "/api/v1/waste-banks", headers=auth("town.admin"), json={"name_th": "ธนาคารทดสอบ"}
    )
    assert bank.status_code == 201, bank.get_json()
    url = f"/api/v1/waste-banks/{bank.get_json()['id']}/prices"
    price = {"material": "pet", "price_per_kg": 8, "valid_from": "2024-01-01"}
    assert client.post(url, headers=auth("town.admin"), json=price).status_code == 201
    again = client.post(url, headers=auth("town.admin"), json=price)
    assert again.status_code == 409
    assert again.get_json()["code"] == "price_exists"


def test_the_document_is_valid_openapi_3(document):
    """POST /photos declared ``"in": "formData"`` parameters, a Swagger 2 construct that made
    the whole document invalid OpenAPI 3 (code generators and validators refused it)."""
    assert document["openapi"].startswith("3.")
    validate(document)
    locations = {param["in"] for _, node in _walk(document) for param in node.get("parameters", [])
                 if isinstance(param, dict) and "in" in param}
    assert locations <= {"query", "path", "header", "cookie"}


def test_the_photo_upload_is_one_multipart_body(document):
    operation = document["paths"]["/api/v1/photos"]["post"]
    assert "parameters" not in operation
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    schema = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"id", "household_id", "file"}
    assert schema["properties"]["file"] == {
        "type": "string", "format": "binary", "description": "A JPEG, PNG or WebP image"}
