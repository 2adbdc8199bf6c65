"""The sync answer written directly (``dump_result``) is exactly what SyncResultSchema dumps,
for results of every shape a batch can give: created, duplicate, rejected with errors and a
code, inspections with and without a notice, unknown kinds with no client id."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from khaya.common.batch import CREATED, DUPLICATE, REJECTED, ItemResult
from khaya.participation.reviews import InspectionResult
from khaya.sync.schemas import SyncResultSchema, dump_result

SCHEMA = SyncResultSchema()

texts = st.text(max_size=20)
errors = st.dictionaries(
    texts, st.one_of(st.lists(texts, max_size=3),
                     st.dictionaries(texts, st.lists(texts, max_size=2), max_size=2)),
    max_size=3)
notices = st.one_of(st.none(), st.fixed_dictionaries({
    "location_flag": st.one_of(st.none(), st.sampled_from(["far", "no_location"])),
    "distance_m": st.one_of(st.none(), st.floats(0, 1e5, allow_nan=False)),
    "passed": st.booleans(), "counted": st.booleans(),
    "review": st.one_of(st.none(), st.sampled_from(["pending", "accepted"]))}))
common = {
    "index": st.integers(0, 499),
    "kind": st.one_of(st.none(), st.sampled_from(["sorting_log", "inspection", "deposit"]),
                      texts),
    "client_id": st.one_of(st.none(), st.uuids()),
    "status": st.sampled_from([CREATED, DUPLICATE, REJECTED]),
    "id": st.one_of(st.none(), st.integers(1, 2**53)),
    "errors": errors,
    "code": st.one_of(st.none(), st.sampled_from(["client_id_reused", "client_id_taken"])),
}
items = st.one_of(st.builds(ItemResult, **common),
                  st.builds(InspectionResult, **common, notice=notices))
results = st.fixed_dictionaries({
    "server_time": st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2035, 1, 1),
                                timezones=st.just(dt.UTC)),
    "clock_offset_s": st.one_of(st.none(), st.integers(-10**7, 10**7)),
    "counts": st.dictionaries(st.sampled_from([CREATED, DUPLICATE, REJECTED]),
                              st.integers(0, 500)),
    "results": st.lists(items, max_size=8),
})


@settings(max_examples=1000, deadline=None)
@given(results)
def test_dump_result_is_the_schemas_dump(result):
    assert dump_result(result) == SCHEMA.dump(result)
    # and the same JSON once written, key for key
    assert json.dumps(dump_result(result), sort_keys=True) == json.dumps(
        SCHEMA.dump(result), sort_keys=True)


def test_a_plain_result_leaves_out_the_notice_an_inspection_carries():
    moment = dt.datetime(2026, 11, 3, 4, 5, 6, 789, tzinfo=dt.UTC)
    plain = ItemResult(0, "sorting_log", None, REJECTED, errors={"data": ["Must be an object."]})
    inspection = InspectionResult(1, "inspection", None, CREATED, 7, notice=None)
    dumped = dump_result({"server_time": moment, "clock_offset_s": None,
                          "counts": {REJECTED: 1, CREATED: 1}, "results": [plain, inspection]})
    assert dumped["server_time"] == "2026-11-03T04:05:06.000789+00:00"
    assert "notice" not in dumped["results"][0]
    assert dumped["results"][1]["notice"] is None
    assert dumped == SCHEMA.dump({"server_time": moment, "clock_offset_s": None,
                                  "counts": {REJECTED: 1, CREATED: 1},
                                  "results": [plain, inspection]})
