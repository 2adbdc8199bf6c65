"""Service endpoints."""

from flask.views import MethodView
from sqlalchemy import text

from ..auth.access import public
from ..blueprint import Blueprint
from ..extensions import db
from ..jobs.worker import stats as queue_stats
from .schemas import HealthSchema

blp = Blueprint("health", __name__, description="Service health")


@blp.route("/health")
class Health(MethodView):
    @public
    @blp.response(200, HealthSchema)
    def get(self):
        """Report whether the database answers, which PostGIS it runs, and the job queue:
        jobs waiting, the oldest one's age, failed jobs and the workers seen."""
        row = db.session.execute(
            text("select version() as pg, postgis_lib_version() as postgis")
        ).one()
        return {"status": "ok", "database": "ok", "postgres": row.pg, "postgis": row.postgis,
                "queue": queue_stats()}
