"""POST /api/v1/inspections/ refuses an incomplete, unsigned or malformed inspection with a 400 naming the field,
and a site outside the user's scope with a 404; none of them records anything."""
from gasguard.testing import HOSE, api_client, inspection_payload, nothing_changes


def post(user, payload):
    with nothing_changes():
        return api_client(user).post("/api/v1/inspections/", payload, format="json")


def test_a_missing_checklist_item(personas):
    response = post(personas.inspector, inspection_payload(personas.site_a, personas.inspector, {HOSE: None}))
    assert response.status_code == 400
    assert HOSE in response.json()["items"][0]


def test_a_wrong_signature(personas):
    payload = inspection_payload(personas.site_a, personas.inspector, signature="别人代签")
    response = post(personas.inspector, payload)
    assert response.status_code == 400
    assert "signature" in response.json()


def test_a_non_numeric_measured_value(personas):
    payload = inspection_payload(personas.site_a, personas.inspector, {HOSE: {"measured_value": "两米半"}})
    response = post(personas.inspector, payload)
    assert response.status_code == 400
    errors = response.json()["items"]
    position = [a["item"] for a in payload["items"]].index(HOSE)
    assert "measured_value" in errors[str(position)]  # DRF names the answer by its position


def test_a_site_outside_the_users_scope(personas):
    for user in (personas.inspector, personas.street_a, personas.enterprise):
        response = post(user, inspection_payload(personas.site_b, user))
        assert response.status_code == 404, user


def test_the_same_payload_done_right_is_recorded(personas):
    response = api_client(personas.inspector).post(
        "/api/v1/inspections/", inspection_payload(personas.site_a, personas.inspector), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["failed_count"] == 0 and response.json()["hazards"] == []
