"""The readings endpoint answers anyone (devices have no accounts), so what an anonymous caller can make it keep is
bounded: a body over MONITORING_HTTP_MAX_BODY_BYTES is refused with 413 and kept nowhere; a dead letter keeps at
most MONITORING_DEAD_LETTER_MAX_CHARS of the payload (not 20,000); after MONITORING_HTTP_DEAD_LETTER_RATE failed
posts from one address it answers 429 and keeps nothing more — while a device reporting correctly from the same
address is only bound by MONITORING_HTTP_RATE."""
import pytest
from django.test import override_settings

from gasguard.monitoring.models import DeadLetter, Reading
from gasguard.testing import api_client

from .helpers import SECRET, base_time, make_device, reading

pytestmark = pytest.mark.django_db


def _post(client, body, **headers):
    return client.post("/api/v1/readings/", body, content_type="application/json", **headers)


@override_settings(MONITORING_HTTP_MAX_BODY_BYTES=1000)
def test_a_body_too_large_is_refused_and_kept_nowhere():
    r = _post(api_client(), "x" * 20_000, HTTP_X_DEVICE_CODE="NOPE-1")
    assert r.status_code == 413 and "报文过大" in r.json()["error"] and "1000" in r.json()["error"]
    assert not DeadLetter.objects.exists()


@override_settings(MONITORING_DEAD_LETTER_MAX_CHARS=500)
def test_a_dead_letter_keeps_a_bounded_payload():
    r = _post(api_client(), "y" * 10_000, HTTP_X_DEVICE_CODE="NOPE-1")
    assert r.status_code in (400, 401)
    assert len(DeadLetter.objects.get().payload) == 500


@override_settings(MONITORING_HTTP_DEAD_LETTER_RATE="3/min")
def test_failures_from_one_address_are_throttled_but_good_readings_are_not(personas):
    anon = api_client()
    for _ in range(3):
        assert _post(anon, "{oops", HTTP_X_DEVICE_CODE="NOPE-1").status_code == 400
    r = _post(anon, "{oops", HTTP_X_DEVICE_CODE="NOPE-1")
    assert r.status_code == 429 and "失败过多" in r.json()["error"] and r["Retry-After"]
    assert DeadLetter.objects.count() == 3
    other = api_client()
    assert _post(other, "{oops", HTTP_X_DEVICE_CODE="NOPE-1", REMOTE_ADDR="10.0.0.9").status_code == 400

    device = make_device(site=personas.site_a)
    with override_settings(MONITORING_HTTP_DEAD_LETTER_RATE="1000/min"):
        t0 = base_time()
        for i in range(5):  # correct readings do not count as failures
            r = anon.post("/api/v1/readings/", {"device": device.code, **reading(t0.replace(second=i), ch4_lel=1.0)},
                          format="json")
            assert r.status_code == 202
    assert Reading.objects.filter(device=device).count() == 5


@override_settings(MONITORING_HTTP_RATE="2/min")
def test_every_request_is_bound_by_the_general_rate(personas):
    device = make_device(site=personas.site_a)
    anon = api_client()
    t0 = base_time()
    codes = [anon.post("/api/v1/readings/", {"device": device.code, **reading(t0.replace(second=i), ch4_lel=1.0)},
                       format="json", HTTP_X_DEVICE_SECRET=SECRET).status_code for i in range(3)]
    assert codes == [202, 202, 429]
