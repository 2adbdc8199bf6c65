"""The sorting guide: the province's defaults, each LGO's changes, the banks' prices, search.

The items and the wet-bin section live in ``guide_items.json`` (the province defaults, each fact
with its sources); an LGO changes an item with a ``GuideOverride``, whose null fields follow the
default. The guide is public like the collection points: a reading sees any LGO's changes and
its banks' prices past the caller's scope on purpose, while a change goes through it. A change
to a key the data file no longer has is kept but not shown.

An item's bin colour follows its stream (the data file's ``streams``), so an LGO that moves an
item to another stream moves its colour with it; its material (what a waste bank buys it as)
holds only while it goes to the waste bank.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert

from ..areas.models import Lgo
from ..auth.access import current_principal
from ..auth.scoping import unscoped
from ..columns import utcnow
from ..common.time import local_today
from ..extensions import db
from ..wastebank.models import Price, WasteBank
from .errors import GuideItemNotFound, GuideLgoNotFound, InvalidGuideOverride
from .guide_search import Entry, search
from .models import GuideOverride
from .services import lgo_to_act_for

DATA = Path(__file__).with_name("guide_items.json")
# What an LGO may change; the notes are its own words beside the default.
CHANGEABLE = ("stream", "where", "prepare_th", "prepare_en")
NOTES = ("note_th", "note_en")
# A place that takes one stream only; general collection takes anything but hazardous waste.
PLACE_STREAM = {"wet_bin": "organic", "waste_bank": "recyclable",
                "hazardous_dropoff": "hazardous"}


@dataclass(frozen=True)
class Catalogue:
    version: str
    sources: dict[str, dict[str, str]]
    streams: list[dict[str, Any]]
    colours: dict[str, str]
    items: dict[str, dict[str, Any]]
    entries: tuple[Entry, ...]
    wet_bin: dict[str, Any]


@functools.cache
def catalogue() -> Catalogue:
    """The data file, read and indexed for search once per process."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return Catalogue(
        version=data["meta"]["version"],
        sources=data["sources"],
        streams=data["streams"],
        colours={stream["stream"]: stream["bin_colour"] for stream in data["streams"]},
        items={item["key"]: item for item in data["items"]},
        entries=tuple(Entry.of(item) for item in data["items"]),
        wet_bin=data["wet_bin"],
    )


def item_of(key: str) -> dict[str, Any]:
    item = catalogue().items.get(key)
    if item is None:
        raise GuideItemNotFound()
    return item


def changed_fields(change: GuideOverride) -> dict[str, Any]:
    return {field: getattr(change, field) for field in (*CHANGEABLE, *NOTES)}


