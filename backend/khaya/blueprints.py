"""Every blueprint of the app, in one place."""

from flask import Flask
from flask_smorest import Api

from .analytics.discounts_routes import blp as discounts_blp
from .analytics.rewards_routes import blp as rewards_blp
from .analytics.routes import blp as analytics_blp
from .analytics.signoff_routes import blp as approvals_blp
from .areas.routes import blp as areas_blp
from .auth.routes import blp as auth_blp
from .blueprint import document_decimals_as_numbers
from .collection.routes import calendar_blp, guide_blp, hazardous_blp, points_blp, schedules_blp
from .common.routes import blp as common_blp
from .common.web import web
from .exports.routes import blp as exports_blp
from .households.routes import blp as households_blp
from .maps.ogc_routes import blp as ogc_blp
from .maps.routes import blp as tiles_blp
from .open311.routes import blp as open311_blp
from .participation.routes import blp as participation_blp
from .privacy.routes import blp as privacy_blp
from .reminders.routes import blp as push_blp
from .reports.routes import blp as reports_blp
from .sync.routes import blp as sync_blp
from .users.routes import blp as users_blp
from .wastebank.routes import blp as wastebank_blp
from .wastebank.routes import me_blp as memberships_blp


def register(app: Flask, api: Api) -> None:
    """Register the API blueprints under ``/api/v1`` and the web pages at the root."""
    document_decimals_as_numbers(api)  # before the blueprints: their schemas resolve at once
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
        memberships_blp,
        points_blp,
        hazardous_blp,
        reports_blp,
        schedules_blp,
        calendar_blp,
        guide_blp,
        privacy_blp,
        push_blp,
        rewards_blp,
        discounts_blp,
        tiles_blp,
        exports_blp,
        analytics_blp,
        approvals_blp,
    ):
        api.register_blueprint(blp, url_prefix="/api/v1" + (blp.url_prefix or ""))
    api.register_blueprint(ogc_blp)  # OGC API - Features lives at /ogc, outside /api/v1
    # Open311 GeoReport v2 at /open311/v2: its own standard, JSON or XML, outside the OpenAPI
    # document.
    app.register_blueprint(open311_blp)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    app.register_blueprint(web)
