"""`gasguard bench ingest`: device readings through the real broker into PostgreSQL, with the alarm rules on.

What it measures, in one run on one throw-away database (PostgreSQL `gasguard_bench_ingest`, dropped afterwards):

* raw_copy       a plain psycopg binary COPY of the rows of the batched phase into monitoring_reading
                 (one statement, one commit): the ceiling the pipeline is compared with; done again at the end of
                 the run (raw_copy_end, same rows, emptied table) and the ratios use the mean of the two;
* service        ingest() called in-process with 100-reading messages (what the ingester runs per batch);
* mqtt_batched   100-reading messages published with QoS 1 to a private Mosquitto (from --publishers processes),
                 consumed by `gasguard ingest` processes (shared subscription), until every reading is committed;
* mqtt_single    the same with single-reading messages;
* alarm_latency  a steady publish rate (default 5,000 messages/s) with a few breaching readings among them: publish →
                 alarm raised (inside the committing transaction), and alarm raised → notification sent (dwell_ms of
                 the outbox, `gasguard send_notifications --loop` running).

The private broker (`mosquitto` on a free port, `max_queued_messages 0`) keeps the stock 1,000-message queue limit of
the system broker from dropping a burst; it is the same program as the one at 127.0.0.1:1883. Publishing, the
broker, the ingesters and PostgreSQL all share the machine, so the figures are lower bounds on a busy 2-core box.
"""
import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .ledger import cpu_ticks, emit, hardware, log_stderr, pg_drop, pg_recreate

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/gasguard_bench_ingest"
SECRET = "bench-secret-000000000000"
GOALS = {"batched_readings_per_s": 50_000, "single_messages_per_s": 10_000, "pipeline_over_copy": 0.5,
         "alarm_p99_ms": 1000}
MEASURED_SOURCES = ("monitoring/ingest.py", "monitoring/pg.py", "monitoring/caches.py", "monitoring/evaluation.py",
                    "monitoring/rules.py", "monitoring/mqtt.py", "monitoring/rollups.py", "monitoring/notify.py",
                    "notifications/services.py")


def code_fingerprint_of(names) -> dict:
    import hashlib

    root = Path(__file__).resolve().parent.parent
    out = {}
    for name in names:
        try:
            out[name] = hashlib.sha1((root / name).read_bytes()).hexdigest()[:12]
        except OSError:
            out[name] = None
    return out


