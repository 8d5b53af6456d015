"""The readings' COPY runs on psycopg's own cursor, so a connection cut there (a database restart) raises psycopg's
OperationalError, not Django's. The ingester takes it for what it is: the database is away; it keeps the batch
unacknowledged and retries it, rather than taking the messages for undigestible ones and dead-lettering them."""
import json
from types import SimpleNamespace

import psycopg
import pytest

from gasguard.monitoring import mqtt
from gasguard.monitoring.models import DeadLetter, Reading
from gasguard.monitoring.mqtt import Ingester, device_topic

from .helpers import base_time, make_device, reading


@pytest.mark.django_db(transaction=True)  # the ingester closes its connection to retry
def test_a_cut_connection_during_the_copy_is_retried_not_dead_lettered(monkeypatch):
    device = make_device()
    t0 = base_time()
    batch = [SimpleNamespace(payload=json.dumps(reading(t0.replace(second=i), ch4_lel=1.0)).encode(),
                             topic=device_topic(device.code, "ggtest/cut"), mid=100 + i, qos=1, dup=False)
             for i in range(5)]
    lines, acked = [], []
    ingester = Ingester(prefix="ggtest/cut", client_id="cut-test", out=lines.append)
    ingester.client = SimpleNamespace(ack=lambda mid, qos: acked.append((mid, Reading.objects.count())))
    real, calls = mqtt.ingest, []
    # No pause between retries; a stop after a few (a test that loops would never end).
    monkeypatch.setattr(ingester.stopping, "wait", lambda timeout: len(calls) > 5)

    def database_away_twice(messages, **kw):
        calls.append(len(messages))
        if len(calls) <= 2:
            raise psycopg.OperationalError("terminating connection due to administrator command")
        return real(messages, **kw)

    monkeypatch.setattr(mqtt, "ingest", database_away_twice)
    ingester.process(batch)

    assert calls == [5, 5, 5]                 # the whole batch, again, until the database answers
    assert Reading.objects.count() == 5 and not DeadLetter.objects.exists()
    assert [mid for mid, _ in acked] == [m.mid for m in batch]
    assert all(stored == 5 for _, stored in acked)   # acknowledged only once stored
    assert sum("database error, retrying the batch of 5" in line for line in lines) == 2
