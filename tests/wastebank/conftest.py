"""A town waste bank with prices and three member households, made through the API."""

from __future__ import annotations

import pytest


@pytest.fixture
def bank(client, auth):
    """Return {"id", "members": [member ids], "households": [household ids]}."""
    staff = auth("town.staff")
    created = client.post(
        "/api/v1/waste-banks",
        headers=staff,
        json={
            "name_th": "ธนาคารขยะชุมชนที่ 1",
            "host": "วัดพระธาตุหริภุญชัย",
            "partner_buyer": "ร้านรับซื้อของเก่า",
            "buying_schedule": {"dates": ["2025-01-05"]},
        },
    )
    assert created.status_code == 201, created.get_json()
    bank_id = created.get_json()["id"]
    for material, price, since in (
        ("pet", "8.50", "2024-01-01"),
        ("pet", "9.00", "2024-06-01"),
        ("paper", "3.00", "2024-01-01"),
        ("aluminium", "40.00", "2024-01-01"),
    ):
        response = client.post(
            f"/api/v1/waste-banks/{bank_id}/prices",
            headers=staff,
            json={"material": material, "price_per_kg": price, "valid_from": since},
        )
        assert response.status_code == 201, response.get_json()
    households, members = [], []
    for number, head, phone in (
        ("1", "นางบัวผัน ใจดี", "0812345678"),
        ("2", "นายคำปัน ศรีวิชัย", None),
        ("3", None, None),
    ):
        household = client.post(
            "/api/v1/households",
            headers=staff,
            json={
                "village_code": "51010101",
                "house_number": f"wb-{number}",
                "registered_on": "2024-01-01",
                "head_name": head,
                "phone": phone,
            },
        ).get_json()
        member = client.post(
            f"/api/v1/waste-banks/{bank_id}/members",
            headers=staff,
            json={"household_id": household["id"], "joined_on": "2024-01-02"},
        )
        assert member.status_code == 201, member.get_json()
        households.append(household["id"])
        members.append(member.get_json()["id"])
    return {"id": bank_id, "members": members, "households": households}


@pytest.fixture
def nga_bank(client, auth):
    """Return {"id", "member", "household"}: a Mueang Nga bank with one member in moo 1."""
    staff = auth("nga.staff")
    created = client.post(
        "/api/v1/waste-banks",
        headers=staff,
        json={"name_th": "ธนาคารขยะบ้านต้นผึ้ง", "buying_schedule": {"weekly": [{
            "day": 5, "opens": "08:00", "closes": "11:00"}]}},
    )
    assert created.status_code == 201, created.get_json()
    bank_id = created.get_json()["id"]
    price = client.post(
        f"/api/v1/waste-banks/{bank_id}/prices",
        headers=staff,
        json={"material": "paper", "price_per_kg": "3.50", "valid_from": "2024-01-01"},
    )
    assert price.status_code == 201, price.get_json()
    household = client.post(
        "/api/v1/households",
        headers=staff,
        json={"village_code": "51010201", "house_number": "wb-9", "registered_on": "2024-01-01",
              "head_name": "นายบุญมา คำมูล"},
    ).get_json()
    member = client.post(
        f"/api/v1/waste-banks/{bank_id}/members",
        headers=staff,
        json={"household_id": household["id"], "joined_on": "2024-01-02"},
    )
    assert member.status_code == 201, member.get_json()
    return {"id": bank_id, "member": member.get_json()["id"], "household": household["id"]}
