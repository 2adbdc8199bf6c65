"""Every coded value the API gives that a screen shows has its words in Thai and in English.

The screens name a value through a string key made from it (``entry_welfare_credit``); a value
without its key would show as the raw key, or as the code itself. This reads the PWA's string
tables and checks every value of each list the API draws from, and that every key the screens
make from a value belongs to a list checked here.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from marshmallow import fields

from khaya.analytics import rewards
from khaya.analytics.classes import METHODS
from khaya.analytics.indicators import INDICATORS
from khaya.analytics.signoff import Action, State
from khaya.auth.audit import ACTIONS
from khaya.auth.models import Role, VolunteerType
from khaya.collection.models import HAZARD_TYPES, WHERE, PointKind, PointStatus
from khaya.households.models import Occupancy, WetBin
from khaya.participation.models import OrganicHandling, Stream
from khaya.participation.schemas import LOCATION_FLAGS, REVIEW_STATES, InspectionDataSchema
from khaya.reports.models import ReportStatus, ReportType
from khaya.sync.services import KINDS
from khaya.wastebank.models import EntryKind, Material

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "frontend" / "src"
STRING_FILES = (SRC / "strings.ts", SRC / "office" / "strings.ts",
                SRC / "office" / "province" / "strings.ts")
THAI = re.compile("[\u0e01-\u0e5b]")

# The five-point inspection's answers: the yes/no fields of an inspection.
INSPECTION_ANSWERS = [name for name, field in InspectionDataSchema().fields.items()
                      if isinstance(field, fields.Boolean) and name != "mock_location"]

# The badges a household earns, as rewards.py names them where it awards them.
BADGES = sorted(set(re.findall(r'"badge": "([a-z0-9_]+)"', inspect.getsource(rewards))))

# Key prefix -> every value the API may send for it.
SOURCES: dict[str, list[str]] = {
    "entry_": list(EntryKind),
    "material_": list(Material),
    "kind_": [*PointKind, *KINDS],  # collection points, and the outbox's item kinds
    "pstatus_": list(PointStatus),
    "role_": list(Role),
    "vtype_": list(VolunteerType),
    "occ_": list(Occupancy),
    "bin_": list(WetBin),
    "wet_bin_": list(WetBin),
    "stream_": list(Stream),
    "handling_": list(OrganicHandling),
    "rv_state_": list(REVIEW_STATES),
    "rv_flag_": list(LOCATION_FLAGS),
    "hazard_": list(HAZARD_TYPES),
    "ind_": list(INDICATORS),
    "o_unit_": sorted({indicator.unit for indicator in INDICATORS.values()}),
    "op_method_": list(METHODS),
    "aud_action_": sorted(ACTIONS),
    "q_": INSPECTION_ANSWERS,
    "ap_state_": [*State, "partly_accepted"],  # an area over several LGOs, some accepted
    "ap_action_": list(Action),
    "where_": list(WHERE),  # where a sorting-guide item goes
    "badge_": BADGES,
    "rtype_": list(ReportType),  # citizen reports' types and statuses
    "rstatus_": list(ReportStatus),
}
# Keys made from the screens' own choices, not from anything the API sends.
SCREEN_CHOICES = {"map_", "map_filter_", "ap_done_"}

# `prefix_${...}` as Key: a string key made from a value.
DYNAMIC_KEY = re.compile(r"`([a-z][a-z0-9_]*_)\$\{[^`]*\}` as Key")
ENTRY = re.compile(r"""^\s+([A-Za-z0-9_]+):\s*(['"`])(.*)\2,?\s*$""")


def _table(language: str) -> dict[str, str]:
    words: dict[str, str] = {}
    for path in STRING_FILES:
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(f"export const {language}"):
                inside = True
            elif inside and line.startswith("}"):
                inside = False
            elif inside and (entry := ENTRY.match(line)):
                words[entry.group(1)] = entry.group(3)
    assert len(words) > 300, f"read the {language} strings from {len(STRING_FILES)} files"
    return words


def test_every_key_the_screens_make_from_a_value_is_checked_here():
    made = set()
    for path in SRC.rglob("*.ts*"):
        made.update(DYNAMIC_KEY.findall(path.read_text(encoding="utf-8")))
    assert {"entry_", "role_"} <= made, "the screens' keys were found"
    assert made - set(SOURCES) - SCREEN_CHOICES == set()


def test_every_value_a_screen_shows_has_thai_and_english_words():
    thai, english = _table("th"), _table("en")
    missing, not_thai = [], []
    for prefix, values in SOURCES.items():
        assert values, prefix
        for value in values:
            key = f"{prefix}{value}"
            if key not in thai or key not in english or not english[key].strip():
                missing.append(key)
            elif not THAI.search(thai[key]):
                not_thai.append(key)
    assert missing == []
    assert not_thai == []
