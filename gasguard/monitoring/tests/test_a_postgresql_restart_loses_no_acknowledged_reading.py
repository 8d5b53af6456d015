"""PostgreSQL restarted under load. A throwaway cluster (initdb + pg_ctl, never the machine's shared server) serves
the ingester, the web server (gunicorn, production configuration) and the job worker (huey); readings are published
over MQTT while `pg_ctl restart -m fast` cuts every connection. Every reading the broker acknowledged is stored
exactly once, and the first web request and the first job after the restart succeed: each process reconnects."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

import gasguard as package
from gasguard.monitoring.mqtt import device_topic, publish_client

from .helpers import SECRET, base_time, wait_until

pytestmark = pytest.mark.postgres

ROOT = Path(package.__file__).resolve().parent.parent  # run this checkout's code in the subprocesses
PG_BIN = Path(os.environ.get("PG_TEST_BIN_DIR", "/usr/lib/postgresql/15/bin"))
MESSAGES = 600

SETUP = """
import json
from rest_framework.authtoken.models import Token
from gasguard.monitoring import services
from gasguard import testing
from gasguard.monitoring.tests.helpers import SECRET
pks = testing.create_personas()
site = testing.make_site(testing.STREET_A_GRID, site_type="pipeline_segment", fuel="pipeline_gas", lat=39.0, lon=117.7)
device, _ = services.register_device(code="TRESTART01", kind="valve_well", site=site, secret=SECRET)
token = Token.objects.create(user_id=pks["office"])
print(json.dumps({"device": device.code, "token": token.key}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in a temporary directory, run as user postgres when we are root, fsync off."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="gasguard-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self.prefix = []

    def run(self, *args):
        done = subprocess.run([*self.prefix, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def pg_ctl(self, *args):
        return self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.dir / "log"), "-w", *args)

    def start(self):
        self.run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.pg_ctl("-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as con:
            con.execute("CREATE DATABASE gasguard")
        return self

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/gasguard"

    def scalar(self, sql):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="gasguard") as con:
            return con.execute(sql).fetchone()[0]

    def stop(self):
        subprocess.run([*self.prefix, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.dir, ignore_errors=True)


class Proc:
    """A subprocess of this checkout whose output is collected line by line."""

    def __init__(self, args, env):
        self.lines = []
        self.popen = subprocess.Popen([sys.executable, *args], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.popen.stdout:
            self.lines.append(line.rstrip())

    def wait_for(self, text, timeout=60.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end and self.popen.poll() is None:
            if any(text in line for line in self.lines):
                return
            time.sleep(0.05)
        raise AssertionError(f"{self.popen.args} did not print {text!r}:\n" + "\n".join(self.lines[-40:]))

    def stop(self):
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("restarts a PostgreSQL cluster of its own: runs in the PostgreSQL pass")
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL server binaries in {PG_BIN} (PG_TEST_BIN_DIR)")
    c = Cluster().start()
    yield c
    c.stop()


def test_a_restart_under_load_loses_no_acknowledged_reading_and_every_process_reconnects(cluster, topic_prefix,
                                                                                         tmp_path):
    env = {**os.environ, "DATABASE_URL": cluster.url, "GASGUARD_DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING",
           "CYLINDERS_TOKEN_CACHE_LISTEN": "0", "MONITORING_SESSION_EXPIRY_S": "120",
           "AUDIT_ANCHOR_FILE": str(tmp_path / "anchor.jsonl")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = ["-m", "gasguard.manage"]
    done = subprocess.run([sys.executable, *manage, "migrate", "--noinput"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    done = subprocess.run([sys.executable, *manage, "shell", "-c", SETUP], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    fixture = json.loads(done.stdout.strip().splitlines()[-1])

    web_port = free_port()
    run = uuid.uuid4().hex[:8]
    procs = [
        Proc([*manage, "ingest", "--prefix", topic_prefix, "--group", f"restart-{run}", "--client-id",
              f"restart-{run}", "--batch-size", "20", "--stats-every", "0.5"], env),
        Proc(["-m", "gunicorn", "-c", "python:gasguard.gunicorn_conf"],
             {**env, "WEB_BIND": f"127.0.0.1:{web_port}", "WEB_WORKERS": "1", "WEB_THREADS": "1"}),
        Proc([*manage, "run_huey", "--workers", "1"], {**env, "LOG_LEVEL": "INFO"}),  # a line per job run
    ]
    ingester, web, worker = procs
    statuses = []            # (started, finished, status) of every web request
    stop = threading.Event()

    def get():
        req = urllib.request.Request(f"http://127.0.0.1:{web_port}/api/v1/departments/",
                                     headers={"Authorization": f"Token {fixture['token']}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    quiet = threading.Lock()  # held by the restart: the web's kept connection is cut while it is idle

    def web_load():
        while not stop.is_set():
            with quiet:
                started = time.monotonic()
                statuses.append((started, time.monotonic(), get()))
            time.sleep(0.02)

    try:
        ingester.wait_for("subscribed")
        wait_until(lambda: get() == 200, timeout=60, what="the web server")
        run_job = huey_job(tmp_path, worker)
        run_job()                              # the worker holds a connection now
        loader = threading.Thread(target=web_load, daemon=True)
        loader.start()

        pub = publish_client()
        t0 = base_time(seconds_ago=1800)
        pending, restarted_at = [], []

        def restart():
            with quiet:
                cluster.pg_ctl("-m", "fast", "restart")   # every connection is cut, the server is away a moment
                restarted_at.append(time.monotonic())

        restarter = threading.Thread(target=restart)
        for i in range(MESSAGES):
            doc = {"ts": (t0 + timedelta(seconds=i)).isoformat(), "secret": SECRET, "m": {"ch4_lel": 1.0}}
            pending.append(pub.publish(device_topic(fixture["device"], topic_prefix), json.dumps(doc), qos=1))
            if i == MESSAGES // 3:
                restarter.start()                       # while the readings keep coming
            time.sleep(0.01)
        restarter.join(120)
        assert restarted_at, "pg_ctl restart did not finish"
        for info in pending:
            info.wait_for_publish(10)
        acknowledged = sum(1 for info in pending if info.is_published())
        pub.disconnect()
        assert acknowledged == MESSAGES

        count = lambda: cluster.scalar("SELECT COUNT(*) FROM monitoring_reading")  # noqa: E731
        wait_until(lambda: count() >= acknowledged, timeout=60, what=f"{acknowledged} readings")
        time.sleep(0.5)
        assert count() == acknowledged
        assert cluster.scalar("SELECT COUNT(DISTINCT ts) FROM monitoring_reading") == acknowledged
        assert cluster.scalar("SELECT COUNT(*) FROM monitoring_deadletter") == 0
        assert ingester.popen.poll() is None, "\n".join(ingester.lines[-30:])

        # The job worker's first job after the restart runs (its held connection is found dead and replaced).
        run_job()
        time.sleep(0.3)
        stop.set()
        loader.join(15)
        after = [s for started, _, s in statuses if started > restarted_at[0]]
        assert after and all(s == 200 for s in after), (after[:10], "\n".join(web.lines[-30:]))
    finally:
        stop.set()
        for p in procs:
            p.stop()
        after = [s for started, _, s in statuses if restarted_at and started > restarted_at[0]]
        print(f"web: {len(statuses)} requests, after the restart {len(after)}, of them not 200: "
              f"{[s for s in after if s != 200]}\ningester:\n" + "\n".join(ingester.lines[-20:]))


def huey_job(data_dir, worker):
    """Enqueue the daily anchor job by its name on the worker's SQLite queue and wait for the worker's word on it
    (huey keeps no result of a periodic task): it ran, or it failed."""
    from huey import SqliteHuey

    huey = SqliteHuey(name="gasguard", filename=str(data_dir / "jobs.sqlite3"), utc=True)

    def audit_anchor():
        pass   # the body that runs is the worker's: the message names "gasguard.jobs.tasks.audit_anchor"

    audit_anchor.__module__ = "gasguard.jobs.tasks"
    task = huey.task(name="audit_anchor")(audit_anchor)

    def run():
        result = task()
        said = lambda: [line for line in worker.lines if result.id in line]  # noqa: E731
        wait_until(lambda: any("executed in" in line or "Unhandled exception" in line for line in said()),
                   timeout=60, what="the job worker")
        assert any("executed in" in line for line in said()), "\n".join(worker.lines[-40:])
    return run
