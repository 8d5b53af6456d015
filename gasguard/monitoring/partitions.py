"""Time partitions of the readings table on PostgreSQL (declarative range partitioning on ts, by UTC day or
month). Partitions are created ahead (`gasguard partitions`) and on demand by the ingester for a reading's day;
whole partitions are dropped after the retention period, so old telemetry leaves without DELETE or VACUUM.
On SQLite the table is plain and retention is a DELETE."""
import re
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from gasguard.utilities import clock

PARENT = "monitoring_reading"
_NAME = re.compile(rf"^{PARENT}_p(\d{{8}})$")
_known: set[str] = set()  # partitions this process has seen exist


def _interval() -> str:
    return "month" if settings.MONITORING_PARTITION_INTERVAL == "month" else "day"


def bounds(day: date) -> tuple[date, date]:
    """The partition [start, end) holding `day`."""
    if _interval() == "month":
        start = day.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1)
        return start, end
    return day, day + timedelta(days=1)


def partition_name(start: date) -> str:
    return f"{PARENT}_p{start:%Y%m%d}"


def _ts(d: date) -> str:
    return datetime(d.year, d.month, d.day, tzinfo=UTC).isoformat()


def ensure(days) -> list[str]:
    """Make sure a partition exists for each UTC day in `days`; returns the partitions created. Concurrent
    ingesters serialise on an advisory lock, so two never race to create the same table."""
    if connection.vendor != "postgresql":
        return []
    wanted = {}
    for day in days:
        start, end = bounds(day)
        name = partition_name(start)
        if name not in _known:
            wanted[name] = (start, end)
    if not wanted:
        return []
    created = []
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [PARENT])
        cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s", [PARENT])
        existing = {row[0] for row in cur.fetchall()}
        for name, (start, end) in sorted(wanted.items()):
            if name not in existing:
                cur.execute(f'CREATE TABLE "{name}" PARTITION OF {PARENT} '
                            f"FOR VALUES FROM ('{_ts(start)}') TO ('{_ts(end)}')")
                created.append(name)
    # Remember only once committed: a rolled-back transaction takes its new partitions with it.
    transaction.on_commit(lambda: _known.update(wanted))
    return created


def existing() -> list[tuple[str, date]]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s ORDER BY 1", [PARENT])
        rows = [r[0] for r in cur.fetchall()]
    out = []
    for name in rows:
        m = _NAME.match(name)
        if m:
            out.append((name, datetime.strptime(m.group(1), "%Y%m%d").date()))
    return out


def oldest_accepted(now=None) -> datetime:
    """Readings older than this are outside the retention period and are not accepted."""
    return (now or clock.now()) - timedelta(days=settings.MONITORING_RETENTION_DAYS)


def maintain(*, ahead_days=None, retention_days=None, now=None) -> dict:
    """Create partitions from yesterday to `ahead_days` ahead; drop (PostgreSQL) or delete (SQLite) what is past
    the retention period. Safe to run any number of times."""
    now = now or clock.now()
    ahead = settings.MONITORING_PARTITIONS_AHEAD_DAYS if ahead_days is None else ahead_days
    keep = settings.MONITORING_RETENTION_DAYS if retention_days is None else retention_days
    today = now.astimezone(UTC).date()
    cutoff = today - timedelta(days=keep)
    rollups_deleted = _expire_rollups(datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC), now)
    if connection.vendor != "postgresql":
        from .models import Reading
        deleted, _ = Reading.objects.filter(ts__lt=datetime(cutoff.year, cutoff.month, cutoff.day, tzinfo=UTC)).delete()
        return {"created": [], "dropped": [], "deleted_rows": deleted, "rollups_deleted": rollups_deleted}
    created = ensure(today + timedelta(days=i) for i in range(-1, ahead + 1))
    dropped = []
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [PARENT])
        for name, start in existing():
            _, end = bounds(start)
            if end <= cutoff:
                cur.execute(f'DROP TABLE "{name}"')
                dropped.append(name)
                _known.discard(name)
    return {"created": created, "dropped": dropped, "deleted_rows": 0, "rollups_deleted": rollups_deleted}


def _expire_rollups(before: datetime, now: datetime) -> int:
    """The hour roll-ups go with the readings they summarise; the minute ones sooner, after
    MONITORING_MINUTE_ROLLUP_DAYS (charts of a longer period use hours, and a minute row per device per minute
    would otherwise outgrow everything else). DELETEs: they are 60–3,600 times smaller than the readings."""
    from .models import ReadingHour, ReadingMinute

    minutes_before = max(before, now - timedelta(days=settings.MONITORING_MINUTE_ROLLUP_DAYS))
    return (ReadingMinute.objects.filter(bucket__lt=minutes_before).delete()[0]
            + ReadingHour.objects.filter(bucket__lt=before).delete()[0])