def effective(item: dict[str, Any], change: dict[str, Any] | None,
              prices: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The item as an LGO's residents see it: its change (``changed_fields``) applied, and the
    banks' prices."""
    view = {**item, "note_th": None, "note_en": None, "overridden": [], "price": None,
            "match": None}
    for field, value in (change or {}).items():
        if value is not None:
            view[field] = value
            view["overridden"].append(field)
    view["bin_colour"] = catalogue().colours[view["stream"]]
    if view["where"] != "waste_bank":
        view["material"] = None
    if view["material"] and prices:
        view["price"] = prices.get(view["material"])
    return view


def bank_prices(lgo_id: int, day: dt.date) -> dict[str, dict[str, Any]]:
    """Each material's lowest and highest price on ``day`` among the LGO's active banks."""
    latest = (
        select(Price.bank_id, Price.material, Price.price_per_kg)
        .join(WasteBank, WasteBank.id == Price.bank_id)
        .where(WasteBank.lgo_id == lgo_id, WasteBank.active, Price.valid_from <= day)
        .distinct(Price.bank_id, Price.material)
        .order_by(Price.bank_id, Price.material, Price.valid_from.desc())
        .subquery()
    )
    rows = db.session.execute(
        select(latest.c.material, func.min(latest.c.price_per_kg),
               func.max(latest.c.price_per_kg), func.count())
        .group_by(latest.c.material),
        # A bank's prices are public within the scheme, and the guide is public.
        execution_options=unscoped(),
    ).tuples().all()
    return {material.value: {"low": low, "high": high, "banks": banks}
            for material, low, high, banks in rows}


def _public_lgo(code: str) -> Lgo:
    lgo = db.session.execute(select(Lgo).where(Lgo.code == code)).scalar_one_or_none()
    if lgo is None:
        raise GuideLgoNotFound()
    return lgo


def _changes(lgo_id: int) -> dict[str, GuideOverride]:
    rows = db.session.execute(
        select(GuideOverride).where(GuideOverride.lgo_id == lgo_id),
        # Every LGO's guide is public, whoever asks.
        execution_options=unscoped(),
    ).scalars()
    return {row.key: row for row in rows}


def guide(*, lgo: str | None = None, q: str | None = None,
          today: dt.date | None = None) -> dict[str, Any]:
    """The guide as an LGO's residents see it (the province defaults without ``lgo``), every
    item in the data file's order, or those matching ``q`` best first; the wet-bin section."""
    book = catalogue()
    day = today or local_today()
    place = _public_lgo(lgo) if lgo else None
    changes = _changes(place.id) if place else {}
    prices = bank_prices(place.id, day) if place else {}
    shown = {key: effective(item, changed_fields(changes[key]) if key in changes else None,
                            prices)
             for key, item in book.items.items()
             if not (key in changes and changes[key].hidden)}
    if q is None:
        items = list(shown.values())
    else:
        items = [{**shown[found.key], "match": found.tier}
                 for found in search(q, book.entries) if found.key in shown]
    return {
        "version": book.version,
        "lgo_code": place.code if place else None,
        "lgo_name_th": place.name_th if place else None,
        "lgo_name_en": place.name_en if place else None,
        "on": day,
        "q": q,
        "streams": book.streams,
        "items": items,
        "wet_bin": book.wet_bin,
        "sources": [{"key": key, **source} for key, source in book.sources.items()],
    }


def _check(view: dict[str, Any], given: dict[str, Any]) -> None:
    if not any(given.get(field) is not None for field in CHANGEABLE + NOTES) and not given[
            "hidden"]:
        raise InvalidGuideOverride(errors={"_schema": [
            "Change at least one field; DELETE the change to go back to the province default."]})
    stream, where = view["stream"], view["where"]
    wanted = PLACE_STREAM.get(where)
    problem = None
    if wanted and stream != wanted:
        problem = f"{where} takes {wanted} waste only; the item is {stream}."
    elif stream == "hazardous" and where != "hazardous_dropoff":
        problem = "Hazardous waste goes to the hazardous drop-off only."
    if problem:
        field = "stream" if given.get("where") is None and given.get("stream") else "where"
        raise InvalidGuideOverride(errors={field: [problem]})


def _view_of(change: GuideOverride, item: dict[str, Any]) -> dict[str, Any]:
    fields = changed_fields(change)
    return {"lgo_code": change.lgo.code, "key": change.key, **fields, "hidden": change.hidden,
            "updated_at": change.updated_at, "item": effective(item, fields)}


def put_override(key: str, data: dict[str, Any]) -> dict[str, Any]:
    """Set the caller's LGO's change to one item, as a whole (admins name the LGO)."""
    lgo = lgo_to_act_for(data.pop("lgo_code", None), InvalidGuideOverride)
    item = item_of(key)
    fields = {field: data.get(field) for field in CHANGEABLE + NOTES}
    _check(effective(item, fields), data)
    values = {**fields, "hidden": data["hidden"], "updated_by_id": current_principal().user_id}
    # One statement, so two staff saving the same item at once cannot both insert.
    db.session.execute(
        insert(GuideOverride)
        .values(lgo_id=lgo.id, key=key, **values)
        .on_conflict_do_update(constraint="uq_guide_overrides_lgo_key",
                               set_={**values, "updated_at": utcnow()})
    )
    change = db.session.execute(
        select(GuideOverride).where(GuideOverride.lgo_id == lgo.id, GuideOverride.key == key)
        .execution_options(populate_existing=True)
    ).scalar_one()
    return _view_of(change, item)


def delete_override(key: str, lgo_code: str | None) -> None:
    """Take back the caller's LGO's change to an item; without one there is nothing to do."""
    lgo = lgo_to_act_for(lgo_code, InvalidGuideOverride)
    item_of(key)
    db.session.execute(
        delete(GuideOverride).where(GuideOverride.lgo_id == lgo.id, GuideOverride.key == key))
