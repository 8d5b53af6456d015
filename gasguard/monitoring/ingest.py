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
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Annotated

import msgspec
import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from gasguard.utilities import clock

from . import caches, partitions, pg, rollups
from .choices import DeadLetterReason, DeviceState
from .columns import EPOCH, Readings, from_us, to_us
from .pg import storable
from .rules import UNIT_CONVERSIONS, normalise

METRIC = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
MAX_PAYLOAD_KEPT = 20_000


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


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def secret_ok(info: caches.DeviceInfo, secret) -> bool:
    if not isinstance(secret, str):
        return False
    raw = secret.encode("utf-8", errors="surrogatepass")
    known = caches.verified.get(info.secret_hash)
    if known is not None and hmac.compare_digest(known, raw):
        return True
    if not hmac.compare_digest(info.secret_hash, hash_secret(secret)):
        return False
    if len(caches.verified) >= 100_000:
        caches.verified.clear()
    caches.verified[info.secret_hash] = raw
    return True


def parse_ts(value, received: datetime) -> datetime:
    """ISO 8601 (a naive time is read as UTC) or epoch milliseconds; absent → the time it was received."""
    if value is None:
        return received
    if isinstance(value, bool):
        raise ValueError(_("ts 不能是布尔值"))
    if isinstance(value, int):
        return EPOCH + timedelta(milliseconds=value)     # exact, as the fast path computes it
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(_("ts 不是有限数"))
        return datetime.fromtimestamp(value / 1000.0, tz=UTC)
    if isinstance(value, str):
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
    raise ValueError(_("ts 须为 ISO 8601 字符串或毫秒时间戳"))


_SECRET_IN_TEXT = re.compile(r'("secret"\s*:\s*)"(?:[^"\\]|\\.)*"')


def _text(payload) -> str:
    """The payload as kept in a dead letter, with any device secret blanked (operators read these)."""
    if isinstance(payload, bytes | bytearray):
        payload = payload.decode("utf-8", errors="replace")
    elif not isinstance(payload, str):
        payload = json.dumps(payload, ensure_ascii=False, default=str)
    limit = getattr(settings, "MONITORING_DEAD_LETTER_MAX_CHARS", MAX_PAYLOAD_KEPT)
    return storable(_SECRET_IN_TEXT.sub(r'\1"***"', payload))[:limit]


def _readings(doc: dict):
    if "readings" in doc:
        items = doc["readings"]
        if not isinstance(items, list) or not items:
            raise ValueError(_("readings 须为非空数组"))
        return items
    if "m" not in doc:
        raise ValueError(_("缺少 m（指标）或 readings（批量读数）"))
    return [doc]


# The fast path: the documented payload decoded and checked in C by msgspec (typed Structs), so a reading costs no
# Python-level parsing or validation. Anything it refuses — malformed JSON, a float or boolean ts, a bad metric name,
# a non-finite value, a null where an array belongs … — goes the careful way below (json + the checks one by one),
# which decides the dead-letter reason and detail exactly as before. Only payloads valid in every reading pass here.
_Metrics = Annotated[
    dict[str, Annotated[float, msgspec.Meta(ge=-sys.float_info.max, le=sys.float_info.max)]],  # finite; ints → float
    msgspec.Meta(min_length=1)]
_Ts = int | datetime | None        # epoch milliseconds or ISO 8601; a float or a bool goes the careful way


class _Reading(msgspec.Struct, gc=False):   # no cycles: not tracked by the garbage collector
    m: _Metrics
    ts: _Ts = None


class _Doc(msgspec.Struct, gc=False):
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


def _check_metric(name):
    if not METRIC.match(name):
        return None
    if len(caches.metric_names) >= 10_000:  # junk names cannot grow it without bound
        caches.metric_names.clear()
    conv = UNIT_CONVERSIONS.get(name)
    spec = caches.metric_names[name] = conv if conv else (name, None)
    return spec


_TS_LIMIT_MS = 2 ** 53   # |ms| beyond this is far outside any accepted range; clipping first keeps µs in int64


