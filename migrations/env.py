"""Alembic environment: Khaya's metadata, with GeoAlchemy2's helpers for spatial columns."""

import logging
import re
from logging.config import fileConfig

from alembic import context
from flask import current_app
from geoalchemy2 import alembic_helpers

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_db = current_app.extensions["migrate"].db
POSTGIS_OWNED = {"spatial_ref_sys", "geography_columns", "geometry_columns"}
QUEUE_PREFIX = "procrastinate_"
LOG_PARTITION = re.compile(r"^sorting_logs_(p\d{4}_\d{2}|default)$")


def include_object(obj, name, obj_type, reflected, compare_to):
    """Leave PostGIS's own tables to PostGIS, and the job queue's to Procrastinate (its
    schema comes from the library itself: see the job-queue migration)."""
    if obj_type == "table" and (name in POSTGIS_OWNED or name.startswith(QUEUE_PREFIX)):
        return False
    # The sorting logs' monthly partitions are made by khaya_ensure_log_partition, not models.
    if obj_type == "table" and reflected and LOG_PARTITION.match(name or ""):
        return False
    return alembic_helpers.include_object(obj, name, obj_type, reflected, compare_to)


def configure_args() -> dict:
    return {
        "target_metadata": target_db.metadata,
        "include_object": include_object,
        "process_revision_directives": alembic_helpers.writer,
        "render_item": alembic_helpers.render_item,
        "compare_type": True,
        **current_app.extensions["migrate"].configure_args,
    }


def run_migrations_offline() -> None:
    context.configure(
        url=target_db.engine.url.render_as_string(hide_password=False),
        literal_binds=True,
        **configure_args(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection") or target_db.engine
    if hasattr(connectable, "connect") and not hasattr(connectable, "execute"):
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(connection=connection, **configure_args())
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
