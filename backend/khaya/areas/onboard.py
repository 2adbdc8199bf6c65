"""Onboard a province: its districts and tambons from geothai, its LGOs and villages from files.

Provinces, districts and tambons (subdistricts) with their DOPA codes and Thai and English names
come from the ``geothai`` package (data: GeoThai/data, CC BY 4.0, from the Department of
Provincial Administration's registry). Nobody keeps that list by hand here.

Villages and LGOs are the provincial office's own lists, read from CSV or GeoPackage:

- **LGOs**: ``name_th``, ``name_en``, ``type`` (``PAO``, ``city_municipality``,
  ``town_municipality``, ``subdistrict_municipality``, ``SAO``, or the Thai short forms อบจ.,
  ทน., ทม., ทต., อบต.), ``tambons`` (the tambon codes it serves, separated by spaces, commas or
  semicolons), optionally ``code`` (the slug; made from the English name when left out),
  ``district_code`` (the district of its office; the first tambon's when left out),
  ``households``, and the office point as ``lon``/``lat`` columns (CSV) or a point geometry
  (GeoPackage).
- **Villages**: ``code`` (8 digits: the tambon's 6 and the หมู่ number), ``name_th``,
  ``name_en``, optionally ``moo`` (the last two digits when left out), ``kind`` (``village``
  or ``community``), ``lgo`` (the LGO's code; needed only where several LGOs serve the tambon),
  ``households``, and the point.

A load is checked as a whole before anything is written: a conflict (an unknown type, a village
of another province, a tambon two LGOs claim without a village saying which) refuses the files
and changes nothing. A dry run reports without writing. What is missing (a tambon without
villages, a tambon no LGO serves, no PAO) is reported and does not stop a load: the office may
send those lists later. Boundaries come afterwards through ``areas import-boundaries``.
An existing area keeps its names unless asked to take the package's (``update_names``): the
office may have corrected a name the registry spells differently.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import re
from collections.abc import Iterable
from typing import Any

import geothai
import pyogrio
import pyogrio.raw
import shapely
from geoalchemy2.shape import from_shape, to_shape
from sqlalchemy import select
from sqlalchemy.orm import Session, scoped_session

from ..common.geo import SRID
from ..errors import DomainError
from .errors import BoundaryImportError
from .importer import READ_ERRORS, _check_crs, _choose_layer, _normalise_code, _unreadable
from .models import (
    Assignment,
    District,
    Lgo,
    LgoType,
    LgoVersion,
    Province,
    Tambon,
    Village,
    VillageKind,
)

# Thailand's extent with a margin (DOPA: 97.3-105.7 E, 5.6-20.5 N): a point outside it has its
# longitude and latitude swapped, or is not in Thailand.
THAILAND = (97.0, 5.0, 106.0, 21.0)
LGO_TYPES = {
    **{t.value.lower(): t for t in LgoType},
    "อบจ.": LgoType.PAO, "อบจ": LgoType.PAO,
    "ทน.": LgoType.city_municipality, "ทน": LgoType.city_municipality,
    "ทม.": LgoType.town_municipality, "ทม": LgoType.town_municipality,
    "ทต.": LgoType.subdistrict_municipality, "ทต": LgoType.subdistrict_municipality,
    "อบต.": LgoType.SAO, "อบต": LgoType.SAO,
}
LGO_VERSION_NOTE = "province onboarding"
LON_FIELDS = ("lon", "lng", "long", "longitude", "x")
LAT_FIELDS = ("lat", "latitude", "y")


class ProvinceLoadError(DomainError):
    status = 422
    code = "province_load_error"
    message = "The province cannot be loaded; nothing was changed."
    message_th = "นำเข้าข้อมูลจังหวัดไม่ได้ ไม่มีข้อมูลใดถูกเปลี่ยน"


@dataclasses.dataclass
class Problem:
    """One row the load cannot use (a conflict) or one gap it reports (missing)."""

    kind: str
    code: str
    message: str
    message_th: str
    file: str | None = None
    row: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class LoadReport:
    """What a load created, changed, left as it was, found missing and found in conflict."""

    province: str
    name_th: str
    name_en: str
    data_version: str
    dry_run: bool
    update_names: bool = False
    created: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    updated: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    unchanged: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    names_differ: list[dict[str, str]] = dataclasses.field(default_factory=list)
    missing: list[Problem] = dataclasses.field(default_factory=list)
    conflicts: list[Problem] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def note(self, outcome: str, level: str, code: str) -> None:
        getattr(self, outcome).setdefault(level, []).append(code)

    def as_dict(self) -> dict[str, Any]:
        def counted(part: dict[str, list[str]]) -> dict[str, Any]:
            return {level: {"count": len(part.get(level, [])), "codes": part.get(level, [])}
                    for level in ("provinces", "districts", "tambons", "lgos", "villages")}
        return {
            "province": self.province, "name_th": self.name_th, "name_en": self.name_en,
            "source": "geothai (GeoThai/data, CC BY 4.0, from DOPA's registry)",
            "data_version": self.data_version, "dry_run": self.dry_run,
            "update_names": self.update_names, "ok": self.ok,
            "created": counted(self.created), "updated": counted(self.updated),
            "unchanged": counted(self.unchanged), "names_differ": self.names_differ,
            "missing": [p.as_dict() for p in self.missing],
            "conflicts": [p.as_dict() for p in self.conflicts],
        }


@dataclasses.dataclass(frozen=True)
class Row:
    """One row of an office file: its position (1 = the first data row), fields and point."""

    number: int
    fields: dict[str, str]
    point: tuple[float, float] | None
    point_error: str | None = None


# -- reading the office's files ----------------------------------------------------------------

def read_rows(path: str | os.PathLike[str], name: str) -> list[Row]:
    """Read a CSV (UTF-8, with or without a BOM) or any vector file GDAL reads (GeoPackage)."""
    path = os.fspath(path)
    if path.lower().endswith((".csv", ".txt")):
        return _read_csv(path, name)
    return _read_vector(path, name)


def _read_csv(path: str, name: str) -> list[Row]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ProvinceLoadError(
            f"Cannot read the {name} file {os.path.basename(path)}: {exc}. Save it as UTF-8 CSV.",
            message_th=f"อ่านไฟล์{_NAME_TH[name]} {os.path.basename(path)} ไม่ได้ "
                       f"ให้บันทึกเป็น CSV แบบ UTF-8",
            errors={name: [str(exc)]}) from exc
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for number, raw in enumerate(reader, start=1):
        fields = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()
                  if k is not None and not isinstance(v, list)}
        lon, lat = _first(fields, LON_FIELDS), _first(fields, LAT_FIELDS)
        point, error = None, None
        if lon or lat:
            try:
                point = (float(lon), float(lat))
            except ValueError:
                error = f"lon/lat {lon!r}, {lat!r} are not numbers"
        rows.append(Row(number, fields, point, error))
    return rows


def _read_vector(path: str, name: str) -> list[Row]:
    try:
        layer = _choose_layer(path, None)
        info = pyogrio.read_info(path, layer=layer)
        _check_crs(info["crs"], info["driver"])
        _, _, wkb, field_data = pyogrio.raw.read(path, layer=layer, force_2d=True)
    except BoundaryImportError as exc:
        raise ProvinceLoadError(exc.message, message_th=f"ไฟล์{_NAME_TH[name]}: {exc.message_th}",
                                errors={name: exc.errors}) from exc
    except READ_ERRORS as exc:
        unreadable = _unreadable(path, exc)
        raise ProvinceLoadError(unreadable.message,
                                message_th=f"ไฟล์{_NAME_TH[name]}: {unreadable.message_th}",
                                errors={name: unreadable.errors}) from exc
    names = [str(n).lower() for n in info["fields"]]
    rows = []
    for index in range(len(wkb) if wkb is not None else 0):
        fields = {n: _normalise_code(column[index], None) for n, column in zip(names, field_data,
                                                                                strict=True)}
        point, error = None, None
        if wkb[index] is not None:
            geom = shapely.from_wkb(wkb[index])
            if isinstance(geom, shapely.Point) and not geom.is_empty:
                point = (geom.x, geom.y)
            else:
                error = (f"a {geom.geom_type} where a point belongs (boundaries go through "
                         "`areas import-boundaries`)")
        rows.append(Row(index + 1, fields, point, error))
    return rows


def _first(fields: dict[str, str], names: Iterable[str]) -> str:
    return next((fields[n] for n in names if fields.get(n)), "")


_NAME_TH = {"lgos": "รายชื่อ อปท.", "villages": "รายชื่อหมู่บ้าน"}


# -- the load ------------------------------------------------------------------------------------

@dataclasses.dataclass
class _LgoSpec:
    code: str
    name_th: str
    name_en: str
    type: LgoType
    district_code: str
    tambons: tuple[str, ...]
    households: int | None
    point: tuple[float, float] | None


@dataclasses.dataclass
class _VillageSpec:
    code: str
    tambon_code: str
    moo: int | None
    kind: VillageKind
    name_th: str
    name_en: str
    lgo_code: str | None
    households: int | None
    point: tuple[float, float] | None


def load_province(
    session: Session | scoped_session[Any],
    code: str,
    *,
    lgos: list[Row] | None = None,
    villages: list[Row] | None = None,
    dry_run: bool = False,
    update_names: bool = False,
) -> LoadReport:
    """Load province ``code`` from geothai and the office's rows; return what it did or would do.

    Adds and flushes, never commits. Raises ``ProvinceLoadError`` for a code geothai does not
    know. Conflicts are in the report; when there are any, nothing is written.
    """
    code = (code or "").strip()
    package = geothai.province(code)
    if package is None:
        raise ProvinceLoadError(
            f"No province has the code {code!r}; use a two-digit DOPA code such as 51 (Lamphun).",
            message_th=f"ไม่มีจังหวัดรหัส {code!r} ให้ใช้รหัสจังหวัดสองหลักของกรมการปกครอง "
                       "เช่น 51 (ลำพูน)",
            errors={"code": ["Unknown province code."]})
    report = LoadReport(province=package.code, name_th=package.name_th, name_en=package.name_en,
                        data_version=geothai.DATA_VERSION, dry_run=dry_run,
                        update_names=update_names)
    districts = geothai.districts(package.code)
    tambons = [t for d in districts for t in geothai.subdistricts(d.code)]
    district_codes = {d.code for d in districts}
    tambon_codes = {t.code for t in tambons}

    lgo_specs = _lgo_specs(lgos or [], report, district_codes, tambon_codes)
    existing_lgos = {row.code: row for row in session.scalars(
        select(Lgo).join(Province, Province.id == Lgo.province_id)
        .where(Province.code == package.code))}
    other_lgos = set(session.scalars(
        select(Lgo.code).join(Province, Province.id == Lgo.province_id)
        .where(Province.code != package.code)))
    for spec in lgo_specs.values():
        if spec.code in other_lgos:
            report.conflicts.append(Problem(
                "lgo_code_taken", spec.code,
                f"LGO code {spec.code!r} belongs to an LGO of another province; give this one "
                "its own code in the code column.",
                f"รหัส อปท. {spec.code!r} เป็นของ อปท. ในจังหวัดอื่น ให้ระบุรหัสใหม่ในคอลัมน์ code",
                "lgos"))
    village_specs = _village_specs(villages or [], report, tambon_codes,
                                   set(lgo_specs) | set(existing_lgos), lgo_specs, session)
    _report_missing(session, report, package.code, tambons, lgo_specs, village_specs,
                    existing_lgos)
    if report.conflicts or dry_run:
        _classify_dry(session, report, package, districts, tambons, lgo_specs, village_specs,
                      update_names)
        return report
    _write(session, report, package, districts, tambons, lgo_specs, village_specs,
           existing_lgos, update_names)
    return report


def _int(value: str) -> int | None:
    value = value.replace(",", "").strip()
    if not value:
        return None
    number = float(value)
    if not number.is_integer() or number < 0:
        raise ValueError(value)
    return int(number)


def _conflict(report: LoadReport, file: str, row: Row, code: str, kind: str, message: str,
              message_th: str) -> None:
    report.conflicts.append(Problem(kind, code, message, message_th, file, row.number))


def _point(report: LoadReport, file: str, row: Row, code: str) -> tuple[float, float] | None:
    if row.point_error:
        _conflict(report, file, row, code, "bad_point", f"Row {row.number}: {row.point_error}.",
                  f"แถวที่ {row.number}: พิกัดไม่ถูกต้อง ({row.point_error})")
        return None
    if row.point is None:
        return None
    lon, lat = row.point
    west, south, east, north = THAILAND
    if not (west <= lon <= east and south <= lat <= north):
        _conflict(report, file, row, code, "point_outside_thailand",
                  f"Row {row.number}: the point {lon}, {lat} is not in Thailand (are longitude "
                  "and latitude swapped?).",
                  f"แถวที่ {row.number}: จุด {lon}, {lat} ไม่อยู่ในประเทศไทย "
                  "(สลับลองจิจูดกับละติจูดหรือไม่)")
        return None
    return row.point


def _lgo_specs(rows: list[Row], report: LoadReport, district_codes: set[str],
               tambon_codes: set[str]) -> dict[str, _LgoSpec]:
    specs: dict[str, _LgoSpec] = {}
    for row in rows:
        f = row.fields
        name_th, name_en = f.get("name_th", ""), f.get("name_en", "")
        code = f.get("code") or slugify(name_en)
        label = code or name_th or f"row {row.number}"
        if not name_th or not name_en or not code:
            _conflict(report, "lgos", row, label, "missing_field",
                      f"Row {row.number}: an LGO needs name_th and name_en.",
                      f"แถวที่ {row.number}: อปท. ต้องมี name_th และ name_en")
            continue
        if not re.fullmatch(r"[a-z0-9-]+", code):
            _conflict(report, "lgos", row, code, "bad_code",
                      f"Row {row.number}: LGO code {code!r} may hold only a-z, 0-9 and hyphens.",
                      f"แถวที่ {row.number}: รหัส อปท. {code!r} ใช้ได้เฉพาะ a-z, 0-9 และขีด")
            continue
        lgo_type = LGO_TYPES.get(f.get("type", "").lower())
        if lgo_type is None:
            _conflict(report, "lgos", row, code, "bad_type",
                      f"Row {row.number}: unknown LGO type {f.get('type', '')!r}; use one of "
                      f"{', '.join(t.value for t in LgoType)} or อบจ./ทน./ทม./ทต./อบต.",
                      f"แถวที่ {row.number}: ไม่รู้จักประเภท อปท. {f.get('type', '')!r} "
                      "ให้ใช้ อบจ. ทน. ทม. ทต. หรือ อบต.")
            continue
        served = tuple(dict.fromkeys(_normalise_code(c, 6) for c in re.split(r"[\s,;|]+",
                                                                               f.get("tambons",
                                                                                     ""))
                                     if c))
        strangers = [c for c in served if c not in tambon_codes]
        if strangers:
            _conflict(report, "lgos", row, code, "tambon_not_in_province",
                      f"Row {row.number}: tambon(s) {', '.join(strangers)} are not in province "
                      f"{report.province}.",
                      f"แถวที่ {row.number}: ตำบล {', '.join(strangers)} ไม่อยู่ในจังหวัด"
                      f"{report.name_th}")
            continue
        # Without a district or tambons, the office is in the capital district (DOPA's XX01),
        # where every PAO's is.
        district = _normalise_code(f.get("district_code", ""), 4) or (
            served[0][:4] if served else f"{report.province}01" if lgo_type is LgoType.PAO
            else "")
        if district not in district_codes:
            _conflict(report, "lgos", row, code, "district_not_in_province",
                      f"Row {row.number}: district {district or '(none)'} is not in province "
                      f"{report.province}; give district_code or the tambons it serves.",
                      f"แถวที่ {row.number}: อำเภอ {district or '(ไม่ระบุ)'} ไม่อยู่ในจังหวัด"
                      f"{report.name_th} ให้ระบุ district_code หรือตำบลที่ให้บริการ")
            continue
        try:
            households = _int(f.get("households", ""))
        except ValueError:
            _conflict(report, "lgos", row, code, "bad_number",
                      f"Row {row.number}: households {f.get('households')!r} is not a count.",
                      f"แถวที่ {row.number}: จำนวนครัวเรือน {f.get('households')!r} ไม่ใช่จำนวนนับ")
            continue
        if code in specs:
            _conflict(report, "lgos", row, code, "duplicate",
                      f"Row {row.number}: LGO {code!r} is listed twice.",
                      f"แถวที่ {row.number}: อปท. {code!r} อยู่ในรายชื่อซ้ำ")
            continue
        specs[code] = _LgoSpec(code, name_th, name_en, lgo_type, district, served, households,
                               _point(report, "lgos", row, code))
    return specs


def slugify(name: str) -> str:
    """Turn an English LGO name into its code: lowercase ASCII words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _village_specs(rows: list[Row], report: LoadReport, tambon_codes: set[str],
                   lgo_codes: set[str], lgo_specs: dict[str, _LgoSpec],
                   session: Session | scoped_session[Any]) -> dict[str, _VillageSpec]:
    serving: dict[str, list[str]] = {}
    for spec in lgo_specs.values():
        if spec.type is not LgoType.PAO:
            for tambon in spec.tambons:
                serving.setdefault(tambon, []).append(spec.code)
    # A tambon the files do not describe keeps the LGOs its villages already have.
    described = {t for s in lgo_specs.values() for t in s.tambons}
    for tambon, lgo_code in session.execute(
        select(Tambon.code, Lgo.code).join(Village, Village.tambon_id == Tambon.id)
        .join(Lgo, Lgo.id == Village.lgo_id).where(Tambon.code.in_(sorted(tambon_codes)))
        .distinct()
    ):
        if tambon not in described:
            serving.setdefault(tambon, []).append(lgo_code)
    specs: dict[str, _VillageSpec] = {}
    for row in rows:
        f = row.fields
        code = _normalise_code(f.get("code", ""), 8)
        if not re.fullmatch(r"[0-9]{8}", code):
            _conflict(report, "villages", row, code or f"row {row.number}", "bad_code",
                      f"Row {row.number}: village code {code!r} must be 8 digits (the tambon's 6 "
                      "and the หมู่ number).",
                      f"แถวที่ {row.number}: รหัสหมู่บ้าน {code!r} ต้องเป็นตัวเลข 8 หลัก "
                      "(รหัสตำบล 6 หลักและเลขหมู่)")
            continue
        tambon = code[:6]
        if tambon not in tambon_codes:
            _conflict(report, "villages", row, code, "tambon_not_in_province",
                      f"Row {row.number}: village {code} is in tambon {tambon}, which is not in "
                      f"province {report.province}.",
                      f"แถวที่ {row.number}: หมู่บ้าน {code} อยู่ในตำบล {tambon} "
                      f"ซึ่งไม่อยู่ในจังหวัด{report.name_th}")
            continue
        if not f.get("name_th") or not f.get("name_en"):
            _conflict(report, "villages", row, code, "missing_field",
                      f"Row {row.number}: village {code} needs name_th and name_en.",
                      f"แถวที่ {row.number}: หมู่บ้าน {code} ต้องมี name_th และ name_en")
            continue
        kind_text = (f.get("kind") or "village").lower()
        if kind_text not in {k.value for k in VillageKind}:
            _conflict(report, "villages", row, code, "bad_kind",
                      f"Row {row.number}: kind {kind_text!r} must be village or community.",
                      f"แถวที่ {row.number}: ชนิด {kind_text!r} ต้องเป็น village หรือ community")
            continue
        try:
            moo = _int(f.get("moo", "")) if f.get("moo") else int(code[6:]) or None
            households = _int(f.get("households", ""))
        except ValueError:
            _conflict(report, "villages", row, code, "bad_number",
                      f"Row {row.number}: moo and households must be whole numbers.",
                      f"แถวที่ {row.number}: เลขหมู่และจำนวนครัวเรือนต้องเป็นจำนวนเต็ม")
            continue
        lgo_code = f.get("lgo") or None
        if lgo_code is not None and lgo_code not in lgo_codes:
            _conflict(report, "villages", row, code, "unknown_lgo",
                      f"Row {row.number}: village {code} names LGO {lgo_code!r}, which is neither "
                      "in the LGO file nor in this province.",
                      f"แถวที่ {row.number}: หมู่บ้าน {code} ระบุ อปท. {lgo_code!r} "
                      "ซึ่งไม่มีในไฟล์ อปท. และไม่อยู่ในจังหวัดนี้")
            continue
        candidates = serving.get(tambon, [])
        if lgo_code is None:
            if len(candidates) > 1:
                _conflict(report, "villages", row, code, "lgo_ambiguous",
                          f"Row {row.number}: tambon {tambon} is served by "
                          f"{' and '.join(sorted(candidates))}; name village {code}'s LGO in "
                          "the lgo column.",
                          f"แถวที่ {row.number}: ตำบล {tambon} มีหลาย อปท. "
                          f"({', '.join(sorted(candidates))}) ให้ระบุ อปท. ของหมู่บ้าน {code} "
                          "ในคอลัมน์ lgo")
                continue
            if not candidates:
                _conflict(report, "villages", row, code, "no_lgo",
                          f"Row {row.number}: no LGO serves tambon {tambon}; list it under an "
                          f"LGO's tambons or name village {code}'s LGO in the lgo column.",
                          f"แถวที่ {row.number}: ไม่มี อปท. ใดดูแลตำบล {tambon} ให้เพิ่มตำบลนี้ใน"
                          f"รายการตำบลของ อปท. หรือระบุ อปท. ของหมู่บ้าน {code} ในคอลัมน์ lgo")
                continue
            lgo_code = candidates[0]
        elif lgo_code in lgo_specs and lgo_specs[lgo_code].tambons \
                and tambon not in lgo_specs[lgo_code].tambons \
                and lgo_specs[lgo_code].type is not LgoType.PAO:
            _conflict(report, "villages", row, code, "lgo_not_serving",
                      f"Row {row.number}: village {code} names LGO {lgo_code!r}, which does not "
                      f"serve tambon {tambon} in the LGO file.",
                      f"แถวที่ {row.number}: หมู่บ้าน {code} ระบุ อปท. {lgo_code!r} "
                      f"ซึ่งไม่ได้ดูแลตำบล {tambon} ตามไฟล์ อปท.")
            continue
        if code in specs:
            _conflict(report, "villages", row, code, "duplicate",
                      f"Row {row.number}: village {code} is listed twice.",
                      f"แถวที่ {row.number}: หมู่บ้าน {code} อยู่ในรายชื่อซ้ำ")
            continue
        specs[code] = _VillageSpec(code, tambon, moo, VillageKind(kind_text), f["name_th"],
                                   f["name_en"], lgo_code, households,
                                   _point(report, "villages", row, code))
    return specs


