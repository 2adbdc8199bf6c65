"""Fixtures for exports: jobs run inline in the request unless a test says otherwise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def _inline_jobs(app: Flask) -> Iterator[None]:
    # The test transaction lives on one connection: a pool thread must not share it, so jobs
    # run in the request (still in their own app context and session). test_live_jobs runs
    # the real pool against a live server.
    app.config["EXPORT_JOBS_INLINE"] = True
    yield
    app.config.pop("EXPORT_JOBS_INLINE", None)
