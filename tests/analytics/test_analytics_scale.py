"""The scale generator, run tiny: a register, a few weeks of activity, rollups that agree."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from khaya.analytics import compute
from khaya.analytics.rebuild import reconcile
from khaya.households.models import Household
from khaya.participation.models import Inspection, SortingLog
from khaya.wastebank.models import LedgerEntry
from seed.scale import load_scale

NGA = "mueang-nga-subdistrict-municipality"
END = dt.date(2024, 10, 31)


def test_tiny_scale_run(db_session):
    messages: list[str] = []
    counts = load_scale(db_session, households=300, days=45, end=END, lgos=[NGA], seed=11,
                        say=messages.append)
    assert 295 <= counts["households"] <= 305
    assert db_session.scalar(select(func.count()).select_from(Household)) == counts["households"]
    for model, key in ((SortingLog, "sorting_logs"), (Inspection, "inspections"),
                       (LedgerEntry, "deposits")):
        stored = db_session.scalar(select(func.count()).select_from(model))
        assert stored == counts[key] > 0, key
    assert any(m.startswith("sorting logs:") for m in messages)
    assert messages[-1].startswith("rollups rebuilt")
    first = db_session.scalar(select(func.min(SortingLog.log_date)))
    assert first >= END - dt.timedelta(days=44)
    assert reconcile(END - dt.timedelta(days=44), END).ok
    (row,) = compute("lgo", [NGA], "2024-10")
    assert 0.2 < row["participation"]["value"] < 0.95
    assert row["participation"]["denominator"] <= counts["households"]
    assert row["wet_bin_coverage"]["numerator"] > 0
    assert row["bank_kg"]["numerator"] > 0
    assert row["hazardous_kg_per_1000"]["numerator"] > 0


def test_scale_refuses_a_register_that_is_not_empty(db_session):
    load_scale(db_session, households=20, days=3, end=END, lgos=[NGA], say=lambda _m: None)
    with pytest.raises(RuntimeError, match="not empty"):
        load_scale(db_session, households=20, days=3, end=END, lgos=[NGA], say=lambda _m: None)
