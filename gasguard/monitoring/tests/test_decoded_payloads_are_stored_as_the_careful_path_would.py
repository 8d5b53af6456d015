"""Payloads are decoded and checked by msgspec (the fast path); what it refuses goes through json and the checks one
by one (the careful path). Both must store the same readings, and every refusal must still land with its reason."""
import json
from datetime import UTC, timedelta

import pytest

from gasguard.monitoring import ingest as ingest_module
from gasguard.monitoring.ingest import Message, ingest
from gasguard.monitoring.models import DeadLetter, Reading

from .helpers import SECRET, base_time, make_device

PAYLOADS = [
    lambda t: {"ts": int(t.timestamp() * 1000), "secret": SECRET, "m": {"ch4_vol": 1, "battery": 87}},
    lambda t: {"ts": t.replace(tzinfo=None).isoformat(), "secret": SECRET, "m": {"ch4_lel": 2.5}},   # naive = UTC
    lambda t: {"ts": t.astimezone(UTC).isoformat().replace("+00:00", "Z"), "secret": SECRET, "m": {"ch4_ppm": 5000}},
    lambda t: {"secret": SECRET, "readings": [{"ts": int(t.timestamp() * 1000) + k * 1000, "m": {"pressure_mpa": 0.2}}
                                              for k in range(3)]},
]


def _stored(device):
    return sorted(Reading.objects.filter(device_id=device.pk).values_list("metric", "ts", "value"))


@pytest.mark.django_db
@pytest.mark.parametrize("make", PAYLOADS)
def test_the_fast_path_stores_what_the_careful_path_stores(make, monkeypatch):
    t0 = base_time()
    fast_device, careful_device = make_device(), make_device()
    assert ingest_module._fast_doc(json.dumps(make(t0)).encode()) is not None
    r = ingest([Message(payload=json.dumps(make(t0)).encode(), device_code=fast_device.code)])
    monkeypatch.setattr(ingest_module, "_fast_doc", lambda payload: None)
    ingest([Message(payload=json.dumps(make(t0)).encode(), device_code=careful_device.code)])
    assert r.stored == r.readings > 0 and r.dead_letters == 0
    assert _stored(fast_device) == _stored(careful_device)
    if "m" in make(t0) and "ch4_vol" in make(t0)["m"]:
        assert ("ch4_lel", t0, 20.0) in _stored(fast_device)   # 1 % vol = 20 % LEL


@pytest.mark.django_db
def test_what_the_fast_path_refuses_keeps_its_reason_and_the_good_readings():
    device = make_device()
    t0 = base_time()
    ms = int(t0.timestamp() * 1000)
    batch = {"secret": SECRET, "readings": [{"ts": ms, "m": {"ch4_lel": 1}},
                                            {"ts": ms + 1000, "m": {"Bad-Name": 2}},
                                            {"ts": ms + 2000, "m": {"ch4_lel": True}},
                                            {"ts": int((t0 - timedelta(days=3650)).timestamp() * 1000), "m": {"x": 1}},
                                            {"ts": ms + 3000, "m": {"ch4_lel": 4}}]}
    r = ingest([Message(payload=json.dumps(batch), device_code=device.code),
                Message(payload=f'{{"ts": {ms + 4000}.5, "m": {{"ch4_lel": NaN}}, "secret": "{SECRET}"}}',
                        device_code=device.code),
                Message(payload=f'{{"readings": null, "secret": "{SECRET}"}}', device_code=device.code),
                Message(payload=json.dumps({"secret": SECRET, "readings": [{"ts": ms + 5000, "m": {"ch4_lel": 5}},
                                                                          {"ts": 10 ** 17, "m": {"ch4_lel": 6}}]}),
                        device_code=device.code)])   # past year 9999: that reading only
    assert (r.stored, r.rejected) == (3, [(2, "malformed")])
    assert sorted(DeadLetter.objects.values_list("reason", flat=True)) == [
        "bad_reading", "bad_reading", "bad_reading", "bad_reading", "malformed", "out_of_range"]
    assert sorted(v for _, _, v in _stored(device)) == [1.0, 4.0, 5.0]
