"""`gasguard bench gate`: the filling gate and the trace of one cylinder over HTTP, at the scale of a big city's
register (Wuhan: about two million coded cylinders), on the project's production server.

* `generate()` fills the *current* PostgreSQL database with N cylinders and M events (gate checks and the fillings
  they opened: 62 % / 38 %), by COPY (cylinders: their codes carry a check character computed in Python) and
  INSERT … SELECT over generate_series (events), with the secondary indexes, unique constraints and foreign-key
  triggers off during the load and rebuilt after, then VACUUM ANALYZE (what autovacuum would have done). Like the
  ledger bench it bypasses the services: it is a fixture, not history. The accounts, gas companies, stations,
  licences and operators (a few dozen rows) go through the ORM.
* `measure()` starts gunicorn (gthread workers, DEBUG off, persistent database connections) on a free port, drives
  it with an asyncio keep-alive client (C connections, one request in flight each) for S seconds per endpoint, the
  endpoints taking turns in 4 slices each (the machine's speed drifts; the ratios compare like with like), and
  reads the server-side time of every request from a timer in the workers (gasguard/bench/gunicorn_timed.py: the
  production configuration and two hooks; gunicorn's access log cost an eighth of a ping). Endpoints, in one run:
  `ping` (no authentication, no database: the framework's floor), `ping-auth` (the same behind token
  authentication, one query), `gate-check` (POST, a station's reader: 90 % its own cylinders, 10 % another
  station's), `trace` (GET, one cylinder's life, as the owner's user).
* `bench()` does it for a baseline size (default a tenth) and then the full size, each in a throw-away database,
  and reports the scaling ratio of the p50s.

The load client shares the two cores with the server; it is the same for every endpoint, so the ratios hold.
"""
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from . import ledger

DEFAULT_CYLINDERS = 5_000_000
DEFAULT_EVENTS = 50_000_000
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/gasguard_bench_gate"
ENTERPRISES = 40
GATE_SHARE = 0.62  # of the events; the rest are fillings (each opened by one of the allowing gate checks)
STATION_USERNAME = "bench-gate-station"
STARTUP_S = 5  # unmeasured seconds of ping once the server listens
ROUNDS = 4  # turns each endpoint takes in the measured time
GOALS = {"gate_p99_ms": 10, "gate_rps": 1000, "trace_p99_ms": 20, "gate_over_floor": 0.5}
MEASURED_SOURCES = ("cylinders/services/gate.py", "cylinders/services/_common.py", "cylinders/api/views.py",
                    "cylinders/trace.py", "cylinders/models.py", "bench/gate.py")
log_stderr = ledger.log_stderr


# -------------------------------------------------------------------------------------------------------------
# Generation (inside the bench database)

def _suspend_constraints(cursor, tables) -> list[str]:
    """Drop the secondary indexes and unique constraints of `tables`; return the statements that rebuild them."""
    rebuild = []
    cursor.execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
           WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)""", [list(tables)])
    for table, name, definition in cursor.fetchall():
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        rebuild.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    return rebuild + ledger._drop_secondary_indexes(cursor, tables)


def _fixture(n_enterprises: int) -> dict:
    """Gas companies with a licensed filling station and a certified operator each, and the station's user."""
    from rest_framework.authtoken.models import Token

    from gasguard import testing
    from gasguard.cylinders.models import Worker
    from gasguard.sites.models import Licence

    far = date.today() + timedelta(days=3650)
    enterprises, stations, operators = [], [], []
    for i in range(1, n_enterprises + 1):
        e = testing.make_enterprise(f"压测燃气{i:02d}有限公司", testing.STREET_A, kind="lpg")
        stations.append(testing.make_site(testing.STREET_A_GRID, "filling_station", enterprise=e,
                                          name=f"{e.name}充装站"))
        Licence.objects.create(enterprise=e, kind="filling", number=f"BENCH-TS-{i}", valid_until=far)
        operators.append(Worker.objects.create(enterprise=e, name=f"充装工{i}", role="filling_operator",
                                               certificate_number=f"BENCH-OP-{i}", certificate_valid_until=far))
        enterprises.append(e)
    user = testing.make_user("enterprise", username=STATION_USERNAME, enterprise=enterprises[0])
    return {"enterprises": [e.pk for e in enterprises], "stations": [s.pk for s in stations],
            "operators": [o.pk for o in operators], "user": user.pk, "token": Token.objects.create(user=user).key}


