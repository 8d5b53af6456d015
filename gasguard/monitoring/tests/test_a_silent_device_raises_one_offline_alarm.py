"""A device not heard from for the silence rule's number of reporting intervals gets one offline alarm (the check
may run any number of times) and shows offline; a reading brings it back and clears the alarm."""
from datetime import timedelta

import pytest

from gasguard.monitoring.evaluation import check_silence
from gasguard.monitoring.models import Alarm, Device
from gasguard.utilities import clock

from .helpers import make_device, reading, send


@pytest.mark.django_db
def test_silence_raises_once_and_recovers():
    device = make_device(interval_s=60)
    t0 = clock.now().replace(microsecond=0) - timedelta(minutes=10)
    send(device, reading(t0, ch4_lel=1.0))
    assert check_silence(now=t0 + timedelta(seconds=179))["raised"] == 0
    assert check_silence(now=t0 + timedelta(seconds=181))["raised"] == 1
    assert check_silence(now=t0 + timedelta(seconds=600))["raised"] == 0
    alarm = Alarm.objects.get(device=device)
    assert alarm.alarm_type == "silence" and Device.objects.get(pk=device.pk).state == "offline"
    send(device, reading(t0 + timedelta(seconds=300), ch4_lel=1.0))
    alarm.refresh_from_db()
    assert alarm.cleared_at is not None and Device.objects.get(pk=device.pk).state == "online"