def _report_missing(session: Session | scoped_session[Any], report: LoadReport, province: str,
                    tambons: list[Any], lgo_specs: dict[str, _LgoSpec],
                    village_specs: dict[str, _VillageSpec],
                    existing_lgos: dict[str, Lgo]) -> None:
    # A tambon with villages stored has them, and an LGO that serves them.
    stored = set(session.scalars(select(Tambon.code).join(Village, Village.tambon_id == Tambon.id)
                                 .where(Tambon.code.like(f"{province}%")).distinct()))
    have_villages = {v.tambon_code for v in village_specs.values()} | stored
    served = {t for s in lgo_specs.values() if s.type is not LgoType.PAO for t in s.tambons} \
        | stored
    for tambon in tambons:
        if tambon.code not in have_villages:
            report.missing.append(Problem(
                "tambon_without_villages", tambon.code,
                f"Tambon {tambon.code} ({tambon.name_en}) has no villages yet.",
                f"ตำบล{tambon.name_th} ({tambon.code}) ยังไม่มีหมู่บ้าน"))
        if tambon.code not in served:
            report.missing.append(Problem(
                "tambon_without_lgo", tambon.code,
                f"No LGO serves tambon {tambon.code} ({tambon.name_en}).",
                f"ยังไม่มี อปท. ดูแลตำบล{tambon.name_th} ({tambon.code})"))
    types = {s.type for s in lgo_specs.values()} | {row.type for row in existing_lgos.values()}
    if LgoType.PAO not in types:
        report.missing.append(Problem(
            "no_pao", report.province,
            "The province has no PAO (อบจ.) yet; the LGO file lists none.",
            "จังหวัดยังไม่มี อบจ. ในไฟล์ อปท. ไม่มี อบจ."))
    with_villages = {v.lgo_code for v in village_specs.values()} | set(session.scalars(
        select(Lgo.code).join(Village, Village.lgo_id == Lgo.id).distinct()))
    for code, spec in lgo_specs.items():
        if spec.type is not LgoType.PAO and code not in with_villages:
            report.missing.append(Problem(
                "lgo_without_villages", code, f"LGO {code} has no villages yet.",
                f"{spec.name_th} ยังไม่มีหมู่บ้าน"))


