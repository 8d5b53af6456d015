"""`gasguard bench load` at a tiny scale, end to end, against the test database: gunicorn with the production
configuration, Locust with one person of each kind (the office, an inspector, a station's reader, a sensor) for a
few seconds. Every request type of the scenario is exercised and answers without an error; and a request type that
always fails (a sensor with a wrong secret) is reported as errors and takes the step over the goal."""
import pytest
from django.db import connection

from gasguard import testing
from gasguard.bench import load
from gasguard.cylinders.tests import helpers
from gasguard.monitoring.services import register_device
from gasguard.monitoring.simulate import demo_secret


def _district():
    testing.create_personas()
    co = helpers.gas_company("压测燃气有限公司", testing.STREET_A)
    for _ in range(5):
        helpers.cylinder(co)
    site = testing.make_site(testing.STREET_A_GRID, name="压测餐馆")
    register_device(code="CF-LOAD-1", kind="kitchen_detector", site=site, secret=demo_secret("CF-LOAD-1"))


def _test_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_load_bench_exercises_every_request_type_without_error():
    if connection.vendor != "postgresql":
        pytest.skip("gasguard bench load serves PostgreSQL (DATABASE_URL=postgres://…)")
    _district()
    plan = load.plan(people=4)
    plan["export_every"] = 3  # the office exports every third action: an export within a few seconds
    # The second step: a request type that always fails (the sensor's secret is wrong).
    broken = {**plan, "devices": [{**plan["devices"][0], "secret": "wrong"}]}

    r = load.measure(_test_database_url(), [plan, broken], users=[4, 4], seconds=8, pace=0.05, warmup_s=1,
                     locust_warmup_s=0, all_steps=True, log=lambda msg: None)
    step = r["steps"][0]
    assert step["users"] == 4 and step["requests"] > 0 and step["requests_per_s"] > 0
    assert set(load.REQUEST_TYPES) <= set(step["types"]), step
    for name in load.REQUEST_TYPES:
        assert step["types"][name]["requests"] > 0 and step["types"][name]["failures"] == 0, (name, step)
    assert step["failures"] == 0 and step["errors"] == [], step["errors"]
    # The server's own time of the same requests, by type (gunicorn's hooks).
    assert all(step["server_ms"][name]["n"] > 0 for name in load.REQUEST_TYPES), step["server_ms"]
    assert step["server_ms"]["all"]["p95_ms"] <= step["server_ms"]["all"]["p99_ms"]
    assert r["server"]["configuration"] == "gasguard/gunicorn_conf.py" and "shares_cores" in r["client"]

    step = r["steps"][1]
    assert step["types"]["readings"]["failures"] == step["types"]["readings"]["requests"] > 0
    assert step["errors"] and step["errors"][0]["request"] == "readings" \
        and any(f"HTTP {code}" in step["errors"][0]["error"] for code in (401, 429))  # then throttled as such
    assert not step["ok"] and r["capacity"]["users"] == (4 if r["steps"][0]["ok"] else None)


def test_the_capacity_is_the_largest_step_within_the_goal_without_errors():
    steps = [{"users": 10, "ok": True, "requests_per_s": 5, "p95_ms": 90, "p99_ms": 120},
             {"users": 20, "ok": True, "requests_per_s": 9, "p95_ms": 300, "p99_ms": 700},
             {"users": 40, "ok": False, "requests_per_s": 12, "p95_ms": 900, "p99_ms": 1500}]
    assert load.capacity(steps) == {"users": 20, "requests_per_s": 9, "p95_ms": 300, "p99_ms": 700}
    assert load.capacity(steps[2:]) == {"users": None}
