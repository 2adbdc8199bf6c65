"""Collection points (public to read), the hazardous-waste chain, schedules and the sorting guide.

GET   /api/v1/collection-points                  public; filtered, paged
GET   /api/v1/collection-points/geojson          public; map layer
GET   /api/v1/collection-points/nearest          public; ?lon=&lat=&stream=&kind=&limit=&max_km=
GET   /api/v1/collection-points/{point_id}       public
POST  /api/v1/collection-points                  points.write
PATCH /api/v1/collection-points/{point_id}       points.write; another LGO's point answers 404
POST  /api/v1/hazardous/collections              hazardous.write; retry-safe with client_id
GET   /api/v1/hazardous/collections              hazardous.write
POST  /api/v1/hazardous/handovers                hazardous.write; retry-safe with client_id
GET   /api/v1/hazardous/handovers                hazardous.write
GET   /api/v1/hazardous/totals                   analytics.read; LGO roles see their LGO,
                                                 province officers every LGO of their province
GET   /api/v1/schedules                          points.write; the LGO's collection schedules
POST  /api/v1/schedules                          points.write
PATCH /api/v1/schedules/{schedule_id}            points.write; another LGO's answers 404
DELETE /api/v1/schedules/{schedule_id}           points.write
GET   /api/v1/villages/{code}/calendar           public; next collection days, drop-offs, banks
GET   /api/v1/villages/{code}/calendar.ics       public; the same as an iCalendar feed
GET   /api/v1/guide?lgo=&q=                      public; what goes where, the LGO's changes and
                                                 its banks' prices applied; q searches
PUT   /api/v1/guide/overrides/{key}              points.write; the LGO's change to one item
DELETE /api/v1/guide/overrides/{key}             points.write; back to the province default
"""

from __future__ import annotations

from flask import Response, jsonify, request

from ..auth.access import public, requires
from ..blueprint import Blueprint
from ..common.geo import GEOJSON_MEDIA_TYPE
from ..extensions import db
from . import calendar, feed, guide, hazardous, services
from .guide_schemas import (
    GuideArgsSchema,
    GuideOverrideArgsSchema,
    GuideOverrideInSchema,
    GuideOverrideSchema,
    GuideSchema,
)
from .models import HazardousCollection, HazardousHandover
from .schemas import (
    CollectionPointCreateSchema,
    CollectionPointPageSchema,
    CollectionPointSchema,
    CollectionPointUpdateSchema,
    HazardousCollectionCreateSchema,
    HazardousCollectionPageSchema,
    HazardousCollectionSchema,
    HazardousHandoverCreateSchema,
    HazardousHandoverPageSchema,
    HazardousHandoverSchema,
    HazardTotalsReportSchema,
    NearbyPointsSchema,
    NearestArgsSchema,
    PeriodArgsSchema,
    PointFilterArgsSchema,
    PointListArgsSchema,
    RecordListArgsSchema,
    ScheduleCreateSchema,
    ScheduleListArgsSchema,
    ScheduleListSchema,
    ScheduleSchema,
    ScheduleUpdateSchema,
    VillageCalendarSchema,
)

points_blp = Blueprint(
    "collection_points",
    __name__,
    url_prefix="/collection-points",
    description="Collection points: drop-off, recycling, compost, bins and PAO hand-over",
)
hazardous_blp = Blueprint(
    "hazardous",
    __name__,
    url_prefix="/hazardous",
    description="Hazardous waste: drop-off collections, hand-overs to the PAO, totals",
)
schedules_blp = Blueprint(
    "schedules",
    __name__,
    url_prefix="/schedules",
    description="Collection schedules: which stream is collected on which days, drop-off days",
)
calendar_blp = Blueprint(
    "calendar",
    __name__,
    url_prefix="/villages",
    description="A village's collection calendar, as JSON and as an iCalendar feed",
)
guide_blp = Blueprint(
    "guide",
    __name__,
    url_prefix="/guide",
    description="The sorting guide: what goes where, how to prepare it, the wet-waste bin",
)
REPLAY = "A retry with a client_id already stored: the original record"
ICALENDAR = "text/calendar"
# The guide changes when an LGO edits it or a bank's price changes: an hour's staleness is fine.
GUIDE_CACHE = "public, max-age=3600"


