"""How Flask serves the built app: what must revalidate, what may be cached for a year."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def fetch(client, path: str):
    """GET path; return the response with its body read and the file closed."""
    response = client.get(path)
    response.get_data()
    response.close()
    return response


def test_the_shell_and_worker_revalidate_and_hashed_assets_are_immutable(app, built_frontend):
    client = app.test_client()
    for path in ("/", "/h/some-card-token", "/households/12/inspect", "/sw.js",
                 "/manifest.webmanifest"):
        response = fetch(client, path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-cache", path
    assert fetch(client, "/manifest.webmanifest").mimetype == "application/manifest+json"
    assert "text/javascript" in fetch(client, "/sw.js").content_type

    html = fetch(client, "/").get_data(as_text=True)
    script = re.search(r'src="(/assets/[^"]+\.js)"', html).group(1)
    response = fetch(client, script)
    assert response.status_code == 200
    cache = response.headers["Cache-Control"]
    assert "immutable" in cache
    assert "public" in cache
    assert int(re.search(r"max-age=(\d+)", cache).group(1)) >= 365 * 24 * 3600
    assert "max-age=86400" in fetch(client, "/icons/icon-192.png").headers["Cache-Control"]


def test_built_files_go_out_precompressed_with_the_pages_headers(app, built_frontend):
    """Brotli or gzip copies made at build time, chosen by Accept-Encoding; never for a client
    that accepts neither; and the security headers on files as on pages."""
    client = app.test_client()
    html = fetch(client, "/").get_data(as_text=True)
    script = re.search(r'src="(/assets/[^"]+\.js)"', html).group(1)
    plain = fetch(client, script)
    assert "Content-Encoding" not in plain.headers
    size = len(plain.get_data())
    for accept, encoding in (("br, gzip", "br"), ("gzip", "gzip"), ("gzip, deflate, br", "br")):
        response = client.get(script, headers={"Accept-Encoding": accept})
        body = response.get_data()
        response.close()
        assert response.headers["Content-Encoding"] == encoding, accept
        assert "Accept-Encoding" in response.headers["Vary"]
        assert len(body) < size * 0.5, (accept, len(body), size)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    worker = client.get("/sw.js", headers={"Accept-Encoding": "br"})
    worker.get_data()
    worker.close()
    assert worker.headers["Cache-Control"] == "no-cache"
    assert worker.headers["X-Content-Type-Options"] == "nosniff"
    etag = plain.headers["ETag"]
    again = client.get(script, headers={"If-None-Match": etag})
    again.close()
    assert again.status_code == 304


def test_the_api_never_falls_back_to_the_shell(app, built_frontend):
    response = fetch(app.test_client(), "/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
