"""The reader's request is checked by hand (the hot path): each bad field is a 400 naming it in Chinese, nothing is
recorded, and the forms a DRF serializer accepted (a station id as text, a code scanned as a number) still are."""
import pytest

from gasguard.cylinders.models import GateCheck
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db
GATE = "/api/v1/cylinders/gate-check/"


@pytest.mark.parametrize("body, field, words", [
    ({"code": "X"}, "station", "充装站"),
    ({"code": "X", "station": "abc"}, "station", "整数"),
    ({"code": "X", "station": True}, "station", "整数"),
    ({"station": "OWN"}, "code", "编码"),
    ({"code": ["X"], "station": "OWN"}, "code", "文本"),
    ({"code": "X", "station": "OWN", "client_id": "not-a-uuid"}, "client_id", "UUID"),
    ({"code": "X", "station": "OWN", "checked_at": "2024-13-45T00:00"}, "checked_at", "格式不正确"),
    ({"code": "X", "station": "OWN", "checked_at": 1700000000}, "checked_at", "ISO 8601"),
])
def test_a_bad_field_is_named(gas, body, field, words):
    if body.get("station") == "OWN":
        body = {**body, "station": gas.station.pk}
    response = api_client(gas.user).post(GATE, body, format="json")
    assert response.status_code == 400, response.content
    assert words in " ".join(response.json()[field])
    assert not GateCheck.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(gas):
    response = api_client(gas.user).post(GATE, ["X", gas.station.pk], format="json")
    assert response.status_code == 400 and "JSON 对象" in response.json()["non_field_errors"][0]


def test_a_station_id_as_text_and_a_lower_case_code_are_accepted(gas):
    cyl = helpers.cylinder(gas)
    client_id = "5f0c6b8e-9a4c-4b43-9a8e-0d8f4c2f1a11"
    response = api_client(gas.user).post(GATE, {"code": cyl.code.lower(), "station": str(gas.station.pk),
                                                "client_id": client_id}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["allowed"] is True and body["client_id"] == client_id and body["code"] == cyl.code
    assert GateCheck.objects.get().client_id.hex == client_id.replace("-", "")


def test_a_code_scanned_as_a_number_is_checked_as_text(gas):
    response = api_client(gas.user).post(GATE, {"code": 12345, "station": gas.station.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["allowed"] is False and response.json()["reasons"][0]["code"] == "invalid_code"


@pytest.mark.parametrize("raw", [b'{"code": "X", "station": ', b'\xff\xfe{}'])
def test_a_body_that_is_not_json_is_refused_with_what_is_wrong(gas, raw):
    response = api_client(gas.user).post(GATE, raw, content_type="application/json")
    assert response.status_code == 400 and "JSON 格式错误" in response.json()["detail"]
    assert not GateCheck.objects.exists()


def test_a_form_encoded_body_still_goes_through_the_parsers(gas):
    cyl = helpers.cylinder(gas)
    response = api_client(gas.user).post(GATE, {"code": cyl.code, "station": gas.station.pk})
    assert response.status_code == 201 and response.json()["allowed"] is True


def test_a_check_without_a_client_id_gets_a_time_ordered_one(gas):
    cyl = helpers.cylinder(gas)
    first = api_client(gas.user).post(GATE, {"code": cyl.code, "station": gas.station.pk}, format="json").json()
    second = api_client(gas.user).post(GATE, {"code": cyl.code, "station": gas.station.pk}, format="json").json()
    ids = [GateCheck.objects.get(pk=b["id"]).client_id for b in (first, second)]
    assert [i.version for i in ids] == [7, 7] and str(ids[0]) == first["client_id"]
    assert ids[0].int >> 80 <= ids[1].int >> 80  # their millisecond, in order


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*"])
def test_the_gate_answers_json_whatever_the_reader_accepts(gas, accept):
    cyl = helpers.cylinder(gas)
    client = api_client(gas.user)
    answer = client.post(GATE, {"code": cyl.code, "station": gas.station.pk}, format="json", HTTP_ACCEPT=accept)
    assert answer.status_code == 201 and answer["Content-Type"] == "application/json"
    assert answer.json()["allowed"] is True
    error = client.post(GATE, {"code": cyl.code}, format="json", HTTP_ACCEPT=accept)
    assert error.status_code == 400 and error["Content-Type"] == "application/json"
    assert "充装站" in error.json()["station"][0]
