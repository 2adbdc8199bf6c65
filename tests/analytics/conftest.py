"""Fixtures of the analytics tests: the hand dataset (see _hand.py) and a sync helper."""

from __future__ import annotations

import pytest

from tests.analytics._hand import Dataset, Sync, build, syncer


@pytest.fixture
def sync(client, auth) -> Sync:
    """Return ``sync(items, who="admin") -> results``, asserting nothing was rejected."""
    return syncer(client, auth)


@pytest.fixture
def dataset(app, db_session, client, auth, sync) -> Dataset:
    """Build the hand dataset (see _hand.py); rolled back after the test."""
    return build(client, auth, sync)


@pytest.fixture
def few_households_count(app, monkeypatch):
    """Flag only denominators under 1, so the hand villages are ranked."""
    monkeypatch.setitem(app.config, "SMALL_DENOMINATOR", 1)
