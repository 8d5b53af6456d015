"""The outbox: workers claim a notification with a conditional UPDATE, so two workers never send the same one;
the webhook channel posts JSON to the configured URL (here a local http.server); a failure is retried, then
given up; the time from the alarm to the send is recorded."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

from gasguard.monitoring.models import Alarm
from gasguard.notifications import services as notify
from gasguard.notifications.channels import SENDERS
from gasguard.notifications.models import Notification

from .helpers import base_time, make_device, reading, send


@pytest.fixture
def webhook():
    """A local gateway on 127.0.0.1 that records what it receives (status 500 for paths ending in /fail)."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, json.loads(body)))
            self.send_response(500 if self.path.endswith("/fail") else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_two_workers_claim_disjoint_sets_and_the_webhook_gets_each_once(webhook):
    url, received = webhook
    with override_settings(MONITORING_WEBHOOK_URL=url + "/sms"):
        for _ in range(3):
            send(make_device(), reading(base_time(), ch4_lel=90.0))
    pending = Notification.objects.filter(channel="webhook")
    assert pending.count() == 3
    # Both workers see the same unclaimed rows, then race to claim them: each row goes to exactly one.
    candidates = list(Notification.objects.filter(claimed_at=None).values_list("id", flat=True))
    a = notify.claim_ids(candidates, worker="A")
    b = notify.claim_ids(candidates, worker="B")
    assert a == candidates and b == []
    Notification.objects.update(claimed_at=None, claimed_by="")

    first, second = notify.send_pending(worker="A"), notify.send_pending(worker="B")
    assert first["sent"] == Notification.objects.count() and second["claimed"] == 0
    assert len(received) == 3 and {p["event"] for _, p in received} == {"alarm.raised"}
    assert {p["alarm"] for _, p in received} == set(Alarm.objects.values_list("number", flat=True))
    for n in Notification.objects.all():
        assert n.sent_at and n.attempts == 1 and n.dwell_ms is not None and n.claimed_by == "A"


@pytest.mark.django_db
def test_a_failing_channel_is_retried_then_given_up(webhook):
    url, received = webhook
    with override_settings(MONITORING_WEBHOOK_URL=url + "/fail", MONITORING_NOTIFY_MAX_ATTEMPTS=2):
        send(make_device(), reading(base_time(), ch4_lel=90.0))
        assert notify.send_pending()["failed"] == 1
        n = Notification.objects.get(channel="webhook")
        assert (n.attempts, n.failed, n.claimed_at, n.sent_at) == (1, False, None, None) and "500" in n.error
        notify.send_pending()
        n.refresh_from_db()
        assert (n.attempts, n.failed, n.sent_at) == (2, True, None)
        assert notify.send_pending()["claimed"] == 0
    assert len(received) == 2


def test_channels_are_a_registry():
    assert set(SENDERS) == {"in_app", "email", "webhook"}
