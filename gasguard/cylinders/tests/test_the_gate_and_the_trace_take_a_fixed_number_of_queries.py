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


def gate_queries():
    # PostgreSQL: the read, the verdict and the insert are one statement; elsewhere a read and a write.
    return 1 if connection.vendor == "postgresql" else 2


def test_the_gate_check_is_one_statement_on_postgresql_else_a_read_and_a_write(gas):
    cyl = helpers.cylinder(gas)
    assert count(lambda: helpers.gate(gas, cyl.code)) == gate_queries()
    # refusals too (the invalid code is not looked up)
    assert count(lambda: helpers.gate(gas, "BH00000000000")) == gate_queries()


def test_the_one_statement_gives_the_reasons_of_the_portable_path_word_for_word(gas, rival):
    """Every refusal at once: another company's cylinder, seized, overdue, out of life, at a blocked station whose
    licence has expired — the statement's reasons are gate_reasons()'s, in order and wording."""
    from datetime import timedelta

    from gasguard.cylinders.models import Cylinder, GateCheck, StationBlock
    from gasguard.sites.models import Licence
    from gasguard.utilities import clock

    cyl = helpers.cylinder(rival)
    today = clock.today()
    Cylinder.objects.filter(pk=cyl.pk).update(status="seized", next_inspection_due=today - timedelta(days=3),
                                              service_life_ends=today - timedelta(days=1))
    Licence.objects.filter(enterprise=gas.enterprise, kind="filling").update(valid_until=today - timedelta(days=1))
    StationBlock.objects.create(station=gas.station, reason="违规充装", blocked_by=gas.user)
    _, expected = services.gate_reasons(cyl.code, gas.station, today)
    check = helpers.gate(gas, cyl.code)
    assert [c for c, _ in expected] == ["not_own", "seized", "inspection_overdue", "service_life_over",
                                        "filling_licence_invalid", "station_blocked"]
    assert check.reasons == [{"code": c, "message": str(m)} for c, m in expected] and not check.allowed
    assert check.reason_codes == ",".join(c for c, _ in expected)
    stored = GateCheck.objects.get(pk=check.pk)
    assert (stored.reasons, stored.reason_codes, stored.cylinder_id, stored.by_id) == (
        check.reasons, check.reason_codes, cyl.pk, gas.user.pk)


def test_a_repeated_client_id_is_an_integrity_error_on_every_database(gas):
    """The offline batch relies on it (a second upload racing the first counts as a duplicate)."""
    import uuid

    from django.db import IntegrityError, transaction

    cyl = helpers.cylinder(gas)
    client_id = uuid.uuid4()
    helpers.gate(gas, cyl.code, client_id=client_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        helpers.gate(gas, cyl.code, client_id=client_id)


def test_over_http_the_gate_adds_the_token_lookup_once_per_worker(gas):
    from rest_framework.authtoken.models import Token

    from gasguard.cylinders.api import auth

    auth.clear()
    cyl = helpers.cylinder(gas)
    client = __import__("django.test", fromlist=["Client"]).Client(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=gas.user).key}")
    post = lambda: client.post("/api/v1/cylinders/gate-check/", {"code": cyl.code, "station": gas.station.pk},  # noqa: E731
                               content_type="application/json")
    assert count(post) == 1 + gate_queries()
    assert count(post) == gate_queries()  # the token from the worker's cache
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
    short = count(lambda: trace.cylinder_trace(cyl, gas.user))
    round_trip()
    round_trip()
    assert count(lambda: trace.cylinder_trace(cyl, gas.user)) == short == 1  # one UNION ALL statement
    assert [e["kind"] for e in trace.cylinder_trace(cyl, gas.user)].count("delivery") == 3


def test_on_postgresql_the_gate_statement_is_prepared_once_per_connection_and_not_replanned(gas):
    """Planning the statement cost more than running it (0.4 ms against 0.24 ms at register scale); Django turns
    psycopg's prepared statements off unless the settings turn them on, and then prepare=True is silently ignored."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    cyl = helpers.cylinder(gas)

    def prepared():
        with connection.cursor() as c:
            c.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                      ["%INSERT INTO cylinders_gatecheck%"])
            return c.fetchone()[0]

    helpers.gate(gas, cyl.code)
    assert prepared() == 1
    helpers.gate(gas, cyl.code)
    helpers.gate(gas, "BH00000000000")  # an invalid code: the same statement
    assert prepared() >= 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_hot_statements_stay_short_enough_for_psycopg_to_keep_their_parse(language):
    """psycopg re-splits a statement longer than 4,096 bytes on every call (a third of the gate's own CPU when it
    did, on the reasons' Chinese labels)."""
    from django.utils import translation
    from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH

    with translation.override(language):
        statements = {"gate": services._gate_insert_sql(language), "trace": trace._events_sql(),
                      "scope": trace._visible_cylinder_sql()}
    for name, sql in statements.items():
        assert len(sql.encode()) <= MAX_CACHED_STATEMENT_LENGTH, (name, len(sql.encode()))


def test_on_postgresql_a_hot_statement_is_encoded_once_not_on_every_call(gas, monkeypatch):
    """psycopg encodes a str statement on every call and hashes the new copy to find its parse (3 % of a gate
    check's instructions): hotsql hands it the same bytes each time."""
    if connection.vendor != "postgresql":
        pytest.skip("hotsql's psycopg path is PostgreSQL's")
    import psycopg

    seen = []
    execute = psycopg.Cursor.execute

    def recording(self, query, *args, **kwargs):
        seen.append(query)
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", recording)
    cyl = helpers.cylinder(gas)
    helpers.gate(gas, cyl.code)
    helpers.gate(gas, cyl.code)
    gate_statements = [q for q in seen if isinstance(q, bytes) and b"INSERT INTO cylinders_gatecheck" in q]
    assert len(gate_statements) == 2 and gate_statements[0] is gate_statements[1]
