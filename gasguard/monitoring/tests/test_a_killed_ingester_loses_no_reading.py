"""The kill test. Two `gasguard ingest` processes share the subscription; one is killed with SIGKILL in the middle
of a burst; the other keeps storing; the killed one is restarted with its client id and receives what the broker
had delivered to it unacknowledged (and its share of what came while it was down). Every reading is stored
exactly once."""
import json
import time
import uuid
from datetime import timedelta

import pytest

from gasguard.monitoring.mqtt import device_topic, publish_client

from .helpers import base_time, make_device, wait_until
from .live import Proc, env_for, live_database

DEVICES = 10
MESSAGES = 600          # 400 single readings and 200 batches of 5: 1,400 readings
BATCH_EVERY = 3


@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_burst_loses_and_duplicates_nothing(topic_prefix):
    devices = [make_device() for _ in range(DEVICES)]
    db = live_database()
    run = uuid.uuid4().hex[:8]
    args = ["ingest", "--prefix", topic_prefix, "--group", f"kill-{run}", "--stats-every", "0.5",
            "--batch-size", "50"]
    env = env_for(db, MONITORING_SESSION_EXPIRY_S="120")  # long enough for the restart; no litter on the broker
    a = Proc([*args, "--client-id", f"kill-{run}-a"], env)
    b = Proc([*args, "--client-id", f"kill-{run}-b"], env)
    procs = [a.start(), b.start()]
    try:
        a.wait_for("subscribed")
        b.wait_for("subscribed")
        pub = publish_client()
        t0 = base_time(seconds_ago=3600)
        expected = 0
        pending = []
        for i in range(MESSAGES):
            device = devices[i % DEVICES]
            ts = t0 + timedelta(seconds=i)
            if i % BATCH_EVERY == 0:
                doc = {"secret": "test-secret-0123456789",
                       "readings": [{"ts": (ts + timedelta(milliseconds=k)).isoformat(), "m": {"ch4_lel": 1.0}}
                                    for k in range(5)]}
                expected += 5
            else:
                doc = {"ts": ts.isoformat(), "secret": "test-secret-0123456789", "m": {"ch4_lel": 1.0}}
                expected += 1
            pending.append(pub.publish(device_topic(device.code, topic_prefix), json.dumps(doc), qos=1))
            if i == MESSAGES // 3:
                for info in pending:
                    info.wait_for_publish(10)
                time.sleep(0.3)             # let A take some in flight …
                a.kill()                    # … and kill it without a chance to acknowledge
                killed_at_count = db.scalar("SELECT COUNT(*) FROM monitoring_reading")
            elif i % 50 == 0:
                time.sleep(0.05)
        for info in pending:
            info.wait_for_publish(10)
        pub.disconnect()

        # B alone keeps storing while A is down.
        wait_until(lambda: db.scalar("SELECT COUNT(*) FROM monitoring_reading") > killed_at_count, timeout=20,
                   what="B to keep storing")
        a.start()                           # the supervisor restarts A with the same client id
        a.wait_for("session present: True")
        count = lambda: db.scalar("SELECT COUNT(*) FROM monitoring_reading")  # noqa: E731
        wait_until(lambda: count() >= expected, timeout=40, what=f"{expected} readings")
        time.sleep(0.5)                      # nothing more trickles in
        assert count() == expected
        distinct = db.scalar("SELECT COUNT(*) FROM (SELECT DISTINCT device_id, metric, ts FROM monitoring_reading) x")
        assert distinct == expected
        assert db.scalar("SELECT COUNT(*) FROM monitoring_deadletter") == 0
    finally:
        for p in procs:
            p.stop()
        db.cleanup()
    print(f"kill test: {expected} readings; A before kill / after restart:\n" + "\n".join(a.lines[-3:]))
