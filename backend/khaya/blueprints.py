"""Every blueprint of the app, in one place."""

from flask import Flask
from flask_smorest import Api

from .areas.routes import blp as areas_blp
from .auth.routes import blp as auth_blp
from .collection.routes import hazardous_blp, points_blp
from .common.routes import blp as common_blp
from .common.web import web
from .households.routes import blp as households_blp
from .participation.routes import blp as participation_blp
from .privacy.routes import blp as privacy_blp
from .sync.routes import blp as sync_blp
from .users.routes import blp as users_blp
from .wastebank.routes import blp as wastebank_blp


def register(app: Flask, api: Api) -> None:
    """Register the API blueprints under ``/api/v1`` and the web pages at the root."""
    # One per line: each domain adds its own.
    for blp in (
        common_blp,
        auth_blp,
        users_blp,
        areas_blp,
        households_blp,
        participation_blp,
        sync_blp,
        wastebank_blp,
        points_blp,
        hazardous_blp,
        privacy_blp,
    ):
        api.register_blueprint(blp, url_prefix="/api/v1" + (blp.url_prefix or ""))
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    app.register_blueprint(web)
