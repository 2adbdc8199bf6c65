"""Security headers, HSTS behind TLS, request size limits and a CSP the app can live under."""

from __future__ import annotations

import io

import pytest


def test_headers_on_api_and_pages(client):
    for path in ("/api/v1/health", "/"):
        with client.get(path) as response:
            headers = response.headers
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["X-Frame-Options"] == "DENY"
            csp = headers["Content-Security-Policy"]
            assert "default-src 'self'" in csp
            assert "frame-ancestors 'none'" in csp
            assert "unsafe-inline" not in csp
            assert "tile.openstreetmap.org" in csp
            assert "Strict-Transport-Security" not in headers


def test_docs_page_gets_its_own_csp(client):
    response = client.get("/api/v1/docs")
    assert "'unsafe-inline'" in response.headers["Content-Security-Policy"]


def test_hsts_when_served_over_tls(client):
    response = client.get("/api/v1/health", base_url="https://khaya.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_oversized_body_is_413_in_the_envelope(client, auth):
    body = b'{"device_id": "x", "items": [' + b'"x",' * 3_000_000 + b'"x"]}'
    response = client.post(
        "/api/v1/sync", data=body, content_type="application/json", headers=auth("0810000011")
    )
    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"


def _chunked(client, path: str, body: bytes, headers: dict[str, str]):
    # No Content-Length: the body arrives as a stream, the way a chunked upload does.
    return client.post(path, input_stream=io.BytesIO(body),
                       headers={**headers, "Content-Type": "application/json",
                                "Transfer-Encoding": "chunked"},
                       environ_overrides={"wsgi.input_terminated": True})


def test_an_oversized_chunked_body_is_413_not_a_truncated_one(client, auth, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    headers = auth("0810000011")
    body = b'{"device_id": "x", "items": ["' + b"x" * limit + b'"]}'
    response = _chunked(client, "/api/v1/sync", body, headers)
    assert response.status_code == 413
    assert response.get_json()["code"] == "payload_too_large"
    # A chunked body under the limit is read whole and judged on its content.
    small = _chunked(client, "/api/v1/sync", b'{"device_id": "x", "items": []}', headers)
    assert small.status_code == 200, small.get_json()


@pytest.mark.parametrize(
    "path", ["/api/v1/areas/villages/%00", "/api/v1/areas/locate?lon=1e999&lat=0"]
)
def test_odd_input_is_a_clear_4xx(client, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500
    assert set(response.get_json()) >= {"code", "status", "message", "errors"}


def test_nul_in_a_json_body_is_a_field_error(client, auth):
    # PostgreSQL text cannot hold NUL: the field says so (tests/test_hostile_input.py has more).
    response = client.post("/api/v1/households", headers=auth("town.staff"),
                           data='{"village_code": "51010101", "house_number": "1\\u0000"}',
                           content_type="application/json")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["house_number"]