MODELS = [("YSP12", "5.0", 10), ("YSP35.5", "14.5", 70), ("YSP118/49.5", "49.5", 15), ("YSP118-II", "49.5", 5)]


def _cylinder_rows(n, enterprises, user_id, seed):
    """Rows in the column order of cylinders_cylinder. Manufactured over the last 7.5 years; ~3 % overdue for
    inspection, ~2 % scrapped / seized / black-listed; owners round-robin (cylinder i → enterprises[i % E])."""
    from gasguard.cylinders import codes

    rnd = random.Random(seed)
    today = date.today()
    pick = [m for m, _, w in MODELS for _ in range(w)]
    fills = {m: f for m, f, _ in MODELS}
    registered = datetime.now(UTC) - timedelta(days=400)
    for i in range(1, n + 1):
        made = today - timedelta(days=rnd.randrange(30, 2700))
        inspected = made + timedelta(days=1461) if (today - made).days > 1461 else None
        due = (inspected or made) + timedelta(days=1461)
        if rnd.random() < 0.03:
            due = today - timedelta(days=rnd.randrange(1, 200))
        r = rnd.random()
        status = "scrapped" if r < 0.01 else "seized" if r < 0.015 else "blacklisted" if r < 0.02 else "in_service"
        model = pick[rnd.randrange(len(pick))]
        yield (i, codes.issue(i), "天津某钢瓶厂", f"SN{i:09d}", made, model, fills[model], enterprises[i % len(enterprises)],
               inspected, due, made + timedelta(days=2922), False, status, registered, user_id,
               registered if status == "scrapped" else None)


