"""Readings published to the real broker (paho, and the mosquitto_pub command line) reach the readings table
through the ingester's shared subscription; methane in % vol is stored in % LEL."""
import json
import shutil
import subprocess
from datetime import timedelta

import paho.mqtt.client as mqtt
import pytest

from gasguard.monitoring.models import Device, Reading
from gasguard.monitoring.mqtt import Ingester, broker_address, device_topic, publish_client

from .helpers import base_time, batch, make_device, reading, wait_until


@pytest.fixture
def ingester(topic_prefix):
    ing = Ingester(prefix=topic_prefix, group=topic_prefix.replace("/", "-"),
                   client_id=f"{topic_prefix.replace('/', '-')}-in", session_expiry=0, flush_ms=20)
    ing.start()
    assert ing.subscribed.wait(5), "the ingester did not subscribe"
    yield ing
    ing.client.disconnect()
    ing.client.loop_stop()


def pump(ing, until, timeout=10):
    """Run the ingester's worker loop in this thread (it writes through the test's database connection)."""
    def step():
        batch_ = ing.take()
        if batch_:
            ing.process(batch_)
        return until()
    wait_until(step, timeout=timeout, interval=0, what="readings to arrive")


@pytest.mark.django_db
def test_paho_single_and_batch_messages_arrive(ingester, topic_prefix):
    device = make_device()
    t0 = base_time()
    pub = publish_client()
    topic = device_topic(device.code, topic_prefix)
    infos = [pub.publish(topic, json.dumps(reading(t0, ch4_vol=0.1, battery=90)), qos=1),
             pub.publish(topic, json.dumps(batch([(t0 + timedelta(seconds=10 * i), {"ch4_lel": i / 10})
                                                  for i in range(1, 51)])), qos=1)]
    for info in infos:
        info.wait_for_publish(5)
    pub.disconnect()
    pump(ingester, lambda: Reading.objects.filter(device_id=device.pk).count() == 52)
    first = Reading.objects.get(device_id=device.pk, metric="ch4_lel", ts=t0)
    assert first.value == pytest.approx(2.0)        # 0.1 % vol = 2 % LEL
    device.refresh_from_db()
    assert device.state == "online" and device.last_seen_at > t0
    assert ingester.totals.stored == 52


@pytest.mark.django_db
def test_mosquitto_pub_reaches_the_ingester(ingester, topic_prefix):
    exe = shutil.which("mosquitto_pub")
    assert exe, "mosquitto_pub is needed (apt-get install mosquitto-clients)"
    device = make_device()
    host, port = broker_address()
    subprocess.run([exe, "-h", host, "-p", str(port), "-q", "1", "-t", device_topic(device.code, topic_prefix),
                    "-m", json.dumps(reading(base_time(), ch4_lel=3.5))], check=True, timeout=10)
    pump(ingester, lambda: Reading.objects.filter(device_id=device.pk).exists())
    assert Reading.objects.get(device_id=device.pk).value == 3.5
    assert Device.objects.get(pk=device.pk).state == "online"


def test_the_topic_scheme_is_prefix_code_up():
    from gasguard.monitoring.mqtt import code_from_topic

    assert device_topic("VW-1", "gasguard/v1") == "gasguard/v1/VW-1/up"
    assert code_from_topic("gasguard/v1/VW-1/up", "gasguard/v1") == "VW-1"
    assert code_from_topic("other/VW-1/up", "gasguard/v1") == ""
    assert mqtt.MQTTv5
