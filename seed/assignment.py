"""Which non-PAO LGO serves each village, where the reference data does not say.

A tambon covered by one LGO gives all its villages to it (``reference``). For a tambon shared
by several LGOs the seed splits the villages so the LGOs' household counts come out roughly
as the file's figures suggest (``approximate``): the file lists which tambons each LGO covers,
never which villages.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from shapely.geometry import Point


@dataclass(frozen=True)
class PlacedVillage:
    """A village (or community) with its generated point, before it has an LGO or polygon."""

    code: str
    tambon_code: str
    moo: int | None
    kind: str
    name_th: str
    name_en: str
    households: int
    point: Point


@dataclass(frozen=True)
class Claim:
    """What the reference data says about one non-PAO LGO."""

    lgo_code: str
    households: int
    tambon_codes: tuple[str, ...]
    office: Point


def split_evenly(total: int, parts: int) -> list[int]:
    """Split an integer into ``parts`` integers that differ by at most one and sum to it."""
    base, extra = divmod(total, parts)
    return [base + 1 if i < extra else base for i in range(parts)]


def assign_villages(
    tambon_households: Mapping[str, int],
    claims: Sequence[Claim],
    villages: Sequence[PlacedVillage],
) -> dict[str, tuple[str, str]]:
    """Return ``{village code: (LGO code, "reference" | "approximate")}`` for every village."""
    covering: dict[str, list[Claim]] = defaultdict(list)
    for claim in sorted(claims, key=lambda c: c.lgo_code):
        for tambon_code in claim.tambon_codes:
            covering[tambon_code].append(claim)
    by_tambon: dict[str, list[PlacedVillage]] = defaultdict(list)
    for village in villages:
        by_tambon[village.tambon_code].append(village)

    result: dict[str, tuple[str, str]] = {}
    for tambon_code in sorted(by_tambon):
        here = covering.get(tambon_code)
        if not here:
            raise ValueError(f"tambon {tambon_code} is covered by no LGO")
        if len(here) == 1:
            result |= {v.code: (here[0].lgo_code, "reference") for v in by_tambon[tambon_code]}
            continue
        shares = share_tambon(tambon_households[tambon_code], here, by_tambon[tambon_code])
        result |= {code: (lgo_code, "approximate") for code, lgo_code in shares.items()}
    return result


def share_tambon(
    households: int, claims: Sequence[Claim], villages: Sequence[PlacedVillage]
) -> dict[str, str]:
    """Split a shared tambon's villages so each LGO's households come close to its target.

    An LGO's target here is its households spread evenly over the tambons it covers, scaled so
    the targets of the LGOs sharing this tambon add up to the tambon's households. Exact
    fractions keep the greedy choice free of floating-point ties.
    """
    if len(villages) < len(claims):
        raise ValueError("a shared tambon has fewer villages than LGOs")
    raw = {c.lgo_code: Fraction(c.households, len(c.tambon_codes)) for c in claims}
    scale = Fraction(households) / sum(raw.values())
    target = {code: share * scale for code, share in raw.items()}
    office = {c.lgo_code: c.office for c in claims}
    got = dict.fromkeys(target, Fraction(0))
    free = {v.code: v for v in villages}
    chosen: dict[str, str] = {}

    def take(lgo_code: str) -> None:
        nearest = min(free.values(), key=lambda v: (v.point.distance(office[lgo_code]), v.code))
        del free[nearest.code]
        chosen[nearest.code] = lgo_code
        got[lgo_code] += nearest.households

    # Every LGO first takes one village, largest target first, so none is left without.
    for lgo_code in sorted(target, key=lambda c: (-target[c], c)):
        take(lgo_code)
    while free:
        take(min(target, key=lambda c: (got[c] - target[c], c)))
    return chosen
