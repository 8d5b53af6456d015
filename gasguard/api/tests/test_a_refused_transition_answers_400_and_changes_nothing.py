"""A refused step answers 400 naming the field at fault, and leaves the hazard, its timeline and the audit trail
exactly as they were."""
from datetime import timedelta

from gasguard.testing import (
    HOSE,
    api_client,
    close_hazard,
    nothing_changes,
    png_upload,
    register_hazard,
    submit_for_verification,
)
from gasguard.utilities import clock


def yesterday():
    return (clock.today() - timedelta(days=1)).isoformat()


def refused(client, url, body, field, hazard=None, format="json"):
    with nothing_changes(hazard):
        response = client.post(url, body, format=format)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    return response.json()[field]


def test_registering_with_a_past_deadline(personas):
    messages = refused(api_client(personas.street_a), "/api/v1/hazards/", {
        "site": personas.site_a.pk, "item": HOSE, "description": "软管过长", "responsible_person": "王整改",
        "deadline": yesterday()}, "deadline")
    assert "早于今天" in messages[0]


def test_controlling_with_a_past_deadline(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    refused(api_client(personas.street_a), f"/api/v1/hazards/{hazard.pk}/control/",
            {"measures": "关阀停用", "deadline": yesterday()}, "deadline", hazard)


def test_controlling_without_measures(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    refused(api_client(personas.street_a), f"/api/v1/hazards/{hazard.pk}/control/",
            {"measures": "", "deadline": clock.today().isoformat()}, "measures", hazard)


def test_submitting_without_a_photo(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    client = api_client(personas.enterprise)
    assert client.post(f"/api/v1/hazards/{hazard.pk}/start/", {}, format="json").status_code == 200
    refused(client, f"/api/v1/hazards/{hazard.pk}/submit/", {"note": "已整改"}, "photos", hazard, format="multipart")


def test_verifying_ones_own_rectification(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    client = api_client(personas.street_a)
    client.post(f"/api/v1/hazards/{hazard.pk}/start/", {}, format="json")
    response = client.post(f"/api/v1/hazards/{hazard.pk}/submit/", {"note": "已整改", "photos": [png_upload()]},
                           format="multipart")
    assert response.json()["state"] == "submitted"
    refused(client, f"/api/v1/hazards/{hazard.pk}/verify/", {"passed": True}, "verified_by", hazard)


def test_failing_a_verification_without_a_reason(personas):
    hazard = submit_for_verification(register_hazard(personas.site_a, personas.inspector), personas.enterprise)
    refused(api_client(personas.street_a), f"/api/v1/hazards/{hazard.pk}/verify/", {"passed": False}, "note", hazard)


def test_verifying_an_open_hazard(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    messages = refused(api_client(personas.street_a), f"/api/v1/hazards/{hazard.pk}/verify/", {"passed": True},
                       "state", hazard)
    assert "待整改" in messages[0]


def test_starting_a_closed_hazard(personas):
    hazard = close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise, personas.street_a)
    client = api_client(personas.street_a)
    refused(client, f"/api/v1/hazards/{hazard.pk}/start/", {}, "state", hazard)
    refused(client, f"/api/v1/hazards/{hazard.pk}/reassign/", {"responsible_person": "李四"}, "state", hazard)


def test_a_missing_field_is_named_too(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    client = api_client(personas.street_a)
    refused(client, f"/api/v1/hazards/{hazard.pk}/control/", {"measures": "停用"}, "deadline", hazard)
    refused(client, f"/api/v1/hazards/{hazard.pk}/verify/", {}, "passed", hazard)