@points_blp.route("")
@public
@points_blp.arguments(PointListArgsSchema, location="query")
@points_blp.response(200, CollectionPointPageSchema)
def list_points(args):
    """List collection points, filtered, by LGO and name."""
    return services.list_points(**args)


@points_blp.route("/geojson")
@public
@points_blp.arguments(PointFilterArgsSchema, location="query")
@points_blp.response(200, content_type=GEOJSON_MEDIA_TYPE)
def points_geojson(args):
    """Return collection points as a GeoJSON FeatureCollection."""
    return Response(services.points_geojson(**args), mimetype=GEOJSON_MEDIA_TYPE)


@points_blp.route("/nearest")
@public
@points_blp.arguments(NearestArgsSchema, location="query")
@points_blp.response(200, NearbyPointsSchema)
def nearest_points(args):
    """Return the active points nearest to a location, with distances in metres."""
    return {"items": services.nearest_points(**args)}


@points_blp.route("/<int:point_id>")
@public
@points_blp.response(200, CollectionPointSchema)
def get_point(point_id: int):
    """Return one collection point."""
    return services.get_point(point_id)


@points_blp.route("", methods=["POST"])
@requires("points.write")
@points_blp.arguments(CollectionPointCreateSchema)
@points_blp.response(201, CollectionPointSchema)
def create_point(data):
    """Add a collection point to your LGO."""
    point = services.create_point(data)
    db.session.commit()
    return point, 201, {"Location": f"/api/v1/collection-points/{point.id}"}


@points_blp.route("/<int:point_id>", methods=["PATCH"])
@requires("points.write")
@points_blp.arguments(CollectionPointUpdateSchema)
@points_blp.response(200, CollectionPointSchema)
def update_point(data, point_id: int):
    """Change a collection point of your LGO (its status when full or closed, its hours, …)."""
    point = services.update_point(point_id, data)
    db.session.commit()
    return point


@hazardous_blp.route("/collections", methods=["POST"])
@requires("hazardous.write")
@hazardous_blp.arguments(HazardousCollectionCreateSchema)
@hazardous_blp.response(201, HazardousCollectionSchema)
@hazardous_blp.alt_response(200, schema=HazardousCollectionSchema, description=REPLAY)
@hazardous_blp.alt_response(409, response="CONFLICT")  # client_id used by another LGO
def record_collection(data):
    """Record the hazardous waste collected from a drop-off point of your LGO on one day."""
    record, created = hazardous.record_collection(data)
    db.session.commit()
    return record, 201 if created else 200


@hazardous_blp.route("/collections")
@requires("hazardous.write")
@hazardous_blp.arguments(RecordListArgsSchema, location="query")
@hazardous_blp.response(200, HazardousCollectionPageSchema)
def list_collections(args):
    """List your LGO's drop-off collections, latest first."""
    return hazardous.list_records(HazardousCollection, **args)


@hazardous_blp.route("/handovers", methods=["POST"])
@requires("hazardous.write")
@hazardous_blp.arguments(HazardousHandoverCreateSchema)
@hazardous_blp.response(201, HazardousHandoverSchema)
@hazardous_blp.alt_response(200, schema=HazardousHandoverSchema, description=REPLAY)
@hazardous_blp.alt_response(409, response="CONFLICT")  # client_id or receipt already used
def record_handover(data):
    """Record a hand-over to a PAO point, against the PAO's receipt."""
    record, created = hazardous.record_handover(data)
    db.session.commit()
    return record, 201 if created else 200


@hazardous_blp.route("/handovers")
@requires("hazardous.write")
@hazardous_blp.arguments(RecordListArgsSchema, location="query")
@hazardous_blp.response(200, HazardousHandoverPageSchema)
def list_handovers(args):
    """List your LGO's hand-overs to the PAO, latest first."""
    return hazardous.list_records(HazardousHandover, **args)


