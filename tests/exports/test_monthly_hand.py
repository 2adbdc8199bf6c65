"""The monthly export of the hand dataset (tests/analytics/_hand.py), checked cell by cell
against figures worked out by hand from its tables, not against ``analytics.compute``.

Mueang Nga (V1 and V2: h1-h9) in September and October 2024, and Lamphun Town (V3: h10, h11)
in October. The working of every figure is in the comments of ``NGA_SEPTEMBER``,
``NGA_OCTOBER`` and ``TOWN_OCTOBER``. The test database holds the territory and the demo
accounts only, so these households are each LGO's whole register.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from tests.analytics._hand import NGA, TOWN, Dataset, Sync, build, syncer

CSV_URL = "/api/v1/exports/monthly.csv"
XLSX_URL = "/api/v1/exports/monthly.xlsx"
JOBS = "/api/v1/exports/jobs"

# Carbon: persons x 0.252 kg food waste a day x days / 1000 x 0.1454 tCO2e a tonne.
NGA_SEPTEMBER = {
    "LGO code": NGA,
    "Fiscal year": "2024",  # September 2024 closes FY 2567 BE, 2024 CE
    "Month": "2024-09",
    # Occupied and registered on 30 Sep: h1-h5 and h7 (still active until 20 Oct) in V1, h8 in
    # V2. h6 is vacant; h9 registers on 5 Oct.
    "Occupied households": "7",
    # Logged in September: h1 (29th, 30th), h2 (29th), h7 (30th). h6 logged but is vacant.
    "Households that sorted": "3",
    "Participation (%)": "42.9",  # 3 / 7 = 42.857 %
    # h1 4 + h2 3 + h3 2 + h4 5 + h5 1 + h7 2 + h8 6.
    "Residents": "23",
    # Latest inspection by 30 Sep passed: h1 (20 Sep), h2 (25 Sep), h8 (1 Sep).
    "Households with a verified wet bin": "3",
    "Persons in wet-bin households": "13",  # h1 4 + h2 3 + h8 6
    # Every accepted log's kg, a vacant household's included: organic h1 1.0 + h2 2.0 + h7 1.0;
    # recyclable h1 0.5 + h6 1.0; general h1 0.3.
    "Organic waste (kg)": "4.0",
    "Recyclable waste (kg)": "1.5",
    "General waste (kg)": "0.3",
    "Household hazardous waste (kg)": "0",
    "Hazardous waste collected at drop-off points (kg)": "0.0",  # both collections are October's
    "Waste-bank member households": "1",  # h1 (joined 1 Jun); h8 joins on 10 Oct
    "Waste-bank deposits (kg)": "2.0",  # h1, 28 Sep: 2 kg PET
    "Waste-bank deposits (baht)": "16.0",  # 2 kg x 8 baht
    # 13 x 0.252 x 30 / 1000 x 0.1454 = 0.014290
    "Greenhouse gas avoided (tCO2e)": "0.0143",
    "Sign-off": "open",  # nobody has signed the month off
}
NGA_OCTOBER = {
    "LGO code": NGA,
    "Fiscal year": "2025",  # October 2024 opens FY 2568 BE, 2025 CE
    "Month": "2024-10",
    # On 31 Oct: h1-h5 in V1, h8 and h9 (from 5 Oct) in V2. h7 left the register on 20 Oct,
    # h6 is vacant.
    "Occupied households": "7",
    # Logged in October: h1, h3, h8 (1st), h2 (31st). h7 logged on 2 Oct but has left; h4's
    # log was voided.
    "Households that sorted": "4",
    "Participation (%)": "57.1",  # 4 / 7 = 57.143 %
    "Residents": "23",  # h1 4 + h2 3 + h3 2 + h4 5 + h5 1 + h8 6 + h9 2
    # Latest inspection by 31 Oct passed: h1 (20 Sep), h3 (5 Oct, communal), h5 (7 Oct, no
    # space), h8 (20 Oct). h2 failed on 10 Oct, h4 on 6 Oct; h9 was never inspected.
    "Households with a verified wet bin": "4",
    # Carbon counts own and communal bins, not "no space": h1 4 + h3 2 + h8 6.
    "Persons in wet-bin households": "12",
    # organic h1 1.5 + h3 0.5 + h7 0.7 (logged before it left); recyclable h1 0.4 + h8 2.0;
    # general h2 1.1; hazardous h3 0.2. h4's 9 kg were voided.
    "Organic waste (kg)": "2.7",
    "Recyclable waste (kg)": "2.4",
    "General waste (kg)": "1.1",
    "Household hazardous waste (kg)": "0.2",
    # 3 kg batteries + 1 kg bulbs at the V1 point, 10 kg e-waste at the LGO's own point.
    "Hazardous waste collected at drop-off points (kg)": "14.0",
    "Waste-bank member households": "2",  # h1 and h8
    # h8, 12 Oct: 1 kg PET + 2 kg glass; h1's 3 kg of paper on 5 Oct was reversed.
    "Waste-bank deposits (kg)": "3.0",
    "Waste-bank deposits (baht)": "10.0",  # 1 x 8 + 2 x 1
    # 12 x 0.252 x 31 / 1000 x 0.1454 = 0.013630
    "Greenhouse gas avoided (tCO2e)": "0.0136",
    "Sign-off": "open",  # nobody has signed the month off
}
TOWN_OCTOBER = {
    "LGO code": TOWN,
    "Fiscal year": "2025",
    "Month": "2024-10",
    "Occupied households": "2",  # h10, h11
    "Households that sorted": "1",  # h10 on 15 Oct
    "Participation (%)": "50.0",
    "Residents": "7",  # h10 3 + h11 4
    # h10: a fail and a pass on 12 Oct, the later one decides. h11 was never inspected.
    "Households with a verified wet bin": "1",
    "Persons in wet-bin households": "3",
    "Organic waste (kg)": "1.2",
    "Recyclable waste (kg)": "0",
    "General waste (kg)": "0",
    "Household hazardous waste (kg)": "0",
    "Hazardous waste collected at drop-off points (kg)": "0.0",
    "Waste-bank member households": "0",
    "Waste-bank deposits (kg)": "0.0",
    "Waste-bank deposits (baht)": "0.0",
    # 3 x 0.252 x 31 / 1000 x 0.1454 = 0.003408
    "Greenhouse gas avoided (tCO2e)": "0.0034",
    "Sign-off": "open",  # nobody has signed the month off
}


@pytest.fixture
def sync(client, auth) -> Sync:
    return syncer(client, auth)


@pytest.fixture
def dataset(app, db_session, client, auth, sync) -> Dataset:
    return build(client, auth, sync)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def figures_of(row: dict[str, str]) -> dict[str, str]:
    """Drop the LGO's name (it is the territory's, not a figure)."""
    return {key: value for key, value in row.items() if key != "LGO name"}


def as_numbers(row: dict[str, str]) -> dict[str, float | str]:
    """Compare cells as numbers where they are numbers: 4.0 and 4 are the same figure."""
    out: dict[str, float | str] = {}
    for key, value in row.items():
        try:
            out[key] = float(value)
        except ValueError:
            out[key] = value
    return out


@pytest.mark.usefixtures("dataset")
def test_csv_of_mueang_nga_for_september_and_october(client, auth):
    response = client.get(f"{CSV_URL}?from=2024-09&to=2024-10&calendar=ce&lang=en",
                          headers=auth("nga.staff"))
    assert response.status_code == 200, response.get_json()
    rows = [figures_of(row) for row in csv_rows(response.data)]
    assert [as_numbers(row) for row in rows] == [as_numbers(NGA_SEPTEMBER),
                                                 as_numbers(NGA_OCTOBER)]


@pytest.mark.usefixtures("dataset")
def test_csv_of_lamphun_town_for_october(client, auth):
    response = client.get(f"{CSV_URL}?from=2024-10&to=2024-10&calendar=ce&lang=en",
                          headers=auth("town.staff"))
    assert response.status_code == 200, response.get_json()
    (row,) = csv_rows(response.data)
    assert as_numbers(figures_of(row)) == as_numbers(TOWN_OCTOBER)


@pytest.mark.usefixtures("dataset")
def test_xlsx_of_mueang_nga_holds_the_same_figures_as_numbers(client, auth):
    response = client.get(f"{XLSX_URL}?from=2024-09&to=2024-10&header=en",
                          headers=auth("nga.admin"))
    assert response.status_code == 200, response.get_json()
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    english = [cell.value for cell in sheet[1]]  # one header row, in the language asked for
    september, october = ({key: cell.value for key, cell in zip(english, row, strict=True)}
                          for row in sheet.iter_rows(min_row=2))
    assert sheet.max_row == 3
    assert (september["Fiscal year"], september["Month"]) == (2567, "ก.ย. 2567")
    assert (october["Fiscal year"], october["Month"]) == (2568, "ต.ค. 2567")
    for got, want in ((september, NGA_SEPTEMBER), (october, NGA_OCTOBER)):
        for key, text in want.items():
            if key in ("LGO code", "Fiscal year", "Month", "Sign-off"):
                continue
            if key == "Participation (%)":
                # Every data file writes shares as percentages with one decimal, as the CSV
                # does: 3 / 7 = 42.9 and 4 / 7 = 57.1, a number in the cell.
                assert got[key] == pytest.approx(float(text), abs=1e-9), key
                continue
            assert isinstance(got[key], int | float), f"{key} is not a number: {got[key]!r}"
            assert got[key] == pytest.approx(float(text), abs=1e-9), key
    assert october["LGO code"] == NGA


@pytest.mark.usefixtures("dataset")
def test_an_export_job_writes_the_same_figures(client, auth):
    headers = auth("province")
    job = client.post(JOBS, headers=headers, json={
        "format": "csv", "lgo": NGA, "from": "2024-10", "to": "2024-10", "calendar": "ce",
        "lang": "en"})
    assert job.status_code == 202, job.get_json()
    download = client.get(f"{JOBS}/{job.get_json()['id']}/download", headers=headers)
    assert download.status_code == 200
    (row,) = csv_rows(download.data)
    assert as_numbers(figures_of(row)) == as_numbers(NGA_OCTOBER)
