"""The living demo: every LGO of the province with a register, months of sorting, inspections.

Five featured LGOs (the demo logins' own) hold most households; every other LGO gets a lighter
sample in proportion to the reference data, so the provincial comparison has all of them. LGOs
differ as real ones do: each has its own level and trend (improving, steady or lagging), and a
few are small (fewer households than the small-denominator threshold).

Everything here is made up, deterministically. ``random.Random(seed)`` plans the households
village by village from the territory alone, so the same territory and seed always give the same
households, keyed by (village, house number). Logs and inspections draw from generators seeded
by their own stable key and carry a client id derived from it (``uuid5`` under the database's
own secret namespace, ``seed.ids``), so a rerun inserts nothing (``ON CONFLICT DO NOTHING``), and
a rerun on a later day adds only the new days' logs.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import math
import random
import uuid
import zlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import shapely
from geoalchemy2.shape import to_shape
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from khaya.areas.models import Lgo, Village, VillageKind
from khaya.auth.models import Role, RoleGrant, User, VolunteerAssignment, VolunteerProfile
from khaya.households.models import CONSENTS, Household, Occupancy, WetBin
from khaya.participation.models import Inspection, OrganicHandling, SortingLog
from khaya.participation.partitions import ensure_log_partitions
from khaya.participation.services import refresh_verification

from . import ids
from .accounts import MUEANG_NGA, TOWN

# The two demo LGOs, a large SAO in Li and two subdistrict municipalities in other districts.
DEMO_LGOS = (
    TOWN,
    MUEANG_NGA,
    "na-sai-subdistrict-administrative-organization",
    "pa-sang-subdistrict-municipality",
    "ban-thi-subdistrict-municipality",
)
# The fixed namespace of databases seeded before each kept a secret one (seed.ids).
LEGACY_NAMESPACE = uuid.UUID("4b1d6f0e-6c2a-5e55-9a57-6b6861796164")
# Households registered in the app per household a village is estimated to have, and the
# bounds per village: the featured LGOs, then the lighter sample of every other LGO.
SHARE, MIN_HOUSEHOLDS, MAX_HOUSEHOLDS = 0.12, 30, 150
SAMPLE_SHARE, SAMPLE_MIN, SAMPLE_MAX = 0.02, 4, 30
# Of the sampled LGOs, this many register only their first village: small denominators.
SMALL_LGOS = 3
# Three months and more, so the last two complete months can be compared.
LOG_DAYS = 100
# The share of an LGO's logging households that joined (improving) or gave up (lagging) at
# some day within the logged days, so its monthly participation moves.
TRENDS = {"improving": 0.35, "steady": 0.0, "lagging": -0.3}
INSPECTION_DAYS = 90
REGISTRATION_DAYS = 730
CHUNK = 5000
LOCAL = ZoneInfo("Asia/Bangkok")
# The demo residents' own households; sub-numbers above 3 are never generated, so no clash.
RESIDENT_HOUSES = {"+66810000011": ("51010101", "27/9"), "+66810000012": ("51010201", "112/9")}

GIVEN_NAMES = (
    "สมชาย", "สมศักดิ์", "บุญมา", "ประเสริฐ", "สุรชัย", "วิชัย", "อินทร์", "คำปัน", "ศรีวรรณ",
    "บัวผัน", "จันทร์เพ็ญ", "มาลี", "สุนันทา", "พิมพ์ใจ", "ทองดี", "แสงเดือน", "อำพร", "นงลักษณ์",
    "ณัฐพล", "กิตติศักดิ์", "ปราณี", "สายสุนีย์", "บุญเรือน", "ศรีนวล",
)
FAMILY_NAMES = (
    "ใจดี", "ปัญญาดี", "อินทรวงศ์", "ศรีวิชัย", "คำมูล", "ทาเงิน", "จันทร์แก้ว", "ยาวิชัย",
    "กันทะวงศ์", "สุริยะ", "ไชยวงศ์", "อุ่นเรือน", "ธรรมสอน", "บุญเรือง", "แก้วมูล", "ปันทะนะ",
    "วงศ์ใหญ่", "ชัยมงคล", "ติ๊บปะละ", "มณีวรรณ",
)
MEMBERS = (1, 2, 3, 4, 5, 6, 7)
MEMBER_WEIGHTS = (12, 24, 26, 19, 11, 5, 3)  # mean about 3.2
STREAM_SETS = (
    ("organic", "recyclable"), ("organic", "recyclable", "general"), ("organic",),
    ("organic", "general"), ("recyclable",), ("recyclable", "general"), ("general",),
    ("organic", "recyclable", "general", "hazardous"), ("organic", "recyclable", "hazardous"),
    ("hazardous",),
)
STREAM_WEIGHTS = (32, 22, 14, 8, 7, 5, 4, 3, 3, 2)
KG_RANGE = {"organic": (0.2, 2), "recyclable": (0.1, 3), "general": (0.2, 2), "hazardous": (0, 0.5)}
FAILS = {  # a failed check point and what the inspector writes
    "food_waste_in_bin": "ไม่พบเศษอาหารในถัง", "lid_closed": "ฝาถังไม่ได้ปิด",
    "used_correctly": "ทิ้งขยะชนิดอื่นปนในถังขยะเปียก", "bin_built": "ถังชำรุด ต้องฝังใหม่",
}
FIVE_POINTS = ("registered", "bin_built", "food_waste_in_bin", "lid_closed", "used_correctly")


@dataclass
class LgoProfile:
    featured: bool
    level: float  # scales the keenness of its villages
    trend: float  # change of the logging rate across the logged days (see TRENDS)
    small: bool  # registers only its first village


@dataclass
class VillagePlan:
    id: int
    code: str
    lgo_id: int
    propensity: float  # how keen the village is to log
    pass_rate: float
    inspected: float  # share of households inspected lately
    volunteer_id: int | None  # a demo volunteer assigned here
    staff_id: int | None  # a demo staff member of its LGO
    trend: float = 0.0  # its LGO's trend


@dataclass
class HouseholdPlan:
    village: VillagePlan
    row: dict[str, Any]  # the households row, inserted when the key is missing
    propensity: float
    inspections: int
    resident_id: int | None = None  # the demo resident who logs for this household

    @property
    def key(self) -> str:
        return f"{self.village.code}/{self.row['house_number']}"


def load_demo_households(
    session: Session, *, today: dt.date, seed: int = 2567, scale: float = 1.0
) -> dict[str, int]:
    """Add the demo households, their logs and inspections that are missing; never commits.

    ``session`` must be ``db.session`` (the verification refresh runs on it). ``scale`` shrinks
    each village's household count (tests use 0.1). Returns how many rows were created.
    """
    residents = _residents(session)
    plans = _plan(session, random.Random(seed), today, scale, residents, seed)
    village_ids = {p.village.id for p in plans}
    existing = _existing(session, village_ids)
    missing = [p.row for p in plans if (p.village.id, p.row["house_number"]) not in existing]
    for start in range(0, len(missing), CHUNK):
        session.execute(insert(Household.__table__), missing[start:start + CHUNK])
    existing = _existing(session, village_ids)
    for plan in plans:
        if plan.resident_id is not None:
            session.execute(
                update(RoleGrant)
                .where(RoleGrant.id == residents[plan.row["phone"]][1],
                       RoleGrant.household_id.is_(None))
                .values(household_id=existing[(plan.village.id, plan.row["house_number"])].id)
            )

    now = dt.datetime.now(dt.UTC)
    logs, inspections = [], []
    for plan in plans:
        household = existing[(plan.village.id, plan.row["house_number"])]
        if not household.active or household.occupancy != Occupancy.occupied:
            continue
        logs += _logs(plan, household, today, now, seed)
        inspections += _inspections(plan, household, today, now, seed)
    logged = _insert(session, SortingLog,
                     ids.assign(session, SortingLog.__table__, LEGACY_NAMESPACE, logs))
    inspected = _insert(session, Inspection,
                        ids.assign(session, Inspection.__table__, LEGACY_NAMESPACE, inspections))
    if inspected:
        refresh_verification(inspected)
    if logged:
        session.execute(text("""
            update households h set last_log_on = l.latest
            from (select household_id, max(log_date) as latest from sorting_logs
                  where household_id = any(:ids) and voided_at is null
                  group by household_id) l
            where h.id = l.household_id and h.last_log_on is distinct from l.latest
        """), {"ids": sorted(logged)})
    session.flush()
    return {"households": len(missing), "sorting_logs": sum(logged.values()),
            "inspections": sum(inspected.values())}


def _plan(
    session: Session, rng: random.Random, today: dt.date, scale: float,
    residents: dict[str, tuple[int, int]], seed: int,
) -> list[HouseholdPlan]:
    """Plan every demo household from the territory alone (never from what is already there)."""
    volunteers = dict(session.execute(
        select(VolunteerAssignment.village_id, func.min(VolunteerAssignment.user_id))
        .join(VolunteerProfile, VolunteerProfile.user_id == VolunteerAssignment.user_id)
        .where(VolunteerProfile.active).group_by(VolunteerAssignment.village_id)
    ).tuples().all())
    staff = dict(session.execute(
        select(RoleGrant.lgo_id, func.min(RoleGrant.user_id))
        .where(RoleGrant.role == Role.lgo_staff).group_by(RoleGrant.lgo_id)
    ).tuples().all())
    villages = session.execute(
        select(Village.id, Village.code, Village.lgo_id, Lgo.code.label("lgo_code"),
               Village.kind, Village.households_estimate, Village.geom)
        .join(Lgo, Lgo.id == Village.lgo_id)
        .order_by(Village.code)
    ).all()
    profiles = _profiles(sorted({v.lgo_code for v in villages}), seed)
    used_phones: set[str] = set()
    plans: list[HouseholdPlan] = []
    first_village: set[str] = set()
    for v in villages:
        profile = profiles[v.lgo_code]
        if profile.small and v.lgo_code in first_village:
            continue
        first_village.add(v.lgo_code)
        town = v.kind == VillageKind.community
        village = VillagePlan(
            id=v.id, code=v.code, lgo_id=v.lgo_id,
            propensity=min(0.95, rng.uniform(0.25, 0.9) * profile.level),
            pass_rate=rng.uniform(0.7, 0.85), inspected=rng.uniform(0.35, 0.55),
            volunteer_id=volunteers.get(v.id), staff_id=staff.get(v.lgo_id),
            trend=profile.trend,
        )
        has_bin = min(0.9, max(0.55, 0.4 + 0.55 * village.propensity + rng.gauss(0, 0.05)))
        communal = rng.uniform(0.03, 0.1) if town else 0.0
        no_space = rng.uniform(0.02, 0.08) if town else 0.0
        share, low, high = ((SHARE, MIN_HOUSEHOLDS, MAX_HOUSEHOLDS) if profile.featured
                            else (SAMPLE_SHARE, SAMPLE_MIN, SAMPLE_MAX))
        size = round((v.households_estimate or 0) * share * rng.uniform(0.8, 1.2))
        size = min(high, max(low, size))
        size = max(3, round(size * scale))
        shape = to_shape(v.geom)
        shapely.prepare(shape)
        for house in _house_numbers(rng, size):
            lon, lat = _point_in(rng, shape)
            rest = max(0.0, 1 - has_bin - communal - no_space)
            wet_bin = rng.choices(list(WetBin), (has_bin, communal, no_space, rest))[0]
            vacant = rng.random() < 0.03
            row = {
                "lgo_id": v.lgo_id, "village_id": v.id, "house_number": house,
                "point": f"SRID=4326;POINT({lon!r} {lat!r})",
                "gps_accuracy_m": round(rng.uniform(3, 25), 1),
                "members": 0 if vacant else rng.choices(MEMBERS, MEMBER_WEIGHTS)[0],
                "head_name": f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
                "phone": _phone(rng, used_phones) if rng.random() < 0.4 else None,
                "occupancy": Occupancy.vacant if vacant else Occupancy.occupied,
                "wet_bin": WetBin.none if vacant else wet_bin,
                "registered_on": today - dt.timedelta(days=rng.randint(7, REGISTRATION_DAYS)),
                "consents": {name: rng.random() < share
                             for name, share in zip(CONSENTS, (0.4, 0.25, 0.15), strict=True)},
            }
            own = min(0.98, max(0.02, village.propensity + rng.gauss(0, 0.12)))
            # Inspectors go mostly to households that have an arrangement to check.
            times = 0
            if rng.random() < village.inspected * (1.1 if wet_bin != WetBin.none else 0.1):
                times = 2 if rng.random() < 0.3 else 1
            plans.append(HouseholdPlan(village, row, own, times))
        for phone, (code, house) in RESIDENT_HOUSES.items():
            if code == v.code and phone in residents:
                # Its own generator: the other households do not depend on the accounts.
                plans.append(_resident_plan(
                    village, house, phone, residents[phone][0], today,
                    random.Random(f"{seed}/{phone}"), shape))
    return plans


def _profiles(lgo_codes: list[str], seed: int) -> dict[str, LgoProfile]:
    """Give every LGO its level and trend; a few of the sampled ones stay small."""
    rng = random.Random(f"{seed}/lgos")
    sampled = [code for code in lgo_codes if code not in DEMO_LGOS]
    small = set(rng.sample(sampled, min(SMALL_LGOS, len(sampled))))
    profiles = {}
    for code in lgo_codes:
        trend = rng.choices(list(TRENDS), (4, 3, 3))[0]
        profiles[code] = LgoProfile(
            featured=code in DEMO_LGOS, level=rng.uniform(0.6, 1.25),
            trend=TRENDS[trend] * rng.uniform(0.6, 1.2), small=code in small,
        )
    return profiles


def _resident_plan(
    village: VillagePlan, house: str, phone: str, user_id: int, today: dt.date,
    rng: random.Random, shape: Any,
) -> HouseholdPlan:
    lon, lat = _point_in(rng, shape)
    row = {
        "lgo_id": village.lgo_id, "village_id": village.id, "house_number": house,
        "point": f"SRID=4326;POINT({lon!r} {lat!r})", "gps_accuracy_m": 5.0, "members": 4,
        "head_name": f"{rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}",
        "phone": phone, "occupancy": Occupancy.occupied, "wet_bin": WetBin.has_bin,
        "registered_on": today - dt.timedelta(days=400),
        "consents": {"named_leaderboard": True, "photos": True, "share_with_buyers": False},
    }
    return HouseholdPlan(village, row, propensity=0.95, inspections=1, resident_id=user_id)


def _house_numbers(rng: random.Random, size: int) -> list[str]:
    """House numbers as a village has them: mostly plain, some split plots (12/1, 199/3)."""
    numbers: list[str] = []
    base = rng.randint(1, 15)
    while len(numbers) < size:
        numbers.append(str(base))
        if rng.random() < 0.18:
            numbers += [f"{base}/{k}" for k in range(1, rng.randint(1, 3) + 1)]
        base += rng.choice((1, 1, 1, 2, 3, 5))
    return numbers[:size]


def _point_in(rng: random.Random, shape: Any) -> tuple[float, float]:
    """A point uniformly inside ``shape`` (rejection sampling within its bounds)."""
    minx, miny, maxx, maxy = shape.bounds
    while True:
        x, y = round(rng.uniform(minx, maxx), 7), round(rng.uniform(miny, maxy), 7)
        if shapely.contains_xy(shape, x, y):
            return x, y


def _phone(rng: random.Random, used: set[str]) -> str:
    """A unique mobile number, never in the demo accounts' 081-000-0xxx range."""
    while True:
        phone = f"+66{rng.choice('89')}{rng.randrange(10**8):08d}"
        if not phone.startswith("+6681000") and phone not in used:
            used.add(phone)
            return phone


