"""Evidence for carbon credits: what a verifier needs to check an LGO's wet-bin tCO2e.

Thailand's T-VER credits from household wet-waste bins go through an MOI audit, a validation
and verification body and TGO, and the LGO keeps documentary evidence for each household. For
an LGO and a crediting period this builds one ZIP file (as an export job):

- ``households.csv``: each household the carbon figure counts at the period's end (occupied,
  verified, food waste into its own or a communal bin), by its household code, not its name:
  village, persons, days counted, kg of food waste and its share of tCO2e. The shares sum
  exactly to the carbon indicator of the same LGO and period (Decimal arithmetic, no rounding
  until the file);
- ``inspections.csv``: the counted inspections that verified each (the deciding one, and every
  other counted one in the period): date, the inspector's role, distance from the house, GPS
  accuracy, the location check and the LGO's review, the photo file;
- ``photos/``: those photos, as stored;
- ``summary.csv``: the LGO, the period, the days, the factors, persons and tCO2e in all;
- ``MANIFEST.sha256``: the SHA-256 of every other file, in ``sha256sum -c`` format, so a
  verifier can tell that nothing was changed.

The household code is the village code and the register id (``51010101-000123``): a verifier
can ask the LGO to show the household without the file naming anyone.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask import current_app
from sqlalchemy import select, text

from ..areas.models import Lgo, Village
from ..common.time import local_today
from ..extensions import db
from ..participation.models import Photo

MEDIA_TYPE = "application/zip"
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

_COUNTED = text("""
    with h as (
        select s.household_id as id, s.village_id, s.members, s.wet_bin
        from household_states s join households r on r.id = s.household_id
        where s.active and s.occupancy = 'occupied' and s.village_id = any(:villages)
          and r.registered_on <= :day and s.valid_from <= :day
          and (s.valid_until is null or s.valid_until > :day)
    ), decided as (
        select distinct on (i.household_id) i.household_id, i.id, i.inspected_on, i.passed,
               i.wet_bin
        from inspections i join h on h.id = i.household_id
        where i.counted and i.inspected_on <= :day
        order by i.household_id, i.inspected_on desc, i.received_at desc, i.id desc
    )
    select h.id, h.village_id, h.members, d.id as inspection_id, d.inspected_on,
           coalesce(d.wet_bin, h.wet_bin) as arrangement
    from h join decided d on d.household_id = h.id
    where d.passed and coalesce(d.wet_bin, h.wet_bin) in ('has_bin', 'communal')
    order by h.village_id, h.id
""")
_INSPECTIONS = text("""
    select i.id, i.household_id, i.inspected_on, i.recorded_role, i.distance_m,
           i.gps_accuracy_m, i.location_flag, i.review, i.passed, i.photo_id
    from inspections i
    where i.household_id = any(:households) and i.counted
      and (i.id = any(:deciding) or i.inspected_on between :start and :end)
    order by i.household_id, i.inspected_on, i.id
""")


@dataclass(frozen=True)
class EvidenceRequest:
    """An LGO (checked against the caller's reach) and a crediting period."""

    lgo_code: str
    start: dt.date
    end: dt.date

    def as_params(self) -> dict[str, Any]:
        return {"kind": "evidence", "lgo": self.lgo_code, "start": self.start.isoformat(),
                "end": self.end.isoformat()}

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> EvidenceRequest:
        return cls(params["lgo"], dt.date.fromisoformat(params["start"]),
                   dt.date.fromisoformat(params["end"]))


def _csv(rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def household_code(village_code: str, household_id: int) -> str:
    return f"{village_code}-{household_id:06d}"


def build(request: EvidenceRequest) -> tuple[bytes, list[int]]:
    """Return the ZIP file and the ids of the households it names."""
    lgo = db.session.execute(select(Lgo).where(Lgo.code == request.lgo_code)).scalar_one()
    villages = {v.id: v for v in db.session.execute(
        select(Village).where(Village.lgo_id == lgo.id)).scalars()}
    today = local_today()
    day = min(request.end, today)
    days = (day - request.start).days + 1
    kg_factor = Decimal(str(current_app.config["CARBON_FOOD_WASTE_KG_PER_PERSON_DAY"]))
    t_factor = Decimal(str(current_app.config["CARBON_TCO2E_PER_TONNE"]))
    counted = db.session.execute(_COUNTED, {"villages": sorted(villages), "day": day}).all()
    codes = {r.id: household_code(villages[r.village_id].code, r.id) for r in counted}
    households: list[list[Any]] = [[
        "household_code", "village_code", "village_name", "arrangement", "persons", "days",
        "food_waste_kg", "tco2e", "verified_by_inspection", "verified_on"]]
    total_persons, total_t = 0, Decimal(0)
    for r in counted:
        kg = r.members * kg_factor * days
        share = kg / 1000 * t_factor
        total_persons += r.members
        total_t += share
        households.append([codes[r.id], villages[r.village_id].code,
                           villages[r.village_id].name_th, r.arrangement, r.members, days,
                           kg, share, r.inspection_id, r.inspected_on.isoformat()])
    inspections: list[list[Any]] = [[
        "household_code", "inspection_id", "inspected_on", "inspector_role",
        "distance_from_house_m", "gps_accuracy_m", "location_check", "lgo_review", "passed",
        "photo"]]
    photo_files: dict[str, bytes] = {}
    found = db.session.execute(_INSPECTIONS, {
        "households": sorted(codes), "deciding": [r.inspection_id for r in counted],
        "start": request.start, "end": day}).all()
    photo_ids = [i.photo_id for i in found if i.photo_id]
    photos = {p.id: p for p in db.session.execute(
        select(Photo).where(Photo.id.in_(photo_ids))).scalars()} if photo_ids else {}
    for i in found:
        name = ""
        if i.photo_id and i.photo_id in photos:
            photo = photos[i.photo_id]
            name = f"photos/{photo.id}.{EXTENSIONS.get(photo.content_type, 'bin')}"
            photo_files[name] = photo.data
        inspections.append([codes[i.household_id], i.id, i.inspected_on.isoformat(),
                            i.recorded_role or "",
                            "" if i.distance_m is None else round(i.distance_m, 1),
                            "" if i.gps_accuracy_m is None else i.gps_accuracy_m,
                            i.location_flag or "ok", i.review or "", i.passed, name])
    summary: list[list[Any]] = [
               ["field", "value"], ["lgo_code", lgo.code], ["lgo_name", lgo.name_th],
               ["period_start", request.start.isoformat()], ["period_end", day.isoformat()],
               ["days", days], ["kg_food_waste_per_person_day", kg_factor],
               ["tco2e_per_tonne_food_waste", t_factor], ["households", len(counted)],
               ["persons", total_persons], ["tco2e", total_t],
               ["method", "DLA wet-bin method (T-VER): persons x kg/person/day x days / 1000 x "
                          "tCO2e per tonne; persons counted at the period's end"],
               ["made_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")]]
    files = {"households.csv": _csv(households), "inspections.csv": _csv(inspections),
             "summary.csv": _csv(summary), **photo_files}
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n"
                       for name, data in sorted(files.items()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr("MANIFEST.sha256", manifest)
    return out.getvalue(), sorted(codes)


def filename(request: EvidenceRequest) -> str:
    return f"khaya-carbon-evidence_{request.lgo_code}_{request.start}_{request.end}.zip"
