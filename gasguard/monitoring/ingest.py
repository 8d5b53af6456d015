"""The ingest service: payloads in, readings stored once, rules run, bad messages kept as dead letters.

One function, ingest(), serves the MQTT ingester, the HTTP endpoint and the simulator, on PostgreSQL and SQLite:

    topic    <prefix>/<device code>/up            (MQTT; the HTTP endpoint takes the code in the body or a header)
    payload  {"ts": "2026-11-28T10:00:00+08:00" | 1796000000000, "secret": "...", "m": {"ch4_lel": 12.5, "battery": 87}}
         or  {"secret": "...", "readings": [{"ts": ..., "m": {...}}, ...]}     (a batch, e.g. late data after an outage)

A reading is (device, metric, ts, value); its key is the table's primary key, so a reading sent twice is stored
once. Methane may come as ch4_vol (% vol) or ch4_ppm and is stored as ch4_lel (rules.normalise). A message that
cannot be used (not JSON, unknown device, wrong secret) is kept whole in DeadLetter; a bad reading inside a good
message is kept alone, and the rest of the message is stored.

Everything a call writes (readings, dead letters, device last-seen, rule state, alarms, notifications) commits in
one transaction, so the MQTT ingester acknowledges its messages only after this returns.
"""
import hashlib
import hmac
import json
import math
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import Annotated

import msgspec
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from gasguard.utilities import clock

from . import partitions, rollups
from .choices import DeadLetterReason, DeviceState
from .rules import UNIT_CONVERSIONS, normalise

METRIC = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_PAYLOAD_KEPT = 20_000
CACHE_TTL_S = 30.0


@dataclass
class Message:
    payload: bytes | str | dict
    device_code: str = ""
    secret: str | None = None     # from an HTTP header; otherwise the payload's "secret"
    source: str = "mqtt"
    topic: str = ""


@dataclass
class Result:
    messages: int = 0
    readings: int = 0            # well-formed readings received
    stored: int = 0              # new rows (the rest were duplicates)
    dead_letters: int = 0
    alarms_raised: int = 0
    rejected: list = field(default_factory=list)   # (message index, reason) for messages refused whole

    @property
    def duplicates(self):
        return self.readings - self.stored

    def add(self, other: "Result"):
        """Add another call's counts to these (running totals)."""
        self.messages += other.messages
        self.readings += other.readings
        self.stored += other.stored
        self.dead_letters += other.dead_letters
        self.alarms_raised += other.alarms_raised


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    code: str
    kind: str
    secret_hash: str
    is_active: bool


class _DeviceCache:
    """code → DeviceInfo for a short while, so a message costs no query to authenticate."""

    def __init__(self):
        self.items: dict[str, tuple[float, DeviceInfo | None]] = {}

    def get_many(self, codes) -> dict[str, DeviceInfo | None]:
        from .models import Device

        now = time.monotonic()
        out, missing = {}, []
        for code in codes:
            hit = self.items.get(code)
            if hit and now - hit[0] < CACHE_TTL_S:
                out[code] = hit[1]
            else:
                missing.append(code)
        if missing:
            found = {d.code: d for d in Device.objects.filter(code__in=missing).only(
                "id", "code", "kind", "secret_hash", "is_active")}
            for code in missing:
                d = found.get(code)
                info = DeviceInfo(d.id, d.code, d.kind, d.secret_hash, d.is_active) if d else None
                self.items[code] = (now, info)
                out[code] = info
        return out


devices = _DeviceCache()


def reset_caches():
    """Forget cached devices and rules (tests; a rotated secret takes effect at once)."""
    from . import evaluation
    devices.items.clear()
    _last_seen_written.clear()
    evaluation.reset_cache()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_ok(info: DeviceInfo, secret) -> bool:
    return isinstance(secret, str) and hmac.compare_digest(info.secret_hash, hash_secret(secret))


