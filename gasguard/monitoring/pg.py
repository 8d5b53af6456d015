"""What the ingest pipeline says to PostgreSQL in its own words: binary COPY of a batch of readings, the staged
insert that tells which rows were new, last seen for a whole batch in one statement, and the server-side-binding
cursor and array literals the per-batch statements use."""
import numpy as np
from django.db import IntegrityError, connection, transaction

from . import partitions
from .choices import DeviceState
from .columns import from_us


def pg_cursor():
    """A server-side-binding psycopg cursor on Django's connection: Django's client-side binding would spell every
    element of a large array parameter into the SQL text, which costs more than the statement itself."""
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def pg_array(values) -> str:
    """A PostgreSQL array literal of numbers or [a-z0-9_] names (what ingest has validated): one C-speed join,
    where psycopg would adapt a list element by element in Python."""
    return "{" + ",".join(map(str, values)) + "}"


def array_text(value: str) -> str:
    """One element of a PostgreSQL array literal, quoted (a device code may hold any character)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def storable(text: str) -> str:
    """Text any database column takes: a NUL (which PostgreSQL refuses) spelled out, a lone surrogate (which is no
    UTF-8) replaced — so the dead letter of a garbled message is written, and the rest of its batch with it."""
    return text.encode("utf-8", errors="replace").decode("utf-8").replace("\x00", "\\u0000")


def write_readings(readings):
    """The common case — no reading of the batch is stored yet — costs one COPY of bytes built from the columns, into
    the day's partition when the batch is within one (no routing), inside a savepoint. If a key is already there (a
    redelivered message) or twice in the batch, the savepoint is rolled back and the batch goes the careful way."""
    from psycopg import errors

    first = partitions.bounds(from_us(readings.ts.min()).date())[0]
    same = first == partitions.bounds(from_us(readings.ts.max()).date())[0]
    target = partitions.partition_name(first) if same else partitions.PARENT
    try:
        with transaction.atomic(), connection.cursor() as cur:
            with cur.cursor.copy(f"COPY {target} (device_id, metric, ts, value) FROM STDIN (FORMAT BINARY)") as cp:
                for chunk in readings.copy_chunks():
                    cp.write(chunk)
        return readings
    except (errors.UniqueViolation, IntegrityError):  # psycopg's own error: the COPY bypasses Django's cursor
        pass
    return _write_staged(readings)


def _write_staged(readings):
    names = readings.names
    keys = list(zip(readings.device.tolist(), [names[m] for m in readings.metric.tolist()], readings.ts.tolist(),
                    strict=True))
    first = {}
    for k, key in enumerate(keys):
        first.setdefault(key, k)
    unique = readings.take(np.fromiter(first.values(), np.int64, len(first)))
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS monitoring_reading_stage "
                    "(device_id bigint, metric varchar(32), ts timestamptz, value double precision) "
                    "ON COMMIT DELETE ROWS")
        cur.execute("TRUNCATE monitoring_reading_stage")
        with cur.cursor.copy("COPY monitoring_reading_stage (device_id, metric, ts, value) FROM STDIN (FORMAT BINARY)") as cp:
            for chunk in unique.copy_chunks():
                cp.write(chunk)
        cur.execute("INSERT INTO monitoring_reading (device_id, metric, ts, value) "
                    "SELECT device_id, metric, ts, value FROM monitoring_reading_stage "
                    "ON CONFLICT DO NOTHING "
                    "RETURNING device_id, metric, (EXTRACT(EPOCH FROM ts - 'epoch'::timestamptz) * 1000000)::bigint")
        fresh = sorted(first[(d, m, int(t))] for d, m, t in cur.fetchall())
    return readings.take(np.array(fresh, np.int64))


def set_last_seen(newest: dict[int, int], now):
    """One statement for the whole batch (an UPDATE per device was most of a batch's database time); the times go as
    integer microseconds, exact."""
    ids, stamps = zip(*sorted(newest.items()), strict=True)
    with pg_cursor() as cur:
        cur.execute(
            "UPDATE monitoring_device d SET last_seen_at = u.ts, "
            "state_changed_at = CASE WHEN d.state = %s THEN %s ELSE d.state_changed_at END, "
            "state = CASE WHEN d.state = %s THEN %s ELSE d.state END "
            "FROM (SELECT id, 'epoch'::timestamptz + e * interval '1 microsecond' AS ts "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS x(id, e)) AS u "
            "WHERE d.id = u.id AND (d.last_seen_at IS NULL OR d.last_seen_at < u.ts)",
            [DeviceState.OFFLINE, now, DeviceState.OFFLINE, DeviceState.ONLINE, pg_array(ids), pg_array(stamps)])
