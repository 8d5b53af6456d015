"""On PostgreSQL an allowing gate check is committed without waiting for the disk; a refusal, a check made inside a
caller's transaction (an offline batch) and the filling that follows an allowance wait, and the relaxed setting
does not outlive the check's own transaction (services._gate_insert_sql says why no filling can be lost)."""
import pytest
from django.db import connection, transaction

from gasguard import testing
from gasguard.utilities import hotsql

from . import helpers

pytestmark = [pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit: PostgreSQL only"),
              pytest.mark.django_db(transaction=True)]


# Committed for real (no test transaction around them): these tests make their own companies, not the personas.
@pytest.fixture
def gas():
    return helpers.gas_company("滨海燃气有限公司", testing.STREET_A)


@pytest.fixture
def rival():
    return helpers.gas_company("杭州道液化气有限公司", testing.STREET_B)


@pytest.fixture
def commits(monkeypatch):
    """How each gate check was committed: "off" when its statement relaxed its own commit, None when it waited."""
    seen, original = [], hotsql.fetch

    def fetch(sql, params, *, one=False):
        row = original(sql, params, one=one)
        if one and row is not None and "synchronous_commit" in sql:
            seen.append(row[-1])
        return row

    monkeypatch.setattr(hotsql, "fetch", fetch)
    return seen


def session_setting():
    with connection.cursor() as c:
        c.execute("SHOW synchronous_commit")
        return c.fetchone()[0]


def test_an_allowance_does_not_wait_and_the_session_keeps_waiting(gas, rival, commits):
    own, others = helpers.cylinder(gas), helpers.cylinder(rival)
    assert helpers.gate(gas, own.code).allowed
    assert not helpers.gate(gas, others.code).allowed            # not the station's own: a refusal
    assert not helpers.gate(gas, "BH00000000000").allowed        # an invalid code
    assert commits == ["off", None, None]
    assert session_setting() == "on"                             # set for the check's own transaction only
    filling = helpers.fill(gas, own)                             # the filling: its own check, then itself, waiting
    assert filling.pk and session_setting() == "on"


def test_a_check_inside_a_callers_transaction_does_not_relax_it(gas, commits):
    own = helpers.cylinder(gas)
    with transaction.atomic():
        assert helpers.gate(gas, own.code).allowed
        assert session_setting() == "on"                         # the rest of the caller's work still waits
    assert commits == [None]


def test_the_setting_turns_it_off(gas, commits, settings):
    settings.CYLINDER_GATE_ALLOW_ASYNC_COMMIT = False
    assert helpers.gate(gas, helpers.cylinder(gas).code).allowed
    assert commits == [None]