def _child_env(url: str) -> dict:
    from django.conf import settings
    return {**os.environ, "DATABASE_URL": url, "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE}


# -------------------------------------------------------------------------------------------------------------
# Orchestration (parent): a fresh database, one child process that does the rest


def bench(*, database_url=None, devices=2000, batched=10000, single=40000, steady_rate=5000, steady_s=10,
          ingesters=2, publishers=2, keep=False, log=log_stderr) -> dict:
    url = database_url or DEFAULT_PG_URL
    owned = database_url is None
    if owned:
        pg_recreate(url)
    try:
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            out_path = tmp.name
        cmd = [sys.executable, "-m", "gasguard.manage", "bench", "ingest", "--worker-out", out_path,
               "--devices", str(devices), "--batched", str(batched), "--single", str(single),
               "--steady-rate", str(steady_rate), "--steady-seconds", str(steady_s), "--ingesters", str(ingesters),
               "--publishers", str(publishers)]
        proc = subprocess.run(cmd, env=_child_env(url), stdout=sys.stderr, stderr=sys.stderr)
        if proc.returncode != 0:
            raise RuntimeError(f"bench ingest worker failed with exit code {proc.returncode}")
        result = json.loads(Path(out_path).read_text())
        Path(out_path).unlink(missing_ok=True)
    finally:
        if owned and not keep:
            pg_drop(url)
    return result


# -------------------------------------------------------------------------------------------------------------
# The worker (child, DATABASE_URL = the bench database)


def worker(out_path: str, *, devices: int, batched: int, single: int, steady_rate: int, steady_s: int,
           ingesters: int, publishers: int = 1, log=log_stderr) -> None:
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        raise RuntimeError("gasguard bench ingest measures PostgreSQL (set --database-url postgres://…)")
    call_command("migrate", interactive=False, verbosity=0)
    out = {"suite": "ingest", "hardware": hardware(), "code": code_fingerprint_of(MEASURED_SOURCES),
           "loadavg_start": [round(x, 2) for x in os.getloadavg()],
           "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
           "params": {"devices": devices, "batched_messages": batched, "readings_per_batch": 100,
                      "single_messages": single, "steady_rate": steady_rate, "steady_seconds": steady_s,
                      "ingesters": ingesters, "publishers": publishers}}
    fleet = Fleet(devices)
    log(f"{devices} devices registered")
    t0 = fleet.base - timedelta(hours=4)

    # 1. raw COPY, then the same rows through ingest() in-process.
    docs = fleet.batches(batched, t0)
    rows = [r for _, _, rs in docs for r in rs]
    out["raw_copy"] = raw_copy(rows)
    log(f"raw COPY {out['raw_copy']}")
    truncate_readings()
    out["service"] = service(fleet, docs)
    log(f"service {out['service']}")

    # 2. The whole pipeline over MQTT.
    # The notification worker starts with the ingesters (idle on LISTEN until the latency phase): started just
    # before that phase, its own start-up (about a second) was counted in the first alarms' notification times.
    with Broker() as broker, Ingesters(broker, ingesters) as ing, Notifier():
        docs = fleet.batches(batched, t0 + timedelta(hours=1))
        out["mqtt_batched"] = ing.run(broker, [(code, json.dumps(doc)) for code, doc, _ in docs],
                                      readings=sum(len(rs) for _, _, rs in docs), publishers=publishers)
        log(f"mqtt batched {out['mqtt_batched']}")
        msgs = fleet.singles(single, t0 + timedelta(hours=2))
        out["mqtt_single"] = ing.run(broker, msgs, readings=len(msgs), publishers=publishers)
        log(f"mqtt single {out['mqtt_single']}")
        docs = fleet.batches(batched, t0 + timedelta(hours=2, minutes=30))
        out["mqtt_batched_backlog"] = backlog(ing, broker, [(code, json.dumps(doc)) for code, doc, _ in docs],
                                              readings=sum(len(rs) for _, _, rs in docs))
        log(f"mqtt batched backlog {out['mqtt_batched_backlog']}")
        msgs = fleet.singles(single, t0 + timedelta(hours=3))
        out["mqtt_single_backlog"] = backlog(ing, broker, msgs, readings=len(msgs))
        log(f"mqtt single backlog {out['mqtt_single_backlog']}")
        out["alarm_latency"] = latency(ing, broker, fleet, steady_rate, steady_s)
        log(f"alarm latency {out['alarm_latency']}")
        out["ingester_totals"] = ing.totals()
    # The same COPY again at the end, into the same (emptied) table: the machine's load drifts during a run, and the
    # ratio is taken against the mean of the two, not against whichever moment happened to be quieter.
    truncate_readings()
    out["raw_copy_end"] = raw_copy(rows)
    log(f"raw COPY at the end {out['raw_copy_end']}")
    out["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    copy_rate = round((out["raw_copy"]["rows_per_s"] + out["raw_copy_end"]["rows_per_s"]) / 2)
    out["raw_copy_rows_per_s_mean"] = copy_rate
    out["ratios"] = {"service_over_copy": round(out["service"]["readings_per_s"] / copy_rate, 2),
                     "mqtt_batched_over_copy": round(out["mqtt_batched"]["readings_per_s"] / copy_rate, 2),
                     "mqtt_batched_backlog_over_copy": round(out["mqtt_batched_backlog"]["readings_per_s"] / copy_rate,
                                                             2)}
    out["goals"] = goals(out)
    Path(out_path).write_text(json.dumps(out, ensure_ascii=False, default=str))


class Fleet:
    """The bench's devices (methane detectors in valve wells) and the payloads they send."""

    def __init__(self, n: int):
        from gasguard import testing
        from gasguard.monitoring.ingest import hash_secret
        from gasguard.monitoring.models import Device
        from gasguard.monitoring.rules import ensure_default_rules

        ensure_default_rules()
        site = testing.make_site(testing.STREET_A_GRID, site_type="pipeline_segment", fuel="pipeline_gas",
                                 name="压测管段", lat=39.0, lon=117.7)
        h = hash_secret(SECRET)
        Device.objects.bulk_create([Device(code=f"BENCH{i:06d}", kind="valve_well", site=site,
                                           jurisdiction_id=site.jurisdiction_id, secret_hash=h, interval_s=60)
                                    for i in range(n)], batch_size=2000)
        self.devices = list(Device.objects.filter(code__startswith="BENCH").order_by("id").values_list("id", "code"))
        self.base = datetime.now(UTC).replace(microsecond=0)
        self.rng = random.Random(5)

    def value(self) -> float:
        return round(2.0 + self.rng.random() * 3.0, 2)  # background methane, % LEL: far from every limit

    def batches(self, n: int, start: datetime):
        """n messages of 100 one-second readings, devices in turn; returns (code, doc, [(id, metric, ts, v)])."""
        out = []
        per_device = {}
        for k in range(n):
            device_id, code = self.devices[k % len(self.devices)]
            offset = per_device.get(device_id, 0)
            per_device[device_id] = offset + 100
            items, rows = [], []
            for j in range(100):
                ts = start + timedelta(seconds=offset + j)
                v = self.value()
                items.append({"ts": int(ts.timestamp() * 1000), "m": {"ch4_lel": v}})
                rows.append((device_id, "ch4_lel", ts, v))
            out.append((code, {"secret": SECRET, "readings": items}, rows))
        return out

    def singles(self, n: int, start: datetime):
        out = []
        for k in range(n):
            _, code = self.devices[k % len(self.devices)]
            ts = start + timedelta(seconds=k // len(self.devices))
            out.append((code, json.dumps({"ts": int(ts.timestamp() * 1000), "secret": SECRET,
                                          "m": {"ch4_lel": self.value()}})))
        return out


def raw_copy(rows) -> dict:
    from django.db import connection, transaction

    from gasguard.monitoring import partitions

    partitions.ensure({r[2].date() for r in rows})
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        with cur.cursor.copy("COPY monitoring_reading (device_id, metric, ts, value) FROM STDIN (FORMAT BINARY)") as cp:
            cp.set_types(["int8", "varchar", "timestamptz", "float8"])
            for row in rows:
                cp.write_row(row)
    s = time.perf_counter() - t
    # Fair to the pipeline's COPY: the same rows (prepared tuples, no JSON), the same partitioned table and indexes,
    # the same binary format and psycopg write_row; only routing through the parent table is extra here.
    return {"rows": len(rows), "seconds": round(s, 3), "rows_per_s": round(len(rows) / s),
            "into": "monitoring_reading (partitioned, primary key index), one statement, one commit"}


def truncate_readings():
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute("TRUNCATE monitoring_reading")


def service(fleet, docs, per_call=20) -> dict:
    from gasguard.monitoring.caches import reset_caches
    from gasguard.monitoring.ingest import Message, ingest

    reset_caches()
    payloads = [(code, json.dumps(doc).encode()) for code, doc, _ in docs]
    readings = stored = 0
    t, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(payloads), per_call):
        r = ingest([Message(payload=p, device_code=c) for c, p in payloads[i:i + per_call]])
        readings += r.readings
        stored += r.stored
    s, cpu = time.perf_counter() - t, time.process_time() - cpu
    return {"messages": len(payloads), "messages_per_commit": per_call, "readings": readings, "stored": stored,
            "seconds": round(s, 3), "readings_per_s": round(readings / s), "cpu_s": round(cpu, 3),
            "cpu_us_per_reading": round(cpu / readings * 1e6, 2)}


# -------------------------------------------------------------------------------------------------------------
# Processes: a private broker, ingesters, the notification worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __enter__(self):
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="gg-bench-mqtt-")
        conf = Path(self.dir, "mosquitto.conf")
        conf.write_text(f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                        "max_queued_messages 0\n")
        self.proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = f"mqtt://127.0.0.1:{self.port}"
        self.prefix = "bench/v1"
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)

    def env(self) -> dict:
        return {**os.environ, "MQTT_URL": self.url, "MONITORING_TOPIC_PREFIX": self.prefix,
                "MONITORING_SHARE_GROUP": "bench", "LOG_LEVEL": "WARNING"}