def parse_ts(value, received: datetime) -> datetime:
    """ISO 8601 (a naive time is read as UTC) or epoch milliseconds; absent → the time it was received."""
    if value is None:
        return received
    if isinstance(value, bool):
        raise ValueError("ts 不能是布尔值")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("ts 不是有限数")
        return datetime.fromtimestamp(value / 1000.0, tz=UTC)
    if isinstance(value, str):
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    raise ValueError("ts 须为 ISO 8601 字符串或毫秒时间戳")


_SECRET_IN_TEXT = re.compile(r'("secret"\s*:\s*)"(?:[^"\\]|\\.)*"')


def _text(payload) -> str:
    """The payload as kept in a dead letter, with any device secret blanked (operators read these)."""
    if isinstance(payload, bytes | bytearray):
        payload = payload.decode("utf-8", errors="replace")
    elif not isinstance(payload, str):
        payload = json.dumps(payload, ensure_ascii=False, default=str)
    return _SECRET_IN_TEXT.sub(r'\1"***"', payload)[:MAX_PAYLOAD_KEPT]


def _readings(doc: dict):
    if "readings" in doc:
        items = doc["readings"]
        if not isinstance(items, list) or not items:
            raise ValueError("readings 须为非空数组")
        return items
    if "m" not in doc:
        raise ValueError("缺少 m（指标）或 readings（批量读数）")
    return [doc]


# The fast path: the documented payload decoded and checked in C by msgspec (typed Structs), so a reading costs no
# Python-level parsing or validation. Anything it refuses — malformed JSON, a float or boolean ts, a bad metric name,
# a non-finite value, a null where an array belongs … — goes the careful way below (json + the checks one by one),
# which decides the dead-letter reason and detail exactly as before. Only payloads valid in every reading pass here.
_Metrics = Annotated[
    dict[str, Annotated[float, msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)]],  # finite; ints → float
    msgspec.Meta(min_length=1)]
_Ts = int | datetime | None        # epoch milliseconds or ISO 8601; a float or a bool goes the careful way


class _Reading(msgspec.Struct):
    m: _Metrics
    ts: _Ts = None


class _Doc(msgspec.Struct):
    m: _Metrics | msgspec.UnsetType = msgspec.UNSET
    ts: _Ts = None
    readings: Annotated[list[_Reading], msgspec.Meta(min_length=1)] | msgspec.UnsetType = msgspec.UNSET
    secret: str | None = None
    device: str | None = None


_decode = msgspec.json.Decoder(_Doc).decode


def _fast_doc(payload):
    """The payload as a checked _Doc, or None when it needs the careful path."""
    if isinstance(payload, dict):
        return None
    try:
        doc = _decode(payload)
    except msgspec.MsgspecError:
        return None
    if doc.readings is msgspec.UNSET and doc.m is msgspec.UNSET:
        return None
    return doc


# Metric name as sent → (name stored, unit factor or None), for the names already checked against METRIC: a regex
# per reading (in msgspec or here) was a fifth of the decoding time; a device fleet sends a handful of names.
_metric_names: dict[str, tuple[str, float | None]] = {}


def _check_metric(name):
    if not METRIC.match(name):
        return None
    if len(_metric_names) >= 10_000:  # junk names cannot grow it without bound
        _metric_names.clear()
    conv = UNIT_CONVERSIONS.get(name)
    spec = _metric_names[name] = conv if conv else (name, None)
    return spec


def _fast_rows(device_id, doc, received, oldest, newest):
    """The (device_id, metric, ts, value) rows of a checked _Doc, or None if a reading is out of the accepted range
    (the careful path dead-letters that one reading and keeps the rest)."""
    rows = []
    append = rows.append
    known = _metric_names
    fromtimestamp = datetime.fromtimestamp
    for item in (doc,) if doc.readings is msgspec.UNSET else doc.readings:
        ts = item.ts
        if ts is None:
            ts = received
        elif ts.__class__ is int:
            try:
                ts = fromtimestamp(ts / 1000.0, tz=UTC)    # as parse_ts does
            except (ValueError, OverflowError, OSError):   # beyond datetime's years: that reading is refused
                return None
        elif ts.tzinfo is None:
            ts = ts.replace(tzinfo=UTC)
        if ts < oldest or ts > newest:
            return None
        for metric, value in item.m.items():
            spec = known.get(metric) or _check_metric(metric)
            if spec is None:
                return None  # a bad metric name: the careful path dead-letters that reading
            if spec[1] is None:
                append((device_id, metric, ts, value))
            else:
                append((device_id, spec[0], ts, value * spec[1]))
    return rows


