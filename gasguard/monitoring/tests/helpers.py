"""Factories and payload builders for the monitoring tests."""
import itertools
import json
import time
from datetime import UTC, datetime, timedelta

from gasguard import testing

SECRET = "test-secret-0123456789"
_seq = itertools.count(1)


def make_device(site=None, kind="valve_well", code=None, secret=SECRET, **kwargs):
    from gasguard.monitoring import services

    site = site or testing.make_site(testing.STREET_A_GRID, site_type="pipeline_segment", fuel="pipeline_gas",
                                     lat=39.0, lon=117.7)
    device, _ = services.register_device(code=code or f"T{kind[:3].upper()}{next(_seq):05d}", kind=kind, site=site,
                                         secret=secret, **kwargs)
    return device


def base_time(seconds_ago=600) -> datetime:
    """A recent instant on a whole second (readings must lie inside the retention window)."""
    return (datetime.now(UTC) - timedelta(seconds=seconds_ago)).replace(microsecond=0)


def reading(ts: datetime, secret=SECRET, **metrics) -> dict:
    return {"ts": ts.isoformat(), "secret": secret, "m": metrics}


def batch(readings, secret=SECRET) -> dict:
    return {"secret": secret, "readings": [{"ts": ts.isoformat(), "m": m} for ts, m in readings]}


def message(device, doc, **kw):
    from gasguard.monitoring.ingest import Message

    return Message(payload=json.dumps(doc), device_code=device.code if hasattr(device, "code") else device, **kw)


def send(device, *docs):
    """Through the ingest service (what the MQTT ingester calls), one message per doc."""
    from gasguard.monitoring.ingest import ingest

    return ingest([message(device, d) for d in docs])


def wait_until(predicate, timeout=20.0, interval=0.05, what="condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
