"""Forgiving search over the sorting guide, in Thai and English.

People type Thai with or without spaces, with a tone mark too many or too few, and spell loan
words several ways (ขวดเพ็ท, ขวดเพท, ขวด PET); they type English in any case and in the plural.
Both the query and every name and alias go through ``normalize`` before they are compared, so
the guide lists one spelling and finds the others.

The rules, in order (the PWA's offline search implements the same in TypeScript, so keep the two
in step and keep ``tests/collection/test_guide.py`` passing for both):

1. Unicode NFKC (``text.normalize("NFKC")``): full-width Latin and digits become ASCII.
2. Lower case (``toLowerCase()``).
3. Thai digits ๐-๙ become 0-9.
4. NFKC splits SARA AM (U+0E33) into NIKHAHIT + SARA AA; join U+0E4D U+0E32 back into U+0E33.
5. Delete the marks that sit above or below a Thai consonant and do not change which word it is
   when matching: MAITAIKHU U+0E47, the tone marks U+0E48-U+0E4B, THANTHAKHAT U+0E4C, NIKHAHIT
   U+0E4D (what is left of it after rule 4) and YAMAKKAN U+0E4E. ถ่าน = ถาน, เพ็ท = เพท,
   สเปรย์ = สเปรย.
6. An English word (a run of a-z) of four letters or more loses its plural ending: -ies becomes
   -y (batteries -> battery); -sses, -shes, -ches, -xes, -zes lose -es (boxes -> box); otherwise
   a final -s goes unless the word ends in -ss or -us (bottles -> bottle, glass stays).
7. Delete every character that is not a Thai consonant or vowel (U+0E01-U+0E2E, U+0E30-U+0E3A,
   U+0E40-U+0E45), a Latin letter a-z or a digit 0-9: spaces, zero-width and direction marks
   (U+200B-U+200F, U+2060, U+FEFF, ...), punctuation, MAI YAMOK ๆ, PAIYANNOI ฯ.
   "ถ่าน ไฟฉาย" = "ถ่านไฟฉาย".
8. Variants: after rules 1-7, replace each of these everywhere in the text, in this order
   (``VARIANTS``, longest first): อะลูมิเนียม -> อลูมิเนียม; aluminium -> aluminum;
   แบตเตอรี -> แบต (the short form people say); พีอีที -> pet; เพท -> pet; เพต -> pet
   (so ขวดเพ็ท = ขวดเพท = ขวด PET = ขวดpet).

``search`` ranks every item by its best candidate text (its Thai and English names; its aliases,
the key among them: ``pet_bottle`` is ``petbottle``), best first, keeping the guide's order among
equals:

- ``name``: the query equals a name;
- ``alias``: the query equals an alias;
- ``substring``: the query is part of a name or an alias;
- ``fuzzy``: a near match, ranked by its number of edits, fewest first. Either a name or an
  alias of three characters or more is part of the query ("ขวดเพทใส" finds the PET bottle; the
  edits are the query's characters left over), or single-character edits (insert, delete,
  replace) turn the query into some part of a name or an alias: at most 1 edit for a query of
  4-7 characters, at most 2 for 8 or more, and none for shorter queries.

Lengths are counted after normalisation, in Unicode code points.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_MARKS = re.compile("[\u0e47-\u0e4e]")
_NOT_KEPT = re.compile("[^\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45a-z0-9]+")
_ENGLISH_WORD = re.compile("[a-z]+")
_ES_ENDINGS = ("sses", "shes", "ches", "xes", "zes")
# Longest first, so a longer spelling is replaced before a shorter one inside it.
VARIANTS: tuple[tuple[str, str], ...] = (
    ("อะลูมิเนียม", "อลูมิเนียม"),
    ("aluminium", "aluminum"),
    ("แบตเตอรี", "แบต"),
    ("พีอีที", "pet"),
    ("เพท", "pet"),
    ("เพต", "pet"),
)
# Tiers, best first; a result names the tier it matched in.
TIERS = ("name", "alias", "substring", "fuzzy")
MIN_CONTAINED = 3
MIN_FUZZY = 4


def _singular(word: str) -> str:
    if len(word) < 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(_ES_ENDINGS):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def normalize(text: str) -> str:
    """Return ``text`` in the form every comparison of the guide's search uses (see above)."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_THAI_DIGITS)
    text = _MARKS.sub("", text.replace("\u0e4d\u0e32", "\u0e33"))
    text = _ENGLISH_WORD.sub(lambda word: _singular(word.group()), text)
    text = _NOT_KEPT.sub("", text)
    for variant, canonical in VARIANTS:
        text = text.replace(variant, canonical)
    return text


def substring_distance(query: str, text: str) -> int:
    """Return the fewest edits that turn ``query`` into some substring of ``text``.

    Sellers' variant of the Levenshtein table: a match may start and end anywhere in ``text``.
    """
    previous = [0] * (len(text) + 1)
    for i, q in enumerate(query, start=1):
        current = [i] + [0] * len(text)
        for j, t in enumerate(text, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (q != t))
        previous = current
    return min(previous)


def _allowed_edits(length: int) -> int:
    if length < MIN_FUZZY:
        return 0
    return 1 if length < 8 else 2


@dataclass(frozen=True)
class Entry:
    """One item's searchable texts, normalised once."""

    key: str
    names: tuple[str, ...]
    aliases: tuple[str, ...]

    @classmethod
    def of(cls, item: dict[str, Any]) -> Entry:
        def forms(texts: Iterable[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(f for f in map(normalize, texts) if f))

        names = forms((item["name_th"], item["name_en"]))
        aliases = forms((*item["aliases_th"], *item["aliases_en"], item["key"]))
        return cls(item["key"], names, tuple(a for a in aliases if a not in names))


@dataclass(frozen=True)
class Match:
    key: str
    tier: str
    edits: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        return TIERS.index(self.tier), self.edits


def match(query: str, entry: Entry) -> Match | None:
    """Return how well a normalised query matches one entry, or ``None``."""
    texts = (*entry.names, *entry.aliases)
    if query in entry.names:
        return Match(entry.key, "name")
    if query in entry.aliases:
        return Match(entry.key, "alias")
    if any(query in text for text in texts):
        return Match(entry.key, "substring")
    edits = [len(query) - len(text) for text in texts
             if len(text) >= MIN_CONTAINED and text in query]
    if allowed := _allowed_edits(len(query)):
        # A query longer than a text by more than the allowance cannot come within it.
        edits += [d for text in texts if len(query) - len(text) <= allowed
                  and (d := substring_distance(query, text)) <= allowed]
    return Match(entry.key, "fuzzy", min(edits)) if edits else None


def search(query: str, entries: Sequence[Entry]) -> list[Match]:
    """Return the entries that match ``query``, best first, the guide's order among equals."""
    normalised = normalize(query)
    if not normalised:
        return []
    found = [m for entry in entries if (m := match(normalised, entry)) is not None]
    return sorted(found, key=lambda m: m.rank)  # sorted() is stable: the guide's order stays
