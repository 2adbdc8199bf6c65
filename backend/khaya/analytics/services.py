"""What the dashboards ask: indicator tables, league tables, time series and choropleths.

Each takes the caller's scope (see ``territory``) and reads only rollups and the register
rows, through ``indicators.evaluate``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from flask import current_app
from sqlalchemy import text

from ..auth.scoping import Scope
from ..common.geo import GEOJSON_DECIMALS
from ..common.time import fiscal_year, local_today
from . import classes, periods, signoff
from . import definitions as texts
from .errors import InvalidQuery
from .facts import run
from .indicators import INDICATORS, evaluate, evaluate_periods, indicator_names
from .periods import MONTH, Period, PeriodError
from .territory import Area, Territory, load, select_areas

# Points in a time series, at most: a day series of a year, or 36 months.
MAX_POINTS = 400
GEOMETRY_TABLES = {"village": "villages", "tambon": "tambons", "lgo": "lgos",
                   "district": "districts", "province": "provinces"}
_FIGURE_KEYS = ("value", "numerator", "denominator", "small_denominator", "no_data")


def period_of(text_: str | None, start: dt.date | None, end: dt.date | None) -> Period:
    """Return the period of a query: ``period`` text, a ``from``/``to`` range, or by default
    the last complete month."""
    try:
        return periods.resolve(text_, start, end, today=local_today())
    except PeriodError as error:
        raise InvalidQuery(errors={"period": [str(error)]}) from None


def district_fields(territory: Territory, area: Area) -> dict[str, str | None]:
    """Return the district an area lies in as ``district_code``/``_name_th``/``_name_en``."""
    district = territory.district_of(area)
    return {"district_code": district.code if district else None,
            "district_name_th": district.name_th if district else None,
            "district_name_en": district.name_en if district else None}


def _figures_only(row: dict[str, Any], names: Sequence[str],
                  district: dict[str, str | None]) -> dict[str, Any]:
    return {"code": row["code"], "name_th": row["name_th"], "name_en": row["name_en"],
            **district, "indicators": {n: row[n] for n in names}}


def indicator_table(level: str, *, areas: Sequence[str] | None, parent: str | None,
                    period: Period, indicators: Sequence[str] | None,
                    scope: Scope | None) -> dict[str, Any]:
    """Return the indicators of the areas named, or of every area of ``level`` in ``parent``."""
    if areas and parent:
        raise InvalidQuery(errors={"parent": ["Give areas or parent, not both."]})
    names = indicator_names(indicators)
    territory = load()
    chosen = select_areas(territory, level, codes=areas, parent=parent, scope=scope)
    today = local_today()
    rows = evaluate(chosen, period, names, territory, today)
    by_code = {a.code: a for a in chosen}
    states = approval_states(chosen, period)
    return {"level": level, "period": period.as_dict(today), "indicators": names,
            "small_denominator_threshold": current_app.config["SMALL_DENOMINATOR"],
            "areas": [{**_figures_only(r, names, district_fields(territory, by_code[r["code"]])),
                       "approval_state": states.get(r["code"])} for r in rows]}


def approval_states(areas: Sequence[Area], period: Period) -> dict[str, str | None]:
    """The sign-off state of each area's month: its LGO's for an LGO, a village or a tambon
    inside one LGO; for an area over several LGOs, "accepted" only when all of them are, else
    "partly accepted" when some are. None for any period but a month."""
    if period.kind != MONTH or not areas:
        return {}
    # Each village's LGO from the territory in memory (a query cost 11 ms for a country).
    parents = load().parents
    lgo_of = {v: parents[v][1] for a in areas for v in a.village_ids if v in parents}
    states = signoff.states(sorted(set(lgo_of.values())), period.start)
    out: dict[str, str | None] = {}
    for area in areas:
        mine = {states[lgo_of[v]] for v in area.village_ids if v in lgo_of}
        if len({lgo_of[v] for v in area.village_ids if v in lgo_of}) == 1:
            out[area.code] = mine.pop()
        elif mine:
            out[area.code] = ("accepted" if mine == {"accepted"}
                              else "partly accepted" if "accepted" in mine else "open")
    return out


def _rank(rows: list[dict[str, Any]], *, lower_is_better: bool = False) -> None:
    """Rank by value, highest first (lowest first where lower is better); small denominators
    follow, unranked, and areas with no data (nothing to count) come last.

    Equal values share a rank (1, 2, 2, 4).
    """
    sign = 1 if lower_is_better else -1

    def key(row: dict[str, Any]) -> tuple:
        value = row["value"]
        return (row["no_data"], row["small_denominator"], sign * (value or 0), row["code"])

    rows.sort(key=key)
    rank, previous = 0, None
    for position, row in enumerate(rows, start=1):
        if row["small_denominator"] or row["no_data"]:
            row["rank"] = None
            continue
        if row["value"] != previous:
            rank, previous = position, row["value"]
        row["rank"] = rank


def league(level: str, *, parent: str | None, indicator: str, period: Period,
           scope: Scope | None) -> dict[str, Any]:
    """Rank the areas of ``level`` within ``parent`` by one indicator, with the change since
    the previous period of the same kind and the most improved area.

    A period still running compares like with like: its days so far against as many days
    from the start of the period before (``Period.like_for_like``); one not begun shows no
    change.
    """
    (name,) = indicator_names([indicator])
    territory = load()
    chosen = select_areas(territory, level, parent=parent, scope=scope)
    today = local_today()
    before = period.like_for_like(today)
    # Read together: two months (or years) cost one query per source, not two.
    now_rows, earlier_rows = evaluate_periods(chosen, [period, before], [name], territory, today)
    then_rows = {r["code"]: r[name] for r in earlier_rows}
    by_code = {a.code: a for a in chosen}
    states = approval_states(chosen, period)
    begun = period.start <= today
    rows = []
    for row in now_rows:
        figure, earlier = row[name], then_rows[row["code"]]
        change = None
        if begun and figure["value"] is not None and earlier["value"] is not None:
            change = round(figure["value"] - earlier["value"], 4)
        rows.append({"code": row["code"], "name_th": row["name_th"], "name_en": row["name_en"],
                     **district_fields(territory, by_code[row["code"]]),
                     **{k: figure[k] for k in _FIGURE_KEYS}, "unit": figure["unit"],
                     "previous": {k: earlier[k] for k in _FIGURE_KEYS}, "change": change,
                     "approval_state": states.get(row["code"])})
    lower = INDICATORS[name].lower_is_better
    _rank(rows, lower_is_better=lower)
    fair = [r for r in rows if r["change"] is not None and not r["small_denominator"]
            and not r["previous"]["small_denominator"]]
    # The improvement: a rise, or a fall where lower is better.
    gain = -1 if lower else 1
    best = min(fair, key=lambda r: (-gain * r["change"], r["code"]), default=None)
    return {"level": level, "parent": parent, "indicator": name,
            "period": period.as_dict(today), "previous_period": before.as_dict(today),
            "small_denominator_threshold": current_app.config["SMALL_DENOMINATOR"],
            "rows": rows,
            "most_improved": ({"code": best["code"], "name_th": best["name_th"],
                               "name_en": best["name_en"], "change": best["change"]}
                              if best and gain * best["change"] > 0 else None),
            "lower_is_better": lower}


def series_periods(granularity: str, start: dt.date, end: dt.date) -> list[Period]:
    """Return the periods of ``granularity`` that ``start``..``end`` touches, in order."""
    if end < start:
        raise InvalidQuery(errors={"to": ["Must not be before 'from'."]})
    out: list[Period] = []
    if granularity == periods.DAY:
        day = start
        while day <= end and len(out) <= MAX_POINTS:
            out.append(periods.day(day))
            day += dt.timedelta(days=1)
    elif granularity == periods.MONTH:
        out = [periods.month(m) for m in periods.month_starts(start, end)]
    else:
        first = periods.fiscal(fiscal_year(start))
        while first.start <= end and len(out) <= MAX_POINTS:
            out.append(first)
            first = periods.fiscal(int(first.label[2:]) + 1)
    if len(out) > MAX_POINTS:
        raise InvalidQuery(errors={"to": [f"At most {MAX_POINTS} points in a series."]})
    return out


def series(level: str, code: str, *, indicators: Sequence[str] | None, granularity: str,
           start: dt.date, end: dt.date, scope: Scope | None) -> dict[str, Any]:
    """Return one area's indicators period by period."""
    names = indicator_names(indicators)
    territory = load()
    (area,) = select_areas(territory, level, codes=[code], scope=scope)
    chosen = series_periods(granularity, start, end)
    today = local_today()
    points = [{"period": period.as_dict(today), "indicators": {n: row[n] for n in names}}
              for period, (row,) in zip(
                  chosen, evaluate_periods([area], chosen, names, territory, today),
                  strict=True)]
    return {"level": level, "code": area.code, "name_th": area.name_th, "name_en": area.name_en,
            "granularity": granularity, "indicators": names, "points": points}


