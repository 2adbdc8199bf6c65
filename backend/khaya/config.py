"""Configuration: defaults here, then ``KHAYA_*`` environment variables, then test overrides."""

import os

DEFAULT_DATABASE_URL = "postgresql+psycopg2://khaya@127.0.0.1:54329/khaya"


class Config:
    """Defaults for every setting; each one can be overridden as ``KHAYA_<NAME>``."""

    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    SQLALCHEMY_ENGINE_OPTIONS = {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 5,
        # A runaway query must not hold a worker or a lock for long.
        "connect_args": {"options": "-c statement_timeout=30000"},
    }
    SQLALCHEMY_RECORD_QUERIES = False
    # A PostgreSQL streaming replica for dashboards, tiles and OGC reads (common.replica), and
    # how far behind it may be before those reads go to the primary again.
    REPLICA_URL: str | None = None
    REPLICA_MAX_LAG_S = 30

    SECRET_KEY: str | None = None
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024

    API_TITLE = "Khaya API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    # Served by Khaya itself from the swagger-ui-bundle package: no CDN.
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs-assets/"

    # Tokens: access tokens are short; refresh tokens rotate and are bound to a device.
    ACCESS_TOKEN_TTL = 15 * 60
    REFRESH_TOKEN_TTL = 30 * 24 * 3600
    # Wrong passwords per login identifier (known or not, see auth/throttle.py): free ones,
    # then waits doubling from 1 s up to the cap; a day without one forgets them.
    LOGIN_THROTTLE_FREE_FAILURES = 5
    LOGIN_THROTTLE_MAX_SECONDS = 900
    LOGIN_THROTTLE_FORGET_HOURS = 24
    LOGIN_RATE_LIMIT_PER_IP = "30 per minute"
    LOGIN_RATE_LIMIT_PER_ACCOUNT = "10 per minute"
    # Reports sent without an account (the web form), per address; signed-in callers are not
    # limited by it.
    REPORTS_RATE_LIMIT_PER_IP = "20 per hour"
    # Reports an Open311 app posts, per api_key.
    OPEN311_RATE_LIMIT_PER_KEY = "600 per hour"
    # Flask-Limiter's counters. ``make run`` and docker compose point this at Redis, which
    # every worker and server shares; memory:// (one process's own counters) is for a single
    # process only. While Redis is unreachable each process counts on its own in memory
    # (limits stay, per process) and goes back to Redis once it answers; a request never
    # waits more than the timeouts below for it.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True

    # Reminders by Web Push: the VAPID key file (default var/vapid/private_key.pem, made by
    # ``flask push ensure-keys``), the contact push services may write to, and how long one
    # message may take to hand over.
    PUSH_VAPID_KEY_FILE: str | None = None
    PUSH_VAPID_SUBJECT = "mailto:khaya-admin@example.org"
    PUSH_TIMEOUT_S = 10

    # Local time zone: "today" for a log is the Thai calendar day.
    TIMEZONE = "Asia/Bangkok"
    # A household's point must lie within this distance of its village's boundary.
    HOUSEHOLD_MAX_DISTANCE_FROM_VILLAGE_M = 5000
    # An inspection farther than this from the house is flagged for review.
    INSPECTION_MAX_DISTANCE_M = 150
    # Items in one sync batch; more answers 413.
    SYNC_MAX_ITEMS = 500
    # Largest photo accepted, in bytes.
    PHOTO_MAX_BYTES = 2 * 1024 * 1024
    # Photos are decoded before they are stored: more pixels than this are refused unread (a
    # small file can declare a huge image), and a longer side than this is scaled down.
    PHOTO_MAX_PIXELS = 25_000_000
    PHOTO_MAX_SIDE = 2048
    # Public address used on QR cards (the PWA opens /h/<token>).
    PUBLIC_URL = "http://127.0.0.1:8000"

    # Base map tiles for the PWA's maps (the app's own layers draw without them).
    MAP_TILE_URL = "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"
    # Behind a TLS-terminating proxy, trust its X-Forwarded-* headers (number of proxies).
    PROXY_FIX = 0

    # Vector tiles: browser cache seconds for public layers, the in-process tile cache, the
    # zoom from which household points are drawn, and how often area indicators are refreshed.
    MAPS_TILE_MAX_AGE = 300
    MAPS_TILE_CACHE_ENTRIES = 4096
    MAPS_TILE_CACHE_BYTES = 64 * 1024 * 1024
    MAPS_HOUSEHOLDS_MIN_ZOOM = 12
    MAPS_INDICATOR_MIN_AGE = 30
    MAPS_INDICATOR_MAX_AGE = 600
    MAPS_VERSION_COMPACT_AFTER = 2000
    # Export jobs: worker threads, how long results are kept, a job's time limit, active jobs
    # per person, the longest range, and the largest export answered at once (LGO-months).
    # Announced changes reach the rollups through a queue worker; True applies them at once in
    # the announcing transaction (tests inside one rolled-back transaction).
    CHANGES_INLINE = False
    EXPORT_JOB_TTL = 86400
    EXPORT_JOB_TIMEOUT = 1800
    EXPORT_MAX_ACTIVE_JOBS = 3
    EXPORT_MAX_MONTHS = 60
    EXPORT_SYNC_MAX_ROWS = 240

    # Largest page a list endpoint hands out.
    MAX_PER_PAGE = 500
    # Simplification tolerance in degrees when a GeoJSON request gives none.
    GEOJSON_DEFAULT_TOLERANCE = 0.0
    # Analytics: an indicator whose denominator is under this is flagged small (league tables
    # rank it last, maps may hide it); the DLA wet-bin carbon factors.
    SMALL_DENOMINATOR = 30
    CARBON_FOOD_WASTE_KG_PER_PERSON_DAY = 0.252
    CARBON_TCO2E_PER_TONNE = 0.1454
    # Retention of personal data (``flask privacy apply-retention``), in days; 0 keeps forever.
    # Photos of logs and inspections uploaded longer ago than this are deleted (the logs and
    # inspections they were attached to stay).
    RETENTION_PHOTOS_DAYS = 365
    # Raw sorting logs go a whole fiscal year at a time, once that year ended longer ago than
    # this; every figure of those years stays in the rollups. Off by default.
    RETENTION_RAW_LOGS_DAYS = 0
    # Seed data (relative paths are taken from the project root).
    REFERENCE_DATA = "seed/data/lamphun_units.json"
    FRONTEND_DIST = "frontend/dist"


def database_url_for_tests() -> str:
    """Return the test database URL: ``KHAYA_TEST_DATABASE_URL``, else the private cluster's.

    Never ``DATABASE_URL``: the tests rebuild their schema and would wipe a real database.
    """
    if url := os.environ.get("KHAYA_TEST_DATABASE_URL"):
        return url
    port = os.environ.get("KHAYA_PG_PORT", "54329")
    name = os.environ.get("KHAYA_TEST_DB", "khaya_test")
    return f"postgresql+psycopg2://khaya@127.0.0.1:{port}/{name}"
