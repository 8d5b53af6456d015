"""The gate check and the trace stay at a fixed number of queries, however long a cylinder's history: they are the
hot paths (a station's reader; a regulator following a cylinder)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gasguard.cylinders import services, trace

from . import helpers

pytestmark = pytest.mark.django_db


def count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_gate_check_is_one_read_and_one_write(gas):
    cyl = helpers.cylinder(gas)
    assert count(lambda: helpers.gate(gas, cyl.code)) == 2
    assert count(lambda: helpers.gate(gas, "BH00000000000")) == 2  # refusals too (the invalid code is not looked up)


def test_over_http_the_gate_adds_only_the_token_lookup(gas):
    from rest_framework.authtoken.models import Token

    cyl = helpers.cylinder(gas)
    client = __import__("django.test", fromlist=["Client"]).Client(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=gas.user).key}")
    post = lambda: client.post("/api/v1/cylinders/gate-check/", {"code": cyl.code, "station": gas.station.pk},  # noqa: E731
                               content_type="application/json")
    assert count(post) == 3
    body = post().json()
    assert body["allowed"] is True and body["cylinder"] == cyl.pk and body["station"] == gas.station.pk


def test_the_trace_does_not_grow_with_the_history(gas):
    cyl = helpers.cylinder(gas)
    buyer = helpers.person(gas)

    def round_trip():
        helpers.fill(gas, cyl)
        sale = helpers.sell(gas, buyer, [cyl])
        helpers.deliver(gas, sale, hose_length_m="2.5", detector="na", shutoff_valve="na")
        services.record_return(code=cyl.code, by=gas.user)

    round_trip()
    short = count(lambda: trace.cylinder_trace(cyl))
    round_trip()
    round_trip()
    assert count(lambda: trace.cylinder_trace(cyl)) == short <= 10
    assert [e["kind"] for e in trace.cylinder_trace(cyl)].count("delivery") == 3