def _residents(session: Session) -> dict[str, tuple[int, int]]:
    """The demo residents' phone -> (user id, resident grant id)."""
    rows = session.execute(
        select(User.phone, User.id, RoleGrant.id)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(User.phone.in_(RESIDENT_HOUSES), RoleGrant.role == Role.resident)
        .order_by(RoleGrant.id)
    ).tuples().all()
    return {phone: (user_id, grant_id) for phone, user_id, grant_id in reversed(rows)}


def _existing(session: Session, village_ids: set[int]) -> dict[tuple[int, str], Any]:
    """Households already in these villages, active or not (a removed one is not re-created)."""
    rows = session.execute(
        select(Household.id, Household.village_id, Household.house_number, Household.active,
               Household.occupancy, Household.wet_bin, Household.registered_on,
               func.ST_X(Household.point).label("lon"), func.ST_Y(Household.point).label("lat"))
        .where(Household.village_id.in_(sorted(village_ids)))
        .order_by(Household.active, Household.id)
    ).all()
    # Active rows come last, so they win over removed ones with the same number.
    return {(row.village_id, row.house_number): row for row in rows}


def _draws(seed: int, key: str) -> random.Random:
    """A generator of its own for one stable key: a log's draws never shift another's."""
    return random.Random(zlib.crc32(f"{seed}/{key}".encode()) * 1_000_003 + seed)


