"""A malformed payload, an unknown device, a wrong secret or a bad reading never stops the ingester: each is kept
with its reason in the dead-letter table (readable by the office), and the good readings around it are stored."""
import json

import pytest

from gasguard.monitoring.ingest import Message, ingest
from gasguard.monitoring.models import DeadLetter, Reading
from gasguard.monitoring.mqtt import Ingester, device_topic, publish_client
from gasguard.testing import api_client

from .helpers import SECRET, base_time, make_device, reading, wait_until


@pytest.mark.django_db
def test_bad_messages_over_mqtt_do_not_stop_the_ingester(topic_prefix):
    device = make_device()
    t0 = base_time()
    ing = Ingester(prefix=topic_prefix, group=topic_prefix.replace("/", "-"),
                   client_id=topic_prefix.replace("/", "-") + "-dl", session_expiry=0)
    ing.start()
    try:
        assert ing.subscribed.wait(5)
        pub = publish_client()
        topic = device_topic(device.code, topic_prefix)
        for payload in [b"\xff\xfe not json", b"[1, 2]", json.dumps(reading(t0, secret="wrong", ch4_lel=1)),
                        json.dumps({"secret": SECRET, "readings": [{"ts": "yesterday", "m": {"ch4_lel": 1}},
                                                                   {"ts": t0.isoformat(), "m": {"ch4_lel": 2}}]}),
                        json.dumps(reading(t0, ch4_lel=float("nan")) | {"m": {"ch4_lel": "high"}}),
                        json.dumps(reading(t0.replace(year=2001), ch4_lel=3)),
                        json.dumps(reading(t0, battery=77))]:
            pub.publish(topic, payload, qos=1).wait_for_publish(5)
        pub.publish(device_topic("NO-SUCH-DEVICE", topic_prefix), json.dumps(reading(t0, ch4_lel=1)),
                    qos=1).wait_for_publish(5)
        pub.disconnect()

        def step():
            b = ing.take()
            if b:
                ing.process(b)
            return ing.totals.messages == 8
        wait_until(step, timeout=10, interval=0, what="all 8 messages")
    finally:
        ing.client.disconnect()
        ing.client.loop_stop()
    reasons = sorted(DeadLetter.objects.values_list("reason", flat=True))
    assert reasons == sorted(["malformed", "malformed", "bad_secret", "bad_reading", "bad_reading", "out_of_range",
                              "unknown_device"])
    assert set(Reading.objects.filter(device_id=device.pk).values_list("metric", "value")) == {
        ("ch4_lel", 2.0), ("battery", 77.0)}
    unknown = DeadLetter.objects.get(reason="unknown_device")
    assert unknown.device_code == "NO-SUCH-DEVICE" and "ch4_lel" in unknown.payload and unknown.topic
    assert '"secret": "***"' in unknown.payload  # operators read dead letters: no device secrets in them
    assert not DeadLetter.objects.filter(payload__contains=SECRET).exists()


@pytest.mark.django_db
def test_the_http_endpoint_takes_the_same_payloads_and_the_office_reads_dead_letters(personas):
    device = make_device(site=personas.site_a)
    t0 = base_time()
    anon = api_client()
    r = anon.post("/api/v1/readings/", {"device": device.code, **reading(t0, ch4_lel=1.5)}, format="json")
    assert r.status_code == 202 and r.json()["stored"] == 1
    r = anon.post("/api/v1/readings/", {"device": device.code, **reading(t0, ch4_lel=1.5)}, format="json")
    assert r.status_code == 202 and r.json()["duplicates"] == 1
    r = anon.post("/api/v1/readings/", reading(t0, ch4_lel=1.5) | {"secret": None}, format="json",
                  HTTP_X_DEVICE_CODE=device.code, HTTP_X_DEVICE_SECRET="nope")
    assert r.status_code == 401
    r = anon.post("/api/v1/readings/", "{oops", content_type="application/json", HTTP_X_DEVICE_CODE=device.code)
    assert r.status_code == 400
    r = anon.post("/api/v1/readings/", {"readings": [{"ts": t0.isoformat(), "m": {"battery": 50}}]}, format="json",
                  HTTP_X_DEVICE_CODE=device.code, HTTP_X_DEVICE_SECRET=SECRET)
    assert r.status_code == 202 and r.json()["stored"] == 1

    listed = api_client(personas.office).get("/api/v1/dead-letters/").json()
    assert [d["reason"] for d in listed["results"]] == ["malformed", "bad_secret"]
    assert api_client(personas.street_a).get("/api/v1/dead-letters/").status_code == 403


