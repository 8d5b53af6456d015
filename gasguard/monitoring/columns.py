"""A batch of readings as columns (NumPy arrays), so that the ingest path costs a few operations per batch instead of
a Python loop per reading: the range checks, the roll-ups, the rules' quick test and the COPY to PostgreSQL all work
on whole arrays. Times are integer microseconds since the Unix epoch (UTC): no datetime object per reading."""
from datetime import UTC, datetime, timedelta

import numpy as np

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = timedelta(microseconds=1)
# PostgreSQL's binary timestamptz counts microseconds from 2000-01-01 UTC.
PG_EPOCH_SHIFT_US = 946_684_800_000_000


def to_us(dt: datetime) -> int:
    """An aware datetime as integer microseconds since the epoch (exact: no float rounding)."""
    return (dt - EPOCH) // US


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=int(us))


class Readings:
    """device (int64), metric (int32, an index into `names`), ts (int64 µs since the epoch), value (float64)."""

    __slots__ = ("device", "metric", "ts", "value", "names")

    def __init__(self, device, metric, ts, value, names):
        self.device, self.metric, self.ts, self.value, self.names = device, metric, ts, value, names

    def __len__(self):
        return len(self.ts)

    @classmethod
    def empty(cls):
        return cls(np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.int64), np.empty(0, np.float64), [])

    @classmethod
    def from_rows(cls, rows):
        """From (device_id, metric, ts datetime, value) tuples."""
        if not rows:
            return cls.empty()
        names, index = [], {}
        codes = []
        for _, metric, _, _ in rows:
            code = index.get(metric)
            if code is None:
                code = index[metric] = len(names)
                names.append(metric)
            codes.append(code)
        return cls(np.fromiter((r[0] for r in rows), np.int64, len(rows)), np.array(codes, np.int32),
                   np.fromiter((to_us(r[2]) for r in rows), np.int64, len(rows)),
                   np.fromiter((r[3] for r in rows), np.float64, len(rows)), names)

    def take(self, which):
        """The readings selected by a boolean mask or an index array."""
        return Readings(self.device[which], self.metric[which], self.ts[which], self.value[which], self.names)

    def rows(self) -> list[tuple]:
        """As (device_id, metric, ts datetime, value) tuples (the SQLite path and the few series the rules read)."""
        names = self.names
        return [(d, names[m], from_us(t), v) for d, m, t, v in
                zip(self.device.tolist(), self.metric.tolist(), self.ts.tolist(), self.value.tolist(), strict=True)]

    @staticmethod
    def concat(parts: list["Readings"]) -> "Readings":
        """One batch from several, the metric indexes renumbered into one list of names."""
        parts = [p for p in parts if len(p)]
        if not parts:
            return Readings.empty()
        if len(parts) == 1:
            return parts[0]
        names, index, metrics = [], {}, []
        for p in parts:
            remap = np.empty(len(p.names), np.int32)
            for i, name in enumerate(p.names):
                if name not in index:
                    index[name] = len(names)
                    names.append(name)
                remap[i] = index[name]
            metrics.append(remap[p.metric] if len(p.names) else p.metric)
        return Readings(np.concatenate([p.device for p in parts]), np.concatenate(metrics),
                        np.concatenate([p.ts for p in parts]), np.concatenate([p.value for p in parts]), names)

    def groups(self):
        """Group by (device, metric): see sort_groups."""
        return sort_groups(self.device, self.metric)

    def newest_by_device(self) -> dict[int, int]:
        """device id → the newest ts (µs) among these readings."""
        order, starts = sort_groups(self.device)
        return dict(zip(self.device[order][starts].tolist(), np.maximum.reduceat(self.ts[order], starts).tolist(),
                        strict=True))

    def copy_chunks(self):
        """These readings in PostgreSQL's binary COPY format for (device_id bigint, metric varchar, ts timestamptz,
        value double precision), header and trailer included, as buffers to hand to psycopg's Copy.write one by
        one (no copy is joined): one structured array per metric name (the only field of variable length), filled
        column by column."""
        yield b"PGCOPY\n\xff\r\n\x00" + bytes(8)
        for code, name in enumerate(self.names):
            mask = self.metric == code
            n = int(np.count_nonzero(mask))
            if not n:
                continue
            raw = name.encode()
            rec = np.empty(n, dtype=_row_dtype(len(raw)))
            rec["fields"] = 4
            rec["len_device"] = 8
            rec["device"] = self.device[mask]
            rec["len_metric"] = len(raw)
            rec["metric"] = raw
            rec["len_ts"] = 8
            rec["ts"] = self.ts[mask] - PG_EPOCH_SHIFT_US
            rec["len_value"] = 8
            rec["value"] = self.value[mask]
            yield memoryview(rec).cast("B")
        yield b"\xff\xff"


def sort_groups(*keys):
    """(order, starts): `order` sorts by the key arrays (the first one primary), `starts` are the first positions of
    each run of equal keys in that order (for np.*.reduceat)."""
    order = np.lexsort(keys[::-1])   # lexsort's primary key is its last
    change = np.zeros(len(order), bool)
    change[:1] = True
    for key in keys:
        k = key[order]
        change[1:] |= k[1:] != k[:-1]
    return order, np.flatnonzero(change)


_dtypes: dict[int, np.dtype] = {}


def _row_dtype(metric_len: int) -> np.dtype:
    dt = _dtypes.get(metric_len)
    if dt is None:
        dt = _dtypes[metric_len] = np.dtype([
            ("fields", ">i2"), ("len_device", ">i4"), ("device", ">i8"), ("len_metric", ">i4"),
            ("metric", f"S{metric_len}"), ("len_ts", ">i4"), ("ts", ">i8"), ("len_value", ">i4"), ("value", ">f8")])
    return dt