def _chance(seed: int, key: str) -> float:
    """A uniform draw in [0, 1) for one stable key, without building a generator for it."""
    return zlib.crc32(f"{seed}/{key}".encode()) / 2**32


def _times(r: random.Random, day: dt.date, now: dt.datetime) -> dict[str, Any] | None:
    """When a phone made and sent an item that day (local daytime); ``None`` if yet to come."""
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=LOCAL)
    received = (midnight + dt.timedelta(hours=r.uniform(6, 20.5))).astimezone(dt.UTC)
    if received > now:
        return None
    return {"received_at": received, "clock_offset_s": r.randint(-20, 20),
            "device_time": received - dt.timedelta(seconds=r.randint(30, 600))}


def _logs(
    plan: HouseholdPlan, household: Any, today: dt.date, now: dt.datetime, seed: int
) -> list[dict[str, Any]]:
    """The household's sorting logs of the last weeks: keen households log more often."""
    village = plan.village
    traits = _draws(seed, plan.key)
    if plan.resident_id is None and traits.random() >= plan.propensity:
        return []
    per_day = min(6.0, 2 + 4 * plan.propensity * traits.uniform(0.7, 1.1)) / 7
    weighs = traits.random() < 0.35
    by_volunteer = 0.3 if village.volunteer_id else 0.15
    # The LGO's trend: some households began logging (or stopped) on a day within the window.
    began, stopped = LOG_DAYS, -1
    if plan.resident_id is None and traits.random() < abs(village.trend):
        if village.trend > 0:
            began = traits.randrange(LOG_DAYS)
        else:
            stopped = traits.randrange(LOG_DAYS)
    rows = []
    for ago in range(LOG_DAYS):
        day = today - dt.timedelta(days=ago)
        key = f"log/{plan.key}/{day.isoformat()}"
        # Most days have no log: decide that with one cheap draw, then draw the log's details.
        if (day < household.registered_on or not stopped < ago < began
                or _chance(seed, key) >= per_day):
            continue
        r = _draws(seed, key)
        times = _times(r, day, now)
        if times is None:
            continue
        streams = list(r.choices(STREAM_SETS, STREAM_WEIGHTS)[0])
        kept = household.wet_bin in (WetBin.has_bin, WetBin.communal)
        weights = (80, 8, 10, 2) if kept else (0, 40, 45, 15)  # wet bin, compost, feed, other
        handling = r.choices(list(OrganicHandling), weights)[0] if "organic" in streams else None
        volunteer = plan.resident_id is None and r.random() < by_volunteer
        rows.append({
            "key": f"log/{plan.key}/{day.isoformat()}",
            "household_id": household.id, "lgo_id": village.lgo_id, "village_id": village.id,
            "log_date": day, "streams": streams, "organic_handling": handling,
            **{f"kg_{s}": round(r.uniform(*KG_RANGE[s]), 1)
               if weighs and s in streams and r.random() < 0.8 else None for s in KG_RANGE},
            "recorded_by_id": village.volunteer_id if volunteer else plan.resident_id,
            "recorded_role": "volunteer" if volunteer else "resident",
            "device_id": f"demo-{village.code}-{'volunteer' if volunteer else 'household'}",
            **times,
        })
    return rows


