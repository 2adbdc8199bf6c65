"""The scale generator's events, generated inside PostgreSQL from per-household parameters.

``prepare`` makes the temporary tables the register generator fills (``scale_households``:
who logs from when to when at what weekly rate, who is inspected, who banks) and the calendar
(``scale_days``: weekday and seasonal factors). ``generate`` then inserts, chunk by chunk:
sorting logs, inspections, a waste bank per LGO with prices, members and monthly deposits,
hazardous drop-off points and their monthly collections; sets the households' last log and
verification dates; and rebuilds the analytics rollups from the raw rows in bulk.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from khaya.analytics.rebuild import rebuild
from khaya.participation.partitions import ensure_log_partitions

from .demo import STREAM_SETS, STREAM_WEIGHTS

LOG_CHUNK = 5000  # households per insert statement (about half a million logs)
# extract(dow): 0 = Sunday. People sort more at the weekend.
WEEKDAY = (1.25, 0.95, 0.9, 0.95, 0.9, 0.95, 1.15)
COLLECTION_DAY_BOOST = 1.35
PRICES = {"pet": 8, "plastic_other": 4, "paper": 3, "carton": 2.5, "glass": 1,
          "aluminium": 40, "iron": 6, "other": 2}
# material: (share of deposits that bring it, kg spread)
BROUGHT = {"pet": (0.7, 4), "plastic_other": (0.4, 3), "paper": (0.5, 6), "carton": (0.4, 5),
           "glass": (0.2, 6), "aluminium": (0.3, 1.5), "iron": (0.15, 8), "other": (0.1, 2)}
def _uuid(number: str) -> str:
    """A version-4 UUID: a random prefix per statement, then an ascending number, so one insert's
    ids are unguessable yet land next to each other in the index."""
    r = secrets.token_hex(9)
    prefix = f"{r[:8]}-{r[8:12]}-4{r[12:15]}-8{r[15:18]}-"
    return f"cast('{prefix}' || lpad(to_hex({number}), 12, '0') as uuid)"


def _season(day: dt.date, start: dt.date, days: int) -> float:
    """Campaign ramp over the year, a rainy-season dip, Songkran and New Year lulls."""
    factor = 0.85 + 0.25 * (day - start).days / max(days, 1)
    if day.month in (7, 8, 9):
        factor *= 0.92
    if (day.month, day.day) in {(4, 12), (4, 13), (4, 14), (4, 15), (4, 16), (12, 31), (1, 1)}:
        factor *= 0.5
    return round(factor, 4)


def prepare(session: Session, start: dt.date, end: dt.date, seed: int) -> None:
    """Make the temporary tables the generator fills; seed PostgreSQL's random()."""
    session.execute(text("select setseed(:s)"), {"s": (seed % 1000) / 1000})
    session.execute(text("""
        create temp table scale_households (
            id int primary key, village_id int, lgo_id int, present_from date, present_to date,
            starts_on date, stops_on date, rate float8, weighs bool, keeps_bin bool,
            arrangement bool, inspections int, member bool, joined_on date,
            deposit_rate float8, collection_dow int, pass_rate float8, registered_on date)
            on commit drop
    """))
    session.execute(text("create temp table scale_days (day date primary key, dow int, "
                         "factor float8) on commit drop"))
    days = (end - start).days + 1
    rows = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        dow = (day.weekday() + 1) % 7
        rows.append({"day": day, "dow": dow, "factor": WEEKDAY[dow] * _season(day, start, days)})
    session.execute(text("insert into scale_days values (:day, :dow, :factor)"), rows)


def _streams_case() -> str:
    """A CASE over one random number that picks a stream set by the demo's weights."""
    total, upper, branches = sum(STREAM_WEIGHTS), 0, []
    for streams, weight in zip(STREAM_SETS, STREAM_WEIGHTS, strict=True):
        upper += weight
        literal = "array[" + ",".join(f"'{s}'" for s in streams) + "]::varchar[]"
        branches.append(f"when pick < {upper / total:.4f} then {literal}")
    return "case " + " ".join(branches) + " else array['general']::varchar[] end"


