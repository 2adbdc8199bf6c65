"""Serve the PWA build (or the placeholder page before the first build) at the site root.

The build's files are served by WhiteNoise, in front of Flask: it picks the Brotli or gzip
copy that ``scripts/frontend.sh`` made at build time (``python -m whitenoise.compress``) by the
browser's ``Accept-Encoding``, answers ranges and ``If-None-Match``, and marks the hashed files
under ``assets/`` immutable. Flask answers the rest: the app shell (for "/" and client-side
routes), the service worker and the manifest, read afresh on every request, and any file the
build added after the server started.
"""

from pathlib import Path
from typing import Any

import swagger_ui_bundle
from flask import Blueprint, Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound
from whitenoise import WhiteNoise

from .security import page_headers

web = Blueprint("web", __name__)

SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)


@web.route("/api/v1/docs-assets/<path:filename>")
def docs_assets(filename: str):
    """Serve Swagger UI's files from the installed package, never a CDN."""
    return send_from_directory(SWAGGER_DIR, filename, max_age=86400)


def _frontend_dir(app: Flask | None = None) -> Path:
    config = (app or current_app).config
    root = Path(config["PROJECT_ROOT"])
    dist = root / config["FRONTEND_DIST"]
    return dist if (dist / "index.html").is_file() else root / "frontend" / "placeholder"


# Files whose name does not change between builds: the browser must ask every time, or an old
# service worker or shell would keep an installed app on an old version for good.
ALWAYS_REVALIDATE = frozenset({"sw.js", "index.html", "manifest.webmanifest"})
# Vite puts a content hash in every file name under assets/, so a name never changes meaning.
IMMUTABLE_PREFIX = "assets/"
YEAR = 365 * 24 * 3600
# Paths under these are the APIs' (/api/v1, /ogc, /open311): the web app never answers for
# them.
API_ROOTS = frozenset({"api", "ogc", "open311"})


class _BuiltFiles(WhiteNoise):
    """WhiteNoise for the build's files, except the few whose name never changes.

    The app shell, the service worker and the manifest are read from disk by Flask on every
    request (``frontend``): a new build placed beside a running server is then offered at once
    (the worker's update check sees it), where WhiteNoise would keep the size and ETag it read
    at start-up.
    """

    def add_file_to_dictionary(self, url: str, path: str, stat_cache: Any = None) -> None:
        if url.lstrip("/") in ALWAYS_REVALIDATE:
            return
        super().add_file_to_dictionary(url, path, stat_cache=stat_cache)


def init_static(app: Flask) -> None:
    """Put WhiteNoise in front of the app for the built files, with the pages' headers."""
    headers = page_headers(app)

    def add_headers(response_headers: Any, path: str, url: str) -> None:
        for name, value in headers.items():
            response_headers[name] = value

    app.wsgi_app = _BuiltFiles(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(_frontend_dir(app)),
        prefix="/",
        max_age=86400,
        # The app shell for "/" and client-side routes comes from Flask (see ``frontend``).
        index_file=False,
        immutable_file_test=lambda path, url: url.startswith("/" + IMMUTABLE_PREFIX),
        add_headers_function=add_headers,
        mimetypes={".webmanifest": "application/manifest+json"},
    )


@web.route("/", defaults={"path": ""})
@web.route("/<path:path>")
def frontend(path: str):
    """Serve a built file, or the app shell so client-side routes load."""
    folder = _frontend_dir()
    if path.split("/", 1)[0] in API_ROOTS:
        # An unknown API path is a JSON 404 (the error handler's), never the app's page.
        raise NotFound()
    if path and (folder / path).is_file():
        if path in ALWAYS_REVALIDATE:
            response = send_from_directory(folder, path, max_age=0)
            response.headers["Cache-Control"] = "no-cache"
            return response
        if path.startswith(IMMUTABLE_PREFIX):
            response = send_from_directory(folder, path, max_age=YEAR)
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
            return response
        return send_from_directory(folder, path, max_age=86400)
    response = send_from_directory(folder, "index.html", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response
