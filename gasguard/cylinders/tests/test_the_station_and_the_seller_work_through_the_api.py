"""The station's reader, the filling scale and the seller's phone work through the API: gate check → filling →
sale (refused with reasons, then allowed) → delivery with the safety check → notice → return → trace."""
import pytest

from gasguard.cylinders import codes
from gasguard.cylinders.models import GateCheck
from gasguard.hazards.models import Hazard
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db


def test_a_cylinder_through_the_api(gas, personas):
    client = api_client(gas.user)
    created = client.post("/api/v1/cylinders/", {"maker": "天津某钢瓶厂", "maker_serial": "API-1",
                                                 "manufactured_on": "2025-06-01", "model": "YSP35.5"}, format="json")
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert codes.is_valid(code) and created.json()["owner"] == gas.enterprise.pk

    bad = client.post("/api/v1/cylinders/gate-check/", {"code": code[:-1] + "?", "station": gas.station.pk},
                      format="json")
    assert bad.status_code == 201 and bad.json()["allowed"] is False
    assert [r["code"] for r in bad.json()["reasons"]] == ["invalid_code"]
    check = client.post("/api/v1/cylinders/gate-check/", {"code": code, "station": gas.station.pk}, format="json")
    assert check.json()["allowed"] is True
    filled = client.post("/api/v1/cylinders/fillings/", {
        "gate_check": check.json()["client_id"], "code": code, "station": gas.station.pk,
        "operator": gas.operator.pk, "net_weight_kg": "14.5", "pre_checks": helpers.ALL_PASS_PRE,
        "post_checks": helpers.ALL_PASS_POST}, format="json")
    assert filled.status_code == 201, filled.content
    again = client.post("/api/v1/cylinders/fillings/", {
        "gate_check": check.json()["client_id"], "code": code, "station": gas.station.pk,
        "operator": gas.operator.pk, "net_weight_kg": "14.5", "pre_checks": helpers.ALL_PASS_PRE,
        "post_checks": helpers.ALL_PASS_POST}, format="json")
    assert again.status_code == 400 and "gate_check" in again.json()

    buyer = client.post("/api/v1/cylinders/customers/", {
        "kind": "business", "name": personas.site_a.name, "phone": "022-1", "site": personas.site_a.pk,
        "credit_code": personas.site_a.enterprise.credit_code}, format="json").json()
    sale_body = {"customer": buyer["id"], "codes": [code], "courier": gas.operator.pk,
                 "safety_checker": gas.checker.pk}
    refused = client.post("/api/v1/cylinders/sales/", sale_body, format="json")
    assert refused.status_code == 400 and refused.json()["allowed"] is False
    assert [r["code"] for r in refused.json()["reasons"]] == ["courier_not_certified"]
    sale = client.post("/api/v1/cylinders/sales/", {**sale_body, "courier": gas.courier.pk}, format="json")
    assert sale.status_code == 201, sale.content

    delivered = client.post(f"/api/v1/cylinders/sales/{sale.json()['id']}/delivery/", {
        "answers": helpers.all_pass(hose_length_m="2.4"), "acknowledged_by": "王整改"}, format="json")
    assert delivered.status_code == 201, delivered.content
    number = delivered.json()["hazards"][0]
    assert Hazard.objects.get(number=number).lead_unit.name == "滨海新区消防救援支队"
    notice = client.get(delivered.json()["notice_url"])
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert b"".join(notice.streaming_content).startswith(b"%PDF")
    assert api_client(personas.outsider).get(delivered.json()["notice_url"]).status_code == 404

    assert client.post("/api/v1/cylinders/returns/", {"code": code}, format="json").status_code == 201
    trace = client.get(f"/api/v1/cylinders/{code}/trace/")
    kinds = [e["kind"] for e in trace.json()["events"]]
    assert kinds == ["registration", "gate_check", "filling", "sale", "delivery", "return"]
    # The fire brigade reads the same trace; the street it was delivered in too.
    assert api_client(personas.fire).get(f"/api/v1/cylinders/{code}/trace/").status_code == 200
    assert api_client(personas.street_a).get(f"/api/v1/cylinders/{code}/trace/").status_code == 200


def test_the_regulator_blocks_a_station_over_the_api(gas, personas):
    cyl = helpers.cylinder(gas)
    assert api_client(gas.user).post(f"/api/v1/cylinders/stations/{gas.station.pk}/block/", {"reason": "x"},
                                     format="json").status_code == 403
    assert api_client(personas.market).post(f"/api/v1/cylinders/stations/{gas.station.pk}/block/",
                                            {"reason": "违规充装"}, format="json").status_code == 200
    answer = api_client(gas.user).post("/api/v1/cylinders/gate-check/", {"code": cyl.code,
                                                                         "station": gas.station.pk}, format="json")
    assert [r["code"] for r in answer.json()["reasons"]] == ["station_blocked"]


def test_an_invalid_code_in_a_url_is_refused_not_looked_up(gas):
    cyl = helpers.cylinder(gas)
    response = api_client(gas.user).get(f"/api/v1/cylinders/{cyl.code[:-1]}Z/")
    assert response.status_code in (400, 404)
    if cyl.code[-1] != "Z":
        assert response.status_code == 400 and "校验位" in response.json()["code"][0]


def test_a_delivery_from_a_phone_carries_its_photos(gas, personas):
    import json

    from gasguard.testing import png_upload

    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    sale = helpers.sell(gas, helpers.business(gas, personas.site_a), [cyl])
    response = api_client(gas.user).post(f"/api/v1/cylinders/sales/{sale.pk}/delivery/", {
        "answers": json.dumps(helpers.all_pass(hose_through_wall="fail")), "acknowledged_by": "王整改",
        "photos": [png_upload("a.png"), png_upload("b.png")]}, format="multipart")
    assert response.status_code == 201, response.content
    from gasguard.cylinders.models import Delivery
    delivery = Delivery.objects.get(pk=response.json()["id"])
    assert delivery.photos.count() == 2 and delivery.hazards.get().item.code == "P2.4.2-07"


def test_the_gate_api_hides_other_stations_and_the_ping_needs_no_account(gas, rival):
    from rest_framework.test import APIClient

    cyl = helpers.cylinder(gas)
    api = api_client(gas.user)
    for station in (rival.station.pk, 999999):
        r = api.post("/api/v1/cylinders/gate-check/", {"code": cyl.code, "station": station}, format="json")
        assert r.status_code == 404, station
    assert not GateCheck.objects.exists()
    assert APIClient().get("/api/v1/cylinders/ping/").json() == {"ok": True}
    assert APIClient().get("/api/v1/cylinders/ping-auth/").status_code in (401, 403)
    assert api.get("/api/v1/cylinders/ping-auth/").json() == {"ok": True}
