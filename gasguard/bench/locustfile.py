"""A day in the district for Locust (`gasguard bench load`, gasguard/bench/load.py).

The plan (GASGUARD_LOAD_PLAN, a JSON file written by load.plan()) holds what the people need: sessions already
logged in, inspectors' sites with their checklists, stations' tokens and cylinder codes, sensors' secrets.
GASGUARD_LOAD_PACE multiplies every think time. Every request is named by its type (load.REQUEST_TYPES); an answer
other than the one the page or API gives on success is a failure, with its status and the start of its body."""
import io
import itertools
import json
import os
import random
from datetime import UTC, datetime

from locust import FastHttpUser, HttpUser, between, constant_pacing, task

PLAN = json.loads(open(os.environ["GASGUARD_LOAD_PLAN"], encoding="utf-8").read())
PACE = float(os.environ.get("GASGUARD_LOAD_PACE", "1"))
EXPORT_EVERY = PLAN["export_every"]  # office actions per Excel export
_turns = {kind: itertools.count() for kind in ("office", "inspectors", "stations", "devices")}


def _next(kind: str):
    """The next person (or device) of `kind`: each simulated user is a different one while they last."""
    rows = PLAN[kind]
    return rows[next(_turns[kind]) % len(rows)]


def _photo() -> bytes:
    """A phone-sized JPEG (1600 × 1200, noisy enough to weigh what a photo weighs), made once per process."""
    from PIL import Image

    rnd = random.Random(16)
    small = Image.new("RGB", (200, 150))
    small.putdata([(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)) for _ in range(200 * 150)])
    out = io.BytesIO()
    small.resize((1600, 1200), Image.Resampling.BICUBIC).save(out, "JPEG", quality=85)
    return out.getvalue()


PHOTO = _photo()


def _warm_up(host: str) -> None:
    """One request with each HTTP client before any user starts: their first use imports and sets up what every
    later request reuses, which would otherwise be timed in the first requests of the step."""
    import requests
    from geventhttpclient import HTTPClient

    requests.get(host + "/api/v1/cylinders/ping/", timeout=30)
    HTTPClient.from_url(host, connection_timeout=30, network_timeout=30).get("/api/v1/cylinders/ping/").read()


if os.environ.get("GASGUARD_LOAD_HOST"):
    _warm_up(os.environ["GASGUARD_LOAD_HOST"])


def _fail(response, expected: int):
    response.failure(f"HTTP {response.status_code} (expected {expected}): {(response.text or '')[:200]}")


class Office(HttpUser):
    """The district office at its desk: the dashboard, the ledger with a filter, now and then an Excel export."""
    weight = 2
    wait_time = between(2 * PACE, 6 * PACE)

    def on_start(self):
        me = _next("office")
        self.client.cookies.set(PLAN["session_cookie"], me["session"])
        self.actions = random.randrange(EXPORT_EVERY)  # the exports of different people do not fall together
        self.browsed = 1  # the dashboard first, then the ledger, in turns

    def _get(self, path, name):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                _fail(r, 200)

    @task
    def work(self):
        self.actions += 1
        query = random.choice(PLAN["ledger_filters"])
        if self.actions % EXPORT_EVERY == 0:
            self._get("/ledger/export.xlsx?" + query, "ledger export")
        elif self.browsed % 2:
            self.browsed += 1
            self._get("/", "dashboard")
        else:
            self.browsed += 1
            self._get("/ledger/?" + query, "ledger list")


class Inspector(HttpUser):
    """An inspector on the phone page: opens a site's checklist, answers every item, signs, posts with a photo."""
    weight = 3
    wait_time = between(10 * PACE, 20 * PACE)

    def on_start(self):
        self.me = _next("inspectors")
        self.client.cookies.set(PLAN["session_cookie"], self.me["session"])

    @task
    def inspect(self):
        site = random.choice(self.me["sites"])
        path = f"/sites/{site['id']}/inspect/"
        with self.client.get(path, name="inspection form", allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                return _fail(r, 200)
        form = {"csrfmiddlewaretoken": self.client.cookies.get(PLAN["csrf_cookie"], ""), "signature": self.me["name"],
                "kind": "routine", "lat": "39.0245", "lon": "117.6502", "note": "压测：例行检查"}
        for answer in site["answers"]:
            form[f"result_{answer['item']}"] = answer["result"]
            if "measured_value" in answer:
                form[f"value_{answer['item']}"] = answer["measured_value"]
        files = {"photos": ("现场.jpg", PHOTO, "image/jpeg")}
        with self.client.post(path, data=form, files=files, name="inspection post", allow_redirects=False,
                              headers={"Referer": self.client.base_url + path}, catch_response=True) as r:
            if r.status_code != 302:  # the site's page after a signed inspection
                _fail(r, 302)


class StationReader(FastHttpUser):
    """A filling station's reader at the gate: one cylinder after another, with the station's token."""
    weight = 3
    wait_time = between(1 * PACE, 3 * PACE)

    def on_start(self):
        self.station = _next("stations")
        self.auth = {"Authorization": f"Token {self.station['token']}", "Accept": "application/json"}

    @task
    def check(self):
        body = {"code": random.choice(self.station["codes"]), "station": self.station["station"]}
        with self.client.post("/api/v1/cylinders/gate-check/", json=body, headers=self.auth, name="gate check",
                              catch_response=True) as r:
            if r.status_code != 201:
                _fail(r, 201)


class Sensor(FastHttpUser):
    """A sensor (or its gateway) posting a reading over HTTP every five seconds."""
    weight = 2
    wait_time = constant_pacing(5 * PACE)

    def on_start(self):
        self.device = _next("devices")
        self.headers = {"X-Device-Code": self.device["code"], "X-Device-Secret": self.device["secret"]}

    @task
    def report(self):
        body = {"ts": datetime.now(UTC).isoformat(), "m": self.device["m"]}
        with self.client.post("/api/v1/readings/", json=body, headers=self.headers, name="readings",
                              catch_response=True) as r:
            if r.status_code != 202:
                _fail(r, 202)
