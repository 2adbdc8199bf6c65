"""A month still running is labelled as such and compared like with like; by default every
query reads the last complete month (issue: a month two days old was compared with a whole
month and every area looked worse)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from khaya.analytics import periods, services
from tests.analytics._hand import NGA, V1, V2

API = "/api/v1/analytics"
D = dt.date


@pytest.mark.parametrize(("period", "today", "expected"), [
    # Two days into October: the first two days of September.
    (periods.month(D(2024, 10, 1)), D(2024, 10, 2), periods.custom(D(2024, 9, 1), D(2024, 9, 2))),
    # The 31st of March: February has fewer days, so all of it.
    (periods.month(D(2025, 3, 1)), D(2025, 3, 31), periods.custom(D(2025, 2, 1), D(2025, 2, 28))),
    # A month that is over compares with the whole month before.
    (periods.month(D(2024, 10, 1)), D(2024, 11, 1), periods.month(D(2024, 9, 1))),
    # A fiscal year two days old: the first two days of the one before.
    (periods.fiscal(2568), D(2024, 10, 2), periods.custom(D(2023, 10, 1), D(2023, 10, 2))),
    # A period not begun: the period before, whole (the league then shows no change).
    (periods.month(D(2024, 12, 1)), D(2024, 10, 2), periods.month(D(2024, 11, 1))),
])
def test_like_for_like(period, today, expected):
    assert period.like_for_like(today) == expected


def test_last_complete_month():
    assert periods.last_complete_month(D(2026, 12, 2)) == periods.month(D(2026, 11, 1))
    assert periods.last_complete_month(D(2027, 1, 1)) == periods.month(D(2026, 12, 1))
    assert periods.resolve(today=D(2026, 12, 2)).label == "2026-11"


@pytest.fixture
def on(monkeypatch):
    """Return ``on(day)``: the analytics queries take ``day`` as today in Thailand."""
    def set_today(day: dt.date) -> None:
        monkeypatch.setattr(services, "local_today", lambda: day)
    return set_today


@pytest.fixture
def get(client, auth):
    def call(path: str, who: str, **query):
        response = client.get(f"{API}/{path}", query_string=query, headers=auth(who))
        return response.status_code, json.loads(response.data)
    return call


def test_a_running_month_says_so_and_compares_like_with_like(dataset, few_households_count,
                                                               get, on):
    # Worked by hand from tests/analytics/_hand.py, the clock set to 2 October 2024 (the
    # dataset also holds h2's log of 31 October, which counts in October whatever the clock):
    # V1: occupied on 2 Oct h1 h2 h3 h4 h5 h7 (h6 vacant) = 6; October logs h1 h3 h7 h2 = 4.
    #     1-2 Sep: occupied h1 h2 h3 h4 h7 (h5 came 15 Sep) = 5, no logs -> 0/5: change +0.6667.
    #     (The whole of September, h1 h2 h7 of 6 = 0.5, would give +0.1667.)
    # V2: h8 (h9 came 5 Oct) logged 1 Oct -> 1/1; 1-2 Sep 0/1: change +1.0, most improved.
    on(D(2024, 10, 2))
    status, body = get("league", "nga.staff", level="village", parent=NGA,
                       indicator="participation", period="2024-10")
    assert status == 200, body
    assert body["period"]["complete"] is False
    assert (body["period"]["elapsed_days"], body["period"]["days"]) == (2, 31)
    assert body["previous_period"] == {"kind": "custom", "label": "2024-09-01/2024-09-02",
                                       "start": "2024-09-01", "end": "2024-09-02", "days": 2,
                                       "complete": True, "elapsed_days": 2}
    rows = {r["code"]: r for r in body["rows"]}
    assert (rows[V1]["numerator"], rows[V1]["denominator"], rows[V1]["value"]) == (4, 6,
                                                                                 0.6667)
    assert (rows[V1]["previous"]["numerator"], rows[V1]["previous"]["denominator"]) == (0, 5)
    assert rows[V1]["change"] == 0.6667
    assert (rows[V2]["value"], rows[V2]["previous"]["value"], rows[V2]["change"]) == (1.0, 0.0,
                                                                                      1.0)
    assert body["most_improved"]["code"] == V2


def test_a_month_not_begun_shows_no_change(dataset, few_households_count, get, on):
    on(D(2024, 10, 2))
    status, body = get("league", "nga.staff", level="village", parent=NGA,
                       indicator="participation", period="2024-11")
    assert status == 200, body
    assert (body["period"]["complete"], body["period"]["elapsed_days"]) == (False, 0)
    assert all(r["change"] is None for r in body["rows"])
    assert body["most_improved"] is None


@pytest.mark.parametrize("path", ["league", "indicators", "choropleth"])
def test_without_a_period_every_query_reads_the_last_complete_month(dataset, get, on, path):
    on(D(2024, 11, 2))
    query = {"level": "village", "parent": NGA}
    if path != "indicators":
        query["indicator"] = "participation"
    status, body = get(path, "nga.staff", **query)
    assert status == 200, body
    period = body["khaya"]["period"] if path == "choropleth" else body["period"]
    assert (period["label"], period["complete"]) == ("2024-10", True)
