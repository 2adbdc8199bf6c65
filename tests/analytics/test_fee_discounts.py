"""Fee discounts for verified sorters: the rule, who qualifies, the file, scope and audit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

from sqlalchemy import select

from khaya.analytics.periods import last_complete_month
from khaya.areas.models import Village
from khaya.auth.models import AuditEvent
from khaya.common.time import local_today
from khaya.extensions import db
from khaya.households.models import Household
from khaya.participation.models import Inspection, SortingLog

API = "/api/v1"
TOWN = "lamphun-town-municipality"


def _households(app) -> dict[str, int]:
    """Households of the town's first community, each one short of the rule in one way."""
    month = last_complete_month(local_today())
    end = month.end
    with app.app_context():
        village = db.session.execute(select(Village).where(Village.code == "51010101")
                                     ).scalar_one()
        plans = {  # name: (days logged in the month, days before the month's end, passed)
            "qualifies": (20, 30, True),
            "too_few_days": (19, 30, True),
            "verified_long_ago": (25, 120, True),
            "failed_last": (25, 10, False),
            "deactivated": (25, 10, True),
        }
        made = {}
        for name, (days, ago, passed) in plans.items():
            household = Household(lgo_id=village.lgo_id, village_id=village.id,
                                  house_number=f"fee-{len(made) + 1}", members=3,
                                  head_name=f"นาย{name}", registered_on=dt.date(2024, 1, 1))
            db.session.add(household)
            db.session.flush()
            for n in range(days):
                db.session.add(SortingLog(
                    client_id=uuid.uuid4(), household_id=household.id, lgo_id=village.lgo_id,
                    village_id=village.id, log_date=month.start + dt.timedelta(days=n),
                    streams=["organic"]))
            db.session.add(Inspection(
                client_id=uuid.uuid4(), household_id=household.id, lgo_id=village.lgo_id,
                village_id=village.id, inspected_on=end - dt.timedelta(days=ago),
                registered=True, bin_built=passed, food_waste_in_bin=passed, lid_closed=passed,
                used_correctly=passed, passed=passed))
            made[name] = household.id
        # A voided log does not make up the 20 days.
        db.session.add(SortingLog(
            client_id=uuid.uuid4(), household_id=made["too_few_days"], lgo_id=village.lgo_id,
            village_id=village.id, log_date=end, streams=["organic"],
            voided_at=dt.datetime.now(dt.UTC), void_reason="test"))
        deactivated = db.session.get(Household, made["deactivated"])
        deactivated.active = False
        deactivated.deactivated_on = end + dt.timedelta(days=1)
        db.session.commit()
        db.session.remove()
    return made


def test_the_list_holds_the_households_that_meet_the_rule(app, client, auth):
    made = _households(app)
    staff = auth("town.staff")
    answer = client.get(f"{API}/fee-discounts/households", headers=staff)
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["rule"]["set"] is False
    assert body["rule"]["verified_within_days"] == 90
    listed = {h["household_id"] for h in body["households"]}
    assert listed == {made["qualifies"]}
    row = body["households"][0]
    assert row["household_code"] == f"51010101-{made['qualifies']:06d}"
    assert row["log_days"] == 20

    # The LGO admin widens the window to 150 days: the household verified 120 days ago joins.
    admin = auth("town.admin")
    assert client.put(f"{API}/fee-discounts/rule", headers=staff,
                      json={"verified_within_days": 150}).status_code == 403
    refused = client.put(f"{API}/fee-discounts/rule", headers=admin,
                         json={"fee_baht": 20, "discounted_fee_baht": 60})
    assert refused.status_code == 422
    assert "discounted_fee_baht" in refused.get_json()["errors"]["json"]
    rule = client.put(f"{API}/fee-discounts/rule", headers=admin, json={
        "verified_within_days": 150, "fee_baht": 60, "discounted_fee_baht": 20})
    assert rule.status_code == 200, rule.get_json()
    assert rule.get_json()["set"] is True
    # Fees are JSON numbers, as the schema says and the screen reads them.
    assert (rule.get_json()["fee_baht"], rule.get_json()["discounted_fee_baht"]) == (60, 20)
    again = client.get(f"{API}/fee-discounts/households", headers=staff).get_json()
    assert {h["household_id"] for h in again["households"]} == {
        made["qualifies"], made["verified_long_ago"]}

    # The file for the fee office names them, and each one listed is audited as exported.
    response = client.get(f"{API}/fee-discounts/households.csv?lang=th", headers=staff)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header = rows.index(next(r for r in rows if r and r[0] == "รหัสครัวเรือน"))
    names = {r[4] for r in rows[header + 1:]}
    assert names == {"นายqualifies", "นายverified_long_ago"}
    with app.app_context():
        exported = set(db.session.execute(
            select(AuditEvent.entity_id).where(AuditEvent.action == "export",
                                               AuditEvent.entity == "household")).scalars())
    assert {str(made["qualifies"]), str(made["verified_long_ago"])} <= exported
    assert str(made["too_few_days"]) not in exported
    xlsx = client.get(f"{API}/fee-discounts/households.xlsx?lang=en", headers=staff)
    assert xlsx.status_code == 200
    assert xlsx.data[:2] == b"PK"


def test_another_lgo_and_other_roles_get_nothing(client, auth):
    nga = auth("nga.staff")
    assert client.get(f"{API}/fee-discounts/households?lgo_code={TOWN}",
                      headers=nga).status_code == 403
    assert client.get(f"{API}/fee-discounts/households", headers=auth("0810000011")
                      ).status_code == 403
    assert client.get(f"{API}/fee-discounts/rule").status_code == 401