def ingest(messages: list[Message], *, received_at: datetime | None = None) -> Result:
    """Store the readings of `messages` (each at most once), dead-letter what cannot be used, and run the alarm
    rules on the readings that are new — all in one transaction."""
    from .models import DeadLetter

    received = received_at or clock.now()
    oldest = partitions.oldest_accepted(received)
    newest = received + timedelta(seconds=settings.MONITORING_MAX_CLOCK_SKEW_S)
    result = Result(messages=len(messages))
    dead: list[DeadLetter] = []

    def reject(i, msg, reason, detail, payload=None, whole=True):
        dead.append(DeadLetter(received_at=received, source=msg.source, topic=msg.topic[:200],
                               device_code=(msg.device_code or "")[:64], reason=reason, detail=str(detail)[:500],
                               payload=_text(msg.payload if payload is None else payload)))
        if whole:
            result.rejected.append((i, reason))

    docs = []
    for i, msg in enumerate(messages):
        fast = _fast_doc(msg.payload)
        if fast is not None:
            if not msg.device_code and fast.device is not None:
                msg.device_code = fast.device
            docs.append((i, msg, fast, None))
            continue
        try:
            doc = msg.payload if isinstance(msg.payload, dict) else json.loads(msg.payload)
            if not isinstance(doc, dict):
                raise ValueError("报文须为 JSON 对象")
            if not msg.device_code and isinstance(doc.get("device"), str):
                msg.device_code = doc["device"]
            items = _readings(doc)
        except (ValueError, UnicodeDecodeError) as exc:
            reject(i, msg, DeadLetterReason.MALFORMED, exc)
            continue
        docs.append((i, msg, doc, items))

    infos = devices.get_many({msg.device_code for _, msg, _, _ in docs})
    rows = []        # (device_id, metric, ts, value)
    seen = {}        # device_id → its newest reading here (last seen)
    kinds = {}
    for i, msg, doc, items in docs:
        info = infos.get(msg.device_code)
        if info is None:
            reject(i, msg, DeadLetterReason.UNKNOWN_DEVICE, f"设备 {msg.device_code!r} 未登记")
            continue
        fast = items is None
        if not secret_ok(info, msg.secret if msg.secret is not None else (doc.secret if fast else doc.get("secret"))):
            reject(i, msg, DeadLetterReason.BAD_SECRET, "设备编码与密钥不符")
            continue
        if not info.is_active:
            reject(i, msg, DeadLetterReason.INACTIVE_DEVICE, "设备已停用")
            continue
        kinds[info.id] = info.kind
        if fast:
            good = _fast_rows(info.id, doc, received, oldest, newest)
            if good is not None:
                rows.extend(good)
                _newer(seen, info.id, max(good, key=_TS)[2])  # one C-level max per message, not a loop per row
                continue
            items = _readings(json.loads(msg.payload))  # a reading out of range: kept alone, the careful way
        for item in items:
            try:
                if not isinstance(item, dict) or not isinstance(item.get("m"), dict) or not item["m"]:
                    raise ValueError("读数须为对象，且含非空的 m")
                ts = parse_ts(item.get("ts"), received)
                if ts < oldest or ts > newest:
                    reject(i, msg, DeadLetterReason.OUT_OF_RANGE, f"时间戳 {ts.isoformat()} 不在可接收范围",
                           payload=item, whole=False)
                    continue
                good = []
                for metric, value in item["m"].items():
                    if not METRIC.match(str(metric)):
                        raise ValueError(f"指标名 {metric!r} 无效")
                    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                        raise ValueError(f"指标 {metric} 的值须为有限数")
                    name, val = normalise(metric, float(value))
                    good.append((info.id, name, ts, val))
            except (ValueError, TypeError, OverflowError) as exc:
                reject(i, msg, DeadLetterReason.BAD_READING, exc, payload=item, whole=False)
                continue
            rows.extend(good)
            if good:
                _newer(seen, info.id, max(good, key=_TS)[2])
    result.readings = len(rows)
    result.dead_letters = len(dead)

    with transaction.atomic():
        if dead:
            DeadLetter.objects.bulk_create(dead)
        if rows:
            first, last = min(rows, key=_TS)[2].astimezone(UTC).date(), max(rows, key=_TS)[2].astimezone(UTC).date()
            partitions.ensure({first + timedelta(days=k) for k in range((last - first).days + 1)})
            new = write_readings(rows)
            result.stored = len(new)
            touch_devices(seen)
            rollups.add(new)
            if new:
                from .evaluation import apply_rules
                result.alarms_raised = apply_rules(new, kinds)
    return result


