"""`gasguard bench load`: a day in the district under load, on the production server, with rising user counts.

* The district: a throw-away PostgreSQL database (gasguard_bench_load) migrated and filled with the demo district
  (`gasguard load_demo --scale S`, its cylinder chain, and the demo sensors of `load_demo_devices`), by a child
  process whose connection does not wait for each commit to reach the disk (a fixture, not a measurement).
* The people (`plan()`): every simulated person gets a session of their own, made in the database beforehand as a
  login in the morning would have made it (the password hasher's deliberate second of CPU is not a day's load);
  the office reads the dashboard and the ledger with filters and now and then exports it to Excel; inspectors open
  a site's checklist on the phone page and post it signed, with a photo (real JPEG bytes, made once); filling
  stations' readers check cylinders at the gate with their API token; sensors post readings over HTTP.
  The scenario is gasguard/bench/locustfile.py.
* The load (`measure()`): gunicorn with the production configuration (gate.Server: gasguard/gunicorn_conf.py, DEBUG
  off), then Locust, headless in a process of its own, for a fixed time per step at 10, 20, 40, 80 … users;
  per step and per request type: requests/s, p50/p95/p99 (Locust's, client side) and errors. The capacity is the
  highest user count whose step has p95 ≤ 500 ms over all requests and no error. Locust shares the machine's cores
  with the server and PostgreSQL: the figures are what one machine does while also generating its own load.
"""
import argparse
import csv
import io
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from . import gate, ledger

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/gasguard_bench_load"
DEFAULT_USERS = (10, 20, 40, 80, 160, 320)
DEFAULT_SECONDS = 30
DEFAULT_SCALE = 1.0
GOAL_P95_MS = 500
EXPORT_EVERY = 20  # office actions per Excel export of the ledger ("rarely")
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# Every simulated sensor posts from this machine's one address: the per-address rate of the readings endpoint
# (MONITORING_HTTP_RATE, meant for one device or gateway) would refuse the whole district's sensors.
ONE_ADDRESS = {"MONITORING_HTTP_RATE": "10000000/min"}
# Request names of the scenario (locustfile.py): every one must be exercised and answer without error.
REQUEST_TYPES = ("dashboard", "ledger list", "ledger export", "inspection form", "inspection post", "gate check",
                 "readings")
log_stderr = ledger.log_stderr


# -------------------------------------------------------------------------------------------------------------
# The people of the day (inside the bench database)

def _sessions(users, n: int) -> list[dict]:
    """n logged-in sessions, round-robin over `users`: what each one's login in the morning left in the session
    store (Django's own force_login, no password)."""
    from django.conf import settings
    from django.test import Client

    out = []
    for user in itertools.islice(itertools.cycle(users), n):
        client = Client()
        client.force_login(user)
        out.append({"session": client.cookies[settings.SESSION_COOKIE_NAME].value, "user": user.username,
                    "name": user.display_name})
    return out


def _reading(device) -> dict:
    """One plausible reading of the device's kind (the simulator's model, at noon), without a time."""
    import random

    from gasguard.monitoring.simulate import SensorModel
    return SensorModel(device, random.Random(device.code)).metrics(datetime(2024, 1, 1, 12, tzinfo=UTC), [])


