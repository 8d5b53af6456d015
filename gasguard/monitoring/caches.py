"""The ingest pipeline's in-process caches: devices by code, the secrets last found to match, the metric names
already checked, the last seen written per device. Each is this process's own; reset_caches() forgets them all,
the alarm rules' cache (evaluation.active_rules) included."""
import time
from dataclasses import dataclass

from django.db import connection

from .pg import array_text, storable

CACHE_TTL_S = 30.0


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
        now = time.monotonic()
        out, missing = {}, []
        for code in codes:
            hit = self.items.get(code)
            if hit and now - hit[0] < CACHE_TTL_S:
                out[code] = hit[1]
            else:
                missing.append(code)
        if missing:
            found = {row[1]: DeviceInfo(*row) for row in _device_rows(missing)}
            for code in missing:
                info = found.get(code)
                self.items[code] = (now, info)
                out[code] = info
        return out


def _device_rows(codes):
    """(id, code, kind, secret_hash, is_active) of the devices with these codes, as plain SQL: an ORM `code__in` of
    a few thousand codes (what a cold cache asks for) cost more to build than to run."""
    from .models import Device

    codes = [c for c in codes if storable(c) == c]   # a NUL or a lone surrogate: no such code can exist
    table = Device._meta.db_table
    sql = f"SELECT id, code, kind, secret_hash, is_active FROM {table} WHERE code "
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(sql + "= ANY(%s::varchar[])", ["{" + ",".join(array_text(c) for c in codes) + "}"])
            return [(*row[:4], bool(row[4])) for row in cur.fetchall()]
        rows = []
        for k in range(0, len(codes), 500):
            chunk = codes[k:k + 500]
            cur.execute(sql + f"IN ({', '.join(['%s'] * len(chunk))})", chunk)
            rows.extend((*row[:4], bool(row[4])) for row in cur.fetchall())
        return rows


devices = _DeviceCache()

# secret hash → the secret last found to match it: a device's next message is checked with one comparison instead
# of a SHA-256 (a rotated secret has a new hash, so the old entry is never consulted again).
verified: dict[str, bytes] = {}

# Metric name as sent → (name stored, unit factor or None), for the names already checked: a regex per reading (in
# msgspec or in ingest) was a fifth of the decoding time; a device fleet sends a handful of names.
metric_names: dict[str, tuple[str, float | None]] = {}

last_seen_written: dict[int, int] = {}   # device id → last seen written (µs since the epoch)


def reset_caches():
    """Forget cached devices and rules (tests; a rotated secret takes effect at once)."""
    from . import evaluation
    devices.items.clear()
    verified.clear()
    last_seen_written.clear()
    evaluation.reset_cache()
