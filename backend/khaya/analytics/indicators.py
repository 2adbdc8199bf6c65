"""The indicators of DESIGN.md, for any area level and period: ``compute`` is the entry point.

    compute(level, areas, period, indicators=None, *, scope=None, today=None) -> list[dict]

- ``level``: ``village``, ``tambon``, ``lgo``, ``district`` or ``province``.
- ``areas``: a list of area codes (DOPA codes; LGO slugs), or one parent code as a string (every
  area of ``level`` wholly inside it), or ``None`` (every area of ``level``). The PAO is left
  out of LGO lists (it overlaps all of them) unless named.
- ``period``: a ``periods.Period`` or its text: ``2024-11-05``, ``2024-11``, ``FY2568``.
- ``indicators``: names from ``INDICATORS`` (default: all).
- ``scope``: ``None`` trusts the caller (CLI, exports, public maps of aggregates); the analytics
  routes pass the request's scope, and areas outside it raise ``AreaNotFound``.

Returns one dict per area in code order: ``level``, ``code``, ``name_th``, ``name_en``,
``period`` (its label) and, per indicator, a figure ``{"value", "numerator", "denominator",
"small_denominator", "unit"}`` plus ``breakdown`` or ``detail`` where they apply. ``value`` is
``None`` when the denominator is 0, and then ``no_data`` is true: nothing to count is not a
small denominator. ``small_denominator`` is true when the denominator is 1 to
``SMALL_DENOMINATOR`` - 1 (29 by default): a village of twelve households can swing from 0 to
100 % on one family, so league tables rank such areas after the others and maps may hide them;
areas with no data come after those, folded away.

Definitions (numerator / denominator; register counts at the period's end, or today while
the period runs; see ``registers`` for what the register counts):

- participation: occupied registered households with an accepted (not voided) sorting log dated
  in the period / occupied registered households.
- wet_bin_coverage: of those, households with a verified own bin, communal bin or "no space"
  arrangement (latest inspection on or before the end passed) / occupied households.
- verified_compliance: households whose latest inspection in the period passed / households
  inspected in the period.
- bank_membership: households with an open waste-bank account / occupied households.
- bank_activity: member households that deposited in the period / member households.
- bank_kg: kg deposited (reversed deposits excluded) / occupied households; by material.
- hazardous_kg_per_1000: hazardous kg collected at drop-off points / residents, x 1,000; by
  type. Points without a village count for their LGO, district and province only.
- kg_by_stream: kg households weighed in their logs / occupied households; by stream.
- reports_per_1000: citizen reports received in the period (merged duplicates left out) /
  occupied households, x 1,000.
- report_close_days: the median days from receipt to closing of the reports closed in the
  period (merged duplicates left out); numerator and denominator are how many closed. Ranked
  lowest first.
- carbon_tco2e (DLA wet-bin method): value = persons in verified bin households (own or
  communal) x CARBON_FOOD_WASTE_KG_PER_PERSON_DAY x days / 1000 x CARBON_TCO2E_PER_TONNE, with
  days = the period's days up to today; numerator = those persons / denominator = residents.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import text

from ..areas.models import LgoType
from ..auth.scoping import Scope
from ..collection.models import HAZARD_TYPES
from ..common.time import local_today
from .batch import gather_periods
from .errors import InvalidQuery
from .facts import run
from .figures import ALL_VILLAGES, Figures, Groups, Numbers, empty
from .models import MATERIAL_COLUMNS, MATERIALS, STREAM_COLUMNS
from .periods import Period, PeriodError, resolve
from .territory import Area, Territory, load, select_areas


@dataclass(frozen=True)
class Context:
    period: Period
    today: dt.date
    small: int
    kg_per_person_day: float
    tco2e_per_tonne: float


@dataclass(frozen=True)
class Indicator:
    name: str
    unit: str
    numerator: str
    denominator: str
    figure: Callable[[Numbers, Context], dict[str, Any]]
    # The base numbers it reads: only those are fetched and summed.
    needs: tuple[str, ...]
    # Ranked lowest first (days to close a report): a fall is the improvement.
    lower_is_better: bool = False


def _number(value: Any, digits: int = 3) -> int | float:
    if isinstance(value, int):
        return value
    return round(float(value or 0), digits)


def _figure(num: Any, den: Any, ctx: Context, unit: str, *, scale: float = 1.0,
            digits: int = 4, **extra: Any) -> dict[str, Any]:
    value = None if not den else round(float(num) * scale / float(den), digits)
    return {"value": value, "numerator": _number(num), "denominator": _number(den),
            "small_denominator": bool(0 < den < ctx.small), "no_data": not den, "unit": unit,
            **extra}


def _participation(n: Numbers, ctx: Context) -> dict[str, Any]:
    return _figure(n["households"] - n["off_register"], n["occupied"], ctx, "ratio")


def _coverage(n: Numbers, ctx: Context) -> dict[str, Any]:
    return _figure(n["verified"], n["occupied"], ctx, "ratio",
                   detail={"arrangements": n["arrangements"]})


def _compliance(n: Numbers, ctx: Context) -> dict[str, Any]:
    return _figure(n["passed"], n["inspected"], ctx, "ratio")


def _membership(n: Numbers, ctx: Context) -> dict[str, Any]:
    return _figure(n["bank_members"], n["occupied"], ctx, "ratio")


def _activity(n: Numbers, ctx: Context) -> dict[str, Any]:
    return _figure(n["depositors"], n["bank_members"], ctx, "ratio")


def _bank_kg(n: Numbers, ctx: Context) -> dict[str, Any]:
    return _figure(n["deposit_kg"], n["occupied"], ctx, "kg_per_household", digits=3,
                   breakdown={m: _number(n[f"bank_kg_{m}"]) for m in MATERIALS},
                   detail={"deposits": n["deposits"], "baht": _number(n["deposit_baht"], 2)})


def _hazardous(n: Numbers, ctx: Context) -> dict[str, Any]:
    kg = n["hazard_kg"]
    return _figure(sum(kg.values(), Decimal(0)), n["persons"], ctx, "kg_per_1000_residents",
                   scale=1000, digits=3, breakdown={t: _number(v) for t, v in kg.items()})


def _streams(n: Numbers, ctx: Context) -> dict[str, Any]:
    total = sum((n[c] for c in STREAM_COLUMNS), Decimal(0))
    return _figure(total, n["occupied"], ctx, "kg_per_household", digits=3,
                   breakdown={c[3:]: _number(n[c]) for c in STREAM_COLUMNS},
                   detail={"logs": n["logs"]})


def _carbon(n: Numbers, ctx: Context) -> dict[str, Any]:
    days = ctx.period.elapsed_days(ctx.today)
    tonnes = n["verified_persons"] * ctx.kg_per_person_day * days / 1000
    figure = _figure(n["verified_persons"], n["persons"], ctx, "tco2e",
                     detail={"days": days, "food_waste_tonnes": round(tonnes, 3),
                             "kg_per_person_day": ctx.kg_per_person_day,
                             "tco2e_per_tonne": ctx.tco2e_per_tonne})
    figure["value"] = round(tonnes * ctx.tco2e_per_tonne, 4)
    return figure


def _reports(n: Numbers, ctx: Context) -> dict[str, Any]:
    return _figure(n["reports"], n["occupied"], ctx, "reports_per_1000_households",
                   scale=1000, digits=2)


def _close_days(n: Numbers, ctx: Context) -> dict[str, Any]:
    taken = sorted(n["close_days"])
    figure = _figure(len(taken), len(taken), ctx, "days")
    figure["value"] = round(statistics.median(taken), 1) if taken else None
    return figure


INDICATORS: dict[str, Indicator] = {i.name: i for i in (
    Indicator("participation", "ratio", "occupied households that logged",
              "occupied registered households", _participation,
              ("households", "off_register", "occupied")),
    Indicator("wet_bin_coverage", "ratio", "households with a verified wet-bin arrangement",
              "occupied registered households", _coverage,
              ("verified", "occupied", "arrangements")),
    Indicator("verified_compliance", "ratio", "households whose latest inspection passed",
              "households inspected", _compliance, ("passed", "inspected")),
    Indicator("bank_membership", "ratio", "households with a waste-bank account",
              "occupied registered households", _membership, ("bank_members", "occupied")),
    Indicator("bank_activity", "ratio", "member households that deposited",
              "member households", _activity, ("depositors", "bank_members")),
    Indicator("bank_kg", "kg_per_household", "kg deposited at waste banks",
              "occupied registered households", _bank_kg,
              ("deposit_kg", "occupied", "deposits", "deposit_baht", *MATERIAL_COLUMNS)),
    Indicator("hazardous_kg_per_1000", "kg_per_1000_residents",
              "hazardous kg collected at drop-off points", "residents", _hazardous,
              ("hazard_kg", "persons")),
    Indicator("kg_by_stream", "kg_per_household", "kg weighed in sorting logs",
              "occupied registered households", _streams, (*STREAM_COLUMNS, "occupied", "logs")),
    Indicator("carbon_tco2e", "tco2e", "persons in verified wet-bin households",
              "residents", _carbon, ("verified_persons", "persons")),
    Indicator("reports_per_1000", "reports_per_1000_households",
              "citizen reports received", "occupied registered households", _reports,
              ("reports", "occupied")),
    Indicator("report_close_days", "days", "reports closed", "reports closed", _close_days,
              ("close_days",), lower_is_better=True),
)}


def indicator_names(names: Sequence[str] | None) -> list[str]:
    """Return the indicators asked for (all by default); raise for an unknown name."""
    if not names:
        return list(INDICATORS)
    unknown = [n for n in names if n not in INDICATORS]
    if unknown:
        raise InvalidQuery(errors={"indicators": [
            f"Unknown: {', '.join(unknown)}. Known: {', '.join(INDICATORS)}."]})
    return list(dict.fromkeys(names))


def context(period: Period, today: dt.date) -> Context:
    config = current_app.config
    return Context(period, today, int(config["SMALL_DENOMINATOR"]),
                   float(config["CARBON_FOOD_WASTE_KG_PER_PERSON_DAY"]),
                   float(config["CARBON_TCO2E_PER_TONNE"]))


def _hazard_in(area: Area, lgo_id: int, village_id: int | None, territory: Territory) -> bool:
    if area.level == "lgo":
        if area.lgo_type == LgoType.PAO.value:
            return territory.lgo_province.get(lgo_id) == territory.lgo_province.get(area.id)
        return lgo_id == area.id
    if village_id is not None:
        return village_id in area.village_ids
    if area.level == "district":
        return territory.lgo_district.get(lgo_id) == area.id
    return area.level == "province" and territory.lgo_province.get(lgo_id) == area.id


def area_numbers(area: Area, figures: Figures, territory: Territory, keys: Sequence[str],
                 villages: Iterable[int] | None = None) -> Numbers:
    """Sum the villages' base numbers ``keys`` into the area's, with its hazardous kg."""
    total: Numbers = empty()
    summed = [k for k in keys if k != "hazard_kg"]
    for village_id in area.village_ids if villages is None else villages:
        numbers = figures.villages.get(village_id)
        if numbers:
            for key in summed:
                total[key] += numbers.get(key) or 0
    if "hazard_kg" not in keys:
        return total
    kg = dict.fromkeys(HAZARD_TYPES, Decimal(0))
    for lgo_id, point_village, by_type in figures.hazards:
        if _hazard_in(area, lgo_id, point_village, territory):
            for t, weight in by_type.items():
                kg[t] += weight
    total["hazard_kg"] = kg
    return total


def _needs(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for n in names for k in INDICATORS[n].needs))


def _quick() -> None:
    # Every query here is small and index-driven: parallel workers would cost more to start
    # than they save (they doubled the latency of a league table).
    run(text("set local max_parallel_workers_per_gather = 0"))


def groups(areas: Sequence[Area]) -> tuple[Groups, dict[str, int]] | None:
    """Each village's area key, and each area's, when the areas' numbers can be summed in SQL:
    one area (key ``ALL_VILLAGES``), or areas of several villages each that share none (keys
    -1, -2, ...: never a village id). None when there is nothing to sum (a village table) or
    an area overlaps another (a PAO beside its LGOs)."""
    if len(areas) == 1:
        return ({v: ALL_VILLAGES for v in areas[0].village_ids}, {areas[0].code: ALL_VILLAGES})
    if sum(len(a.village_ids) for a in areas) < 2 * len(areas):
        return None
    of_village: Groups = {}
    for index, area in enumerate(areas, start=1):
        for village_id in area.village_ids:
            if village_id in of_village:
                return None
            of_village[village_id] = -index
    return of_village, {a.code: -i for i, a in enumerate(areas, start=1)}


def _rows(areas: Sequence[Area], period: Period, names: Sequence[str], figures: Figures,
          territory: Territory, today: dt.date,
          keys_of: dict[str, int] | None) -> list[dict[str, Any]]:
    keys = _needs(names)
    ctx = context(period, today)
    rows = []
    for area in areas:
        # Summed in SQL already when the villages were grouped by area.
        villages = ([keys_of[area.code]] if figures.grouped and keys_of
                    else area.village_ids)
        numbers = area_numbers(area, figures, territory, keys, villages)
        row: dict[str, Any] = {"level": area.level, "code": area.code, "name_th": area.name_th,
                               "name_en": area.name_en, "period": period.label}
        for name in names:
            row[name] = INDICATORS[name].figure(numbers, ctx)
        rows.append(row)
    return rows


def evaluate(areas: Sequence[Area], period: Period, names: Sequence[str],
             territory: Territory, today: dt.date) -> list[dict[str, Any]]:
    """Return the rows of ``compute`` for areas already chosen."""
    return evaluate_periods(areas, [period], names, territory, today)[0]


def evaluate_periods(areas: Sequence[Area], periods: Sequence[Period], names: Sequence[str],
                     territory: Territory, today: dt.date) -> list[list[dict[str, Any]]]:
    """Return ``evaluate`` for each period, reading a series of months or years at once."""
    _quick()
    villages = sorted({v for a in areas for v in a.village_ids})
    grouping = groups(areas)
    batches = gather_periods(periods, villages, today, frozenset(_needs(names)),
                             groups=grouping[0] if grouping else None)
    return [_rows(areas, period, names, figures, territory, today,
                  grouping[1] if grouping else None)
            for period, figures in zip(periods, batches, strict=True)]


def compute(
    level: str,
    areas: Sequence[str] | str | None,
    period: Period | str,
    indicators: Sequence[str] | None = None,
    *,
    scope: Scope | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Return the indicators of the areas asked for over ``period`` (see the module doc)."""
    try:
        resolved = resolve(period)
    except PeriodError as error:
        raise InvalidQuery(errors={"period": [str(error)]}) from None
    names = indicator_names(indicators)
    territory = load()
    if isinstance(areas, str):
        chosen = select_areas(territory, level, parent=areas, scope=scope)
    else:
        chosen = select_areas(territory, level, codes=areas, scope=scope)
    return evaluate(chosen, resolved, names, territory, today or local_today())