def _logs(session: Session, say: Callable[[str], None]) -> int:
    session.execute(text("create temp sequence scale_log_seq"))
    bounds = session.execute(text("select min(id), max(id) from scale_households")).one()
    if bounds[0] is None:
        return 0
    total, began = 0, time.monotonic()
    kg = {"organic": (0.2, 1.8), "recyclable": (0.1, 2.9), "general": (0.2, 1.8),
          "hazardous": (0.0, 0.5)}
    weighed = ", ".join(
        f"case when weighs and '{s}' = any(streams) then round(({lo} + random() * {span})"
        f"::numeric, 1) end" for s, (lo, span) in kg.items())
    days = session.execute(text("select min(day), max(day) from scale_days")).one()
    ensure_log_partitions(session, days[0], days[1])
    # The generated client ids are claimed in the same statement that inserts their logs
    # (made as a CTE), so the claims trigger, which would claim them one row at a time, stands
    # aside.
    session.execute(text("set local khaya.claimed = 'on'"))
    insert = text(f"""
        with made as (
        insert into sorting_logs (client_id, household_id, lgo_id, village_id, log_date, streams,
            organic_handling, kg_organic, kg_recyclable, kg_general, kg_hazardous,
            recorded_role, device_id, device_time, received_at, clock_offset_s)
        select {_uuid("nextval('scale_log_seq')")}, id, lgo_id,
               village_id, day, streams,
               case when 'organic' = any(streams) then
                   cast(case when keeps_bin then 'wet_bin' else 'compost' end
                        as organic_handling) end,
               {weighed}, 'resident', 'scale', received - interval '3 minutes', received, 0
        from (select y.*, {_streams_case()} as streams,
                     (day + time '06:00' + minutes * interval '1 minute')
                         at time zone 'Asia/Bangkok' as received
              from (select h.id, h.lgo_id, h.village_id, d.day, h.weighs, h.keeps_bin,
                           random() as pick, floor(random() * 870) as minutes
                    from scale_households h
                    join scale_days d on d.day between h.starts_on and h.stops_on
                    where h.id between :lo and :hi and h.rate > 0
                      and random() < least(0.95, h.rate * d.factor
                          * case when d.dow = h.collection_dow
                                 then {COLLECTION_DAY_BOOST} else 1 end)) y
              order by id, day) x
        returning client_id, log_date)
        insert into sorting_log_claims (client_id, log_date) select client_id, log_date from made
    """)
    chunks = range(bounds[0], bounds[1] + 1, LOG_CHUNK)
    for number, lo in enumerate(chunks, start=1):
        result = session.execute(insert, {"lo": lo, "hi": lo + LOG_CHUNK - 1})
        total += result.rowcount
        say(f"sorting logs: {total:,} after chunk {number}/{len(chunks)} "
            f"({time.monotonic() - began:.0f} s)")
    session.execute(text("set local khaya.claimed = 'off'"))
    return total


def _inspections(session: Session, start: dt.date) -> int:
    # Most households with a bin had their check before the year began (the scheme is older).
    before = session.execute(text(f"""
        insert into inspections (client_id, household_id, lgo_id, village_id, inspected_on,
            registered, bin_built, food_waste_in_bin, lid_closed, used_correctly, sorting_ok,
            passed, recorded_role, device_id, received_at, mock_location)
        select {_uuid('row_number() over ()')}, id, lgo_id,
               village_id, day, true, true, true, ok, true, null, ok, 'volunteer', 'scale',
               (day + time '09:00') at time zone 'Asia/Bangkok', false
        from (select h.*, h.registered_on
                          + floor(random() * (:start - h.registered_on))::int as day,
                     random() < h.pass_rate + 0.05 as ok
              from scale_households h
              where h.arrangement and h.registered_on < :start and random() < 0.75) x
    """), {"start": start}).rowcount
    return before + session.execute(text(f"""
        insert into inspections (client_id, household_id, lgo_id, village_id, inspected_on,
            registered, bin_built, food_waste_in_bin, lid_closed, used_correctly, sorting_ok,
            passed, notes, recorded_role, device_id, received_at, mock_location, location_flag)
        select {_uuid('row_number() over ()')}, h.id, h.lgo_id,
               h.village_id, x.day, true, h.arrangement, h.arrangement, not h.arrangement or x.ok,
               h.arrangement, x.ok, h.arrangement and x.ok,
               case when not h.arrangement then 'ยังไม่มีถังขยะเปียก'
                    when not x.ok then 'ฝาถังไม่ได้ปิด' end,
               'volunteer', 'scale',
               (x.day + time '09:00' + x.minutes * interval '1 minute')
                   at time zone 'Asia/Bangkok', false, null
        from scale_households h
        cross join lateral (
            select h.present_from + floor(random() * (h.present_to - h.present_from + 1))::int
                       as day,
                   random() < h.pass_rate as ok, floor(random() * 480) as minutes
            from generate_series(1, h.inspections)) x
        where h.inspections > 0 and h.present_to >= h.present_from
    """)).rowcount


