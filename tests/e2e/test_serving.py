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
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "max-age=86400" in fetch(client, "/icons/icon-192.png").headers["Cache-Control"]


def test_the_api_never_falls_back_to_the_shell(app, built_frontend):
    response = fetch(app.test_client(), "/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
