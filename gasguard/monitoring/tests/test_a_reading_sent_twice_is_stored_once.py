"""The key (device, metric, ts) is the readings table's primary key: a reading sent twice — in one batch, in two
messages, after an outage as late data — is stored once, and does not count twice for the rules."""
from datetime import timedelta

import pytest

from gasguard.monitoring.columns import Readings
from gasguard.monitoring.ingest import write_readings
from gasguard.monitoring.models import Reading

from .helpers import base_time, batch, make_device, reading, send


@pytest.mark.django_db
def test_duplicates_are_stored_once():
    device = make_device()
    t0 = base_time()
    first = send(device, reading(t0, ch4_lel=1.0, battery=90), reading(t0, ch4_lel=1.0, battery=90))
    assert (first.readings, first.stored, first.duplicates) == (4, 2, 2)
    late = batch([(t0 - timedelta(minutes=m), {"ch4_lel": 0.5}) for m in range(5)] + [(t0, {"ch4_lel": 1.0})])
    again = send(device, late, late)
    assert (again.stored, again.duplicates) == (4, 8)
    assert Reading.objects.filter(device_id=device.pk).count() == 6
    # The write path itself says which rows were new.
    new = write_readings(Readings.from_rows([(device.pk, "ch4_lel", t0, 1.0), (device.pk, "x", t0, 1.0)]))
    assert new.rows() == [(device.pk, "x", t0, 1.0)]
