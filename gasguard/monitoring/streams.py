"""Who may hold an alarm stream open, and for how long (monitoring/README.md, "The alarm stream").

A held stream occupies one of the web server's request threads for its whole life. Two bounds keep the server's
threads for ordinary requests:
- per process, at most MONITORING_STREAM_SLOTS held streams (by default one fewer than the worker's threads); a
  board that finds no free slot is answered at once (what is new, then `retry:`), and its browser asks again;
- per user, at most MONITORING_STREAM_MAX_PER_USER held streams, counted across processes on PostgreSQL (session
  advisory locks, released with the connection should the worker die); one more answers 429.
"""
import threading

from django.conf import settings
from django.db import connection

# pg_try_advisory_lock(int, int): the first key names this use, the second is user id × slots + slot.
_LOCK_SPACE = 0x6767_5354  # "ggST"
_MAX_SLOTS_PER_USER = 64

_lock = threading.Lock()
_held = 0                        # held streams in this process
_user_slots: set[tuple] = set()  # (user id, slot) held in this process


def take_process_slot() -> bool:
    """A slot of this process for one held stream, if one is free (release with release_process_slot)."""
    global _held
    with _lock:
        if _held >= settings.MONITORING_STREAM_SLOTS:
            return False
        _held += 1
        return True


def release_process_slot():
    global _held
    with _lock:
        _held = max(0, _held - 1)


def take_user_slot(user_id: int) -> int | None:
    """One of the user's MONITORING_STREAM_MAX_PER_USER stream slots, or None when the user holds them all."""
    limit = min(settings.MONITORING_STREAM_MAX_PER_USER, _MAX_SLOTS_PER_USER)
    for slot in range(limit):
        with _lock:
            if (user_id, slot) in _user_slots:
                continue
            _user_slots.add((user_id, slot))
        # Advisory locks are re-entrant within one session, so this process's own slots are skipped above.
        if connection.vendor != "postgresql" or _pg_lock("pg_try_advisory_lock", user_id, slot):
            return slot
        with _lock:
            _user_slots.discard((user_id, slot))
    return None


def release_user_slot(user_id: int, slot: int):
    try:
        if connection.vendor == "postgresql":
            _pg_lock("pg_advisory_unlock", user_id, slot)
    finally:
        with _lock:
            _user_slots.discard((user_id, slot))


def _pg_lock(function: str, user_id: int, slot: int) -> bool:
    key = (user_id * _MAX_SLOTS_PER_USER + slot) % 2**31
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [_LOCK_SPACE, key])
        return bool(cursor.fetchone()[0])