def _names(row: Any, name_th: str, name_en: str) -> tuple[str, str] | None:
    return None if (row.name_th, row.name_en) == (name_th, name_en) else (name_th, name_en)


def _by_code(session: Session | scoped_session[Any], model: Any, codes: Iterable[str]
             ) -> dict[str, Any]:
    codes = sorted(set(codes))
    return {row.code: row for row in session.scalars(select(model).where(model.code.in_(codes)))}


def _classify_dry(session: Session | scoped_session[Any], report: LoadReport, package: Any,
                  districts: list[Any], tambons: list[Any], lgo_specs: dict[str, _LgoSpec],
                  village_specs: dict[str, _VillageSpec], update_names: bool) -> None:
    """Say what a load would create and what it would change, without writing."""
    for level, model, items in (("provinces", Province, [package]),
                                ("districts", District, districts),
                                ("tambons", Tambon, tambons)):
        rows = _by_code(session, model, (i.code for i in items))
        for item in items:
            row = rows.get(item.code)
            if row is None:
                report.note("created", level, item.code)
                continue
            differ = _names(row, item.name_th, item.name_en)
            if differ:
                _note_names(report, level, row, item)
            report.note("updated" if differ and update_names else "unchanged", level, item.code)
    spec_levels: tuple[tuple[str, Any, dict[str, Any]], ...] = (
        ("lgos", Lgo, lgo_specs), ("villages", Village, village_specs))
    for level, model, specs in spec_levels:
        rows = _by_code(session, model, specs)
        for code in specs:
            report.note("updated" if code in rows else "created", level, code)


