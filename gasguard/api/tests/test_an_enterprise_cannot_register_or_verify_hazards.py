"""Enterprises rectify; they do not enter hazards in the ledger (except by self-inspection) nor verify them."""
from datetime import timedelta

from gasguard.hazards.models import Hazard
from gasguard.testing import (
    HOSE,
    api_client,
    nothing_changes,
    register_hazard,
    submit_for_verification,
)
from gasguard.utilities import clock


def hazard_body(site, **fields):
    return {"site": site.pk, "item": HOSE, "description": "软管过长", "responsible_person": "王整改",
            "deadline": (clock.today() + timedelta(days=10)).isoformat(), **fields}


def test_an_enterprise_cannot_register_a_hazard(personas):
    with nothing_changes():
        response = api_client(personas.enterprise).post("/api/v1/hazards/", hazard_body(personas.site_a),
                                                         format="json")
    assert response.status_code == 403


def test_its_street_can_and_the_catalog_routes_it(personas):
    response = api_client(personas.street_a).post("/api/v1/hazards/", hazard_body(personas.site_a), format="json")
    assert response.status_code == 201, response.content
    hazard = response.json()
    assert hazard["state"] == "open" and hazard["lead_unit_name"] == "滨海新区消防救援支队"
    assert hazard["co_unit_names"] == ["区商务和投促局"]
    assert [e["action"] for e in hazard["events"]] == ["register"]
    assert Hazard.objects.get(pk=hazard["id"]).found_by == personas.street_a


def test_an_enterprise_cannot_verify_its_own_hazard(personas):
    hazard = submit_for_verification(register_hazard(personas.site_a, personas.inspector), personas.street_a)
    with nothing_changes(hazard):
        response = api_client(personas.enterprise).post(f"/api/v1/hazards/{hazard.pk}/verify/",
                                                         {"passed": True, "note": "自己验收"}, format="json")
    assert response.status_code == 403
    assert Hazard.objects.get(pk=hazard.pk).state == "submitted"


def test_an_enterprise_cannot_record_a_lookback(personas):
    from gasguard.hazards.models import LookBack
    from gasguard.testing import close_hazard

    hazard = close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise,
                          personas.street_a)
    lookback = LookBack.objects.create(hazard=hazard, month=f"{clock.today():%Y-%m}")
    with nothing_changes(hazard):
        response = api_client(personas.enterprise).post(f"/api/v1/lookbacks/{lookback.pk}/record/",
                                                         {"rebound": False}, format="json")
    assert response.status_code == 403
