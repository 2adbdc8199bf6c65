"""The fast paths of sync agree with the schemas they stand in for: on every input they take,
they return exactly what the schema loads; anything else they leave to the schema."""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from khaya.participation.schemas import SortingLogDataSchema, fast_log
from khaya.sync.schemas import SyncItemSchema
from khaya.sync.services import KINDS, _fast_envelope

LOG = SortingLogDataSchema()
ENVELOPE = SyncItemSchema()

odd = st.one_of(st.none(), st.booleans(), st.integers(-5, 200), st.floats(allow_nan=True),
                st.text(max_size=12), st.lists(st.integers(), max_size=2))
uuids = st.uuids().map(str)
streams = st.sampled_from(["organic", "recyclable", "general", "hazardous", "plastic", ""])
days = st.one_of(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat),
                 st.sampled_from(["2024-02-30", "20241105", "2024-1-5", "2024-11-05T00:00"]))
kg = st.one_of(st.none(), st.floats(-1, 120, allow_nan=False), st.integers(-1, 120),
               st.booleans(), st.just("1.5"), st.just(float("nan")), st.just(float("inf")))
log = st.fixed_dictionaries(
    {"household_id": st.one_of(st.integers(1, 10**6), odd),
     "log_date": st.one_of(days, odd),
     "streams": st.one_of(st.lists(streams, max_size=5), odd)},
    optional={"organic_handling": st.one_of(
                  st.sampled_from(["wet_bin", "compost", "animal_feed", "other", "bin"]), odd),
              "kg_organic": kg, "kg_recyclable": kg, "kg_general": kg, "kg_hazardous": kg,
              "photo_id": st.one_of(st.none(), uuids, odd),
              "corrects": st.one_of(st.none(), uuids, st.just("not-a-uuid")),
              "colour": odd})


def _schema(schema, data):
    try:
        return schema.load(data)
    except ValidationError:
        return None


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(log)
def test_the_fast_log_loader_agrees_with_the_schema(data):
    fast = fast_log(data)
    if fast is not None:
        assert fast == _schema(LOG, data)


def test_the_fast_log_loader_takes_what_phones_send():
    data = {"household_id": 12, "log_date": "2026-12-03", "streams": ["organic", "general"],
            "organic_handling": "wet_bin", "kg_organic": 1, "kg_general": None,
            "photo_id": None, "corrects": str(uuid.uuid4())}
    assert fast_log(data) == LOG.load(data)
    assert isinstance(fast_log(data)["kg_organic"], float)
    # Left to the schema, so that its messages answer them.
    for bad in ({**data, "streams": ["organic", "organic"]}, {**data, "kg_recyclable": 1.0},
                {**data, "streams": ["general"]}, {**data, "colour": "red"},
                {**data, "kg_organic": 101}, {**data, "log_date": "2026-02-30"}):
        assert fast_log(bad) is None


moments = st.one_of(
    st.none(),
    st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 1, 1),
                 timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7)),
                                            dt.timezone(dt.timedelta(hours=-23, minutes=-59))])
                 ).map(lambda m: m.isoformat().replace("+00:00", "Z")),
    st.sampled_from(["2026-12-03T06:35:00", "2026-12-03 06:35:00Z", "0001-01-01T00:00:00+01:00",
                     "2026-12-03T06:35:00.1234567Z"]),
    odd)
envelope = st.fixed_dictionaries(
    {"kind": st.one_of(st.sampled_from([*KINDS, "teleport"]), odd),
     "client_id": st.one_of(uuids, st.just("not-a-uuid"), odd),
     "data": st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)},
    optional={"device_time": moments, "extra": odd})


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(envelope)
def test_the_fast_envelope_agrees_with_the_schema(raw):
    fast = _fast_envelope(7, raw)
    if fast is not None:
        loaded = _schema(ENVELOPE, raw)
        assert loaded is not None
        assert (fast.kind, fast.client_id, fast.data, fast.device_time) == (
            loaded["kind"], loaded["client_id"], loaded["data"], loaded["device_time"])
        assert fast.index == 7
