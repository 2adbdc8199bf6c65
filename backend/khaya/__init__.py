"""Khaya: community waste-management participation tracker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import errors
from .common import replica, security, web
from .config import Config
from .extensions import api, db, limiter, migrate
from .untrusted import JSONProvider

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app; does no I/O beyond reading configuration."""
    app = Flask(__name__, instance_relative_config=False)
    app.json = JSONProvider(app)  # request bodies decoded within a nesting limit
    app.config.from_object(Config)
    app.config.from_prefixed_env("KHAYA")
    if test_config:
        app.config.update(test_config)
    app.config.setdefault("PROJECT_ROOT", str(PROJECT_ROOT))
    if hops := int(app.config["PROXY_FIX"]):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    replica.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    limiter.init_app(app)
    api.init_app(app)

    from . import blueprints, models  # noqa: F401  (models: every table in the metadata)
    from .jobs import queue

    # Every task, schedule and change listener declared, in the web process too.
    queue.perform_import_paths()
    blueprints.register(app, api)
    errors.init_app(app)
    security.init_app(app)
    web.init_static(app)

    from . import cli

    cli.init_app(app)
    return app
