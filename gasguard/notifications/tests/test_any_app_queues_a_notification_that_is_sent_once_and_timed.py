"""The outbox belongs to no loop: any app queues notifications with `enqueue` in its own transaction (nothing is
queued when that rolls back), about any record, and the worker sends each once, timing it from when the event
happened."""
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction

from gasguard import testing
from gasguard.notifications import services
from gasguard.notifications.models import Notification
from gasguard.utilities import clock


@pytest.mark.django_db
def test_a_queued_email_is_sent_once_and_timed_from_the_event():
    site = testing.make_site()
    happened = clock.now() - timedelta(seconds=3)
    rows = services.enqueue("site.test", [("email", "office@example.cn"), ("in_app", "office")],
                            {"title": "测试", "text": "正文"}, subject=site, occurred_at=happened)
    assert [n.subject for n in Notification.objects.all()] == [site, site] and len(rows) == 2

    assert services.send_pending(worker="A") == {"claimed": 2, "sent": 2, "failed": 0}
    assert services.send_pending(worker="B")["claimed"] == 0
    assert [m.to for m in mail.outbox] == [["office@example.cn"]] and mail.outbox[0].subject == "[GasGuard] 测试"
    for n in Notification.objects.all():
        assert n.claimed_by == "A" and n.attempts == 1 and n.dwell_ms >= 3000


@pytest.mark.django_db
def test_without_an_event_time_the_dwell_starts_when_queued():
    services.enqueue("plain", [("in_app", "office")], {})
    services.send_pending()
    assert Notification.objects.get().dwell_ms < 3000


@pytest.mark.django_db
def test_nothing_is_queued_when_the_writing_transaction_rolls_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        services.enqueue("site.test", [("in_app", "office")], {})
        raise RuntimeError("the change it announced failed")
    assert not Notification.objects.exists()