def generate(cylinders: int, events: int, *, seed=ledger.DEFAULT_SEED, log=log_stderr) -> dict:
    from django.db import connection, transaction

    from gasguard.cylinders.models import Cylinder, Filling, GateCheck

    if connection.vendor != "postgresql":
        raise RuntimeError("gasguard bench gate needs PostgreSQL (COPY, generate_series)")
    started = time.perf_counter()
    detail = {}
    fx = _fixture(ENTERPRISES)
    gates = round(events * GATE_SHARE)
    fillings = events - gates
    tables = [m._meta.db_table for m in (Cylinder, GateCheck, Filling)]
    loader = ledger.Loader(connection)
    with transaction.atomic(), connection.cursor() as c:
        c.execute("SET LOCAL session_replication_role = replica")  # no FK triggers during the load
        c.execute("SET LOCAL maintenance_work_mem = '1GB'")
        c.execute("SET LOCAL work_mem = '512MB'")
        rebuild = _suspend_constraints(c, tables)
        t = time.perf_counter()
        loader.load(Cylinder, _cylinder_rows(cylinders, fx["enterprises"], fx["user"], seed))
        detail["cylinders"] = round(time.perf_counter() - t, 1)
        log(f"{cylinders:,} cylinders in {detail['cylinders']} s")
        # Gate checks: g-th check is of cylinder 1 + (g-1) % N, at its owner's station, times evenly over two years
        # (so each cylinder's checks are spread over the period); 3 % refused.
        t = time.perf_counter()
        e = len(fx["enterprises"])
        c.execute(
            f"""INSERT INTO {GateCheck._meta.db_table} (id, client_id, code, cylinder_id, station_id, allowed, reasons,
                    reason_codes, checked_at, received_at, offline, by_id)
                SELECT g, md5('g' || g)::uuid, cy.code, cy.id, (%s::bigint[])[1 + cy.id %% {e}], g %% 33 <> 0,
                       CASE WHEN g %% 33 = 0 THEN '[{{"code": "inspection_overdue", "message": "超过定期检验日期"}}]'::jsonb
                            ELSE '[]'::jsonb END,
                       CASE WHEN g %% 33 = 0 THEN 'inspection_overdue' ELSE '' END,
                       ts, ts, false, %s
                FROM generate_series(1, %s) g
                CROSS JOIN LATERAL (SELECT now() - interval '730 days' + (g * (730.0 * 86400 / %s)) * interval '1 second'
                                    AS ts) t
                JOIN {Cylinder._meta.db_table} cy ON cy.id = 1 + (g - 1) %% %s""",
            [fx["stations"], fx["user"], gates, gates, cylinders])
        detail["gate_checks"] = round(time.perf_counter() - t, 1)
        log(f"{gates:,} gate checks in {detail['gate_checks']} s")
        t = time.perf_counter()
        c.execute(
            f"""INSERT INTO {Filling._meta.db_table} (id, client_id, cylinder_id, station_id, gate_check_id, operator_id,
                    filled_at, net_weight_kg, pre_checks, post_checks, post_checks_passed, received_at, offline, by_id)
                SELECT row_number() OVER (ORDER BY gc.id), md5('f' || gc.id)::uuid, gc.cylinder_id, gc.station_id,
                       gc.id, (%s::bigint[])[1 + gc.cylinder_id %% {e}], gc.checked_at + interval '3 minutes', 14.2,
                       %s::jsonb, %s::jsonb, true, gc.checked_at + interval '3 minutes', false, %s
                FROM {GateCheck._meta.db_table} gc WHERE gc.allowed AND gc.id %% 3 <> 0
                ORDER BY gc.id LIMIT %s""",
            [fx["operators"], json.dumps(dict.fromkeys(("appearance", "valve", "residue", "markings"), True)),
             json.dumps(dict.fromkeys(("leak", "weight", "seal"), True)), fx["user"], fillings])
        fillings = c.rowcount
        detail["fillings"] = round(time.perf_counter() - t, 1)
        log(f"{fillings:,} fillings in {detail['fillings']} s")
        t = time.perf_counter()
        for statement in rebuild:
            c.execute(statement)
        for table in tables:
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        detail["indexes"] = round(time.perf_counter() - t, 1)
        log(f"indexes and constraints rebuilt in {detail['indexes']} s")
    t = time.perf_counter()
    with connection.cursor() as c:
        for table in tables:
            # VACUUM cannot run in a transaction (the test runs the generator inside one): ANALYZE there.
            c.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {table}")
        c.execute("SELECT pg_database_size(current_database())")
        size = c.fetchone()[0]
    detail["vacuum_analyze"] = round(time.perf_counter() - t, 1)
    return {"generate_s": round(time.perf_counter() - started, 1), "generate_detail_s": detail,
            "rows": {"cylinders": cylinders, "gate_checks": gates, "fillings": fillings, "events": gates + fillings},
            "database_gb": round(size / 1e9, 2), "fixture": fx}


