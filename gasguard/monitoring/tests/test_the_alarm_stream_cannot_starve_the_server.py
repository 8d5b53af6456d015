"""The alarm stream holds a request thread only while the process has a stream slot free, and only for a bounded
time; a user holds a bounded number of streams (one more: 429); a bad parameter answers 400 in Chinese."""
import time

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.test import override_settings

from gasguard.monitoring import streams
from gasguard.monitoring.models import Alarm
from gasguard.testing import api_client

from .helpers import base_time, make_device, reading, send

URL = "/api/v1/alarm-stream/"


def get(client, **params):
    headers = params.pop("headers", {})
    return client.get(URL, params, HTTP_ACCEPT="text/event-stream", **headers)


def close(response):
    """What the server does when a board goes away (the test client's own wrapper keeps the test's connection)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


@pytest.fixture(autouse=True)
def _no_slot_left_behind():
    yield
    assert streams._held == 0 and not streams._user_slots


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {"timeout": "abc"}, {"timeout": "nan"}, {"timeout": "NaN"}, {"timeout": "inf"}, {"timeout": "-inf"},
    {"timeout": "-1"}, {"timeout": "1e300"}, {"timeout": "3601"}, {"after": "abc"}, {"after": "-1"},
    {"after": str(10**30)}, {"headers": {"HTTP_LAST_EVENT_ID": "x1"}},
])
def test_a_bad_parameter_answers_400_in_chinese(personas, params):
    name = next(iter(params)) if "headers" not in params else "Last-Event-ID"
    r = get(api_client(personas.office), **params)
    assert r.status_code == 400, body(r)
    assert r["Content-Type"].startswith("application/json")
    message = r.json()[name][0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


@pytest.mark.django_db
@override_settings(MONITORING_STREAM_SLOTS=0)
def test_with_no_slot_free_a_board_is_answered_at_once_and_resumes_where_it_was(personas):
    device = make_device(site=personas.site_a)
    send(device, reading(base_time(), ch4_lel=75.0))
    alarm = Alarm.objects.get(alarm_type="ch4_level2")
    client = api_client(personas.street_a)
    started = time.monotonic()
    r = get(client, timeout="3600", after="0")
    assert time.monotonic() - started < 5
    assert r.status_code == 200 and not r.streaming and r["Content-Type"].startswith("text/event-stream")
    text = body(r)
    assert text.startswith("retry: 3000\n\n") and f'"number": "{alarm.number}"' in text
    last = max(int(line[4:]) for line in text.splitlines() if line.startswith("id: "))
    assert text.endswith(f"id: {last}\n\n")
    # The browser comes back with that id: nothing new, and the same id again (no event is skipped).
    again = body(get(client, headers={"HTTP_LAST_EVENT_ID": str(last)}))
    assert "data:" not in again and again.endswith(f"id: {last}\n\n")


@pytest.mark.django_db
@override_settings(MONITORING_STREAM_SLOTS=10, MONITORING_STREAM_MAX_PER_USER=2)
def test_a_user_holds_at_most_the_set_number_of_streams(personas):
    client = api_client(personas.street_a)
    held = [get(client, timeout="30") for _ in range(2)]
    assert all(r.status_code == 200 and r.streaming for r in held)
    refused = get(client, timeout="30")
    assert refused.status_code == 429
    assert "2" in refused.json()["detail"] and "实时推送" in refused.json()["detail"]
    other = get(api_client(personas.street_b), timeout="30")
    assert other.status_code == 200 and other.streaming
    close(other)
    close(held.pop())  # a closed board gives its slot back
    again = get(client, timeout="30")
    assert again.status_code == 200 and again.streaming
    for r in (*held, again):
        close(r)


@pytest.mark.django_db
@override_settings(MONITORING_STREAM_SLOTS=1)
def test_a_process_holds_at_most_its_slots_and_answers_the_rest_at_once(personas):
    first = get(api_client(personas.street_a), timeout="30")
    assert first.streaming
    second = get(api_client(personas.street_b), timeout="30")
    assert second.status_code == 200 and not second.streaming and body(second).startswith("retry: ")
    close(first)
    third = get(api_client(personas.street_b), timeout="30")
    assert third.streaming
    close(third)


@pytest.mark.django_db
@override_settings(MONITORING_STREAM_SLOTS=1, MONITORING_STREAM_HOLD_SECONDS=0.3)
def test_a_held_stream_ends_after_the_hold_time_whatever_the_client_asks(personas):
    started = time.monotonic()
    r = get(api_client(personas.street_a), timeout="3600")
    text = body(r)
    close(r)
    assert time.monotonic() - started < 3
    assert text.startswith("retry: ") and text.rstrip("\n").splitlines()[-1].startswith("id: ")
