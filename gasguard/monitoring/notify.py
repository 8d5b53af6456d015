"""The notification outbox (after healthchecks' Flip + sendalerts): services write one Notification row per event
and target inside their transaction; workers claim rows with a conditional UPDATE … WHERE claimed_at IS NULL, so
two workers never send the same one, and record the time from the alarm to the send (dwell_ms).

Channels are pluggable: a sender class per channel in SENDERS (`@sender("webhook")`)."""
import json
import logging
import os
import socket
import time
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction

from gasguard.utilities import clock, pii
from gasguard.utilities.pglisten import listening_connection

from .choices import Channel

log = logging.getLogger(__name__)
SENDERS: dict[str, type] = {}
STALE_CLAIM = timedelta(minutes=5)


def sender(channel: str):
    def register(cls):
        SENDERS[channel] = cls
        return cls
    return register


@sender(Channel.IN_APP)
class InAppSender:
    """Delivered by being written: the alarm board and the user's inbox read these rows."""

    def send(self, notification):
        return None


@sender(Channel.EMAIL)
class EmailSender:
    def send(self, notification):
        p = notification.payload
        send_mail(subject=f"[GasGuard] {p.get('title', '监测报警')}", message=p.get("text", ""),
                  from_email=None, recipient_list=[notification.target])


def unsealed(payload: dict) -> dict:
    """The payload as the gateway needs it: its "sealed" values (personal data, encrypted with utilities.pii so that
    the outbox row holds none in clear) opened in place of their masked forms."""
    if not payload.get("sealed"):
        return payload
    opened = {key: pii.decrypt(token) for key, token in payload["sealed"].items()}
    return {**{k: v for k, v in payload.items() if k != "sealed"}, **opened}