def _banks(session: Session, start: dt.date, end: dt.date) -> dict[str, int]:
    session.execute(text("""
        create temp table scale_banks on commit drop as
        with made as (
            insert into waste_banks (lgo_id, name_th, name_en, partner_buyer, buying_schedule,
                                     active, created_at)
            select l.id, 'ธนาคารขยะ' || l.name_th, l.name_en || ' Waste Bank',
                   'ร้านรับซื้อของเก่า', '{}'::jsonb, true, now()
            from lgos l where l.id in (select distinct lgo_id from scale_households)
            returning id, lgo_id)
        select * from made
    """))
    session.execute(text("""
        insert into waste_bank_prices (bank_id, material, price_per_kg, valid_from, created_at)
        select b.id, cast(p.material as material), p.price, :since, now()
        from scale_banks b cross join unnest(cast(:materials as text[]),
                                             cast(:prices as numeric[])) as p(material, price)
    """), {"since": start - dt.timedelta(days=800), "materials": list(PRICES),
           "prices": list(PRICES.values())})
    members = session.execute(text("""
        insert into waste_bank_members (bank_id, household_id, lgo_id, village_id,
                                        member_number, joined_on, active)
        select b.id, h.id, h.lgo_id, h.village_id,
               row_number() over (partition by b.id order by h.id), h.joined_on, true
        from scale_households h join scale_banks b on b.lgo_id = h.lgo_id
        where h.member and h.joined_on <= h.present_to
    """)).rowcount
    buying = []
    first = start.replace(day=1)
    while first <= end:
        saturday = first + dt.timedelta(days=(5 - first.weekday()) % 7 + 7)
        if start <= saturday <= end:
            buying.append(saturday)
        first = (first + dt.timedelta(days=32)).replace(day=1)
    session.execute(text("""
        create temp table scale_deposits on commit drop as
        select nextval('ledger_entries_id_seq') as id, m.bank_id, m.id as member_id,
               m.household_id, m.lgo_id, m.village_id, d.day
        from waste_bank_members m
        join scale_banks b on b.id = m.bank_id
        join scale_households h on h.id = m.household_id
        join unnest(cast(:days as date[])) as d(day)
          on d.day >= m.joined_on and d.day between h.present_from and h.present_to
        where random() < h.deposit_rate
    """), {"days": buying})
    session.execute(text("""
        create temp table scale_lines on commit drop as
        select d.id as entry_id, p.material, round((0.3 + random() * p.spread)::numeric, 2) as kg,
               p.price
        from scale_deposits d
        cross join lateral (
            select material, price, spread from unnest(cast(:materials as text[]),
                cast(:prices as numeric[]), cast(:shares as float8[]),
                cast(:spreads as float8[])) as p(material, price, share, spread)
            -- d.id ties the draw to each deposit: uncorrelated, the planner would run it once.
            where random() + 0 * d.id < p.share) p
    """), {"materials": list(PRICES), "prices": list(PRICES.values()),
           "shares": [BROUGHT[m][0] for m in PRICES], "spreads": [BROUGHT[m][1] for m in PRICES]})
    deposits = session.execute(text(f"""
        insert into ledger_entries (id, client_id, bank_id, member_id, household_id, lgo_id,
            village_id, entry_date, kind, amount, recorded_role, device_id, received_at)
        select d.id, {_uuid('d.id')}, d.bank_id, d.member_id,
               d.household_id, d.lgo_id, d.village_id, d.day, 'deposit', l.amount, 'volunteer',
               'scale', (d.day + time '10:00') at time zone 'Asia/Bangkok'
        from scale_deposits d
        join (select entry_id, sum(round(kg * price, 2)) as amount from scale_lines
              group by entry_id) l on l.entry_id = d.id
        order by d.id
    """)).rowcount
    lines = session.execute(text("""
        insert into ledger_lines (entry_id, material, kg, unit_price, amount)
        select entry_id, cast(material as material), kg, price, round(kg * price, 2)
        from scale_lines order by entry_id, material
    """)).rowcount
    return {"waste_bank_members": members, "deposits": deposits, "deposit_lines": lines}


