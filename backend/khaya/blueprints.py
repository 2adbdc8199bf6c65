"""Every blueprint of the app, in one place."""

from flask import Flask
from flask_smorest import Api

from .areas.routes import blp as areas_blp
from .common.routes import blp as common_blp
from .common.web import web


def register(app: Flask, api: Api) -> None:
    """Register the API blueprints under ``/api/v1`` and the web pages at the root."""
    for blp in (common_blp, areas_blp):
        api.register_blueprint(blp, url_prefix="/api/v1" + (blp.url_prefix or ""))
    app.register_blueprint(web)
