"""A leak that comes and goes: three short puffs over 25 % LEL (each under the sustained rule's minute) within ten
minutes raise one repeated-breach alarm; two puffs do not; quiet readings in between, sent in their own batches,
break the episodes even though they need no rule work of their own. The per-minute roll-ups count each reading
once, a redelivered one included."""
from datetime import timedelta

import pytest

from gasguard.monitoring.models import Alarm, ReadingHour, ReadingMinute

from .helpers import base_time, make_device, reading, send


def _puff(device, t):
    send(device, *[reading(t + timedelta(seconds=s), ch4_lel=30.0) for s in (0, 10, 20)])
    send(device, *[reading(t + timedelta(seconds=s), ch4_lel=3.0) for s in (30, 40, 50)])


@pytest.mark.django_db
def test_three_puffs_in_ten_minutes_raise_one_repeat_alarm():
    device = make_device()
    t0 = base_time(seconds_ago=900)
    send(device, reading(t0 - timedelta(seconds=10), ch4_lel=2.0))
    _puff(device, t0)
    _puff(device, t0 + timedelta(minutes=2))
    assert not Alarm.objects.filter(alarm_type="ch4_repeat").exists()
    _puff(device, t0 + timedelta(minutes=4))
    alarm = Alarm.objects.get(alarm_type="ch4_repeat")
    assert alarm.first_ts == t0 and alarm.last_seen == t0 + timedelta(minutes=4)
    assert not Alarm.objects.filter(alarm_type="ch4_level1").exists()  # no puff lasted a minute
    _puff(device, t0 + timedelta(minutes=6))
    assert Alarm.objects.filter(alarm_type="ch4_repeat").count() == 1  # refreshed, not raised again


@pytest.mark.django_db
def test_puffs_spread_past_the_window_raise_nothing():
    device = make_device()
    t0 = base_time(seconds_ago=3000)
    for k in range(4):
        _puff(device, t0 + timedelta(minutes=6 * k))  # never three within ten minutes
    assert not Alarm.objects.filter(alarm_type="ch4_repeat").exists()


@pytest.mark.django_db
def test_roll_ups_count_each_reading_once():
    device = make_device()
    t0 = base_time(seconds_ago=7200).replace(minute=0, second=0)
    docs = [reading(t0 + timedelta(seconds=20 * i), ch4_lel=float(i)) for i in range(6)]
    send(device, *docs)
    send(device, docs[0], docs[5])  # redelivered
    minutes = list(ReadingMinute.objects.filter(device=device).order_by("bucket")
                   .values_list("bucket", "count", "min", "max", "sum"))
    assert minutes == [(t0, 3, 0.0, 2.0, 3.0), (t0 + timedelta(minutes=1), 3, 3.0, 5.0, 12.0)]
    assert list(ReadingHour.objects.filter(device=device).values_list("bucket", "count", "sum")) == [(t0, 6, 15.0)]