class Ingesters:
    """`gasguard ingest` processes; their stats lines (printed after every batch here) say what is committed."""

    def __init__(self, broker, n):
        self.broker, self.n = broker, n
        self.stored = {}
        self.lines = {}
        self.offsets = {}

    def __enter__(self):
        self.start()
        return self

    def start(self):
        self.procs = []
        for i in range(self.n):
            p = subprocess.Popen([sys.executable, "-m", "gasguard.manage", "ingest", "--client-id", f"bench-ingest-{i}",
                                  "--stats-every", "0.05"], env=self.broker.env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, bufsize=1)
            self.procs.append(p)
            self.stored.setdefault(i, 0)
            self.lines[i] = []
            threading.Thread(target=self._read, args=(i, p), daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(any("subscribed" in x for x in self.lines[i])
                                                         for i in range(self.n)):
            time.sleep(0.05)
        self.base = dict(self.stored)

    def _read(self, i, p):
        offset = self.offsets.get(i, 0)
        for line in p.stdout:
            self.lines[i].append(line.rstrip())
            parts = line.split()
            if parts[:1] == ["messages"] and "stored" in parts:
                self.stored[i] = offset + int(parts[parts.index("stored") + 1])

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        """SIGTERM: each ingester finishes its batch and disconnects; its session (and share) stays at the broker."""
        self.offsets = dict(self.stored)
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()

    def cpu_s(self) -> float:
        """CPU seconds (user + system) the ingester processes have used: unlike rates, barely moved by the load
        the other work on the machine puts on it (what they would take on a quiet one)."""
        return cpu_ticks(p.pid for p in self.procs) / os.sysconf("SC_CLK_TCK")

    def total_stored(self) -> int:
        return sum(self.stored.values())

    def totals(self) -> list:
        return [next((x for x in reversed(self.lines[i]) if x.startswith("messages")), "") for i in range(self.n)]

    def run(self, broker, messages, *, readings: int, publishers: int = 1) -> dict:
        """Publish `messages` [(device code, payload)] as fast as the broker takes them, from `publishers` processes
        of their own (away from this process's threads that read the ingesters' output); wait until all
        `readings` are committed."""
        import multiprocessing

        before = self.total_stored()
        ctx = multiprocessing.get_context("fork")   # the children only publish: they never touch the database
        go = ctx.Event()
        ready = ctx.Semaphore(0)
        procs = [ctx.Process(target=_publish_share, args=(broker.port, broker.prefix, messages[i::publishers], ready,
                                                          go)) for i in range(publishers)]
        for p in procs:
            p.start()
        for _ in procs:
            if not ready.acquire(timeout=60):
                raise RuntimeError("a publisher process did not connect to the broker within 60 s")
        cpu = self.cpu_s()
        t = time.perf_counter()
        go.set()
        for p in procs:
            p.join(300)
        published = time.perf_counter() - t
        if any(p.exitcode != 0 for p in procs):
            raise RuntimeError(f"a publisher process failed (exit codes {[p.exitcode for p in procs]})")
        deadline = time.monotonic() + 600
        while self.total_stored() - before < readings and time.monotonic() < deadline:
            time.sleep(0.01)
        s = time.perf_counter() - t
        cpu = self.cpu_s() - cpu
        got = self.total_stored() - before
        return {"messages": len(messages), "readings": readings, "stored": got, "publishers": publishers,
                "publish_s": round(published, 3), "seconds": round(s, 3), "readings_per_s": round(got / s),
                "messages_per_s": round(len(messages) / s), "ingesters": self.n, "ingester_cpu_s": round(cpu, 2),
                "ingester_cpu_us_per_reading": round(cpu / max(got, 1) * 1e6, 2)}


def _publish_share(port, prefix, messages, ready, go):
    """A publisher process: connect, say ready, publish its share at once when told, return once the broker has
    acknowledged the last one."""
    client = _publisher(port)
    ready.release()
    go.wait(120)
    last = None
    for code, payload in messages:
        last = client.publish(f"{prefix}/{code}/up", payload, qos=1)
    if last is not None:
        last.wait_for_publish(300)
    client.disconnect()
    client.loop_stop()


def _publisher(port: int):
    """The load generator: paho QoS 1, up to 1,000 messages in flight, made as light as the ingester's client."""
    import paho.mqtt.client as mqtt

    from gasguard.monitoring.mqtt import share_paho_property_tables

    share_paho_property_tables()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port, keepalive=30)
    client.loop_start()
    return client