class _FastColumns:
    """The readings of the msgspec-checked messages, gathered as flat lists (one append per reading: the only
    per-reading Python work), then checked and converted as arrays in columns()."""

    def __init__(self):
        self.names, self.stamps, self.values = [], [], []
        self.starts, self.device_ids, self.messages = [], [], []   # one entry per message

    def add(self, i, msg, device_id, doc):
        names, stamps, values = self.names, self.stamps, self.values
        self.starts.append(len(values))
        self.device_ids.append(device_id)
        self.messages.append((i, msg, device_id))
        for item in (doc,) if doc.readings is msgspec.UNSET else doc.readings:
            ts = item.ts
            for metric, value in item.m.items():
                names.append(metric)
                stamps.append(ts)
                values.append(value)

    def columns(self, received_us, oldest_us, newest_us):
        """(Readings of the messages whose every reading is acceptable, [the other messages]): a message with a
        reading out of range or a bad metric name goes the careful way, which keeps that reading alone."""
        n = len(self.values)
        if not n:
            return Readings.empty(), self.messages
        try:  # the usual case: every ts is epoch milliseconds
            ts = np.clip(np.fromiter(self.stamps, np.int64, n), -_TS_LIMIT_MS, _TS_LIMIT_MS) * 1000
        except (TypeError, OverflowError, ValueError):
            ts = np.fromiter((_stamp_us(t, received_us) for t in self.stamps), np.int64, n)
        order = list(dict.fromkeys(self.names))           # the distinct names as sent, in first-seen order
        code_of = {name: k for k, name in enumerate(order)}
        sent = np.fromiter(map(code_of.__getitem__, self.names), np.int32, n)
        specs = [caches.metric_names.get(name) or _check_metric(name) for name in order]
        stored = list(dict.fromkeys(spec[0] for spec in specs if spec))
        stored_code = np.array([stored.index(spec[0]) if spec else -1 for spec in specs], np.int32)
        metric = stored_code[sent]
        value = np.array(self.values, np.float64)
        if any(spec and spec[1] is not None for spec in specs):
            value *= np.array([spec[1] if spec and spec[1] is not None else 1.0 for spec in specs])[sent]
        counts = np.diff(np.append(np.array(self.starts, np.int64), n))
        device = np.repeat(np.array(self.device_ids, np.int64), counts)
        bad = (ts < oldest_us) | (ts > newest_us) | (metric < 0)
        readings = Readings(device, metric, ts, value, stored)
        if not bad.any():
            return readings, []
        message = np.repeat(np.arange(len(counts)), counts)
        refused = np.unique(message[bad])
        return readings.take(~np.isin(message, refused)), [self.messages[k] for k in refused.tolist()]