def targets(fx: dict, cylinders: int, *, seed=ledger.DEFAULT_SEED, n=5000) -> dict:
    """The codes the load uses: for the gate, the station's own cylinders (90 %) and others' (10 %, refused: not its
    own); for the trace, other cylinders of the station's own, so that the trace reads histories as generated, not
    ones the gate's load has just added to (and brought into memory)."""
    from gasguard.cylinders import codes

    rnd = random.Random(seed + 1)
    e = len(fx["enterprises"])
    # Cylinder i belongs to enterprises[i % e]: the station's own are the multiples of e.
    own = [e * rnd.randrange(1, cylinders // e + 1) for _ in range(n)]
    other = [i for i in (rnd.randrange(1, cylinders + 1) for _ in range(n)) if i % e != 0]
    gate = [codes.issue(i) for i in own[: int(n * 0.9)]] + [codes.issue(i) for i in other[: n // 10]]
    rnd.shuffle(gate)
    checked = set(own[: int(n * 0.9)])
    traced = [i for i in (e * rnd.randrange(1, cylinders // e + 1) for _ in range(n)) if i not in checked]
    return {"gate": gate, "trace": [codes.issue(i) for i in traced or own[:n]]}


# -------------------------------------------------------------------------------------------------------------
# The load: an asyncio HTTP/1.1 keep-alive client

def _request(method: str, path: str, token: str | None, body: bytes = b"", keep_alive=True) -> bytes:
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Connection: {'keep-alive' if keep_alive else 'close'}",
            "Accept: application/json"]
    if token:
        head.append(f"Authorization: Token {token}")
    if body:
        head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _exchange(reader, writer, req) -> int:
    writer.write(req)
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return int(head[9:12])


async def _connection(port, requests, deadline, latencies, statuses, offset, keep_alive, conn=None):
    """One client: requests one after the other, on one kept-alive connection or (sync workers, which close every
    connection) a new connection per request, its set-up counted in the request's time."""
    i = offset
    try:
        while time.perf_counter() < deadline:
            req = requests[i % len(requests)]
            i += 1
            t = time.perf_counter()
            if keep_alive:
                status = await _exchange(*conn, req)
            else:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                try:
                    status = await _exchange(reader, writer, req)
                finally:
                    writer.close()
            latencies.append((time.perf_counter() - t) * 1000)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        if conn:
            conn[1].close()


async def _drive(port, requests, seconds, connections, keep_alive=True, offset=0):
    latencies, statuses = [], {}
    conns = [None] * connections
    if keep_alive:
        # Opened one by one: a burst of connects is accepted by whichever worker wakes first, and a kept-alive
        # connection stays with its worker, so a burst can leave workers idle for the whole run.
        for k in range(connections):
            conns[k] = await asyncio.open_connection("127.0.0.1", port)
            await asyncio.sleep(0.02)
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(*(_connection(port, requests, deadline, latencies, statuses, offset + k * 997, keep_alive,
                                       conns[k])
                           for k in range(connections)))
    return latencies, statuses, time.perf_counter() - started


def _percentiles(samples: list[float], points=(50, 90, 99), digits=2) -> dict:
    """n, the given percentiles (p50_ms …), max and mean of millisecond samples; {"n": 0} without any."""
    if not samples:
        return {"n": 0}
    s = sorted(samples)
    out = {"n": len(s)}
    out.update({f"p{p}_ms": round(s[min(len(s) - 1, int(p / 100 * len(s)))], digits) for p in points})
    return {**out, "max_ms": round(s[-1], digits), "mean_ms": round(statistics.fmean(s), digits)}


class Server:
    """gunicorn serving the project (gasguard.wsgi) against the bench database, each request's time in a temp file
    (gunicorn_timed.py)."""

    def __init__(self, url: str, workers: int, threads: int, worker_class: str = "gthread", env: dict | None = None):
        self.url, self.workers, self.threads, self.worker_class = url, workers, threads, worker_class
        self.env = env or {}  # on top of the bench's own (e.g. a throw-away MEDIA_ROOT)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.log = Path(tempfile.mkstemp(prefix="gasguard-gate-timings-", suffix=".log")[1])
        self.proc = None

    def command(self) -> list[str]:
        # The production configuration (gasguard/gunicorn_conf.py) with the timer, the port and what the
        # command line asked for on top.
        return [sys.executable, "-m", "gunicorn", "-c", "python:gasguard.bench.gunicorn_timed", "--bind",
                f"127.0.0.1:{self.port}", "--workers", str(self.workers), "--worker-class", self.worker_class,
                *(["--threads", str(self.threads)] if self.worker_class == "gthread" else []),
                "--log-level", "warning"]

    def __enter__(self):
        env = {**os.environ, "DATABASE_URL": self.url, "DEBUG": "0", "HTTPS": "0", "CONN_MAX_AGE": "600",
               "DJANGO_SETTINGS_MODULE": "gasguard.settings", "GASGUARD_BENCH_TIMINGS": str(self.log), **self.env}
        self.proc = subprocess.Popen(self.command(), env=env, stdout=sys.stderr, stderr=sys.stderr)
        for _ in range(300):
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with code {self.proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start listening within 30 s")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.unlink(missing_ok=True)

    def mark(self) -> int:
        return self.log.stat().st_size

    def server_ms(self, since: int, prefix: str) -> list[float]:
        with self.log.open("rb") as f:
            f.seek(since)
            lines = f.read().decode().splitlines()
        return [int(parts[2]) / 1000 for parts in (line.split() for line in lines)
                if len(parts) == 3 and parts[0].startswith(prefix)]


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _postgres_pids(url: str) -> list[int]:
    """The bench database's backends and the WAL writer (the commits' flushes)."""
    with ledger._pg_admin(url) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s OR backend_type = 'walwriter'",
                            [ledger._pg_dbname(url)]).fetchall()
    return [r[0] for r in rows]


class CpuMeter:
    """CPU milliseconds per request of the server's workers, PostgreSQL (the bench database's backends and the WAL
    writer) and the load client itself (this process: the client runs in it), summed over the measured slices of
    one endpoint: where the two cores went. On a shared machine other work is not in these figures (it is in the
    load average)."""

    def __init__(self, server, url):
        self.hz = os.sysconf("SC_CLK_TCK")
        self.workers = _worker_pids(server.proc.pid)
        self.pg = _postgres_pids(url)
        self.totals = [0, 0, 0.0]  # ticks of the workers, ticks of PostgreSQL, seconds of this process

    def _now(self):
        import resource

        own = resource.getrusage(resource.RUSAGE_SELF)
        return ledger.cpu_ticks(self.workers), ledger.cpu_ticks(self.pg), own.ru_utime + own.ru_stime

    def __enter__(self):
        self.start = self._now()
        return self

    def __exit__(self, *exc):
        self.totals = [t + (b - a) for t, a, b in zip(self.totals, self.start, self._now(), strict=True)]
        return False

    def per_request(self, requests: int) -> dict:
        workers, pg, client = self.totals
        n = max(requests, 1)
        return {"server_workers": round(workers * 1000 / self.hz / n, 3),
                "postgresql": round(pg * 1000 / self.hz / n, 3),
                "load_client": round(client * 1000 / n, 3)}


def _log_prefix(name, requests) -> str:
    """How the timings' lines of an endpoint begin (the trace's path holds the cylinder's code)."""
    path = requests[0].split(b" ")[1].decode()
    return path[: path.index("BH")] + "BH" if name == "trace" else path


def measure(url: str, fx: dict, cylinders: int, *, seconds=20, warmup=3, connections=16, workers=None, threads=None,
            worker_class="gthread", rounds=ROUNDS, seed=ledger.DEFAULT_SEED, log=log_stderr) -> dict:
    from gasguard import gunicorn_conf

    workers, threads = workers or gunicorn_conf.workers, threads or gunicorn_conf.threads
    keep_alive = worker_class != "sync"  # gunicorn's sync workers close every connection
    codes = targets(fx, cylinders, seed=seed)
    station, token = fx["stations"][0], fx["token"]
    api = "/api/v1/cylinders/"
    endpoints = {
        "ping": [_request("GET", api + "ping/", None, keep_alive=keep_alive)],
        "ping_auth": [_request("GET", api + "ping-auth/", token, keep_alive=keep_alive)],
        "gate_check": [_request("POST", api + "gate-check/", token, json.dumps({"code": c, "station": station}).encode(),
                                keep_alive=keep_alive) for c in codes["gate"]],
        "trace": [_request("GET", f"{api}{c}/trace/", token, keep_alive=keep_alive) for c in codes["trace"]],
    }
    out = {"server": {"software": "gunicorn", "worker_class": worker_class, "workers": workers,
                      **({"threads": threads} if worker_class == "gthread" else {}), "debug": False,
                      "timing": "pre_request to post_request hooks (gasguard/bench/gunicorn_timed.py), no access log"},
           "client": {"kind": "asyncio HTTP/1.1, one request in flight per connection, "
                              + ("kept alive" if keep_alive else "a new connection per request (sync workers)"),
                      "connections": connections, "seconds": seconds, "warmup_s": warmup, "rounds": rounds},
           "load_average_before": list(os.getloadavg()), "endpoints": {}}
    with Server(url, workers, threads, worker_class) as server:
        import gunicorn
        out["server"]["version"] = gunicorn.__version__
        # The workers' start-up (the port is the master's: it accepts before the workers have loaded the project),
        # so that it falls in no endpoint's warm-up, the first one's least of all.
        asyncio.run(_drive(server.port, endpoints["ping"], STARTUP_S, connections, keep_alive))
        for requests in endpoints.values():
            asyncio.run(_drive(server.port, requests, warmup, connections, keep_alive))
        # The endpoints take turns, `rounds` slices each: a machine shared with other work is not equally fast from
        # one minute to the next, and the ratios compare endpoints measured under the same conditions.
        meters = {name: CpuMeter(server, url) for name in endpoints}
        done = {name: {"latencies": [], "statuses": {}, "elapsed": 0.0, "rounds": []} for name in endpoints}
        mark = server.mark()
        for _ in range(rounds):
            for name, requests in endpoints.items():
                d = done[name]
                with meters[name]:
                    latencies, statuses, elapsed = asyncio.run(_drive(
                        server.port, requests, seconds / rounds, connections, keep_alive, offset=len(d["latencies"])))
                d["latencies"] += latencies
                d["elapsed"] += elapsed
                d["rounds"].append(round(len(latencies) / elapsed, 1) if elapsed else 0.0)
                for k, v in statuses.items():
                    d["statuses"][k] = d["statuses"].get(k, 0) + v
        time.sleep(0.3)  # the timings' last lines (written every gunicorn_timed.FLUSH_S)
        for name, requests in endpoints.items():
            d = done[name]
            cpu_ms = meters[name].per_request(len(d["latencies"]))
            out["endpoints"][name] = {
                "requests": len(d["latencies"]), "requests_per_s": round(len(d["latencies"]) / d["elapsed"], 1),
                "rounds_requests_per_s": d["rounds"],
                "statuses": {str(k): v for k, v in sorted(d["statuses"].items())},
                "server": _percentiles(server.server_ms(mark, _log_prefix(name, requests))),
                "client": _percentiles(d["latencies"]),
                "cpu_ms_per_request": cpu_ms}
        for name, requests in endpoints.items():
            row = out["endpoints"][name]
            # One request at a time: the service time of a request, without the queue for the two cores.
            mark = server.mark()
            single, single_statuses, single_elapsed = asyncio.run(
                _drive(server.port, requests, max(3, seconds // 3), 1, keep_alive))
            time.sleep(0.3)
            row["one_connection"] = {"requests_per_s": round(len(single) / single_elapsed, 1),
                                     "server": _percentiles(server.server_ms(mark, _log_prefix(name, requests))),
                                     "client": _percentiles(single)}
            log(f"{name}: {row['requests_per_s']} req/s, server p50 {row['server'].get('p50_ms')} ms, "
                f"p99 {row['server'].get('p99_ms')} ms (client p99 {row['client'].get('p99_ms')} ms), CPU ms/request "
                f"{row['cpu_ms_per_request']}, statuses {row['statuses']}; one connection: server p50 "
                f"{row['one_connection']['server'].get('p50_ms')} ms, p99 {row['one_connection']['server'].get('p99_ms')} ms")
    ep = out["endpoints"]
    out["gate_over_floor"] = round(ep["gate_check"]["requests_per_s"] / ep["ping"]["requests_per_s"], 3)
    # Each round's ratio (the gate's slice over the ping slice of the same round): how much the machine drifted.
    out["gate_over_floor_rounds"] = [round(g / p, 3) if p else None for g, p in
                                     zip(ep["gate_check"]["rounds_requests_per_s"], ep["ping"]["rounds_requests_per_s"],
                                         strict=True)]
    out["gate_over_ping_auth"] = round(ep["gate_check"]["requests_per_s"] / ep["ping_auth"]["requests_per_s"], 3)
    out["trace_over_floor"] = round(ep["trace"]["requests_per_s"] / ep["ping"]["requests_per_s"], 3)
    out["load_average_after"] = list(os.getloadavg())
    return out


def goals(r: dict) -> dict:
    gate, trace = r["endpoints"]["gate_check"], r["endpoints"]["trace"]
    rows = {"gate_p99_ms": (gate["server"]["p99_ms"], GOALS["gate_p99_ms"], "le"),
            "gate_rps": (gate["requests_per_s"], GOALS["gate_rps"], "ge"),
            "trace_p99_ms": (trace["server"]["p99_ms"], GOALS["trace_p99_ms"], "le"),
            "gate_over_floor": (r["gate_over_floor"], GOALS["gate_over_floor"], "ge")}
    return {k: {"value": v, "goal": g, "met": v <= g if op == "le" else v >= g} for k, (v, g, op) in rows.items()}


# -------------------------------------------------------------------------------------------------------------
# Orchestration

def _child_generate(url: str, cylinders: int, events: int, seed: int, log) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out_path = tmp.name
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "gasguard.settings"}
    cmd = [sys.executable, "-m", "gasguard.manage", "bench", "gate", "--worker", "generate", "--worker-out", out_path,
           "--cylinders", str(cylinders), "--events", str(events), "--seed", str(seed)]
    try:
        if subprocess.run(cmd, env=env, stdout=sys.stderr, stderr=sys.stderr).returncode != 0:
            raise RuntimeError("bench gate: the generator failed")
        return json.loads(Path(out_path).read_text())
    finally:
        Path(out_path).unlink(missing_ok=True)


def worker(out_path: str, *, cylinders: int, events: int, seed: int) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    Path(out_path).write_text(json.dumps(generate(cylinders, events, seed=seed), default=str))


def _forget_measured_checks(url: str, generated: int) -> int:
    """Remove the gate checks earlier runs' load added (ids past the generated ones): the register as generated."""
    from gasguard.cylinders.models import GateCheck

    with ledger._pg_admin(url, ledger._pg_dbname(url)) as conn:
        return conn.execute(f"DELETE FROM {GateCheck._meta.db_table} WHERE id > %s", [generated]).rowcount


def _url_for(base: str, cylinders: int, last: bool) -> str:
    return base if last else base.rstrip("/") + "_baseline"


def bench(*, database_url: str | None, cylinders: int, events: int, baseline: float, seed: int, seconds: int,
          warmup: int, connections: int, workers: int | None, threads: int | None, keep: bool, reuse: bool,
          worker_class: str = "gthread", log=log_stderr) -> dict:
    base = database_url or DEFAULT_PG_URL
    if not ledger._is_postgres(base):
        raise RuntimeError("gasguard bench gate needs PostgreSQL: --database-url postgres://…")
    sizes = []
    if baseline and baseline < 1:
        sizes.append((max(1000, int(cylinders * baseline)), max(10_000, int(events * baseline))))
    sizes.append((cylinders, events))
    runs = []
    for i, (n, m) in enumerate(sizes):
        last = i == len(sizes) - 1
        url = _url_for(base, n, last)
        state = Path(tempfile.gettempdir()) / f"gasguard-bench-gate-{ledger._pg_dbname(url)}-{n}-{m}.json"
        log(f"=== {n:,} cylinders, {m:,} events on {url} ===")
        if reuse and state.exists():
            gen = json.loads(state.read_text())
            dropped = _forget_measured_checks(url, gen["rows"]["gate_checks"])
            log(f"reusing the database generated before (--reuse); {dropped:,} gate checks of earlier runs removed")
        else:
            ledger.pg_recreate(url)
            gen = _child_generate(url, n, m, seed, log)
            state.write_text(json.dumps(gen))
        try:
            result = measure(url, gen["fixture"], n, seconds=seconds, warmup=warmup, connections=connections,
                             workers=workers, threads=threads, worker_class=worker_class, seed=seed, log=log)
        finally:
            if not (keep or reuse):
                ledger.pg_drop(url)
                state.unlink(missing_ok=True)
        with ledger._pg_admin(url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            shared = conn.execute("SHOW shared_buffers").fetchone()[0]
        run = {"db": {"vendor": "postgresql", "version": version, "shared_buffers": shared},
               "hardware": ledger.hardware(), "cylinders": n, "events": m,
               "rows": gen["rows"], "database_gb": gen["database_gb"], "generate_s": gen["generate_s"],
               "generate_detail_s": gen["generate_detail_s"], "code": _fingerprint(), **result}
        run["goals"] = goals(run)
        runs.append(run)
    out = runs[-1]
    if len(runs) == 2:
        small, large = runs
        out["scaling"] = {"from": {"cylinders": small["cylinders"], "events": small["events"]},
                          "to": {"cylinders": large["cylinders"], "events": large["events"]}, "basis": "server p50",
                          **{k: round(large["endpoints"][k]["server"]["p50_ms"] / small["endpoints"][k]["server"]["p50_ms"], 2)
                             for k in ("gate_check", "trace")}}
        out["baseline"] = small
    out["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return out


def _fingerprint() -> dict:
    import hashlib
    root = Path(__file__).resolve().parent.parent
    return {name: hashlib.sha1((root / name).read_bytes()).hexdigest()[:12] for name in MEASURED_SOURCES}


# -------------------------------------------------------------------------------------------------------------
# The command's suite (registered by gasguard/bench/management/commands/bench.py)

def add_arguments(suites) -> None:
    import argparse

    p = suites.add_parser(
        "gate", help="the filling gate check and the cylinder trace over HTTP on gunicorn, at register scale",
        description=("Creates a throw-away PostgreSQL database (gasguard_bench_gate; the baseline in "
                     "gasguard_bench_gate_baseline), migrates it, bulk-loads N cylinders and M events (gate checks "
                     "and fillings), serves it with gunicorn and measures ping, ping-auth, gate-check and trace "
                     "under concurrent load; prints JSON with server-side p50/p99, requests/s and the ratio of the "
                     "gate check to the framework's floor."))
    p.add_argument("--database-url", help=f"PostgreSQL database to (re)create and drop (default {DEFAULT_PG_URL})")
    p.add_argument("--cylinders", type=int, default=DEFAULT_CYLINDERS, help="cylinders (default 5,000,000)")
    p.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="gate checks + fillings (default 50,000,000)")
    p.add_argument("--baseline", type=float, default=0.1,
                   help="also run at this fraction of the size first, for the scaling ratio (default 0.1; 0: skip)")
    p.add_argument("--seconds", type=int, default=20, help="measured seconds per endpoint (default 20)")
    p.add_argument("--warmup", type=int, default=3, help="unmeasured seconds before those (default 3)")
    p.add_argument("--connections", type=int, default=16, help="concurrent keep-alive connections (default 16)")
    p.add_argument("--worker-class", choices=["sync", "gthread"], default="gthread",
                   help=("gunicorn worker class (default gthread: connections kept alive, as a station's reader "
                         "would; sync: a new connection per request)"))
    p.add_argument("--workers", type=int,
                   help="gunicorn workers (default: the production configuration's, gasguard/gunicorn_conf.py)")
    p.add_argument("--threads", type=int,
                   help="threads per gthread worker (default: the production configuration's)")
    p.add_argument("--seed", type=int, default=ledger.DEFAULT_SEED)
    p.add_argument("--out", help="also write the JSON to this file")
    p.add_argument("--keep", action="store_true", help="keep the databases (to EXPLAIN in them)")
    p.add_argument("--reuse", action="store_true",
                   help="measure again in the databases a previous --reuse run generated (implies --keep)")
    p.add_argument("--worker", choices=["generate"], help=argparse.SUPPRESS)
    p.add_argument("--worker-out", help=argparse.SUPPRESS)


def handle(command, o: dict) -> None:
    from django.core.management.base import CommandError

    if o["cylinders"] < 1000 or o["events"] < 10_000:
        raise CommandError("--cylinders must be at least 1,000 and --events at least 10,000")
    if o["worker"]:
        worker(o["worker_out"], cylinders=o["cylinders"], events=o["events"], seed=o["seed"])
        return
    try:
        result = bench(database_url=o["database_url"], cylinders=o["cylinders"], events=o["events"],
                       baseline=o["baseline"], seed=o["seed"], seconds=o["seconds"], warmup=o["warmup"],
                       connections=o["connections"], workers=o["workers"], threads=o["threads"], keep=o["keep"],
                       reuse=o["reuse"], worker_class=o["worker_class"])
    except RuntimeError as exc:
        raise CommandError(str(exc))
    ledger.emit(command.stdout, result, o["out"])
