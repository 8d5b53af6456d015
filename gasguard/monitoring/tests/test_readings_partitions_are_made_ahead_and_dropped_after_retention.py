"""On PostgreSQL the readings table is partitioned by day on ts: the ingester makes the partition a reading
needs, `gasguard partitions` makes them ahead and drops those past retention. On SQLite the table is plain and
retention deletes rows."""
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from gasguard.monitoring import partitions
from gasguard.monitoring.models import Reading, ReadingHour, ReadingMinute

from .helpers import base_time, make_device, reading, send


@pytest.mark.django_db
def test_partitions_and_retention(capsys, settings):
    device = make_device()
    now = datetime.now(UTC)
    send(device, reading(base_time(), ch4_lel=1.0))
    call_command("partitions", "--ahead", "3")
    if connection.vendor == "postgresql":
        names = {name for name, _ in partitions.existing()}
        for i in range(-1, 4):
            assert partitions.partition_name((now + timedelta(days=i)).date()) in names
        old = (now - timedelta(days=40)).date()
        partitions.ensure([old])
        with connection.cursor() as cur:
            cur.execute("SELECT relkind FROM pg_class WHERE relname = 'monitoring_reading'")
            assert cur.fetchone()[0] == "p"  # a partitioned table
        done = partitions.maintain(retention_days=30, ahead_days=0)
        assert partitions.partition_name(old) in done["dropped"]
        assert partitions.partition_name(old) not in {n for n, _ in partitions.existing()}
    else:
        Reading.objects.create(device=device, metric="ch4_lel", ts=now - timedelta(days=40), value=1.0)
        done = partitions.maintain(retention_days=30)
        assert done["deleted_rows"] == 1
    assert Reading.objects.filter(device_id=device.pk).count() == 1
    # The roll-ups of expired readings go too; those of kept readings stay.
    old_bucket = (now - timedelta(days=40)).replace(second=0, microsecond=0)
    ReadingMinute.objects.create(device=device, metric="ch4_lel", bucket=old_bucket, count=1, sum=1, min=1, max=1)
    assert partitions.maintain(retention_days=30, ahead_days=0)["rollups_deleted"] == 1
    assert ReadingMinute.objects.filter(device=device).count() == 1 and ReadingHour.objects.filter(device=device).count() == 1
    # Minute roll-ups are kept for MONITORING_MINUTE_ROLLUP_DAYS only; the hours stay with the readings.
    month_old = (now - timedelta(days=20)).replace(second=0, microsecond=0)
    for model in (ReadingMinute, ReadingHour):
        model.objects.create(device=device, metric="ch4_lel", bucket=month_old, count=1, sum=1, min=1, max=1)
    settings.MONITORING_MINUTE_ROLLUP_DAYS = 10
    assert partitions.maintain(retention_days=30, ahead_days=0)["rollups_deleted"] == 1
    assert not ReadingMinute.objects.filter(device=device, bucket=month_old).exists()
    assert ReadingHour.objects.filter(device=device, bucket=month_old).exists()
    assert "created" in capsys.readouterr().out