def _hazards(session: Session, start: dt.date, end: dt.date) -> int:
    session.execute(text("""
        create temp table scale_points on commit drop as
        with made as (
            insert into collection_points (lgo_id, village_id, kind, name_th, point, streams,
                                           opening, status, created_at, updated_at)
            select v.lgo_id, v.id, 'hazardous_dropoff', 'จุดรวบรวมขยะอันตราย ' || v.name_th,
                   ST_PointOnSurface(v.geom), array['hazardous'], '{}'::jsonb, 'active',
                   now(), now()
            from (select v.*, row_number() over (partition by v.lgo_id order by v.code) as n
                  from villages v
                  where v.id in (select distinct village_id from scale_households)) v
            where v.n % 4 = 1
            returning id, lgo_id)
        select * from made
    """))
    kinds = {"bulbs": 5, "batteries": 8, "spray_cans": 3, "pesticide_containers": 4,
             "e_waste": 15, "other": 2}
    return session.execute(text(f"""
        insert into hazardous_collections (client_id, point_id, lgo_id, collected_on, created_at,
            {', '.join(f'kg_{k}' for k in kinds)})
        select {_uuid('row_number() over ()')}, p.id, p.lgo_id,
               least(m.month + floor(random() * 28)::int, :end), now(),
               {', '.join(f'round((random() * {v})::numeric, 1) + 0.1' for v in kinds.values())}
        from scale_points p
        cross join (select cast(g as date) as month
                    from generate_series(cast(:first as date), :end, interval '1 month') g) m
        where m.month + 27 >= :start
    """), {"first": start.replace(day=1), "start": start, "end": end}).rowcount


def _household_dates(session: Session) -> None:
    session.execute(text("""
        update households h set last_log_on = l.latest
        from (select household_id, max(log_date) as latest from sorting_logs
              where voided_at is null group by household_id) l
        where h.id = l.household_id
    """))
    session.execute(text("""
        update households h
        set verified_on = case when li.passed then li.inspected_on end,
            last_inspected_on = li.inspected_on
        from (select distinct on (household_id) household_id, passed, inspected_on
              from inspections
              order by household_id, inspected_on desc, received_at desc, id desc) li
        where h.id = li.household_id
    """))


def _analyze(session: Session, *tables: str) -> None:
    for table in tables:
        session.execute(text(f"analyze {table}"))


def generate(session: Session, start: dt.date, end: dt.date,
             say: Callable[[str], None]) -> dict[str, int]:
    """Insert the year's events and rebuild the rollups; return the row counts."""
    began = time.monotonic()
    # Statistics first: everything below runs in the loading transaction, where autovacuum
    # cannot see the new rows, and a plan made for an empty table would take hours.
    _analyze(session, "households", "scale_households")
    counts = {"sorting_logs": _logs(session, say)}
    counts["inspections"] = _inspections(session, start)
    _analyze(session, "sorting_logs", "inspections")
    say(f"inspections: {counts['inspections']:,} ({time.monotonic() - began:.0f} s)")
    counts |= _banks(session, start, end)
    say(f"waste banks: {counts['waste_bank_members']:,} members, {counts['deposits']:,} "
        f"deposits ({time.monotonic() - began:.0f} s)")
    counts["hazardous_collections"] = _hazards(session, start, end)
    _analyze(session, "waste_bank_members", "ledger_entries", "ledger_lines",
             "hazardous_collections", "collection_points")
    _household_dates(session)
    say(f"households' last log and verification dates set ({time.monotonic() - began:.0f} s)")
    session.execute(text("set local work_mem = '256MB'"))
    rebuild(start, end)
    say(f"rollups rebuilt from the raw rows ({time.monotonic() - began:.0f} s)")
    return counts
