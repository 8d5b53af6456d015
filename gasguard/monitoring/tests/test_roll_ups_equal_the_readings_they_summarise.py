"""The ingest path works on a batch as columns (NumPy): readings are checked, stored, last-seen and rolled up per
minute and hour without a Python loop per reading. Random series of messages — several devices, metrics with and
without unit conversion, epoch-millisecond and ISO times, minute and hour boundaries, repeats and late data — must
leave the readings table as the messages say, and both roll-up tables equal to a direct aggregate of it."""
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gasguard.monitoring.caches import reset_caches
from gasguard.monitoring.columns import Readings, from_us, to_us
from gasguard.monitoring.ingest import ingest
from gasguard.monitoring.models import Device, Reading, ReadingHour, ReadingMinute
from gasguard.monitoring.rollups import rebuild

from .helpers import SECRET, base_time, make_device, message

METRICS = ["ch4_lel", "ch4_vol", "battery", "pressure_mpa"]
FACTOR = {"ch4_vol": ("ch4_lel", 20.0)}   # 1 % vol = 20 % LEL

reading_st = st.tuples(st.integers(0, 3 * 3600 * 1000 - 1),          # ms after the series' start
                       st.dictionaries(st.sampled_from(METRICS), st.floats(-50, 150, allow_nan=False), min_size=1,
                                       max_size=3),
                       st.booleans())                                # ISO string instead of epoch ms
message_st = st.tuples(st.integers(0, 2), st.lists(reading_st, min_size=1, max_size=12))


def _aggregate(bucket_s):
    out = {}
    for d, m, ts, v in Reading.objects.values_list("device_id", "metric", "ts", "value"):
        epoch = int(ts.timestamp())
        key = (d, m, epoch - epoch % bucket_s)
        c, s, lo, hi = out.get(key, (0, 0.0, v, v))
        out[key] = (c + 1, s + v, min(lo, v), max(hi, v))
    return out


def _table(model):
    return {(d, m, int(b.timestamp())): (c, s, lo, hi) for d, m, b, c, s, lo, hi in
            model.objects.values_list("device_id", "metric", "bucket", "count", "sum", "min", "max")}


def _same(table, direct):
    assert table.keys() == direct.keys()
    for key, (c, s, lo, hi) in direct.items():
        tc, ts, tlo, thi = table[key]
        assert (tc, tlo, thi) == (c, lo, hi), key
        assert ts == pytest.approx(s, rel=1e-9, abs=1e-6), key


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(calls=st.lists(st.lists(message_st, min_size=1, max_size=6), min_size=1, max_size=4))
def test_random_batches_store_what_they_say_and_roll_up_exactly(calls):
    Reading.objects.all().delete()
    ReadingMinute.objects.all().delete()
    ReadingHour.objects.all().delete()
    reset_caches()
    devices = list(Device.objects.order_by("id")[:3])
    while len(devices) < 3:
        devices.append(make_device())
    Device.objects.update(last_seen_at=None)
    start = base_time(seconds_ago=4 * 3600).replace(minute=0, second=0)
    start_ms = to_us(start) // 1000
    expected = {}
    for call in calls:
        msgs = []
        for device_no, items in call:
            doc = {"secret": SECRET, "readings": []}
            for offset_ms, metrics, iso in items:
                t = from_us((start_ms + offset_ms) * 1000)
                doc["readings"].append({"ts": t.isoformat() if iso else start_ms + offset_ms, "m": metrics})
                for name, value in metrics.items():
                    stored, factor = FACTOR.get(name, (name, 1.0))
                    expected.setdefault((devices[device_no].pk, stored, t), value * factor)  # first one stays
            msgs.append(message(devices[device_no], doc))
        r = ingest(msgs)
        assert r.dead_letters == 0
    stored = {(d, m, ts): v for d, m, ts, v in Reading.objects.values_list("device_id", "metric", "ts", "value")}
    assert stored.keys() == expected.keys()
    for key, value in expected.items():
        assert stored[key] == pytest.approx(value)
    _same(_table(ReadingMinute), _aggregate(60))
    _same(_table(ReadingHour), _aggregate(3600))
    last_seen = {d.pk: d.last_seen_at for d in Device.objects.filter(pk__in=[x.pk for x in devices])}
    for device in devices:
        times = [ts for d, _, ts in expected if d == device.pk]
        if times:
            # Last seen is written at most every 10 s of device time, and never moves back.
            assert max(times) - timedelta(seconds=10) <= last_seen[device.pk] <= max(times)
    rebuild()
    _same(_table(ReadingMinute), _aggregate(60))


def test_columns_round_trip_and_group():
    t0 = base_time()
    rows = [(7, "ch4_lel", t0, 1.5), (3, "battery", t0 + timedelta(seconds=1), 90.0), (7, "ch4_lel", t0, 2.5),
            (3, "ch4_lel", t0 - timedelta(microseconds=1), -1.0)]
    readings = Readings.from_rows(rows)
    assert readings.rows() == rows
    assert readings.newest_by_device() == {7: to_us(t0), 3: to_us(t0 + timedelta(seconds=1))}
    order, starts = readings.groups()
    keys = [(int(readings.device[order][s]), readings.names[readings.metric[order][s]]) for s in starts]
    assert keys == [(3, "ch4_lel"), (3, "battery"), (7, "ch4_lel")]
    both = Readings.concat([readings.take([0]), Readings.from_rows([(9, "pressure_mpa", t0, 0.2)])])
    assert both.rows() == [rows[0], (9, "pressure_mpa", t0, 0.2)]
    chunks = b"".join(bytes(c) for c in readings.copy_chunks())
    # header, 4 rows of 2 + 4*4 + 8 + 8 + 8 + len(metric) bytes, trailer
    assert chunks.startswith(b"PGCOPY\n\xff\r\n\x00") and chunks.endswith(b"\xff\xff")
    assert len(chunks) == 19 + sum(42 + len(m) for _, m, _, _ in rows) + 2