def _note_names(report: LoadReport, level: str, row: Any, item: Any) -> None:
    report.names_differ.append({
        "level": level, "code": row.code, "name_th": row.name_th, "name_en": row.name_en,
        "package_name_th": item.name_th, "package_name_en": item.name_en})


def _set(row: Any, values: dict[str, Any]) -> bool:
    """Assign what differs; return whether anything did."""
    changed = False
    for name, value in values.items():
        current = getattr(row, name)
        if name in ("point", "office_point"):
            same = (value is None and current is None) or (
                value is not None and current is not None
                and shapely.equals_identical(to_shape(current), shapely.Point(value)))
            if not same:
                setattr(row, name, None if value is None else from_shape(shapely.Point(value),
                                                                         srid=SRID))
                changed = True
        elif current != value:
            setattr(row, name, value)
            changed = True
    return changed


def _write(session: Session | scoped_session[Any], report: LoadReport, package: Any,
           districts: list[Any], tambons: list[Any], lgo_specs: dict[str, _LgoSpec],
           village_specs: dict[str, _VillageSpec], existing_lgos: dict[str, Lgo],
           update_names: bool) -> None:
    def upsert(level: str, model: Any, items: list[Any], values: Any) -> dict[str, Any]:
        rows = _by_code(session, model, (i.code for i in items))
        for item in items:
            row = rows.get(item.code)
            fields = values(item)
            if row is None:
                row = rows[item.code] = model(code=item.code)
                _set(row, fields)
                session.add(row)
                report.note("created", level, item.code)
                continue
            if _names(row, item.name_th, item.name_en):
                _note_names(report, level, row, item)
                if not update_names:
                    fields.pop("name_th"), fields.pop("name_en")
            report.note("updated" if _set(row, fields) else "unchanged", level, item.code)
        session.flush()
        return rows

    province = upsert("provinces", Province, [package], lambda p: {
        "name_th": p.name_th, "name_en": p.name_en})[package.code]
    district_rows = upsert("districts", District, districts, lambda d: {
        "name_th": d.name_th, "name_en": d.name_en, "province_id": province.id})
    tambon_rows = upsert("tambons", Tambon, tambons, lambda t: {
        "name_th": t.name_th, "name_en": t.name_en,
        "district_id": district_rows[t.district_code].id,
        **({"postcode": t.postal_codes[0]} if t.postal_codes else {})})
    lgo_rows = upsert("lgos", Lgo, list(lgo_specs.values()), lambda s: {
        "name_th": s.name_th, "name_en": s.name_en, "type": s.type, "province_id": province.id,
        "district_id": district_rows[s.district_code].id, "households": s.households,
        **({"office_point": s.point, "office_point_source": "province onboarding file"}
           if s.point else {})})
    lgo_rows = {**existing_lgos, **lgo_rows}
    today = dt.date.today()
    versioned = set(session.scalars(select(LgoVersion.lgo_id).where(
        LgoVersion.lgo_id.in_([row.id for row in lgo_rows.values()]))))
    for code, spec in lgo_specs.items():
        row = lgo_rows[code]
        if row.id not in versioned:
            session.add(LgoVersion(lgo_id=row.id, type=spec.type, name_th=spec.name_th,
                                   name_en=spec.name_en, valid_from=today, valid_to=None,
                                   note=LGO_VERSION_NOTE))
    upsert("villages", Village, list(village_specs.values()), lambda v: {
        "name_th": v.name_th, "name_en": v.name_en, "tambon_id": tambon_rows[v.tambon_code].id,
        "moo": v.moo, "kind": v.kind, "lgo_id": lgo_rows[v.lgo_code].id,
        "lgo_assignment": Assignment.reference, "households_estimate": v.households,
        **({"point": v.point} if v.point else {})})
    session.flush()