def _newer(seen: dict, device_id, ts):
    if device_id not in seen or ts > seen[device_id]:
        seen[device_id] = ts


def write_readings(rows) -> list[tuple]:
    """Insert (device_id, metric, ts, value) rows, skipping any already stored; returns the rows that were new.
    PostgreSQL: COPY (binary) into a temporary staging table, then INSERT … ON CONFLICT DO NOTHING RETURNING.
    SQLite: the keys already there are read, the rest go in with executemany INSERT OR IGNORE."""
    if connection.vendor == "postgresql":
        return _write_pg(rows)
    return _write_sqlite(rows)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TS = itemgetter(2)
_US = timedelta(microseconds=1)


def _write_pg(rows):
    """The common case — no reading of the batch is stored yet — costs one COPY straight into the day's partition
    (no staging table, no routing), inside a savepoint. If a key is already there (a redelivered message), the
    savepoint is rolled back and the batch goes the careful way: COPY into a staging table, then
    INSERT … ON CONFLICT DO NOTHING RETURNING, which says which rows were new."""
    from psycopg import errors

    first = partitions.bounds(min(rows, key=_TS)[2].astimezone(UTC).date())[0]
    if first == partitions.bounds(max(rows, key=_TS)[2].astimezone(UTC).date())[0]:
        target = partitions.partition_name(first)
        try:
            # No de-duplication first: a key twice in the batch is a unique violation like a stored one, and goes
            # the careful way; the common case costs one C-level write_row per row and nothing else.
            with transaction.atomic(), connection.cursor() as cur:
                with cur.cursor.copy(f"COPY {target} (device_id, metric, ts, value) FROM STDIN (FORMAT BINARY)") as cp:
                    cp.set_types(["int8", "varchar", "timestamptz", "float8"])
                    write_row = cp.write_row
                    for row in rows:
                        write_row(row)
            return rows
        except (errors.UniqueViolation, IntegrityError):  # psycopg's own error: the COPY bypasses Django's cursor
            pass
    return _write_pg_staged(list({(row[0], row[1], row[2]): row for row in rows}.values()))


