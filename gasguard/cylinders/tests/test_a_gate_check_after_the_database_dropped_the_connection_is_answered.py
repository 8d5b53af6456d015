"""The gate check runs its statement on psycopg directly (utilities/hotsql.py), and a reader's token comes from the
worker's cache, so the gate may be a request's first use of the database. When the server has dropped the worker's
kept connection meanwhile (a restart, an idle timeout, pg_terminate_backend), the next gate check still answers:
the connection is checked before reuse (CONN_HEALTH_CHECKS) and replaced, as for Django's own queries."""
import time

import pytest
from django.db import close_old_connections, connection, connections
from django.test import Client
from rest_framework.authtoken.models import Token

from gasguard.cylinders.api import auth

from . import helpers

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="hotsql's psycopg path is PostgreSQL's")
GATE = "/api/v1/cylinders/gate-check/"


@pytest.fixture
def kept_connection():
    """The production connection settings: kept between requests, checked before reuse."""
    saved = {k: connection.settings_dict[k] for k in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    connection.close()
    yield
    connection.close()
    connection.settings_dict.update(saved)


def terminate(pid):
    other = connections.create_connection("default")
    try:
        with other.cursor() as c:
            c.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(100):
                c.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
                if not c.fetchone()[0]:
                    return
                time.sleep(0.05)
        raise AssertionError(f"backend {pid} is still there")
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_the_first_gate_check_after_the_server_dropped_the_connection_is_answered(kept_connection):
    auth.clear()
    gas = helpers.gas_company()
    cyl = helpers.cylinder(gas)
    reader = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=gas.user).key}")
    reader.raise_request_exception = False

    def gate():
        close_old_connections()  # what the handler does as a request starts (the test client leaves it out)
        return reader.post(GATE, {"code": cyl.code, "station": gas.station.pk}, content_type="application/json")

    try:
        assert gate().status_code == 201      # the token is cached now: the next request starts with the gate
        terminate(connection.connection.info.backend_pid)
        answer = gate()
        assert answer.status_code == 201, answer.content[:500]
        assert gate().status_code == 201
    finally:
        auth.clear()
