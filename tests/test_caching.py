"""No answer that holds personal data may be stored by a browser or a cache.

GET /households/{id}, /households, the PDPA copy, /users and /me went out without any
Cache-Control (a browser or proxy may then keep them by heuristics) and photos with
``private, max-age=86400``. The rule now: every answer of a view behind ``@requires`` (and the
token answers of sign-in) says ``private, no-store``, unless it is stricter. The walk below
reads every GET route from the URL map, so a new endpoint is checked the day it appears.
"""

from __future__ import annotations

from urllib.parse import urlencode

from tests.auth.test_matrix import (  # noqa: F401  (objects is a fixture)
    QUERIES,
    api_cases,
    build_path,
    objects,
    samples_for,
)

PRIVATE = "private, no-store"
TOWN = "lamphun-town-municipality"
# Required query parameters of the routes the authorisation matrix only calls with a body
# that fails validation (a 422 proves the access rule there; here the answer must be real).
_VILLAGES_OF_TOWN = {"level": "village", "parent": TOWN, "period": "2024-10"}
MORE_QUERIES = {
    "/api/v1/analytics/choropleth": {**_VILLAGES_OF_TOWN, "indicator": "participation"},
    "/api/v1/analytics/indicators": _VILLAGES_OF_TOWN,
    "/api/v1/analytics/league": {**_VILLAGES_OF_TOWN, "indicator": "participation"},
    "/api/v1/analytics/series": {"level": "lgo", "area": TOWN, "from": "2024-08-01",
                                 "to": "2024-10-31"},
    "/api/v1/exports/monthly.csv": {"lgo": TOWN, "from": "2024-10", "to": "2024-12"},
    "/api/v1/exports/monthly.xlsx": {"lgo": TOWN, "from": "2024-10", "to": "2024-12"},
    "/api/v1/households/qr-cards.pdf": {"village": "51010101"},
    "/api/v1/households/signs.pdf": {"village": "51010101"},
}
# Statuses other than 200 that the walk expects: export jobs belong to whoever started them,
# and the test village has no verified household to print a sign for (the PDF itself goes out
# through the same attachment helper as the QR cards).
NOT_200 = {"/api/v1/exports/jobs/<uuid:job_id>": 404,
           "/api/v1/exports/jobs/<uuid:job_id>/download": 404,
           "/api/v1/households/signs.pdf": 422}


def test_every_signed_in_get_answers_private_no_store(app, client, auth, objects):  # noqa: F811
    headers = auth("admin")
    checked, wrong = [], []
    for case in api_cases(app):
        if case.method != "GET" or case.public:
            continue
        inside, _ = samples_for(case.rule, objects)
        path = build_path(case.rule, inside)
        query = QUERIES.get(case.rule.rule) or MORE_QUERIES.get(case.rule.rule)
        if query:
            path += "?" + urlencode(query)
        with client.get(path, headers=headers) as response:
            expected_status = NOT_200.get(case.rule.rule, 200)
            if response.status_code != expected_status:
                wrong.append(f"{path}: {response.status_code} {response.get_data()[:200]!r}")
            elif response.headers.get("Cache-Control") != PRIVATE:
                wrong.append(f"{path}: Cache-Control {response.headers.get('Cache-Control')!r}")
        checked.append(path)
    assert not wrong, "\n".join(wrong)
    # The walk really reached the endpoints named in the finding.
    for needle in ("/households/{}", "/households", "/export", "/users", "/me", "/photos/"):
        assert any(needle.replace("{}", str(objects.household_a)) in path for path in checked)
    assert len(checked) > 40


def test_errors_and_writes_of_signed_in_callers_are_private_too(client, auth):
    """A 409 on a household edit carries both versions of it; a create answers the row."""
    staff = auth("town.staff")
    created = client.post("/api/v1/households", headers=staff, json={
        "village_code": "51010101", "house_number": "5/5", "members": 2,
        "head_name": "นางสาวแคช ไม่เก็บ", "registered_on": "2024-01-15",
        "point": {"type": "Point", "coordinates": [99.0121, 18.5865]}})
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == PRIVATE
    household = created.get_json()
    url = f"/api/v1/households/{household['id']}"
    first = client.patch(url, headers=staff, json={"version": household["version"], "members": 3})
    assert first.status_code == 200
    stale = client.patch(url, headers=staff, json={"version": household["version"], "members": 4})
    assert stale.status_code == 409
    assert stale.headers["Cache-Control"] == PRIVATE
    assert client.get("/api/v1/households/999999999", headers=staff).headers[
        "Cache-Control"] == PRIVATE


def test_sign_in_answers_with_tokens_are_never_stored(client):
    from seed.accounts import DEMO_PASSWORD

    login = client.post("/api/v1/auth/login",
                        json={"login": "town.staff", "password": DEMO_PASSWORD, "device_id": "c"})
    assert login.status_code == 200
    assert login.headers["Cache-Control"] == PRIVATE
    refreshed = client.post("/api/v1/auth/refresh", json={
        "refresh_token": login.get_json()["refresh_token"], "device_id": "c"})
    assert refreshed.status_code == 200
    assert refreshed.headers["Cache-Control"] == PRIVATE


def test_public_layers_keep_their_own_caching(client):
    """The rule is for private answers: public tiles stay cacheable."""
    response = client.get("/api/v1/tiles/villages/14/12698/7330.mvt")
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("public, max-age=")
