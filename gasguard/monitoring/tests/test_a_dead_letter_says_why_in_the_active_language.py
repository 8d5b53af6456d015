"""Why a message was dead-lettered is written in the language active when it arrived: Chinese by default, English
for a request in English."""
import json

import pytest
from django.utils import translation

from gasguard.monitoring.ingest import Message, ingest
from gasguard.monitoring.models import DeadLetter

from .helpers import base_time, make_device, message, reading


@pytest.mark.django_db
def test_an_english_request_has_its_dead_letters_explained_in_english():
    device = make_device()
    t0 = base_time()
    with translation.override("en"):
        ingest([Message(payload=json.dumps(reading(t0, ch4_lel=1)), device_code="NO-SUCH-DEVICE"),
                message(device, reading(t0, secret="wrong", ch4_lel=1)),
                message(device, reading(t0, **{"CH4": 1})),
                message(device, [1, 2])])
    details = dict(DeadLetter.objects.values_list("reason", "detail"))
    assert details == {"unknown_device": "Device 'NO-SUCH-DEVICE' is not registered",
                       "bad_secret": "The device code and secret do not match",
                       "bad_reading": "Metric name 'CH4' is invalid",
                       "malformed": "The message must be a JSON object"}


@pytest.mark.django_db
def test_by_default_dead_letters_are_explained_in_chinese():
    ingest([Message(payload=json.dumps(reading(base_time(), ch4_lel=1)), device_code="NO-SUCH-DEVICE")])
    assert DeadLetter.objects.get().detail == "设备 'NO-SUCH-DEVICE' 未登记"
