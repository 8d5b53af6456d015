"""The outbox's verbs (after healthchecks' Flip + sendalerts): `enqueue` writes one Notification per target inside
the caller's transaction; workers `claim` rows with a conditional UPDATE … WHERE claimed_at IS NULL, so two workers
never send the same one, send them through channels.SENDERS and record the time from the event to the send
(dwell_ms)."""
import logging
import os
import socket
import time
from datetime import datetime, timedelta

import psycopg
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from gasguard.utilities import clock
from gasguard.utilities.pglisten import listening_connection

from .channels import SENDERS
from .models import Notification

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=5)
CHANNEL = "gasguard_outbox"  # the PostgreSQL NOTIFY channel that wakes the workers


def enqueue(event: str, targets, payload: dict, *, subject=None, occurred_at: datetime | None = None,
            now: datetime | None = None) -> list[Notification]:
    """Queue one notification of `event` per (channel, target) in `targets`, in the caller's transaction: the rows
    commit with the change they announce, or not at all. `subject` is the record it is about (optional);
    `occurred_at`, when the event happened, is where its dwell time starts (default: now)."""
    now = now or clock.now()
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    rows = Notification.objects.bulk_create([
        Notification(event=event, channel=channel, target=target, payload=payload, created_at=now,
                     occurred_at=occurred_at, subject_type=subject_type,
                     subject_id=subject.pk if subject is not None else None)
        for channel, target in targets])
    if rows and connection.vendor == "postgresql":
        # Wakes the waiting workers when the transaction commits (PostgreSQL delivers NOTIFY only then).
        with connection.cursor() as cur:
            cur.execute(f"NOTIFY {CHANNEL}")
    return rows


def wait_for_work(timeout: float) -> None:
    """Sleep until an enqueue commits (PostgreSQL LISTEN/NOTIFY on a connection of our own) or `timeout` passes;
    elsewhere just sleep. Lets `send_notifications --loop` answer within milliseconds without polling hard."""
    global _listener
    if connection.vendor != "postgresql":
        time.sleep(timeout)
        return
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


def claim(limit=50, *, worker=None) -> list[Notification]:
    """Claim up to `limit` unsent notifications for this worker. A row is ours only if our UPDATE changed it."""
    worker = worker or worker_name()
    now = clock.now()
    # A worker that died holding claims: let others retry them.
    Notification.objects.filter(claimed_at__lt=now - STALE_CLAIM, sent_at=None, failed=False).update(claimed_at=None)
    if connection.vendor == "postgresql":
        # One conditional UPDATE for the whole claim; SKIP LOCKED lets a second worker take the next rows at once.
        table = connection.ops.quote_name(Notification._meta.db_table)
        with connection.cursor() as cur:
            cur.execute(f"UPDATE {table} SET claimed_at = %s, claimed_by = %s WHERE id IN ("
                        f"SELECT id FROM {table} WHERE claimed_at IS NULL AND NOT failed "
                        "AND sent_at IS NULL ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED) "
                        "AND claimed_at IS NULL RETURNING id", [now, worker[:100], limit])
            mine = [r[0] for r in cur.fetchall()]
    else:
        ids = list(Notification.objects.filter(claimed_at=None, failed=False, sent_at=None)
                   .order_by("id").values_list("id", flat=True)[:limit])
        mine = claim_ids(ids, worker=worker, now=now)
    return list(Notification.objects.filter(pk__in=mine).order_by("id"))


def claim_ids(ids, *, worker: str, now=None) -> list[int]:
    """Try to claim each of `ids`; returns those this worker won."""
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
    dwell = max(0, int((sent - (notification.occurred_at or notification.created_at)).total_seconds() * 1000))
    return True, {"sent_at": sent, "attempts": attempts, "error": "", "dwell_ms": dwell}


def send_pending(limit=50, *, worker=None) -> dict:
    """Claim and send; returns counts. Each notification is sent (and timed) on its own; what happened is written
    in one transaction for the claimed batch (one commit, not one per notification)."""
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
