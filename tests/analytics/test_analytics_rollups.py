"""The rollups equal a recomputation from the raw rows, whatever the order of events.

Random batches of logs (some replayed), voids, inspections, deposits and reversals go through
the API; then ``reconcile`` rebuilds everything from the raw rows and must find no difference,
and participation and the inspected and passed households over random ranges must equal counts
made straight from the raw rows.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
from sqlalchemy import select, text

from khaya.analytics import INDICATORS, compute, rollups
from khaya.analytics.figures import gather
from khaya.analytics.indicators import evaluate, evaluate_periods
from khaya.analytics.models import StaleVillage, VillageMonth
from khaya.analytics.periods import custom
from khaya.analytics.rebuild import rebuild, reconcile
from khaya.analytics.services import series_periods
from khaya.analytics.territory import load, select_areas
from khaya.households.models import Household, Occupancy, WetBin
from khaya.participation.models import SortingLog
from tests.analytics._hand import NGA, V1, V2, bank, inspection_item, log_item, register

START, END = dt.date(2024, 8, 20), dt.date(2024, 11, 10)
ORACLE = text("""
    select count(distinct l.household_id) from sorting_logs l
    join households h on h.id = l.household_id
    where l.voided_at is null and l.log_date between :s and :e and l.village_id = any(:v)
      and h.registered_on <= :e
      and ((h.active and h.occupancy = 'occupied') or (not h.active and h.deactivated_on > :e))
""")
# Inspected households of a range, and those whose latest counted inspection then passed.
INSPECTED = text("""
    select count(*), count(*) filter (where passed) from (
        select distinct on (village_id, household_id) passed from inspections
        where counted and inspected_on between :s and :e and village_id = any(:v)
        order by village_id, household_id, inspected_on desc, received_at desc, id desc) latest
""")
SUMMED = ("logs", "kg_organic", "deposits", "deposit_kg", "bank_kg_pet")
DAY_SUMS = text(f"""
    select {", ".join(f"coalesce(sum({c}), 0)" for c in SUMMED)} from village_days
    where day between :s and :e and village_id = any(:v)
""")
DENOMINATOR = text("""
    select count(*) from households h where h.village_id = any(:v) and h.registered_on <= :e
      and ((h.active and h.occupancy = 'occupied') or (not h.active and h.deactivated_on > :e))
