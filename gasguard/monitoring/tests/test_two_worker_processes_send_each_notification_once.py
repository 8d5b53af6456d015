"""Two `gasguard send_notifications` processes drain the same outbox at once against a local webhook: every
notification is posted exactly once (the conditional-UPDATE claim), each stamped with its worker and dwell time."""
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gasguard.notifications.models import Notification

from .helpers import wait_until
from .live import Proc, env_for, live_database

COUNT = 60


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_never_send_the_same_notification():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"])))["n"])
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/hook"
    Notification.objects.bulk_create([Notification(event="test", channel="webhook", target=url, payload={"n": i})
                                      for i in range(COUNT)])
    db = live_database()
    workers = [Proc(["send_notifications", "--loop", "--interval", "0.1", "--limit", "3", "--worker", name],
                    env_for(db)).start() for name in ("w1", "w2")]
    try:
        wait_until(lambda: db.scalar("SELECT COUNT(*) FROM notifications_notification WHERE sent_at IS NOT NULL")
                   == COUNT, timeout=40, what="all notifications sent")
    finally:
        for w in workers:
            w.stop()
        server.shutdown()
        server.server_close()
    try:
        _check(db, received)
    finally:
        db.cleanup()


def _check(db, received):
    assert sorted(received) == list(range(COUNT)), Counter(received).most_common(3)
    by_worker = {w: db.scalar("SELECT COUNT(*) FROM notifications_notification WHERE claimed_by = %s", [w])
                 for w in ("w1", "w2")}
    assert sum(by_worker.values()) == COUNT
    assert db.scalar("SELECT COUNT(*) FROM notifications_notification WHERE dwell_ms IS NULL") == 0
    print("notifications per worker:", by_worker)
