"""Through the API the inspection agency records periodic inspections, the owner scraps; regulators seize and black-list; the owner
registers its certified people. Each answer is scoped and each refusal names its reason."""
import pytest

from gasguard.testing import api_client
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def test_inspection_seizure_and_scrapping(gas, personas, agency):
    cyl = helpers.cylinder(gas)
    owner, market = api_client(gas.user), api_client(personas.market)
    url = f"/api/v1/cylinders/{cyl.code}/"
    inspected = api_client(agency).post(url + "inspections/", {"inspected_on": clock.today().isoformat(),
                                                               "passed": True}, format="json")
    assert inspected.status_code == 200 and inspected.json()["last_inspected_on"] == clock.today().isoformat()
    refused = owner.post(url + "status/", {"status": "seized", "reason": "x"}, format="json")
    assert refused.status_code == 403
    seized = market.post(url + "status/", {"status": "seized", "reason": "涉嫌非法充装"}, format="json")
    assert seized.json()["status"] == "seized" and seized.json()["fit_for_use"] is False
    assert market.post(url + "status/", {"status": "in_service", "reason": "调查结束"}, format="json").json()[
        "status"] == "in_service"
    scrapped = owner.post(url + "status/", {"status": "scrapped", "reason": "报废"}, format="json").json()
    assert scrapped["status"] == "scrapped" and scrapped["retired_at"]
    assert market.post(url + "status/", {"status": "in_service", "reason": "x"}, format="json").status_code == 400


def test_the_owner_registers_its_people_and_sees_only_them(gas, rival):
    client = api_client(gas.user)
    created = client.post("/api/v1/cylinders/workers/", {
        "name": "充装工甲", "role": "filling_operator", "certificate_number": "TS-001",
        "certificate_valid_until": helpers.later().isoformat()}, format="json")
    assert created.status_code == 201 and created.json()["enterprise"] == gas.enterprise.pk
    listed = {w["id"] for w in client.get("/api/v1/cylinders/workers/").json()["results"]}
    assert created.json()["id"] in listed and rival.operator.pk not in listed
    assert client.post("/api/v1/cylinders/workers/", {
        "enterprise": rival.enterprise.pk, "name": "x", "role": "delivery", "certificate_number": "1",
        "certificate_valid_until": helpers.later().isoformat()}, format="json").status_code == 403