def choropleth(level: str, *, parent: str | None, indicator: str, period: Period,
               classes_: int, method: str, tolerance: float | None,
               scope: Scope | None) -> str:
    """Return a GeoJSON FeatureCollection of the areas with the indicator and its class.

    Built in SQL: the figures travel as one JSON parameter and are joined to the boundaries.
    Areas with a small denominator get no class and do not move the breaks.
    """
    (name,) = indicator_names([indicator])
    territory = load()
    chosen = select_areas(territory, level, parent=parent, scope=scope)
    today = local_today()
    rows = evaluate(chosen, period, [name], territory, today)
    values = [r[name]["value"] for r in rows
              if r[name]["value"] is not None and not r[name]["small_denominator"]]
    bounds = classes.breaks(values, classes_, method)
    properties = [{
        "code": r["code"], "name_th": r["name_th"], "name_en": r["name_en"],
        **{k: r[name][k] for k in _FIGURE_KEYS},
        "no_data": r[name]["no_data"],
        "class": (None if r[name]["small_denominator"] or r[name]["no_data"]
                  else classes.classify(r[name]["value"], bounds)),
    } for r in rows]
    meta = {"indicator": name, "unit": INDICATORS[name].unit, "level": level,
            "period": {**period.as_dict(today), "start": period.start.isoformat(),
                       "end": period.end.isoformat()},
            "classes": {"method": method, "breaks": bounds}}
    geometry = ("t.geom" if not tolerance
                else "ST_Multi(ST_SimplifyPreserveTopology(t.geom, :tolerance))")
    sql = text(f"""
        select json_build_object(
            'type', 'FeatureCollection', 'khaya', cast(:meta as json),
            'features', coalesce(json_agg(
                ST_AsGeoJSON(f.*, 'geom', {GEOJSON_DECIMALS}, false)::json order by f.code),
                '[]'::json))::text
        from (select {geometry} as geom, p.*
              from {GEOMETRY_TABLES[level]} t
              join json_to_recordset(cast(:properties as json)) as p(
                  code text, name_th text, name_en text, value float8, numerator float8,
                  denominator float8, small_denominator boolean, no_data boolean, class int)
              on p.code = t.code) f
    """)
    return run(sql, {"meta": json.dumps(meta), "properties": json.dumps(properties),
                     "tolerance": tolerance}).scalar_one()


