"""The platform's clock. Normally the wall clock; the demo loader sets it back to replay a campaign's history
through the same service functions that users call (so the audit chain of the demo is genuine)."""
import contextvars
from contextlib import contextmanager
from datetime import date, datetime, time

from django.utils import timezone

_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("gasguard_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


def local_midnight(day: date) -> datetime:
    """The start of `day` in local time, aware: bounds on the indexed datetime columns, not a cast of every row."""
    return timezone.make_aware(datetime.combine(day, time.min))


@contextmanager
def frozen(at: datetime):
    """Within the block, now() answers `at` (an aware datetime)."""
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