""")


def _day(rng: random.Random) -> dt.date:
    return START + dt.timedelta(days=rng.randrange((END - START).days + 1))


@pytest.fixture
def register_of_40(db_session):
    """The hand households plus 29 random ones in V1 and V2 (a bank with two members)."""
    households, villages, lgos = register(db_session)
    rng = random.Random(7)
    for n in range(29):
        village = rng.choice((V1, V2))
        household = Household(
            lgo_id=lgos[NGA], village_id=villages[village], house_number=f"rand-{n}",
            members=rng.randint(1, 7), wet_bin=rng.choice(list(WetBin)),
            occupancy=Occupancy.occupied, registered_on=dt.date(2024, 1, 1))
        db_session.add(household)
        db_session.flush()
        households[f"r{n}"] = household.id
    bank_id, members = bank(db_session, households, lgos, villages)
    db_session.commit()
    return households, villages, bank_id, members


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_rebuild_after_random_events(seed, register_of_40, sync, client, auth,
                                                     db_session):
    households, villages, bank_id, members = register_of_40
    rng = random.Random(seed)
    # h5 and h9 registered later than some of the random days.
    ids = [h for name, h in households.items() if name not in ("h5", "h9")]
    admin = auth("admin")
    sent: list[dict] = []
    entries: list[int] = []
    for _round in range(12):
        batch = [log_item(rng.choice(ids), _day(rng), {"organic": round(rng.uniform(0, 3), 2)})
                 for _ in range(rng.randint(1, 25))]
        replays = rng.sample(sent, min(len(sent), rng.randint(0, 4)))
        results = sync(batch + replays)
        assert [r["status"] for r in results[len(batch):]] == ["duplicate"] * len(replays)
        sent += batch
        if rng.random() < 0.7:
            sync([inspection_item(rng.choice(ids), _day(rng), rng.random() < 0.6)
                  for _ in range(rng.randint(1, 4))])
        for log in rng.sample(results[:len(batch)], min(len(batch), rng.randint(0, 3))):
            response = client.post(f"/api/v1/sorting-logs/{log['id']}/void", headers=admin,
                                   json={"reason": "random correction"})
            assert response.status_code == 200
        name = rng.choice(list(members))
        day = max(_day(rng), dt.date(2024, 10, 10))
        (deposit,) = sync([{"kind": "deposit", "client_id": str(uuid.uuid4()),
                            "data": {"bank_id": bank_id, "member_id": members[name],
                                     "deposit_date": day.isoformat(),
                                     "lines": [{"material": "pet", "kg": "1.5"}]}}])
        entries.append(deposit["id"])
        if rng.random() < 0.3:
            entry = entries.pop(rng.randrange(len(entries)))
            response = client.post(f"/api/v1/waste-banks/{bank_id}/entries/{entry}/reverse",
                                   headers=admin, json={"note": "random reversal"})
            assert response.status_code in (200, 201), response.get_json()
    report = reconcile(START, END)
    assert report.ok, [t for t in report.tables if t.differences]
    assert sum(t.rows for t in report.tables) > 0
    village_ids = [villages[V1], villages[V2]]
    for _ in range(8):
        first, last = sorted((_day(rng), _day(rng)))
        (row,) = compute("lgo", [NGA], custom(first, last), ["participation"])
        params = {"s": first, "e": last, "v": village_ids}
        expected = (db_session.execute(ORACLE, params).scalar_one(),
                    db_session.execute(DENOMINATOR, params).scalar_one())
        figure = row["participation"]
        assert (figure["numerator"], figure["denominator"]) == expected, (first, last)
        numbers = gather(custom(first, last), village_ids, END).villages.values()
        assert (sum(n.get("inspected", 0) for n in numbers),
                sum(n.get("passed", 0) for n in numbers)) == tuple(
            db_session.execute(INSPECTED, params).one()), (first, last)
        # The province is every village: its range reads leave the village filter out.
        (province,) = compute("province", ["51"], custom(first, last),
                              ["participation", "verified_compliance"])
        every = {**params, "v": list(db_session.scalars(text("select id from villages")))}
        assert (province["participation"]["numerator"],
                province["participation"]["denominator"]) == (
            db_session.execute(ORACLE, every).scalar_one(),
            db_session.execute(DENOMINATOR, every).scalar_one()), (first, last)
        inspected, passed = db_session.execute(INSPECTED, every).one()
        assert (province["verified_compliance"]["numerator"],
                province["verified_compliance"]["denominator"]) == (passed, inspected)
        # The sums come from whole months, weeks and days: they equal the range's days summed.
        by_day = db_session.execute(DAY_SUMS, params).one()
        # Per village, as one area, and as two areas summed in SQL under their keys.
        ids = sorted(village_ids)
        for groups in (None, dict.fromkeys(ids, 0),
                       {v: -1 - i % 2 for i, v in enumerate(ids)}):
            summed = gather(custom(first, last), village_ids, END, groups=groups).villages
            assert tuple(sum(n.get(c) or 0 for n in summed.values()) for c in SUMMED) == tuple(
                by_day), (first, last, groups)


def test_reconcile_finds_and_repairs_a_tampered_rollup(dataset, db_session, runner):
    assert reconcile(dt.date(2024, 1, 1), dt.date(2024, 12, 31)).ok
    db_session.execute(text("update village_months set households = households + 5, "
                            "kg_organic = 0 where month = '2024-10-01'"))
    db_session.commit()
    result = runner.invoke(args=["analytics", "reconcile", "--from", "2024-10-01",
                                 "--to", "2024-10-31"])
    assert result.exit_code == 1, result.output
    assert "village_months" in result.output
    assert "DIFFER" in result.output
    result = runner.invoke(args=["analytics", "reconcile", "--from", "2024-10-01",
                                 "--to", "2024-10-31", "--repair"])
    assert result.exit_code == 0, result.output
    assert reconcile(dt.date(2024, 10, 1), dt.date(2024, 10, 31)).ok


def test_month_end_registers_give_the_same_figures_as_live(dataset, db_session):
    # Days early and late in a month move the nearer month-end register on, both ways.
    periods_ = ["2024-09", "2024-10", "FY2567", "FY2568", "2024-10-01", "2024-10-20", "2024-09-29"]
    names = ["participation", "wet_bin_coverage", "bank_membership", "carbon_tco2e"]
    live = {p: compute("village", NGA, p, names) for p in periods_}
    rebuild(dt.date(2024, 1, 1), dt.date(2025, 9, 30))
    assert db_session.scalar(select(VillageMonth.households).where(
        VillageMonth.month == dt.date(2024, 10, 1),
        VillageMonth.village_id == dataset.villages[V1])) == 4
    stored = {p: compute("village", NGA, p, names) for p in periods_}
    assert stored == live


# Participation (numerator, denominator) worked out by hand from _hand.py for the series below:
# h5 joins V1 on 15 Sep, h7 leaves it on 20 Oct, h9 joins V2 on 5 Oct; h6 is vacant and h4's
# only log is voided. The other eight villages of Mueang Nga have no households.
HAND_SERIES = {
    ("month", V1): [(3, 6), (3, 5), (0, 5)],
    ("month", V2): [(0, 1), (1, 2), (0, 2)],
    ("month", NGA): [(3, 7), (4, 7), (0, 7)],
    ("fiscal_year", V1): [(3, 6), (3, 5)],
    ("fiscal_year", V2): [(0, 1), (1, 2)],
    ("fiscal_year", NGA): [(3, 7), (4, 7)],
}
HAND_DAYS = {
    "2024-09-20": {V1: (0, 6), V2: (0, 1), NGA: (0, 7)},
    "2024-09-30": {V1: (2, 6), V2: (0, 1), NGA: (2, 7)},
    "2024-10-01": {V1: (2, 6), V2: (1, 1), NGA: (3, 7)},
    "2024-10-31": {V1: (1, 5), V2: (0, 2), NGA: (1, 7)},
}


def _participation(rows: list[dict], code: str) -> tuple[int, int]:
    (row,) = [r for r in rows if r["code"] == code]
    return row["participation"]["numerator"], row["participation"]["denominator"]


@pytest.mark.parametrize("built", [False, True])
def test_a_batched_series_equals_period_by_period(dataset, db_session, built):
    if built:
        rebuild(dt.date(2024, 1, 1), dt.date(2025, 9, 30))
    territory = load()
    today = dt.date(2026, 11, 25)
    villages = select_areas(territory, "village", parent=NGA)
    lgo = select_areas(territory, "lgo", codes=[NGA])
    assert [a.code for a in villages] == [f"510102{moo:02d}" for moo in range(1, 11)]
    assert [a.code for a in lgo] == [NGA]
    # Many areas read village by village; one area sums its villages in SQL.
    for areas in (villages, lgo):
        codes = [V1, V2] if areas is villages else [NGA]
        for granularity, labels in (("month", ["2024-09", "2024-10", "2024-11"]),
                                    ("fiscal_year", ["FY2567", "FY2568"]),
                                    ("day", [f"2024-09-{d}" for d in range(20, 31)])):
            chosen = series_periods(granularity, dt.date(2024, 9, 20), dt.date(2024, 11, 10))
            assert [p.label for p in chosen][:len(labels)] == labels
            assert len(chosen) == {"month": 3, "fiscal_year": 2, "day": 52}[granularity]
            batched = evaluate_periods(areas, chosen, list(INDICATORS), territory, today)
            one_by_one = [evaluate(areas, p, list(INDICATORS), territory, today) for p in chosen]
            assert batched == one_by_one, (granularity, len(areas))
            for code in codes:
                got = [_participation(rows, code) for rows in batched]
                if granularity == "day":
                    by_day = {p.label: figures for p, figures in zip(chosen, got, strict=True)}
                    assert {day: by_day[day] for day in HAND_DAYS} == {
                        day: hand[code] for day, hand in HAND_DAYS.items()}, code
                else:
                    assert got == HAND_SERIES[granularity, code], (granularity, code)


def test_a_register_change_is_read_live_until_refreshed(dataset, db_session, client, auth):
    rebuild(dt.date(2024, 1, 1), dt.date(2025, 9, 30))
    db_session.commit()
    assert not rollups.pending_stale()
    before = compute("village", [V1], "2024-10", ["participation"])[0]["participation"]
    response = client.post(f"/api/v1/households/{dataset.households['h2']}/deactivate",
                           headers=auth("admin"), json={"reason": "moved", "on": "2024-10-15"})
    assert response.status_code == 200, response.get_json()
    assert rollups.pending_stale() == {dataset.villages[V1]}
    after = compute("village", [V1], "2024-10", ["participation"])[0]["participation"]
    # h2 left on 15 Oct: out of the denominator, and its 31 Oct log no longer counts.
    assert (before["numerator"], before["denominator"]) == (3, 5)
    assert (after["numerator"], after["denominator"]) == (2, 4)
    assert rollups.refresh_stale() == 1
    assert db_session.scalar(select(StaleVillage.id)) is None
    assert compute("village", [V1], "2024-10", ["participation"])[0]["participation"] == after


def test_a_void_takes_the_log_out_of_every_figure(dataset, db_session, client, auth):
    log_id = db_session.scalar(select(SortingLog.id).where(
        SortingLog.household_id == dataset.households["h10"]))
    before = compute("village", ["51010101"], "2024-10", ["participation", "kg_by_stream"])[0]
    assert before["participation"]["numerator"] == 1
    response = client.post(f"/api/v1/sorting-logs/{log_id}/void", headers=auth("admin"),
                           json={"reason": "wrong house"})
    assert response.status_code == 200
    after = compute("village", ["51010101"], "2024-10", ["participation", "kg_by_stream"])[0]
    assert after["participation"]["numerator"] == 0
    assert after["kg_by_stream"]["numerator"] == 0
    assert reconcile(dt.date(2024, 10, 1), dt.date(2024, 10, 31)).ok
