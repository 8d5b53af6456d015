"""The alarm board's feed: each alarm step in the user's scope arrives as a server-sent event (with the sound flag
for a new second-level alarm); another street hears nothing of it."""
import json

import pytest

from gasguard.monitoring import services
from gasguard.monitoring.models import Alarm
from gasguard.testing import api_client

from .helpers import base_time, make_device, reading, send


def read_events(client, **params):
    r = client.get("/api/v1/alarm-stream/", {"timeout": 0.2, **params}, HTTP_ACCEPT="text/event-stream")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/event-stream")
    text = (b"".join(r.streaming_content) if r.streaming else r.content).decode()
    return [json.loads(line[len("data: "):]) for line in text.splitlines() if line.startswith("data: ")]


@pytest.mark.django_db
def test_steps_arrive_as_events_in_scope(personas):
    device = make_device(site=personas.site_a)
    send(device, reading(base_time(), ch4_lel=75.0))
    alarm = Alarm.objects.get(alarm_type="ch4_level2")
    services.acknowledge(alarm, by=personas.street_a)
    events = read_events(api_client(personas.street_a), after=0)
    assert [(e["alarm"]["number"], e["action"]) for e in events] == [(alarm.number, "raise"),
                                                                     (alarm.number, "acknowledge")]
    assert events[0]["sound"] is True and events[1]["sound"] is False
    assert events[0]["alarm"]["device"] == device.code
    assert read_events(api_client(personas.street_b), after=0) == []
    # Resuming after the last seen event gives only what is new.
    assert read_events(api_client(personas.street_a), after=events[-1]["event_id"]) == []
