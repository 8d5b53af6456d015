"""Station equipment that lost its connection uploads its gate checks and fillings later, with their original times
and their own ids: uploading the same batch again adds nothing."""
import uuid
from datetime import timedelta

import pytest

from gasguard.cylinders.models import Filling, GateCheck
from gasguard.testing import api_client
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def batch(gas, good, rival_cylinder):
    t0 = clock.now() - timedelta(hours=3)
    check_ok, check_refused, fill_ok, fill_refused = (str(uuid.uuid4()) for _ in range(4))
    return {"station": gas.station.pk, "records": [
        # Out of order on purpose: the filling arrives before the check that opened the way for it.
        {"type": "filling", "client_id": fill_ok, "gate_check": check_ok, "code": good.code,
         "operator": gas.operator.pk, "net_weight_kg": "14.5", "pre_checks": helpers.ALL_PASS_PRE,
         "post_checks": helpers.ALL_PASS_POST, "filled_at": (t0 + timedelta(minutes=5)).isoformat()},
        {"type": "gate_check", "client_id": check_ok, "code": good.code, "checked_at": t0.isoformat()},
        {"type": "gate_check", "client_id": check_refused, "code": rival_cylinder.code,
         "checked_at": (t0 + timedelta(minutes=1)).isoformat()},
        {"type": "filling", "client_id": fill_refused, "gate_check": check_refused, "code": rival_cylinder.code,
         "operator": gas.operator.pk, "net_weight_kg": "14.5", "pre_checks": helpers.ALL_PASS_PRE,
         "post_checks": helpers.ALL_PASS_POST, "filled_at": (t0 + timedelta(minutes=6)).isoformat()},
    ]}, t0


def test_the_same_batch_twice_adds_its_records_once(gas, rival):
    good, theirs = helpers.cylinder(gas), helpers.cylinder(rival)
    body, t0 = batch(gas, good, theirs)
    client = api_client(gas.user)
    first = client.post("/api/v1/cylinders/offline-batch/", body, format="json")
    assert first.status_code == 200, first.content
    assert (first.json()["created"], first.json()["duplicates"], first.json()["rejected"]) == (3, 0, 1)
    outcomes = [(r["kind"], r["outcome"]) for r in first.json()["results"]]  # in the batch's order
    assert outcomes == [("filling", "created"), ("gate_check", "created"), ("gate_check", "created"),
                        ("filling", "rejected")]
    assert "未通过充装前检查" in first.json()["results"][3]["errors"]["gate_check"][0]
    checks = GateCheck.objects.filter(station=gas.station)
    assert checks.count() == 2 and all(c.offline for c in checks)
    assert checks.get(allowed=True).checked_at == t0  # the original time, not the upload's
    filling = Filling.objects.get()
    assert filling.filled_at == t0 + timedelta(minutes=5) and filling.offline

    second = client.post("/api/v1/cylinders/offline-batch/", body, format="json")
    assert (second.json()["created"], second.json()["duplicates"], second.json()["rejected"]) == (0, 3, 1)
    assert GateCheck.objects.filter(station=gas.station).count() == 2 and Filling.objects.count() == 1


def test_records_need_their_own_ids_and_another_stations_ids_are_not_taken_over(gas, rival):
    good = helpers.cylinder(gas)
    theirs = helpers.gate(rival, helpers.cylinder(rival).code)
    response = api_client(gas.user).post("/api/v1/cylinders/offline-batch/", {"station": gas.station.pk, "records": [
        {"type": "gate_check", "code": good.code, "checked_at": clock.now().isoformat()},
        {"type": "gate_check", "client_id": str(theirs.client_id), "code": good.code,
         "checked_at": clock.now().isoformat()},
        {"type": "gate_check", "client_id": str(uuid.uuid4()), "code": good.code,
         "checked_at": (clock.now() - timedelta(days=90)).isoformat()},
    ]}, format="json")
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["rejected"] * 3
    assert not GateCheck.objects.filter(station=gas.station).exists()


def test_a_record_with_a_malformed_field_is_rejected_with_its_reason_and_the_others_go_in(gas):
    good = helpers.cylinder(gas)
    check = helpers.gate(gas, good.code)
    response = api_client(gas.user).post("/api/v1/cylinders/offline-batch/", {"station": gas.station.pk, "records": [
        {"type": "gate_check", "client_id": str(uuid.uuid4()), "code": good.code, "checked_at": 1700000000},
        {"type": "gate_check", "client_id": str(uuid.uuid4()), "code": good.code, "checked_at": "2024-13-45T00:00"},
        {"type": "gate_check", "client_id": str(uuid.uuid4()), "code": 12345, "checked_at": clock.now().isoformat()},
        {"type": "filling", "client_id": str(uuid.uuid4()), "gate_check": str(check.client_id), "code": good.code,
         "operator": "abc", "net_weight_kg": "14.5", "pre_checks": helpers.ALL_PASS_PRE,
         "post_checks": helpers.ALL_PASS_POST, "filled_at": clock.now().isoformat()},
        {"type": "gate_check", "client_id": str(uuid.uuid4()), "code": good.code,
         "checked_at": clock.now().isoformat()},
    ]}, format="json")
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["rejected", "rejected", "created", "rejected", "created"]
    assert results[2]["allowed"] is False  # a code that is not a string is an invalid code, refused and recorded
    assert "格式不正确" in results[0]["errors"]["time"][0] and "格式不正确" in results[1]["errors"]["time"][0]
    assert results[3]["errors"]["operator"] == ["充装人员不存在"]
