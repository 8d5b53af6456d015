"""Per-minute and per-hour roll-ups of the readings (count, sum, min, max), kept by the ingest service in the same
transaction as the readings they summarise, so a chart never reads raw telemetry and never disagrees with it.

Only the readings that were new (not duplicates) are added, so a redelivered message does not count twice. The
buckets are aggregated on the batch's columns first (NumPy: one row per device, metric and bucket), then upserted in
key order (two ingesters touching the same bucket wait for each other instead of deadlocking):
PostgreSQL: one INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE per table; SQLite: executemany of the
same upsert. `rebuild()` recomputes them from the readings (after a bulk load or a retention change)."""
from datetime import UTC, datetime

import numpy as np
from django.db import connection

from .columns import Readings, sort_groups

TABLES = {"minute": "monitoring_readingminute", "hour": "monitoring_readinghour"}


def _fold(device, metric, bucket, count, total, low, high, width):
    """Sum (device, metric, bucket) groups into buckets of `width` seconds: arrays in, arrays out, sorted by key."""
    bucket = bucket - bucket % width
    order, starts = sort_groups(device, metric, bucket)
    device, metric, bucket = device[order], metric[order], bucket[order]
    return (device[starts], metric[starts], bucket[starts], np.add.reduceat(count[order], starts),
            np.add.reduceat(total[order], starts), np.minimum.reduceat(low[order], starts),
            np.maximum.reduceat(high[order], starts))


def add(readings) -> None:
    """Fold new readings (a columns.Readings) into both roll-up tables. Metrics are ranked by name, so every
    ingester upserts in the same (device, metric name, bucket) order."""
    if not len(readings):
        return
    rank = np.argsort(np.argsort(np.array(readings.names, dtype=object))).astype(np.int32)
    by_rank = sorted(readings.names)
    ones = np.ones(len(readings), np.int64)
    minute = _fold(readings.device, rank[readings.metric], readings.ts // 1_000_000, ones, readings.value,
                   readings.value, readings.value, 60)
    hour = _fold(*minute, 3600)
    for name, cols in (("minute", minute), ("hour", hour)):
        device, metric, bucket, count, total, low, high = (c.tolist() for c in cols)
        metric = [by_rank[m] for m in metric]
        if connection.vendor == "postgresql":
            _upsert_pg(TABLES[name], (device, metric, bucket, count, total, low, high))
        else:
            _upsert_sqlite(TABLES[name], zip(device, metric, bucket, count, total, low, high, strict=True))


def _upsert_pg(table, cols):
    from .pg import pg_array, pg_cursor

    with pg_cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} AS t (device_id, metric, bucket, count, sum, min, max) "
            "SELECT d, m, to_timestamp(b), c, s, lo, hi FROM unnest(%s::bigint[], %s::varchar[], %s::bigint[], "
            "%s::int[], %s::float8[], %s::float8[], %s::float8[]) AS u(d, m, b, c, s, lo, hi) "
            "ON CONFLICT (device_id, metric, bucket) DO UPDATE SET count = t.count + EXCLUDED.count, "
            "sum = t.sum + EXCLUDED.sum, min = LEAST(t.min, EXCLUDED.min), max = GREATEST(t.max, EXCLUDED.max)",
            [pg_array(c) for c in cols])


def _upsert_sqlite(table, items):
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cur:
        cur.executemany(
            f"INSERT INTO {table} AS t (device_id, metric, bucket, count, sum, min, max) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (device_id, metric, bucket) DO UPDATE SET count = t.count + excluded.count, "
            "sum = t.sum + excluded.sum, min = min(t.min, excluded.min), max = max(t.max, excluded.max)",
            [(d, m, adapt(datetime.fromtimestamp(b, tz=UTC)), c, s, lo, hi) for d, m, b, c, s, lo, hi in items])


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
            add(Readings.from_rows(batch))
            batch = []
    add(Readings.from_rows(batch))


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