def _inspections(
    plan: HouseholdPlan, household: Any, today: dt.date, now: dt.datetime, seed: int
) -> list[dict[str, Any]]:
    """One or two five-point checks in the last three months; the latest decides the sign."""
    village = plan.village
    rows: list[dict[str, Any]] = []
    passed_before = True
    for index in range(plan.inspections):
        r = _draws(seed, f"inspection/{plan.key}/{index}")
        last = index == plan.inspections - 1
        ago = r.randint(0, 30) if index else r.randint(35 if not last else 0, INSPECTION_DAYS)
        day = today - dt.timedelta(days=ago)
        if day < household.registered_on:
            day = household.registered_on + dt.timedelta(
                days=r.randint(0, (today - household.registered_on).days))
        times = _times(r, day, now)
        if times is None:
            continue
        has_bin = household.wet_bin != WetBin.none
        rate = village.pass_rate + (0.1 if not passed_before else 0)
        points = dict.fromkeys(FIVE_POINTS, True)
        if not has_bin:
            points.update(bin_built=False, food_waste_in_bin=False, used_correctly=False)
        elif plan.resident_id is None and r.random() >= rate:
            for name in r.sample(list(FAILS), r.choice((1, 1, 2))):
                points[name] = False
        passed_before = all(points.values())
        notes = [FAILS[n] for n in FAILS if not points[n]] if has_bin else ["ยังไม่มีถังขยะเปียก"]
        staff = village.staff_id is not None and (not village.volunteer_id or r.random() < 0.6)
        far = r.random() < 0.02
        distance = r.uniform(160, 600) if far else abs(r.gauss(0, 6))
        bearing = r.uniform(0, 2 * math.pi)
        point = None
        if household.lon is not None:
            lon = household.lon + distance * math.sin(bearing) / (
                111_320 * math.cos(math.radians(household.lat)))
            lat = household.lat + distance * math.cos(bearing) / 110_574
            point = f"SRID=4326;POINT({lon:.7f} {lat:.7f})"
        rows.append({
            "key": f"inspection/{plan.key}/{index}",
            "household_id": household.id, "lgo_id": village.lgo_id, "village_id": village.id,
            "inspected_on": day, **points, "passed": passed_before,
            "sorting_ok": r.random() < 0.8 if r.random() < 0.7 else None,
            "notes": " ".join(notes) or None, "inspector_point": point,
            "gps_accuracy_m": round(r.uniform(3, 15), 1),
            "distance_m": round(distance, 1) if point else None,
            "mock_location": False,
            "location_flag": ("far" if far else None) if point else "no_location",
            "recorded_by_id": village.staff_id if staff else village.volunteer_id,
            "recorded_role": "lgo_staff" if staff or not village.volunteer_id else "volunteer",
            "device_id": f"demo-{village.code}-inspector", **times,
        })
    return rows


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> dict[int, int]:
    """Insert the rows whose client id is new; return created rows per household.

    The rows are copied into a temporary table (COPY is several times faster than multi-row
    INSERTs for a demo's hundreds of thousands of logs) and moved over with ON CONFLICT DO
    NOTHING, so a rerun still inserts nothing.
    """
    created: dict[int, int] = {}
    if not rows:
        return created
    table = model.__table__.name
    columns = list(rows[0])
    names = ", ".join(columns)
    # One statement moves every row; the app's 30 s guard against runaway queries is not for it.
    session.execute(text("set local statement_timeout = 0"))
    session.execute(text(
        f"create temp table seed_rows on commit drop as select {names} from {table} with no data"
    ))
    cursor = session.connection().connection.cursor()
    cursor.copy_expert(f"copy seed_rows ({names}) from stdin", _copy_text(rows, columns))
    # A partitioned table (sorting logs) has no index on the client id alone: its claims
    # trigger refuses an id spent on another day, and (client id, day) catches a rerun.
    conflict = "" if getattr(model, "__claims__", None) else " (client_id)"
    if conflict == "":
        days = [row["log_date"] for row in rows]
        ensure_log_partitions(session, min(days), max(days))
    for (household_id,) in session.execute(text(f"""
        insert into {table} ({names}) select {names} from seed_rows
        on conflict{conflict} do nothing returning household_id
    """)):
        created[household_id] = created.get(household_id, 0) + 1
    session.execute(text("drop table seed_rows"))
    return created


def _copy_text(rows: list[dict[str, Any]], columns: list[str]) -> io.StringIO:
    """Rows in COPY's text format (tab-separated, \\N for NULL, arrays as {a,b})."""
    def cell(value: Any) -> str:
        if value is None:
            return "\\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, list):
            return "{" + ",".join(value) + "}"
        if isinstance(value, enum.Enum):
            value = value.value
        text_value = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
        return (text_value.replace("\\", "\\\\").replace("\t", "\\t")
                .replace("\n", "\\n").replace("\r", "\\r"))

    return io.StringIO("".join(
        "\t".join(cell(row[name]) for name in columns) + "\n" for row in rows
    ))
