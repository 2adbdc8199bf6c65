"""Every indicator, worked out by hand on the dataset of conftest.py.

The register at 30 Sep 2024 (V1): h1-h5 and h7 (deactivated later, on 20 Oct) are occupied;
h6 is vacant. At 31 Oct h7 is gone, so V1 has h1-h5 (15 persons). Verified on 31 Oct: h1 (pass
20 Sep), h3 (pass 5 Oct), h5 (pass 7 Oct; "no space", so not in the carbon count); h2 failed on
10 Oct. V2 has h8 (verified) and, from 5 Oct, h9. V3 has h10 (verified 12 Oct: a fail and then
a pass that day) and h11.
"""

from __future__ import annotations

import datetime as dt

import pytest

from khaya.analytics import compute
from khaya.analytics.periods import custom
from tests.analytics._hand import NGA, V1, V2, V3

pytestmark = pytest.mark.usefixtures("dataset")


def figures(level: str, codes: list[str] | str, period, indicators=None) -> dict[str, dict]:
    return {row["code"]: row for row in compute(level, codes, period, indicators)}


def fig(row: dict, name: str) -> tuple:
    f = row[name]
    return f["numerator"], f["denominator"], f["value"]


def test_participation_by_village_month(db_session):
    october = figures("village", [V1, V2, V3], "2024-10", ["participation"])
    # V1: h1, h2, h3 logged (h7 too, but it left the register on 20 Oct; h4's log was voided).
    assert fig(october[V1], "participation") == (3, 5, 0.6)
    assert fig(october[V2], "participation") == (1, 2, 0.5)
    assert fig(october[V3], "participation") == (1, 2, 0.5)
    september = figures("village", [V1, V2], "2024-09", ["participation"])
    # h6 logged but is vacant; h7 still counted in September.
    assert fig(september[V1], "participation") == (3, 6, 0.5)
    assert fig(september[V2], "participation") == (0, 1, 0.0)


def test_fiscal_year_boundary(db_session):
    fy67 = figures("village", [V1], "FY2567", ["participation", "verified_compliance"])[V1]
    fy68 = figures("village", [V1], "FY2568", ["participation", "verified_compliance"])[V1]
    # 30 Sep belongs to FY2567, 1 Oct to FY2568 (named by the BE year it ends in).
    assert fig(fy67, "participation") == (3, 6, 0.5)
    assert fig(fy68, "participation") == (3, 5, 0.6)
    # FY2567: h1 (fail Aug, pass Sep: latest passed) and h2. FY2568: h2 fail, h3 pass, h4 fail,
    # h5 pass.
    assert fig(fy67, "verified_compliance") == (2, 2, 1.0)
    assert fig(fy68, "verified_compliance") == (2, 4, 0.5)
    last_day = figures("village", [V1], "2024-09-30", ["participation"])[V1]
    first_day = figures("village", [V1], "2024-10-01", ["participation"])[V1]
    assert fig(last_day, "participation") == (2, 6, 0.3333)  # h1, h7 (h6 is vacant)
    assert fig(first_day, "participation") == (2, 6, 0.3333)  # h1 (twice), h3


def test_custom_range_counts_households_once(db_session):
    period = custom(dt.date(2024, 9, 30), dt.date(2024, 10, 1))
    row = figures("village", [V1], period, ["participation", "kg_by_stream"])[V1]
    assert fig(row, "participation") == (3, 6, 0.5)  # h1, h7, h3
    kg = row["kg_by_stream"]
    assert kg["breakdown"] == {"organic": 3.0, "recyclable": 1.4, "general": 0.3,
                               "hazardous": 0.2}
    assert kg["numerator"] == 4.9
    assert kg["detail"]["logs"] == 6


