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


def test_the_gate_check_is_a_handful_of_queries(gas):
    cyl = helpers.cylinder(gas)
    assert count(lambda: helpers.gate(gas, cyl.code)) <= 6


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
