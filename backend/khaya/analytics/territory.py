"""Areas as sets of villages, and which of them a caller may ask about.

Every figure is summed from villages, so an area of any level is simply its set of villages:
a tambon's, a district's, the province's, or an LGO's (the PAO's is the whole province). An
area lies within a parent when all its villages are the parent's.

Scope, decided here for analytics (aggregates, not personal data): admins may ask about any
area; provincial officers about any area of their province; LGO staff and admins about their own
LGO and the areas wholly inside it (its villages, a tambon it covers alone); nobody else about
anything. An area outside the caller's reach answers as an unknown one (404).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from ..areas.models import District, Lgo, LgoType, Province, Tambon, Village
from ..auth.scoping import Scope
from ..extensions import db
from .errors import AreaNotFound, InvalidQuery

LEVELS = ("village", "tambon", "lgo", "district", "province")
_CODE_LEVEL = {2: "province", 4: "district", 6: "tambon", 8: "village"}
_DIGITS = re.compile(r"^\d+$")


@dataclass(frozen=True)
class Area:
    level: str
    id: int
    code: str
    name_th: str
    name_en: str
    village_ids: frozenset[int]
    lgo_type: str | None = None


@dataclass
class Territory:
    """Every area of every level, each with its villages; loaded once per call (a few ms)."""

    areas: dict[str, dict[str, Area]] = field(default_factory=dict)
    # village id -> (tambon id, lgo id, district id, province id)
    parents: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    lgo_district: dict[int, int] = field(default_factory=dict)
    lgo_province: dict[int, int] = field(default_factory=dict)
    district_codes: dict[int, str] = field(default_factory=dict)

    def level_of(self, code: str) -> str:
        """Return the level a code names: DOPA codes by their length, anything else an LGO."""
        if _DIGITS.match(code):
            level = _CODE_LEVEL.get(len(code))
            if level is None:
                raise AreaNotFound(errors={"area": [f"No area {code!r}."]})
            return level
        return "lgo"

    def get(self, level: str, code: str) -> Area:
        area = self.areas[level].get(code)
        if area is None:
            raise AreaNotFound(errors={"area": [f"No {level} {code!r}."]})
        return area

    def district_of(self, area: Area) -> Area | None:
        """Return the district an area lies in; ``None`` for districts, provinces and the PAO.

        A village or tambon lies in its tambon's district. An LGO is placed in the district of
        its office (``lgos.district_id``), the rule that already counts its village-less
        drop-off points: a municipality's villages may straddle a district line, its office
        does not. The PAO serves the whole province, so it has none.
        """
        if area.level == "lgo":
            if area.lgo_type == LgoType.PAO.value:
                return None
            district_id = self.lgo_district.get(area.id)
        elif area.level in ("village", "tambon") and area.village_ids:
            district_id = self.parents[next(iter(area.village_ids))][2]
        else:
            return None
        code = self.district_codes.get(district_id) if district_id is not None else None
        return self.areas["district"].get(code) if code else None


# Areas change a few times a year (a boundary import, an LGO taking over villages); each
# process keeps what it read for a minute.
CACHE_SECONDS = 60.0
_cache: dict[str, tuple[float, Territory]] = {}


def load() -> Territory:
    """Return the territory, read at most once a minute per process and database."""
    key = str(db.engine.engine.url)
    cached = _cache.get(key)
    now = time.monotonic()
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    territory = _read()
    _cache[key] = (now, territory)
    return territory


def _read() -> Territory:
    """Read the territory: five small queries, a few hundred rows."""
    territory = Territory(areas={level: {} for level in LEVELS})
    villages = db.session.execute(
        select(Village.id, Village.code, Village.name_th, Village.name_en, Village.lgo_id,
               Village.tambon_id, Tambon.district_id, District.province_id)
        .join(Tambon, Tambon.id == Village.tambon_id)
        .join(District, District.id == Tambon.district_id)
        .order_by(Village.code)
    ).all()
    by: dict[str, dict[int, set[int]]] = {level: {} for level in LEVELS}
    for v in villages:
        territory.parents[v.id] = (v.tambon_id, v.lgo_id, v.district_id, v.province_id)
        territory.areas["village"][v.code] = Area(
            "village", v.id, v.code, v.name_th, v.name_en, frozenset({v.id}))
        for level, key in (("tambon", v.tambon_id), ("lgo", v.lgo_id),
                           ("district", v.district_id), ("province", v.province_id)):
            by[level].setdefault(key, set()).add(v.id)
    for level, model in (("tambon", Tambon), ("district", District), ("province", Province)):
        for row in db.session.execute(
            select(model.id, model.code, model.name_th, model.name_en).order_by(model.code)
        ):
            territory.areas[level][row.code] = Area(
                level, row.id, row.code, row.name_th, row.name_en,
                frozenset(by[level].get(row.id, ())))
            if level == "district":
                territory.district_codes[row.id] = row.code
    for lgo in db.session.execute(
        select(Lgo.id, Lgo.code, Lgo.name_th, Lgo.name_en, Lgo.type, Lgo.district_id,
               Lgo.province_id).order_by(Lgo.code)
    ):
        territory.lgo_district[lgo.id] = lgo.district_id
        territory.lgo_province[lgo.id] = lgo.province_id
        # The PAO has no villages of its own: it serves the whole province.
        members = (by["province"].get(lgo.province_id, set()) if lgo.type is LgoType.PAO
                   else by["lgo"].get(lgo.id, set()))
        territory.areas["lgo"][lgo.code] = Area(
            "lgo", lgo.id, lgo.code, lgo.name_th, lgo.name_en, frozenset(members),
            lgo.type.value)
    return territory


def reachable_villages(territory: Territory, scope: Scope | None) -> frozenset[int] | None:
    """Return the villages ``scope`` may ask about; ``None`` means all of them."""
    if scope is None or scope.everything:
        return None
    return frozenset(
        vid for vid, (_t, lgo_id, _d, province_id) in territory.parents.items()
        if lgo_id in scope.lgo_ids or province_id in scope.province_ids
    )


def _within(area: Area, villages: frozenset[int] | None) -> bool:
    return bool(area.village_ids) and (villages is None or area.village_ids <= villages)


def select_areas(
    territory: Territory, level: str, *, codes: Sequence[str] | None = None,
    parent: str | None = None, scope: Scope | None = None,
) -> list[Area]:
    """Return the areas asked for, in code order.

    ``codes`` names them; ``parent`` asks for every area of ``level`` within it; neither asks for
    every area of ``level`` the caller may reach. The PAO is listed only when named: it overlaps
    every other LGO. Raises ``AreaNotFound`` for an unknown code or one out of reach.
    """
    if level not in LEVELS:
        raise InvalidQuery(errors={"level": [f"One of: {', '.join(LEVELS)}."]})
    reach = reachable_villages(territory, scope)
    if codes:
        chosen = [territory.get(level, code) for code in dict.fromkeys(codes)]
        for area in chosen:
            if not _within(area, reach):
                raise AreaNotFound(errors={"area": [f"No {level} {area.code!r}."]})
        return sorted(chosen, key=lambda a: a.code)
    candidates: Iterable[Area] = territory.areas[level].values()
    if parent is not None:
        holder = territory.get(territory.level_of(parent), parent)
        if not _within(holder, reach):
            raise AreaNotFound(errors={"parent": [f"No area {parent!r}."]})
        candidates = [a for a in candidates if a.village_ids and a.village_ids <= holder.village_ids
                      and a is not holder]
    return sorted(
        (a for a in candidates if _within(a, reach) and a.lgo_type != LgoType.PAO.value),
        key=lambda a: a.code,
    )