def test_every_indicator_for_an_lgo_in_october(db_session):
    row = figures("lgo", [NGA], "2024-10")[NGA]
    assert fig(row, "participation") == (4, 7, 0.5714)
    assert fig(row, "wet_bin_coverage") == (4, 7, 0.5714)
    assert row["wet_bin_coverage"]["detail"] == {"arrangements": 5}
    assert fig(row, "verified_compliance") == (3, 5, 0.6)
    assert fig(row, "bank_membership") == (2, 7, 0.2857)
    # h1's October deposit was reversed: only h8 deposited.
    assert fig(row, "bank_activity") == (1, 2, 0.5)
    assert fig(row, "bank_kg") == (3.0, 7, 0.429)
    assert row["bank_kg"]["breakdown"]["pet"] == 1.0
    assert row["bank_kg"]["breakdown"]["glass"] == 2.0
    assert row["bank_kg"]["breakdown"]["paper"] == 0.0
    assert row["bank_kg"]["detail"] == {"deposits": 1, "baht": 10.0}
    # 4 kg at the V1 point and 10 kg at the LGO's point without a village; 23 residents.
    assert fig(row, "hazardous_kg_per_1000") == (14.0, 23, 608.696)
    assert row["hazardous_kg_per_1000"]["breakdown"]["e_waste"] == 10.0
    assert fig(row, "kg_by_stream") == (6.4, 7, 0.914)
    # Persons in verified bin households: h1 (4), h3 (2, communal), h8 (6) = 12.
    carbon = row["carbon_tco2e"]
    assert (carbon["numerator"], carbon["denominator"]) == (12, 23)
    assert carbon["value"] == round(12 * 0.252 * 31 / 1000 * 0.1454, 4)
    assert carbon["detail"]["days"] == 31
    # No citizen reports in the hand dataset: none per 1,000 households, no days to close.
    assert fig(row, "reports_per_1000") == (0, 7, 0.0)
    assert row["report_close_days"]["no_data"] is True
    assert row["report_close_days"]["value"] is None
    assert all(row[name]["small_denominator"] for name in row
               if isinstance(row[name], dict) and name != "report_close_days")


def test_each_level(db_session):
    village = figures("village", [V1], "2024-10", ["hazardous_kg_per_1000"])[V1]
    assert fig(village, "hazardous_kg_per_1000") == (4.0, 15, 266.667)
    tambon = figures("tambon", ["510102"], "2024-10", ["hazardous_kg_per_1000", "participation"])
    # A point without a village counts for its LGO and above, not for a tambon.
    assert fig(tambon["510102"], "hazardous_kg_per_1000") == (4.0, 23, 173.913)
    assert fig(tambon["510102"], "participation") == (4, 7, 0.5714)
    district = figures("district", ["5101"], "2024-10", ["hazardous_kg_per_1000",
                                                          "participation"])["5101"]
    assert fig(district, "hazardous_kg_per_1000") == (14.0, 30, 466.667)
    assert fig(district, "participation") == (5, 9, 0.5556)
    province = figures("province", ["51"], "2024-10", ["participation", "carbon_tco2e"])["51"]
    assert fig(province, "participation") == (5, 9, 0.5556)
    assert province["carbon_tco2e"]["numerator"] == 15  # 12 in Mueang Nga + h10 (3)


def test_fiscal_year_register_and_carbon(db_session):
    row = figures("lgo", [NGA], "FY2568", ["participation", "carbon_tco2e",
                                           "wet_bin_coverage"])[NGA]
    assert fig(row, "participation") == (4, 7, 0.5714)
    assert fig(row, "wet_bin_coverage") == (4, 7, 0.5714)
    assert row["carbon_tco2e"]["value"] == round(12 * 0.252 * 365 / 1000 * 0.1454, 4)
    september = figures("lgo", [NGA], "2024-09", ["wet_bin_coverage", "carbon_tco2e",
                                                  "bank_membership"])[NGA]
    # 30 Sep: h1, h2 and h8 verified; h1 the only member yet.
    assert fig(september, "wet_bin_coverage") == (3, 7, 0.4286)
    assert september["carbon_tco2e"]["numerator"] == 13
    assert fig(september, "bank_membership") == (1, 7, 0.1429)


def test_small_denominator_flag_follows_the_setting(app, db_session):
    rows = figures("village", [V1, V2], "2024-10", ["participation"])
    assert rows[V1]["participation"]["small_denominator"] is True
    app.config["SMALL_DENOMINATOR"] = 3
    try:
        rows = figures("village", [V1, V2], "2024-10", ["participation"])
    finally:
        app.config["SMALL_DENOMINATOR"] = 30
    assert rows[V1]["participation"]["small_denominator"] is False  # 5 households
    assert rows[V2]["participation"]["small_denominator"] is True  # 2 households


def test_parent_lists_areas_inside(db_session):
    rows = compute("village", NGA, "2024-10", ["participation"])
    assert [r["code"] for r in rows] == [f"510102{n:02d}" for n in range(1, 11)]
    empty = next(r for r in rows if r["code"] == "51010203")
    assert empty["participation"] == {"value": None, "numerator": 0, "denominator": 0,
                                      "small_denominator": False, "no_data": True,
                                      "unit": "ratio"}
    lgos = compute("lgo", "51", "2024-10", ["participation"])
    assert len(lgos) == 57  # every LGO but the PAO