def backlog(ing, broker, messages, *, readings: int) -> dict:
    """The ingesters' own pace: publish everything while they are stopped (their sessions queue it at the broker),
    then start them and time until every reading is committed (from the moment all are subscribed again)."""
    ing.stop()
    before = ing.total_stored()
    client = _publisher(broker.port)
    last = None
    for code, payload in messages:
        last = client.publish(f"{broker.prefix}/{code}/up", payload, qos=1)
    last.wait_for_publish(300)
    client.disconnect()
    client.loop_stop()
    ing.start()
    t = time.perf_counter()  # all subscribed again: Django's start-up is not counted
    cpu = ing.cpu_s()
    at_start = ing.total_stored() - before
    deadline = time.monotonic() + 600
    while ing.total_stored() - before < readings and time.monotonic() < deadline:
        time.sleep(0.01)
    s = time.perf_counter() - t
    cpu = ing.cpu_s() - cpu
    got = ing.total_stored() - before
    per_message = readings / len(messages)
    rate = (got - at_start) / s
    return {"messages": len(messages), "readings": readings, "stored": got, "stored_before_timing": at_start,
            "seconds": round(s, 3), "readings_per_s": round(rate), "messages_per_s": round(rate / per_message),
            "ingesters": ing.n, "timed_from": "all ingesters subscribed again, the backlog queued at the broker",
            "ingester_cpu_s": round(cpu, 2), "ingester_cpu_us_per_reading": round(cpu / max(got - at_start, 1) * 1e6, 2)}