def plan(*, people: int, secret_for=None) -> dict:
    """What the scenario needs, read from the current database: sessions for `people` office users and as many
    inspectors (the locustfile takes them in turn), each inspector's sites with a complete, passing checklist;
    the gas companies' filling stations with a reader's token and their own cylinders' codes; the active sensors
    with their secrets (`secret_for(code)`, by default the demo devices' derived secrets); the ledger's filters."""
    from django.conf import settings
    from rest_framework.authtoken.models import Token

    from gasguard import testing
    from gasguard.cylinders.models import Cylinder
    from gasguard.monitoring.models import Device
    from gasguard.monitoring.simulate import demo_secret
    from gasguard.org.choices import Role
    from gasguard.org.models import Jurisdiction, User
    from gasguard.sites.models import Site

    secret_for = secret_for or demo_secret
    office = list(User.objects.filter(role=Role.OFFICE, is_active=True).order_by("id"))
    inspectors = []
    for user in User.objects.filter(role=Role.INSPECTOR, is_active=True).order_by("id"):
        sites = [{"id": s.pk, "answers": testing.answer_all(s)}
                 for s in Site.objects.visible_to(user).filter(is_active=True).order_by("id")[:20]]
        sites = [s for s in sites if s["answers"]]
        if sites:
            inspectors.append((user, sites))
    stations = []
    for site in Site.objects.filter(site_type="filling_station", enterprise__isnull=False).order_by("id"):
        reader = User.objects.filter(role=Role.ENTERPRISE, enterprise_id=site.enterprise_id, is_active=True) \
            .order_by("id").first()
        codes = list(Cylinder.objects.filter(owner_id=site.enterprise_id).order_by("id")
                     .values_list("code", flat=True)[:200])
        if reader and codes:
            token, _ = Token.objects.get_or_create(user=reader)
            stations.append({"station": site.pk, "token": token.key, "codes": codes})
    devices = [{"code": d.code, "secret": secret_for(d.code), "m": _reading(d)}
               for d in Device.objects.filter(is_active=True).order_by("id")]
    missing = [name for name, rows in (("区专班办公室账号", office), ("有检查表的检查人员", inspectors),
                                       ("有读码器账号和气瓶的充装站", stations), ("启用的监测设备", devices)) if not rows]
    if missing:
        raise RuntimeError("bench load: the database lacks " + ", ".join(missing))
    street = Jurisdiction.objects.filter(parent__isnull=False).order_by("code").values_list("code", flat=True).first()
    filters = ["", "state=open", "overdue=true", "severity=major", "state=open&state=rectifying&sort=deadline",
               "page=2", "q=燃气"] + ([f"jurisdiction={street}"] if street else [])
    by_user = {u.pk: sites for u, sites in inspectors}
    inspector_sessions = _sessions([u for u, _ in inspectors], people)
    users = {u.username: u.pk for u, _ in inspectors}
    for s in inspector_sessions:
        s["sites"] = by_user[users[s["user"]]]
    return {"office": _sessions(office, people), "inspectors": inspector_sessions, "stations": stations,
            "devices": devices, "ledger_filters": filters, "session_cookie": settings.SESSION_COOKIE_NAME,
            "csrf_cookie": settings.CSRF_COOKIE_NAME, "export_every": EXPORT_EVERY}


def district_counts() -> dict:
    from gasguard.cylinders.models import Cylinder
    from gasguard.hazards.models import Hazard
    from gasguard.inspections.models import Inspection
    from gasguard.monitoring.models import Device
    from gasguard.org.models import User
    from gasguard.sites.models import Site

    return {name: model.objects.count() for name, model in (("sites", Site), ("inspections", Inspection),
            ("hazards", Hazard), ("cylinders", Cylinder), ("devices", Device), ("users", User))}


def worker(out_path: str, *, scale: float, people: int) -> None:
    """The child that fills the bench database: migrate, the demo district, its sensors, the plan."""
    from django.core.management import call_command

    from gasguard.monitoring.simulate import load_demo_devices

    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", scale=scale, verbosity=0, stdout=io.StringIO())
    load_demo_devices()
    generated = round(time.perf_counter() - t, 1)
    Path(out_path).write_text(json.dumps({"plan": plan(people=people), "counts": district_counts(),
                                          "generate_s": generated}, ensure_ascii=False))


