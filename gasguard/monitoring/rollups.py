"""Per-minute and per-hour roll-ups of the readings (count, sum, min, max), kept by the ingest service in the same
transaction as the readings they summarise, so a chart never reads raw telemetry and never disagrees with it.

Only the readings that were new (not duplicates) are added, so a redelivered message does not count twice. The
buckets are aggregated in Python first (one row per device, metric and bucket of the batch), then upserted in
key order (two ingesters touching the same bucket wait for each other instead of deadlocking):
PostgreSQL: one INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE per table; SQLite: executemany of the
same upsert. `rebuild()` recomputes them from the readings (after a bulk load or a retention change)."""
from datetime import UTC, datetime

from django.db import connection

TABLES = {"minute": "monitoring_readingminute", "hour": "monitoring_readinghour"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _minutes(rows) -> dict:
    acc = {}
    for device_id, metric, ts, value in rows:
        epoch = int(ts.timestamp())
        key = (device_id, metric, epoch - epoch % 60)
        a = acc.get(key)
        if a is None:
            acc[key] = [1, value, value, value]
        else:
            a[0] += 1
            a[1] += value
            if value < a[2]:
                a[2] = value
            if value > a[3]:
                a[3] = value
    return acc


def _hours(minutes: dict) -> dict:
    """Hours folded from the minutes (one timestamp conversion per reading, not two)."""
    acc = {}
    for (device_id, metric, b), (c, s, lo, hi) in minutes.items():
        key = (device_id, metric, b - b % 3600)
        a = acc.get(key)
        if a is None:
            acc[key] = [c, s, lo, hi]
        else:
            a[0] += c
            a[1] += s
            if lo < a[2]:
                a[2] = lo
            if hi > a[3]:
                a[3] = hi
    return acc


def add(rows) -> None:
    """Fold new readings (device_id, metric, ts, value) into both roll-up tables."""
    if not rows:
        return
    minutes = _minutes(rows)
    for name, acc in (("minute", minutes), ("hour", _hours(minutes))):
        items = sorted(acc.items())
        if connection.vendor == "postgresql":
            _upsert_pg(TABLES[name], items)
        else:
            _upsert_sqlite(TABLES[name], items)


def _upsert_pg(table, items):
    from .ingest import pg_array, pg_cursor

    cols = list(zip(*[(d, m, b, c, s, lo, hi) for (d, m, b), (c, s, lo, hi) in items], strict=True))
    with pg_cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (device_id, metric, bucket, count, sum, min, max) "
            "SELECT d, m, to_timestamp(b), c, s, lo, hi FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[], "
            "%s::int[], %s::float8[], %s::float8[], %s::float8[]) AS u(d, m, b, c, s, lo, hi) "
            "ON CONFLICT (device_id, metric, bucket) DO UPDATE SET count = t.count + EXCLUDED.count, "
            "sum = t.sum + EXCLUDED.sum, min = LEAST(t.min, EXCLUDED.min), max = GREATEST(t.max, EXCLUDED.max)"
            .replace(f"INTO {table} ", f"INTO {table} AS t "),
            [pg_array(c) for c in cols])


def _upsert_sqlite(table, items):
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} AS t (device_id, metric, bucket, count, sum, min, max) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (device_id, metric, bucket) DO UPDATE SET count = t.count + excluded.count, "
            "sum = t.sum + excluded.sum, min = min(t.min, excluded.min), max = max(t.max, excluded.max)",
            [(d, m, adapt(datetime.fromtimestamp(b, tz=UTC)), c, s, lo, hi) for (d, m, b), (c, s, lo, hi) in items])


def rebuild(device_ids=None) -> None:
    """Recompute the roll-ups from the readings (all devices, or those given)."""
    from .models import Reading, ReadingHour, ReadingMinute

    for model in (ReadingMinute, ReadingHour):
        qs = model.objects.all()
        if device_ids is not None:
            qs = qs.filter(device_id__in=device_ids)
        qs.delete()
    qs = Reading.objects.all()
    if device_ids is not None:
        qs = qs.filter(device_id__in=device_ids)
    batch = []
    for row in qs.order_by("device_id", "metric", "ts").values_list("device_id", "metric", "ts", "value").iterator():
        batch.append(row)
        if len(batch) >= 50_000:
            add(batch)
            batch = []
    add(batch)


def series(device_id: int, metric: str, bucket: str, since, until) -> list[dict]:
    """The chart's points: one per bucket between since and until, with min / avg / max / count."""
    from .models import ReadingHour, ReadingMinute

    model = ReadingMinute if bucket == "minute" else ReadingHour
    rows = (model.objects.filter(device_id=device_id, metric=metric, bucket__gte=_floor(since, bucket),
                                 bucket__lte=until).order_by("bucket")
            .values_list("bucket", "count", "sum", "min", "max")[:5000])
    return [{"bucket": b, "min": lo, "avg": s / c if c else None, "max": hi, "count": c} for b, c, s, lo, hi in rows]


def _floor(dt, bucket):
    seconds = 60 if bucket == "minute" else 3600
    epoch = int(dt.timestamp())
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)