class Notifier:
    def __enter__(self):
        self.proc = subprocess.Popen([sys.executable, "-m", "gasguard.manage", "send_notifications", "--loop",
                                      "--interval", "0.2"], env={**os.environ, "LOG_LEVEL": "WARNING"},
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _pct(values, p):
    if not values:
        return None
    v = sorted(values)
    return round(v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))], 1)


def latency(ing, broker, fleet, rate: int, seconds: int, alarms_per_s: int = 20) -> dict:
    """Publish `rate` single-reading messages a second for `seconds`; every 1/alarms_per_s s one of them is a
    second-level methane reading (60 % LEL) from a device that has no alarm yet."""
    from gasguard.monitoring.models import Alarm
    from gasguard.notifications.models import Notification

    client = _publisher(broker.port)
    n_alarm = alarms_per_s * seconds
    alarm_devices = fleet.devices[-n_alarm:]
    quiet = fleet.devices[:-n_alarm]
    start_ts = fleet.base + timedelta(minutes=1)  # after everything published before
    sent_at = {}
    tick = 0.01
    per_tick = max(1, round(rate * tick))
    every = max(1, round(rate / alarms_per_s))
    t0 = time.perf_counter()
    k = a = 0
    total = rate * seconds
    while k < total:
        due = t0 + (k // per_tick) * tick
        now = time.perf_counter()
        if due > now:
            time.sleep(due - now)
        for _ in range(per_tick):
            ts_ms = int((start_ts + timedelta(seconds=time.perf_counter() - t0)).timestamp() * 1000)
            if k % every == 0 and a < n_alarm:
                device_id, code = alarm_devices[a]
                a += 1
                payload = json.dumps({"ts": ts_ms, "secret": SECRET, "m": {"ch4_lel": 60.0}})
                sent_at[device_id] = time.time()
            else:
                _, code = quiet[k % len(quiet)]
                payload = json.dumps({"ts": ts_ms, "secret": SECRET, "m": {"ch4_lel": fleet.value()}})
            client.publish(f"{broker.prefix}/{code}/up", payload, qos=1)
            k += 1
    achieved = total / (time.perf_counter() - t0)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Alarm.objects.filter(device_id__in=list(sent_at), alarm_type="ch4_level2").count() >= len(sent_at):
            break
        time.sleep(0.2)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not Notification.objects.filter(alarm__device_id__in=list(sent_at), sent_at=None).exists():
            break
        time.sleep(0.2)
    client.disconnect()
    client.loop_stop()
    raised = {d: r.timestamp() for d, r in Alarm.objects.filter(device_id__in=list(sent_at), alarm_type="ch4_level2")
              .values_list("device_id", "raised_at")}
    publish_to_alarm = [(raised[d] - sent_at[d]) * 1000 for d in sent_at if d in raised]
    dwell = list(Notification.objects.filter(alarm__device_id__in=list(sent_at)).exclude(dwell_ms=None)
                 .values_list("dwell_ms", flat=True))
    return {"target_rate": rate, "achieved_rate": round(achieved), "seconds": seconds, "alarms_expected": len(sent_at),
            "alarms_raised": len(raised),
            "publish_to_alarm_ms": {"p50": _pct(publish_to_alarm, 50), "p99": _pct(publish_to_alarm, 99),
                                    "max": _pct(publish_to_alarm, 100)},
            "alarm_to_notification_ms": {"n": len(dwell), "p50": _pct(dwell, 50), "p99": _pct(dwell, 99),
                                         "max": _pct(dwell, 100)}}


def goals(r: dict) -> dict:
    batched = max(r["service"]["readings_per_s"], r["mqtt_batched"]["readings_per_s"])
    single = max(r["mqtt_single"]["messages_per_s"], r.get("mqtt_single_backlog", {}).get("messages_per_s", 0))
    ratio = max(r["ratios"]["mqtt_batched_over_copy"], r["ratios"].get("mqtt_batched_backlog_over_copy", 0))
    p99 = r["alarm_latency"]["publish_to_alarm_ms"]["p99"]   # the goal: publish → committed alarm
    return {"batched_readings_per_s": {"value": batched, "goal": GOALS["batched_readings_per_s"],
                                       "met": batched >= GOALS["batched_readings_per_s"]},
            "single_messages_per_s": {"value": single, "goal": GOALS["single_messages_per_s"],
                                      "met": single >= GOALS["single_messages_per_s"]},
            "pipeline_over_copy": {"value": ratio, "goal": GOALS["pipeline_over_copy"],
                                   "met": ratio >= GOALS["pipeline_over_copy"]},
            "alarm_p99_ms": {"value": p99, "goal": GOALS["alarm_p99_ms"],
                             "met": p99 is not None and p99 <= GOALS["alarm_p99_ms"]}}


# -------------------------------------------------------------------------------------------------------------
# The command's side (gasguard bench ingest …), kept here so the bench command gains only two lines


def add_ingest_arguments(suites):
    p = suites.add_parser("ingest", help="readings through Mosquitto into PostgreSQL with the alarm rules on",
                          description=__doc__.split("\n\n")[1])
    p.add_argument("--database-url", help="use this (empty) PostgreSQL database instead of a throw-away one")
    p.add_argument("--devices", type=int, default=2000)
    p.add_argument("--batched", type=int, default=10000, help="100-reading messages per batched phase")
    p.add_argument("--single", type=int, default=40000, help="single-reading messages")
    p.add_argument("--steady-rate", type=int, default=5000, help="messages per second in the latency phase")
    p.add_argument("--steady-seconds", type=int, default=10)
    p.add_argument("--ingesters", type=int, default=2, help="gasguard ingest processes (one share group)")
    p.add_argument("--publishers", type=int, default=2, help="publisher processes in the concurrent phases (one Python "
                   "client tops out near 10,000 publishes a second)")
    p.add_argument("--keep", action="store_true", help="keep the bench database")
    p.add_argument("--out", help="also write the JSON to this file")
    p.add_argument("--worker-out", help=argparse.SUPPRESS)


def handle_ingest(command, o):
    kw = {k: o[k] for k in ("devices", "batched", "single", "ingesters", "publishers")}
    kw.update(steady_rate=o["steady_rate"], steady_s=o["steady_seconds"])
    if o.get("worker_out"):
        worker(o["worker_out"], **kw)
        return
    result = bench(database_url=o["database_url"], keep=o["keep"], **kw)
    emit(command.stdout, result, o["out"])