def _without_commit_wait(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "options=-c%20synchronous_commit%3Doff"


def _child_prepare(url: str, scale: float, people: int, log) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out_path = tmp.name
    env = {**os.environ, "DATABASE_URL": _without_commit_wait(url), "DEBUG": "0",
           "DJANGO_SETTINGS_MODULE": "gasguard.settings"}
    cmd = [sys.executable, "-m", "gasguard.manage", "bench", "load", "--worker", "prepare", "--worker-out", out_path,
           "--scale", str(scale), "--people", str(people)]
    log(f"loading the demo district at scale {scale} into {ledger._pg_dbname(url)}")
    try:
        if subprocess.run(cmd, env=env, stdout=sys.stderr, stderr=sys.stderr).returncode != 0:
            raise RuntimeError("bench load: preparing the district failed")
        return json.loads(Path(out_path).read_text())
    finally:
        Path(out_path).unlink(missing_ok=True)


# -------------------------------------------------------------------------------------------------------------
# The load: Locust, one process per step

def _number(value: str):
    try:
        return round(float(value), 1)
    except (TypeError, ValueError):
        return None


def read_stats(prefix: str) -> dict:
    """Locust's CSV (`--csv prefix`): each request type and the aggregate, and the distinct errors."""
    types, total = {}, {}
    with open(f"{prefix}_stats.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            entry = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                     "requests_per_s": _number(row["Requests/s"]), "p50_ms": _number(row["50%"]),
                     "p95_ms": _number(row["95%"]), "p99_ms": _number(row["99%"]),
                     "max_ms": _number(row["Max Response Time"])}
            if row["Name"] == "Aggregated":
                total = entry
            else:
                types[row["Name"]] = entry
    errors = []
    path = Path(f"{prefix}_failures.csv")
    if path.exists():
        with path.open(newline="", encoding="utf-8") as f:
            errors = [{"request": row["Name"], "error": row["Error"][:300], "occurrences": int(row["Occurrences"])}
                      for row in csv.DictReader(f)]
    return {"total": total, "types": types, "errors": errors}


def _request_type(path: str, status: str) -> str:
    """The scenario's name of a request the server timed (gate.Server's log: path and status only)."""
    if path.startswith("/sites/"):  # the phone page: 200 shows the form, a post redirects (or shows its errors)
        return "inspection post" if status in ("302", "400") else "inspection form"
    return {"/": "dashboard", "/ledger/": "ledger list", "/ledger/export.xlsx": "ledger export",
            "/api/v1/cylinders/gate-check/": "gate check", "/api/v1/readings/": "readings"}.get(path, "other")


def _quantiles(samples: list[float]) -> dict:
    return gate._percentiles(samples, points=(50, 95, 99), digits=1)


def server_times(server, since: int) -> dict:
    """Time inside gunicorn (its pre_request to post_request hooks) of the requests since `since`: overall and per
    request type. Against Locust's figures, it tells the server's share from the queue for the cores."""
    by_type: dict[str, list[float]] = {}
    with server.log.open("rb") as f:
        f.seek(since)
        for line in f.read().decode().splitlines():
            parts = line.split()
            if len(parts) == 3:
                by_type.setdefault(_request_type(parts[0], parts[1]), []).append(int(parts[2]) / 1000)
    return {"all": _quantiles([t for times in by_type.values() for t in times]),
            **{name: _quantiles(times) for name, times in sorted(by_type.items())}}


def run_step(port: int, plan_path: str, users: int, seconds: int, *, pace: float = 1.0, log=log_stderr) -> dict:
    """Locust headless for `seconds` at `users` users (all started within the first second)."""
    with tempfile.TemporaryDirectory(prefix="gasguard-load-") as tmp:
        prefix = str(Path(tmp) / "step")
        cmd = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
               "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
               "--csv", prefix, "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
        env = {**os.environ, "GASGUARD_LOAD_PLAN": plan_path, "GASGUARD_LOAD_PACE": str(pace),
               "GASGUARD_LOAD_HOST": f"http://127.0.0.1:{port}"}
        load_before = [round(x, 2) for x in os.getloadavg()]
        started = time.perf_counter()
        # Locust exits 1 when a request failed: the failures are in its CSV, which is what counts.
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        elapsed = round(time.perf_counter() - started, 1)
        if not Path(f"{prefix}_stats.csv").exists():
            raise RuntimeError(f"bench load: locust failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
        stats = read_stats(prefix)
    total = stats["total"]
    ok = bool(total.get("requests")) and total["failures"] == 0 and (total["p95_ms"] or 0) <= GOAL_P95_MS
    step = {"users": users, "seconds": seconds, "elapsed_s": elapsed, "load_average_before": load_before,
            "requests": total.get("requests", 0), "failures": total.get("failures", 0),
            "requests_per_s": total.get("requests_per_s"), "p50_ms": total.get("p50_ms"),
            "p95_ms": total.get("p95_ms"), "p99_ms": total.get("p99_ms"), "ok": ok, "types": stats["types"],
            "errors": stats["errors"]}
    log(f"{users} users: {step['requests_per_s']} req/s, p50 {step['p50_ms']} ms, p95 {step['p95_ms']} ms, "
        f"p99 {step['p99_ms']} ms, {step['failures']} errors" + ("" if ok else " — over the goal"))
    return step


def capacity(steps: list[dict]) -> dict:
    """The highest user count at which p95 ≤ GOAL_P95_MS over all requests and nothing failed."""
    good = [s for s in steps if s["ok"]]
    if not good:
        return {"users": None}
    best = max(good, key=lambda s: s["users"])
    return {"users": best["users"], "requests_per_s": best["requests_per_s"], "p95_ms": best["p95_ms"],
            "p99_ms": best["p99_ms"]}


def measure(url: str, plan_data: dict | list[dict], *, users=DEFAULT_USERS, seconds=DEFAULT_SECONDS, pace=1.0,
            all_steps=False, workers=None, threads=None, warmup_s=gate.STARTUP_S, locust_warmup_s=10,
            log=log_stderr) -> dict:
    """Serve `url` with gunicorn (production configuration), warm it up (pings for `warmup_s`, then the scenario
    for `locust_warmup_s`, not recorded) and run the steps; stop after the first step over the goal unless
    `all_steps`. `plan_data` may be a list, one plan per step (a test changes one step's people)."""
    import asyncio
    from importlib.metadata import version

    import gunicorn

    from gasguard import gunicorn_conf

    workers, threads = workers or gunicorn_conf.workers, threads or gunicorn_conf.threads
    media = tempfile.mkdtemp(prefix="gasguard-load-media-")
    plan_paths = []
    for data in plan_data if isinstance(plan_data, list) else [plan_data] * len(users):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
            plan_paths.append(f.name)
    steps = []
    try:
        with gate.Server(url, workers, threads, env={"MEDIA_ROOT": media, **ONE_ADDRESS}) as server:
            # The workers load the project before the first step counts (the port is the master's).
            asyncio.run(gate._drive(server.port, [gate._request("GET", "/api/v1/cylinders/ping/", None)],
                                    warmup_s, 4))
            if locust_warmup_s:
                # Every kind of request once through each worker (templates compiled, caches filled), unrecorded.
                run_step(server.port, plan_paths[0], users[0], locust_warmup_s, pace=pace, log=lambda msg: None)
            time.sleep(0.3)  # the warm-up's timings written before the first step's mark
            for n, plan_path in zip(users, plan_paths, strict=True):
                mark = server.mark()
                steps.append(run_step(server.port, plan_path, n, seconds, pace=pace, log=log))
                time.sleep(0.3)  # the timings' last lines (written every gunicorn_timed.FLUSH_S)
                steps[-1]["server_ms"] = server_times(server, mark)
                if not steps[-1]["ok"] and not all_steps:
                    break
    finally:
        for plan_path in plan_paths:
            Path(plan_path).unlink(missing_ok=True)
        import shutil
        shutil.rmtree(media, ignore_errors=True)
    return {"server": {"software": "gunicorn", "version": gunicorn.__version__,
                       "configuration": "gasguard/gunicorn_conf.py", "worker_class": "gthread", "workers": workers,
                       "threads": threads, "debug": False},
            # Locust's version from its metadata: importing it would monkey-patch this process (gevent).
            "client": {"software": "locust", "version": version("locust"), "process": "one, headless",
                       "warmup_s": {"ping": warmup_s, "scenario": locust_warmup_s},
                       "spawn": "all of a step's users within its first second", "pace": pace,
                       "latency": ("client side (Locust), including the client's own queueing; server_ms: inside gunicorn "
                                   "(gasguard/bench/gunicorn_timed.py)"),
                       "shares_cores": ("Locust runs on the same machine as gunicorn and PostgreSQL and takes its "
                                        "share of the cores: the capacity is that of the machine generating its "
                                        "own load, a lower bound for the server alone")},
            "steps": steps, "capacity": capacity(steps)}


def bench(*, database_url=None, users=DEFAULT_USERS, seconds=DEFAULT_SECONDS, scale=DEFAULT_SCALE, pace=1.0,
          all_steps=False, keep=False, workers=None, threads=None, log=log_stderr) -> dict:
    url = database_url or DEFAULT_PG_URL
    if not ledger._is_postgres(url):
        raise RuntimeError("gasguard bench load needs PostgreSQL: --database-url postgres://…")
    machine = {**ledger.hardware(), "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    started = datetime.now(UTC).isoformat(timespec="seconds")
    ledger.pg_recreate(url)
    try:
        prepared = _child_prepare(url, scale, max(users), log)
        log(f"district ready in {prepared['generate_s']} s: {prepared['counts']}")
        result = measure(url, prepared["plan"], users=users, seconds=seconds, pace=pace, all_steps=all_steps,
                         workers=workers, threads=threads, log=log)
        with ledger._pg_admin(url) as conn:
            db = {"vendor": "postgresql", "version": conn.execute("SHOW server_version").fetchone()[0],
                  "shared_buffers": conn.execute("SHOW shared_buffers").fetchone()[0]}
    finally:
        if not keep:
            ledger.pg_drop(url)
    return {"suite": "load", "measured_at": started, "machine": machine, "db": db,
            "district": {"demo_scale": scale, **prepared["counts"], "generate_s": prepared["generate_s"]},
            "scenario": SCENARIO, "goal": {"p95_ms": GOAL_P95_MS, "errors": 0}, **result,
            "load_average_after": [round(x, 2) for x in os.getloadavg()]}


SCENARIO = {
    "office": "dashboard, ledger list with filters (think 2–6 s); every 20th action exports the filtered ledger",
    "inspector": "opens a site's checklist on the phone page and posts it signed, all items answered, one JPEG "
                 "photo (think 10–20 s)",
    "station reader": "POST /api/v1/cylinders/gate-check/ with its token, its own cylinders (think 1–3 s)",
    "sensor": "POST /api/v1/readings/ with the device's code and secret, one reading (every 5 s)",
    "weights": "office 2, inspector 3, station reader 3, sensor 2 (each kind at least one user)",
}


# -------------------------------------------------------------------------------------------------------------
# The command's suite (registered by gasguard/bench/management/commands/bench.py)

def _user_counts(text: str) -> list[int]:
    try:
        counts = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--users 须为逗号分隔的正整数，如 10,20,40：{text}")
    if not counts or min(counts) < 4 or counts != sorted(set(counts)):
        raise argparse.ArgumentTypeError(f"--users 须为递增的整数且每个不少于 4（每类用户至少一人）：{text}")
    return counts


def add_arguments(suites) -> None:
    p = suites.add_parser(
        "load", help="a day in the district under load: Locust against gunicorn, rising user counts",
        description=("Creates a throw-away PostgreSQL database (gasguard_bench_load), loads the demo district, "
                     "serves it with gunicorn (production configuration) and runs Locust headless for a fixed time "
                     "at each user count: office (dashboard, ledger, Excel export), inspectors (phone inspection "
                     "with a photo), filling-station readers (gate check) and sensors (HTTP readings). Prints JSON "
                     "per step (requests/s, p50/p95/p99 per request type, errors) and the highest user count with "
                     "p95 ≤ 500 ms and no error."))
    p.add_argument("--database-url", help=f"PostgreSQL database to (re)create and drop (default {DEFAULT_PG_URL})")
    p.add_argument("--users", type=_user_counts, default=list(DEFAULT_USERS),
                   help="user counts of the steps, comma-separated (default 10,20,40,80,160,320)")
    p.add_argument("--seconds", type=int, default=DEFAULT_SECONDS, help="seconds per step (default 30)")
    p.add_argument("--scale", type=float, default=DEFAULT_SCALE, help="demo district scale (default 1.0)")
    p.add_argument("--pace", type=float, default=1.0,
                   help="think times multiplied by this (default 1.0; 0.1: ten times busier people)")
    p.add_argument("--all-steps", action="store_true", help="go on after a step over the goal")
    p.add_argument("--workers", type=int,
                   help="gunicorn workers (default: the production configuration's, gasguard/gunicorn_conf.py)")
    p.add_argument("--threads", type=int, help="threads per worker (default: the production configuration's)")
    p.add_argument("--keep", action="store_true", help="keep the database")
    p.add_argument("--out", help="also write the JSON to this file")
    p.add_argument("--worker", choices=["prepare"], help=argparse.SUPPRESS)
    p.add_argument("--worker-out", help=argparse.SUPPRESS)
    p.add_argument("--people", type=int, default=max(DEFAULT_USERS), help=argparse.SUPPRESS)


def handle(command, o: dict) -> None:
    from django.core.management.base import CommandError

    if o["seconds"] < 1 or o["pace"] <= 0 or not 0 < o["scale"] <= 20 \
            or any(o[k] is not None and o[k] < 1 for k in ("workers", "threads")):
        raise CommandError("--seconds、--workers、--threads 须为正整数，--pace 须大于 0，--scale 须大于 0、不超过 20")
    if o["worker"]:
        worker(o["worker_out"], scale=o["scale"], people=o["people"])
        return
    try:
        result = bench(database_url=o["database_url"], users=o["users"], seconds=o["seconds"], scale=o["scale"],
                       pace=o["pace"], all_steps=o["all_steps"], keep=o["keep"], workers=o["workers"],
                       threads=o["threads"])
    except RuntimeError as exc:
        raise CommandError(str(exc))
    ledger.emit(command.stdout, result, o["out"])
