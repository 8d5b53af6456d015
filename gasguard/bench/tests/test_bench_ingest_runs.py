"""`gasguard bench ingest` at a tiny scale, end to end: its own PostgreSQL database, a private Mosquitto, real
`gasguard ingest` and `send_notifications` processes. Checks that every phase stores every reading it published,
that each breaching reading raised its alarm and got its notification, and that the JSON says where it ran."""
import os
import uuid

from gasguard.bench import ingest as bench_ingest
from gasguard.bench.ledger import pg_drop, pg_recreate


def test_the_ingest_bench_runs_and_reports():
    url = f"postgres://postgres@127.0.0.1:5432/gg_bench_ingest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    pg_recreate(url)
    try:
        r = bench_ingest.bench(database_url=url, devices=60, batched=10, single=300, steady_rate=200, steady_s=1,
                               ingesters=2)
    finally:
        pg_drop(url)
    assert r["hardware"]["cores"] >= 1 and len(r["loadavg_start"]) == 3
    assert r["raw_copy"]["rows"] == r["raw_copy_end"]["rows"] == r["service"]["stored"] == 1000
    assert r["ratios"]["mqtt_batched_over_copy"] == round(r["mqtt_batched"]["readings_per_s"] / r["raw_copy_rows_per_s_mean"], 2)
    for phase, readings in (("mqtt_batched", 1000), ("mqtt_single", 300), ("mqtt_batched_backlog", 1000),
                            ("mqtt_single_backlog", 300)):
        assert r[phase]["stored"] == r[phase]["readings"] == readings, (phase, r[phase])
    lat = r["alarm_latency"]
    assert lat["alarms_raised"] == lat["alarms_expected"] == 20
    assert lat["alarm_to_notification_ms"]["n"] >= 20 and lat["publish_to_alarm_ms"]["p99"] is not None
    assert set(r["goals"]) == {"batched_readings_per_s", "single_messages_per_s", "pipeline_over_copy",
                               "alarm_p99_ms"}
