"""Serve the PWA build (or the placeholder page before the first build) at the site root."""

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, current_app, send_from_directory
from werkzeug.exceptions import NotFound

web = Blueprint("web", __name__)

SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)


@web.route("/api/v1/docs-assets/<path:filename>")
def docs_assets(filename: str):
    """Serve Swagger UI's files from the installed package, never a CDN."""
    return send_from_directory(SWAGGER_DIR, filename, max_age=86400)


def _frontend_dir() -> Path:
    root = Path(current_app.config["PROJECT_ROOT"])
    dist = root / current_app.config["FRONTEND_DIST"]
    return dist if (dist / "index.html").is_file() else root / "frontend" / "placeholder"


# Files whose name does not change between builds: the browser must ask every time, or an old
# service worker or shell would keep an installed app on an old version for good.
ALWAYS_REVALIDATE = frozenset({"sw.js", "index.html", "manifest.webmanifest"})
# Vite puts a content hash in every file name under assets/, so a name never changes meaning.
IMMUTABLE_PREFIX = "assets/"
YEAR = 365 * 24 * 3600
# Paths under these are the APIs' (/api/v1, /ogc): the web app never answers for them.
API_ROOTS = frozenset({"api", "ogc"})


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