@hazardous_blp.route("/totals")
@requires("analytics.read")
@hazardous_blp.arguments(PeriodArgsSchema, location="query")
@hazardous_blp.response(200, HazardTotalsReportSchema)
def hazard_totals(args):
    """Return kg collected, handed over and pending per LGO: yours, or your province's."""
    return hazardous.hazard_totals(**args)


@schedules_blp.route("")
@requires("points.write")
@schedules_blp.arguments(ScheduleListArgsSchema, location="query")
@schedules_blp.response(200, ScheduleListSchema)
def list_schedules(args):
    """List your LGO's collection schedules (LGO-wide and per village)."""
    return calendar.list_schedules(lgo_code=args.get("lgo_code"),
                                   village_code=args.get("village_code"))


@schedules_blp.route("", methods=["POST"])
@requires("points.write")
@schedules_blp.arguments(ScheduleCreateSchema)
@schedules_blp.response(201, ScheduleSchema)
def create_schedule(data):
    """Add a collection schedule to your LGO: a stream, a recurrence rule and its exceptions."""
    schedule = calendar.create_schedule(data)
    db.session.commit()
    return schedule, 201, {"Location": f"/api/v1/schedules/{schedule.id}"}


@schedules_blp.route("/<int:schedule_id>", methods=["PATCH"])
@requires("points.write")
@schedules_blp.arguments(ScheduleUpdateSchema)
@schedules_blp.response(200, ScheduleSchema)
def update_schedule(data, schedule_id: int):
    """Change a schedule of your LGO: its rule, days, times, notes or exceptions."""
    schedule = calendar.update_schedule(schedule_id, data)
    db.session.commit()
    return schedule


@schedules_blp.route("/<int:schedule_id>", methods=["DELETE"])
@requires("points.write")
@schedules_blp.response(204)
def delete_schedule(schedule_id: int):
    """Remove a schedule of your LGO."""
    calendar.delete_schedule(schedule_id)
    db.session.commit()


@calendar_blp.route("/<village_code>/calendar")
@public
@calendar_blp.response(200, VillageCalendarSchema)
def village_calendar(village_code: str):
    """A village's next collection days per stream, drop-off points nearest first with their
    next days, and the waste banks' next buying days."""
    return calendar.village_calendar(village_code)


@calendar_blp.route("/<village_code>/calendar.ics")
@public
@calendar_blp.response(200, content_type=ICALENDAR)
def village_calendar_feed(village_code: str):
    """The village's collection calendar as an iCalendar feed (RFC 5545) to subscribe to."""
    response = Response(feed.village_feed(village_code), mimetype=ICALENDAR)
    response.headers["Content-Disposition"] = f'inline; filename="khaya-{village_code}.ics"'
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@guide_blp.route("")
@public
@guide_blp.arguments(GuideArgsSchema, location="query")
@guide_blp.response(200, GuideSchema)
@guide_blp.alt_response(304, description="Not modified (If-None-Match matched the ETag)")
def sorting_guide(args):
    """The sorting guide: every item's stream, bin colour, preparation and destination (an
    LGO's changes and its banks' prices applied with ``lgo``), or the items matching ``q``."""
    response = jsonify(GuideSchema().dump(guide.guide(lgo=args.get("lgo"), q=args.get("q"))))
    response.headers["Cache-Control"] = GUIDE_CACHE
    response.add_etag()
    return response.make_conditional(request)


@guide_blp.route("/overrides/<key>", methods=["PUT"])
# shared: an item of the guide is every LGO's; the change is written for the caller's own LGO.
@requires("points.write", shared=True)
@guide_blp.arguments(GuideOverrideInSchema)
@guide_blp.response(200, GuideOverrideSchema)
def put_guide_override(data, key: str):
    """Set your LGO's version of one item of the guide (it replaces an earlier one)."""
    change = guide.put_override(key, data)
    db.session.commit()
    return change


@guide_blp.route("/overrides/<key>", methods=["DELETE"])
@requires("points.write", shared=True)
@guide_blp.arguments(GuideOverrideArgsSchema, location="query")
@guide_blp.response(204)
def delete_guide_override(args, key: str):
    """Take back your LGO's change to an item: the province default holds again."""
    guide.delete_override(key, args.get("lgo_code"))
    db.session.commit()