def definitions() -> dict[str, Any]:
    """Return what each indicator counts, the small-denominator threshold and carbon factors."""
    config = current_app.config
    return {"small_denominator_threshold": config["SMALL_DENOMINATOR"],
            "carbon": texts.carbon(float(config["CARBON_FOOD_WASTE_KG_PER_PERSON_DAY"]),
                                   float(config["CARBON_TCO2E_PER_TONNE"])),
            "wet_bin_coverage_arrangements": list(texts.COVERAGE_ARRANGEMENTS),
            "indicators": [{"name": i.name, "unit": i.unit, "numerator": i.numerator,
                            "denominator": i.denominator,
                            "definition_en": texts.TEXTS[i.name][0],
                            "definition_th": texts.TEXTS[i.name][1]}
                           for i in INDICATORS.values()]}


# The parent's headline figures on the printed summary, beside the league's own indicator.
SUMMARY_HEADLINE = ("participation", "wet_bin_coverage", "verified_compliance",
                    "bank_membership")


def _default_parent(territory: Territory, scope: Scope | None) -> str:
    """Return the area a summary covers by default: the caller's LGO, or their province."""
    if scope is not None and not scope.everything and len(scope.lgo_ids) == 1 \
            and not scope.province_ids:
        (lgo_id,) = scope.lgo_ids
        return next(a.code for a in territory.areas["lgo"].values() if a.id == lgo_id)
    provinces = [a for a in territory.areas["province"].values() if a.village_ids
                 and (scope is None or scope.everything or a.id in scope.province_ids)]
    if len(provinces) != 1:
        raise InvalidQuery(errors={"parent": ["Name the province or LGO to summarise."]})
    return provinces[0].code


def summary(*, level: str | None, parent: str | None, period: Period | None, indicator: str,
            scope: Scope | None) -> dict[str, Any]:
    """Return what the one-page summary prints: the parent's headline figures and the league.

    Defaults: the caller's province (provincial officers, admins) ranked by LGO, or an LGO
    role's own LGO ranked by village; the last complete month, so that every area is compared
    over a whole month against the whole month before.
    """
    territory = load()
    parent = parent or _default_parent(territory, scope)
    parent_level = territory.level_of(parent)
    if level is None:
        level = "village" if parent_level in ("lgo", "tambon") else "lgo"
    if period is None:
        period = periods.last_complete_month(local_today())
    table = league(level, parent=parent, indicator=indicator, period=period, scope=scope)
    names = list(dict.fromkeys([*SUMMARY_HEADLINE, indicator]))
    (headline,) = indicator_table(parent_level, areas=[parent], parent=None, period=period,
                                  indicators=names, scope=scope)["areas"]
    return {"level": level, "parent": {"level": parent_level, "code": parent,
                                       "name_th": headline["name_th"],
                                       "name_en": headline["name_en"]},
            "headline": headline["indicators"], "league": table,
            "approval_state": headline.get("approval_state")}