@sender(Channel.WEBHOOK)
class WebhookSender:
    """POST the payload as JSON to the target URL (an SMS or messaging gateway); anything but 2xx is a failure."""

    timeout = 5

    def send(self, notification):
        body = json.dumps(unsealed(notification.payload), ensure_ascii=False).encode("utf-8")
        req = urllib.request.Request(notification.target, data=body, method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
        with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 (configured URL)
            if not 200 <= resp.status < 300:
                raise RuntimeError(f"HTTP {resp.status}")


# ---------------------------------------------------------------------------------------------------- targets

def default_targets(alarm) -> list[tuple[str, str]]:
    """Who hears of a new alarm: the task force office and the street/zone of the place (in-app), the configured
    gateway (webhook) and mailboxes."""
    targets = [(Channel.IN_APP, "office")]
    unit = alarm.jurisdiction.territorial_unit()
    if unit is not None:
        targets.append((Channel.IN_APP, f"jurisdiction:{unit.pk}"))
    if settings.MONITORING_WEBHOOK_URL:
        targets.append((Channel.WEBHOOK, settings.MONITORING_WEBHOOK_URL))
    targets += [(Channel.EMAIL, e) for e in settings.MONITORING_NOTIFY_EMAILS]
    return targets


def escalation_targets() -> list[tuple[str, str]]:
    targets = [(Channel.IN_APP, "office")]
    if settings.MONITORING_WEBHOOK_URL:
        targets.append((Channel.WEBHOOK, settings.MONITORING_WEBHOOK_URL))
    return targets


def dispatch_targets(unit, user) -> list[tuple[str, str]]:
    targets = []
    if unit is not None:
        targets.append((Channel.IN_APP, f"department:{unit.pk}"))
    if user is not None:
        targets.append((Channel.IN_APP, f"user:{user.pk}"))
        if user.email:
            targets.append((Channel.EMAIL, user.email))
    return targets


TITLES = {"alarm.raised": "新报警", "alarm.reraised": "报警再次超限", "alarm.cleared": "报警恢复正常",
          "alarm.escalated": "报警超时未确认（已升级）", "alarm.dispatched": "报警派单"}


def enqueue(alarm, event: str, targets=None):
    """Queue one notification per target for `event` on `alarm` (inside the caller's transaction)."""
    from .models import Notification

    title = TITLES.get(event, event)
    payload = {"event": event, "title": f"{title}：{alarm.device.code}", "alarm": alarm.number,
               "device": alarm.device.code, "site": alarm.site.name, "severity": alarm.severity,
               "text": alarm.message, "value": alarm.last_value, "raised_at": alarm.raised_at.isoformat()}
    now = clock.now()
    Notification.objects.bulk_create([
        Notification(event=event, alarm=alarm, channel=channel, target=target, payload=payload, created_at=now)
        for channel, target in (default_targets(alarm) if targets is None else targets)])
    if connection.vendor == "postgresql":
        # Wakes the waiting workers when the transaction commits (PostgreSQL delivers NOTIFY only then).
        with connection.cursor() as cur:
            cur.execute(f"NOTIFY {CHANNEL}")


CHANNEL = "gasguard_outbox"


def wait_for_work(timeout: float) -> None:
    """Sleep until an enqueue commits (PostgreSQL LISTEN/NOTIFY on a connection of our own) or `timeout` passes;
    elsewhere just sleep. Lets `send_notifications --loop` answer within milliseconds without polling hard."""
    global _listener
    if connection.vendor != "postgresql":
        time.sleep(timeout)
        return
    import psycopg

    try:
        if _listener is None or _listener.closed:
            _listener = listening_connection(CHANNEL)
        for _ in _listener.notifies(timeout=timeout, stop_after=1):
            pass
    except psycopg.Error as exc:
        log.warning("LISTEN %s failed, polling instead: %s", CHANNEL, exc)
        _listener = None
        time.sleep(timeout)


_listener = None


# ---------------------------------------------------------------------------------------------------- workers

def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(limit=50, *, worker=None) -> list:
    """Claim up to `limit` unsent notifications for this worker. A row is ours only if our UPDATE changed it."""
    from .models import Notification

    worker = worker or worker_name()
    now = clock.now()
    # A worker that died holding claims: let others retry them.
    Notification.objects.filter(claimed_at__lt=now - STALE_CLAIM, sent_at=None, failed=False).update(claimed_at=None)
    if connection.vendor == "postgresql":
        # One conditional UPDATE for the whole claim; SKIP LOCKED lets a second worker take the next rows at once.
        with connection.cursor() as cur:
            cur.execute("UPDATE monitoring_notification SET claimed_at = %s, claimed_by = %s WHERE id IN ("
                        "SELECT id FROM monitoring_notification WHERE claimed_at IS NULL AND NOT failed "
                        "AND sent_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
                        "AND claimed_at IS NULL RETURNING id", [now, worker[:100], limit])
            mine = [r[0] for r in cur.fetchall()]
    else:
        ids = list(Notification.objects.filter(claimed_at=None, failed=False, sent_at=None)
                   .order_by("id").values_list("id", flat=True)[:limit])
        mine = claim_ids(ids, worker=worker, now=now)
    return list(Notification.objects.filter(pk__in=mine).select_related("alarm").order_by("id"))


def claim_ids(ids, *, worker: str, now=None) -> list[int]:
    """Try to claim each of `ids`; returns those this worker won."""
    from .models import Notification

    now = now or clock.now()
    return [pk for pk in ids
            if Notification.objects.filter(pk=pk, claimed_at=None).update(claimed_at=now, claimed_by=worker) == 1]


def _send(notification) -> tuple[bool, dict]:
    """Send; return whether it went and the fields to record (the caller writes them)."""
    cls = SENDERS.get(notification.channel)
    attempts = notification.attempts + 1
    try:
        if cls is None:
            raise RuntimeError(f"没有渠道 {notification.channel} 的发送器")
        cls().send(notification)
    except Exception as exc:  # a channel's failure must not stop the worker
        log.warning("notification %s failed: %s", notification.pk, exc)
        gave_up = attempts >= settings.MONITORING_NOTIFY_MAX_ATTEMPTS
        return False, {"attempts": attempts, "error": str(exc)[:2000], "failed": gave_up,
                       "claimed_at": None if not gave_up else clock.now()}
    sent = clock.now()
    start = notification.alarm.raised_at if notification.alarm_id else notification.created_at
    dwell = max(0, int((sent - start).total_seconds() * 1000))
    return True, {"sent_at": sent, "attempts": attempts, "error": "", "dwell_ms": dwell}


def send_pending(limit=50, *, worker=None) -> dict:
    """Claim and send; returns counts. Each notification is sent (and timed) on its own; what happened is written
    in one transaction for the claimed batch (one commit, not one per notification)."""
    from .models import Notification

    sent = failed = 0
    with transaction.atomic():
        claimed = claim(limit, worker=worker)
    outcomes = []
    for n in claimed:
        ok, fields = _send(n)
        outcomes.append((n.pk, fields))
        sent += ok
        failed += not ok
    if outcomes:
        with transaction.atomic():
            for pk, fields in outcomes:
                Notification.objects.filter(pk=pk).update(**fields)
    return {"claimed": len(claimed), "sent": sent, "failed": failed}
