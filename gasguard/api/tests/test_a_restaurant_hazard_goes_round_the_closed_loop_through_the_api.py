"""The ledger's closed loop, through the API alone: register a restaurant, inspect it, route the hazard, rectify,
verify, and prove the audit trail holds (and that an edited record is named)."""
import re
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from gasguard.audit.models import AuditRecord
from gasguard.org.models import Enterprise
from gasguard.testing import (
    HOSE,
    PASSWORD,
    ZONE_JK,
    ZONE_JK_GRID,
    api_client,
    credit_code,
    make_user,
    png_upload,
)
from gasguard.utilities import clock


def login(username):
    client = api_client()
    response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def jurisdiction_id(client, code):
    rows = client.get("/api/v1/jurisdictions/", {"code": code}).json()["results"]
    assert len(rows) == 1
    return rows[0]["id"]


def test_a_restaurant_hazard_goes_round_the_closed_loop_through_the_api(personas):
    office = login(personas.office.username)

    # The office registers the restaurant's company and the restaurant, in a grid of 经开区.
    grid = jurisdiction_id(office, ZONE_JK_GRID)
    response = office.post("/api/v1/enterprises/", {
        "name": "泰达川味餐饮有限公司", "credit_code": credit_code(), "kind": "user",
        "jurisdiction": jurisdiction_id(office, ZONE_JK)}, format="json")
    assert response.status_code == 201, response.content
    enterprise_id = response.json()["id"]
    response = office.post("/api/v1/sites/", {
        "name": "川味小馆泰达店", "site_type": "restaurant", "fuel": "lpg", "jurisdiction": grid,
        "enterprise": enterprise_id, "contact_person": "陈老板", "contact_phone": "13900000000"}, format="json")
    assert response.status_code == 201, response.content
    site_id = response.json()["id"]

    # Accounts of the people on the ground (accounts are made by the administrator, not through the API).
    inspector = make_user("inspector", full_name="经开区检查员", jurisdiction_code=ZONE_JK)
    zone_officer = make_user("jurisdiction", full_name="经开区安监员", jurisdiction_code=ZONE_JK)
    owner = make_user("enterprise", full_name="陈老板", enterprise=Enterprise.objects.get(pk=enterprise_id))

    # The inspector reads the site's checklist and answers every item: all pass, but the hose is 2.5 m.
    field = login(inspector.username)
    checklist = field.get(f"/api/v1/sites/{site_id}/checklist/")
    assert checklist.status_code == 200
    codes = [row["code"] for row in checklist.json()]
    assert HOSE in codes
    items = [{"item": row["code"], "result": "pass"} for row in checklist.json()]
    for row, answer in zip(checklist.json(), items, strict=True):
        if row["measure"]:  # the rule's own limit passes (every measured item here is "≤ limit")
            assert row["measure"]["op"] == "le"
            answer["measured_value"] = row["measure"]["limit"]
        if row["code"] == HOSE:
            answer["measured_value"] = "2.5"
    response = field.post("/api/v1/inspections/", {
        "site": site_id, "signature": "经开区检查员", "items": items}, format="json")
    assert response.status_code == 201, response.content
    inspection = response.json()
    assert inspection["failed_count"] == 1 and len(inspection["hazards"]) == 1

    # One hazard, routed by the plan: 经开区's own fire brigade leads, 区商务和投促局 helps, 15 days to fix.
    hazards = field.get("/api/v1/hazards/", {"site": site_id}).json()["results"]
    assert len(hazards) == 1
    hazard = hazards[0]
    assert hazard["number"] == inspection["hazards"][0]
    assert hazard["item"] == HOSE
    assert hazard["state"] == "open"
    assert hazard["lead_unit_name"] == "经开区消防救援支队"
    assert "区商务和投促局" in hazard["co_unit_names"]
    assert hazard["deadline"] == (clock.today() + timedelta(days=15)).isoformat()
    assert hazard["responsible_person"] == "陈老板"
    assert "2.5" in hazard["description"]
    url = f"/api/v1/hazards/{hazard['id']}"

    # The restaurant rectifies and submits a photo of the new hose.
    restaurant = login(owner.username)
    response = restaurant.post(f"{url}/start/", {"note": "立即更换软管"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "rectifying"
    response = restaurant.post(f"{url}/submit/", {"note": "已更换为1.5米软管", "photos": [png_upload()]},
                               format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    submit_event = response.json()["events"][-1]
    assert submit_event["action"] == "submit" and len(submit_event["photos"]) == 1

    # Someone else — the zone's officer — verifies it and closes it.
    zone = login(zone_officer.username)
    response = zone.post(f"{url}/verify/", {"passed": True, "note": "现场复核合格"}, format="multipart")
    assert response.status_code == 200, response.content
    closed = response.json()
    assert closed["state"] == "closed"
    assert closed["closed_at"]
    assert closed["verified_by"] == zone_officer.pk
    assert closed["rectified_by"] == owner.pk
    assert [e["action"] for e in closed["events"]] == ["register", "start", "submit", "verify_pass"]

    # The audit chain holds ...
    call_command("audit", "verify")
    # ... until someone edits a record behind the platform's back: verify names that record.
    record = AuditRecord.objects.get(action="hazard.submit")
    AuditRecord.objects.filter(pk=record.pk).update(data=record.data.replace("1.5米", "3米"))
    with pytest.raises(CommandError) as refused:
        call_command("audit", "verify")
    assert re.search(rf"#{record.pk}(?!\d)", str(refused.value)), str(refused.value)