def _write_pg_staged(rows):
    # The new rows come back as integer keys (epoch microseconds), which cost far less to load than timestamps.
    by_key = {}
    for row in rows:
        by_key.setdefault((row[0], row[1], (row[2] - _EPOCH) // _US), row)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS monitoring_reading_stage "
                    "(device_id bigint, metric varchar(32), ts timestamptz, value double precision) "
                    "ON COMMIT DELETE ROWS")
        cur.execute("TRUNCATE monitoring_reading_stage")
        raw = cur.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy("COPY monitoring_reading_stage (device_id, metric, ts, value) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(["int8", "varchar", "timestamptz", "float8"])
            for row in by_key.values():
                cp.write_row(row)
        cur.execute("INSERT INTO monitoring_reading (device_id, metric, ts, value) "
                    "SELECT device_id, metric, ts, value FROM monitoring_reading_stage "
                    "ON CONFLICT DO NOTHING "
                    "RETURNING device_id, metric, (EXTRACT(EPOCH FROM ts - 'epoch'::timestamptz) * 1000000)::bigint")
        return [by_key[key] for key in cur.fetchall()]


def _write_sqlite(rows):
    adapt = connection.ops.adapt_datetimefield_value
    fresh, seen = [], set()
    by_series = defaultdict(list)
    for row in rows:
        key = (row[0], row[1], adapt(row[2]))
        if key not in seen:
            seen.add(key)
            by_series[row[0], row[1]].append((key, row))
    with connection.cursor() as cur:
        for (device_id, metric), items in by_series.items():
            stamps = [k[2] for k, _ in items]
            # The primary key's index answers this range directly: (device_id, metric) then ts.
            cur.execute("SELECT CAST(ts AS TEXT) FROM monitoring_reading "
                        "WHERE device_id = %s AND metric = %s AND ts BETWEEN %s AND %s",
                        [device_id, metric, min(stamps), max(stamps)])
            have = {(device_id, metric, t) for (t,) in cur.fetchall()}
            fresh.extend((key, row) for key, row in items if key not in have)
        cur.executemany("INSERT OR IGNORE INTO monitoring_reading (device_id, metric, ts, value) VALUES (%s, %s, %s, %s)",
                        [(k[0], k[1], k[2], row[3]) for k, row in fresh])
    return [row for _, row in fresh]


# Last seen is written at most every LAST_SEEN_RESOLUTION of device time per device (this process remembers what it
# committed), so a device reporting every second costs one UPDATE every 10 s, not ten. Silence needs 3 intervals,
# far more than this, before a device goes offline, so an offline device is always written (and back online) at once.
LAST_SEEN_RESOLUTION = timedelta(seconds=10)
_last_seen_written: dict[int, datetime] = {}


def touch_devices(newest: dict):
    """Last seen = the newest reading's time (`newest`: device_id → newest ts of the batch; late data never moves it
    back); an offline device is online again."""
    for device_id, ts in list(newest.items()):
        written = _last_seen_written.get(device_id)
        if written is not None and written <= ts < written + LAST_SEEN_RESOLUTION:
            del newest[device_id]
    if not newest:
        return
    transaction.on_commit(lambda: _last_seen_written.update(newest))
    now = clock.now()
    if connection.vendor == "postgresql":
        # One statement for the whole batch (an UPDATE per device was most of a batch's database time).
        ids, stamps = zip(*sorted(newest.items()), strict=True)
        with pg_cursor() as cur:
            cur.execute(
                "UPDATE monitoring_device d SET last_seen_at = u.ts, "
                "state_changed_at = CASE WHEN d.state = %s THEN %s ELSE d.state_changed_at END, "
                "state = CASE WHEN d.state = %s THEN %s ELSE d.state END "
                "FROM (SELECT id, to_timestamp(e) AS ts FROM unnest(%s::bigint[], %s::float8[]) AS x(id, e)) AS u "
                "WHERE d.id = u.id AND (d.last_seen_at IS NULL OR d.last_seen_at < u.ts)",
                [DeviceState.OFFLINE, now, DeviceState.OFFLINE, DeviceState.ONLINE, pg_array(ids),
                 pg_array(t.timestamp() for t in stamps)])
        return
    with connection.cursor() as cur:
        cur.executemany(
            "UPDATE monitoring_device SET last_seen_at = %s, "
            "state_changed_at = CASE WHEN state = %s THEN %s ELSE state_changed_at END, "
            "state = CASE WHEN state = %s THEN %s ELSE state END "
            "WHERE id = %s AND (last_seen_at IS NULL OR last_seen_at < %s)",
            [(_db_ts(ts), DeviceState.OFFLINE, _db_ts(now), DeviceState.OFFLINE, DeviceState.ONLINE, pk, _db_ts(ts))
             for pk, ts in sorted(newest.items())])


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


def _db_ts(dt):
    return connection.ops.adapt_datetimefield_value(dt) if connection.vendor != "postgresql" else dt