def _stamp_us(ts, received_us):
    if ts is None:
        return received_us
    if ts.__class__ is int:
        return max(-_TS_LIMIT_MS, min(ts, _TS_LIMIT_MS)) * 1000
    return to_us(ts if ts.tzinfo else ts.replace(tzinfo=UTC))


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
        dead.append(DeadLetter(received_at=received, source=msg.source, topic=storable(msg.topic)[:200],
                               device_code=storable(msg.device_code or "")[:64], reason=reason,
                               detail=storable(str(detail))[:500],
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
                raise ValueError(_("报文须为 JSON 对象"))
            if not msg.device_code and isinstance(doc.get("device"), str):
                msg.device_code = doc["device"]
            items = _readings(doc)
        except (ValueError, UnicodeDecodeError) as exc:
            reject(i, msg, DeadLetterReason.MALFORMED, exc)
            continue
        docs.append((i, msg, doc, items))

    infos = caches.devices.get_many({msg.device_code for _, msg, _, _ in docs})
    fast_columns = _FastColumns()
    careful = []     # (device_id, metric as stored, ts datetime, value) of the messages checked one by one
    kinds = {}

    def one_by_one(i, msg, device_id, items):
        for item in items:
            try:
                if not isinstance(item, dict) or not isinstance(item.get("m"), dict) or not item["m"]:
                    raise ValueError(_("读数须为对象，且含非空的 m"))
                ts = parse_ts(item.get("ts"), received)
                if ts < oldest or ts > newest:
                    reject(i, msg, DeadLetterReason.OUT_OF_RANGE,
                           _("时间戳 %(ts)s 不在可接收范围") % {"ts": ts.isoformat()}, payload=item, whole=False)
                    continue
                good = []
                for metric, value in item["m"].items():
                    if not METRIC.match(str(metric)):
                        raise ValueError(_("指标名 %(metric)s 无效") % {"metric": repr(metric)})
                    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                        raise ValueError(_("指标 %(metric)s 的值须为有限数") % {"metric": metric})
                    name, val = normalise(metric, float(value))
                    good.append((device_id, name, ts, val))
            except (ValueError, TypeError, OverflowError) as exc:
                reject(i, msg, DeadLetterReason.BAD_READING, exc, payload=item, whole=False)
                continue
            careful.extend(good)

    for i, msg, doc, items in docs:
        info = infos.get(msg.device_code)
        if info is None:
            reject(i, msg, DeadLetterReason.UNKNOWN_DEVICE, _("设备 %(code)s 未登记") % {"code": repr(msg.device_code)})
            continue
        fast = items is None
        if not secret_ok(info, msg.secret if msg.secret is not None else (doc.secret if fast else doc.get("secret"))):
            reject(i, msg, DeadLetterReason.BAD_SECRET, _("设备编码与密钥不符"))
            continue
        if not info.is_active:
            reject(i, msg, DeadLetterReason.INACTIVE_DEVICE, _("设备已停用"))
            continue
        kinds[info.id] = info.kind
        if fast:
            fast_columns.add(i, msg, info.id, doc)
        else:
            one_by_one(i, msg, info.id, items)
    readings, refused = fast_columns.columns(to_us(received), to_us(oldest), to_us(newest))
    for i, msg, device_id in refused:   # a reading out of range or badly named: kept alone, the careful way
        one_by_one(i, msg, device_id, _readings(json.loads(msg.payload)))
    readings = Readings.concat([readings, Readings.from_rows(careful)])
    result.readings = len(readings)
    result.dead_letters = len(dead)

    with transaction.atomic():
        if dead:
            DeadLetter.objects.bulk_create(dead)
        if len(readings):
            first, last = from_us(readings.ts.min()).date(), from_us(readings.ts.max()).date()
            partitions.ensure({first + timedelta(days=k) for k in range((last - first).days + 1)})
            new = write_readings(readings)
            result.stored = len(new)
            touch_devices(readings.newest_by_device())
            rollups.add(new)
            if len(new):
                from .evaluation import apply_rules
                result.alarms_raised = apply_rules(new, kinds)
    return result


def write_readings(readings: Readings) -> Readings:
    """Insert the readings, skipping any already stored; returns the ones that were new.
    PostgreSQL: binary COPY (straight into the day's partition when it can), falling back to a staging table and
    INSERT … ON CONFLICT DO NOTHING RETURNING when a key is already there. SQLite: the keys already there are read,
    the rest go in with executemany INSERT OR IGNORE."""
    if connection.vendor == "postgresql":
        return pg.write_readings(readings)
    return _write_sqlite(readings)


def _write_sqlite(readings):
    adapt = connection.ops.adapt_datetimefield_value
    rows = readings.rows()
    fresh, seen = [], set()
    by_series = defaultdict(list)
    for k, row in enumerate(rows):
        key = (row[0], row[1], adapt(row[2]))
        if key not in seen:
            seen.add(key)
            by_series[row[0], row[1]].append((key, k))
    with connection.cursor() as cur:
        for (device_id, metric), items in by_series.items():
            stamps = [key[2] for key, _ in items]
            # The primary key's index answers this range directly: (device_id, metric) then ts.
            cur.execute("SELECT CAST(ts AS TEXT) FROM monitoring_reading "
                        "WHERE device_id = %s AND metric = %s AND ts BETWEEN %s AND %s",
                        [device_id, metric, min(stamps), max(stamps)])
            have = {(device_id, metric, t) for (t,) in cur.fetchall()}
            fresh.extend((key, k) for key, k in items if key not in have)
        cur.executemany("INSERT OR IGNORE INTO monitoring_reading (device_id, metric, ts, value) VALUES (%s, %s, %s, %s)",
                        [(key[0], key[1], key[2], rows[k][3]) for key, k in fresh])
    return readings.take(np.array(sorted(k for _, k in fresh), np.int64))


# Last seen is written at most every LAST_SEEN_RESOLUTION of device time per device (this process remembers what it
# committed), so a device reporting every second costs one UPDATE every 10 s, not ten. Silence needs 3 intervals,
# far more than this, before a device goes offline, so an offline device is always written (and back online) at once.
LAST_SEEN_RESOLUTION_US = 10_000_000


def touch_devices(newest: dict[int, int]):
    """Last seen = the newest reading's time (`newest`: device_id → newest ts of the batch in µs; late data never
    moves it back); an offline device is online again."""
    for device_id, ts in list(newest.items()):
        written = caches.last_seen_written.get(device_id)
        if written is not None and written <= ts < written + LAST_SEEN_RESOLUTION_US:
            del newest[device_id]
    if not newest:
        return
    transaction.on_commit(lambda: caches.last_seen_written.update(newest))
    now = clock.now()
    if connection.vendor == "postgresql":
        pg.set_last_seen(newest, now)
        return
    with connection.cursor() as cur:
        cur.executemany(
            "UPDATE monitoring_device SET last_seen_at = %s, "
            "state_changed_at = CASE WHEN state = %s THEN %s ELSE state_changed_at END, "
            "state = CASE WHEN state = %s THEN %s ELSE state END "
            "WHERE id = %s AND (last_seen_at IS NULL OR last_seen_at < %s)",
            [(_db_ts(from_us(ts)), DeviceState.OFFLINE, _db_ts(now), DeviceState.OFFLINE, DeviceState.ONLINE, pk,
              _db_ts(from_us(ts))) for pk, ts in sorted(newest.items())])


def _db_ts(dt):
    return connection.ops.adapt_datetimefield_value(dt) if connection.vendor != "postgresql" else dt