@pytest.mark.django_db
def test_one_bad_message_in_a_batch_leaves_the_others_whole():
    device = make_device()
    t0 = base_time()
    result = ingest([Message(payload="not json", device_code=device.code),
                     Message(payload=json.dumps(reading(t0, ch4_lel=5)), device_code=device.code)])
    assert (result.stored, result.dead_letters, result.rejected) == (1, 1, [(0, "malformed")])


@pytest.mark.django_db
def test_a_message_that_breaks_the_code_is_kept_and_the_rest_stored(monkeypatch, topic_prefix):
    """Even an unforeseen error on one message (a bug) leaves a dead letter and lets its batch through."""
    from types import SimpleNamespace

    from gasguard.monitoring import ingest as ingest_module
    from gasguard.monitoring import mqtt as mqtt_module

    device = make_device()
    real = ingest_module.ingest

    def fragile(messages, **kw):
        if any(b"boom" in m.payload for m in messages):
            raise RuntimeError("unexpected")
        return real(messages, **kw)

    monkeypatch.setattr(mqtt_module, "ingest", fragile)
    ing = Ingester(prefix=topic_prefix, client_id=topic_prefix.replace("/", "-") + "-x", session_expiry=0)
    acked = []
    ing.client = SimpleNamespace(ack=lambda mid, qos: acked.append(mid))
    topic = device_topic(device.code, topic_prefix)
    batch = [SimpleNamespace(payload=json.dumps(reading(base_time(), ch4_lel=1.0)).encode(), topic=topic, mid=1,
                             qos=1, dup=False),
             SimpleNamespace(payload=b'{"boom": 1}', topic=topic, mid=2, qos=1, dup=False)]
    ing.process(batch)
    assert acked == [1, 2]
    assert Reading.objects.filter(device_id=device.pk).count() == 1
    assert DeadLetter.objects.get().detail.startswith("处理出错")


@pytest.mark.django_db
def test_device_codes_with_quotes_backslashes_or_nul_are_looked_up_safely():
    from gasguard.monitoring.caches import devices, reset_caches

    odd = make_device(code='T"ODD\\1,{x}')
    reset_caches()
    found = devices.get_many([odd.code, "NO\x00PE", "", "T-NONE"])
    assert found[odd.code].id == odd.pk and found["NO\x00PE"] is None and found["T-NONE"] is None


@pytest.mark.django_db
def test_a_payload_with_a_nul_or_a_lone_surrogate_is_dead_lettered_and_the_batch_is_stored():
    device = make_device()
    t0 = base_time()
    good = json.dumps(reading(t0, ch4_lel=3.0))
    r = ingest([Message(payload=b'{"m": {"ch4_lel": 1}, "x": "\x00', device_code=device.code),
                Message(payload='{"m": {"ch4_lel": 1}}\x00', device_code=device.code),
                Message(payload=json.dumps({"device": "X\ud800\u0000", "m": {"ch4_lel": 1}, "secret": SECRET})),
                Message(payload=json.dumps({"device": "Y\ud800", "m": {"ch4_lel": 1}, "secret": SECRET})),
                Message(payload=good, device_code=device.code)])
    assert r.stored == 1 and r.dead_letters == 4
    kept = list(DeadLetter.objects.order_by("id").values_list("payload", "device_code"))
    assert "\\u0000" in kept[0][0] and "\x00" not in "".join(p + c for p, c in kept)
    assert Reading.objects.filter(device_id=device.pk).count() == 1
