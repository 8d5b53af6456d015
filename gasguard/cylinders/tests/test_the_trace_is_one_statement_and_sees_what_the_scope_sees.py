"""The trace of one cylinder is one statement whatever happened to it, with the values the ORM would give (times
aware, dates as dates, weights to the hundredth), and over HTTP it finds the cylinder in one more statement that
sees exactly what scope.cylinder_q() sees, for every persona."""
from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gasguard.cylinders import services, trace
from gasguard.cylinders.api import auth
from gasguard.cylinders.choices import Status
from gasguard.cylinders.models import Cylinder
from gasguard.cylinders.scope import cylinder_q
from gasguard.testing import api_client
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return len(ctx.captured_queries), result


@pytest.fixture
def lived(gas, personas, agency):
    """A cylinder with every kind of event: a periodic inspection, a fill, a sale with a failed delivery check (a
    hazard), a return, a seizure."""
    cyl = helpers.cylinder(gas)
    services.record_periodic_inspection(cyl, inspected_on=clock.today(), passed=True, by=agency)
    helpers.fill(gas, cyl, weight="14.5")
    sale = helpers.sell(gas, helpers.business(gas, personas.site_a), [cyl])
    delivery = helpers.deliver(gas, sale, hose_length_m="2.6")
    services.record_return(code=cyl.code, by=gas.user)
    cyl.refresh_from_db()
    services.change_status(cyl, to_status="seized", reason="涉嫌倒灌", by=personas.office)
    return cyl, sale, delivery


def test_every_kind_of_event_in_one_statement_with_the_orms_types(lived, personas):
    cyl, sale, delivery = lived
    cyl = Cylinder.objects.select_related("owner").get(pk=cyl.pk)  # as the page and the API hold it
    n, events = queries(lambda: trace.cylinder_trace(cyl, personas.office))
    assert n == 1
    assert [e["kind"] for e in events] == ["registration", "inspection", "gate_check", "filling", "sale", "delivery",
                                           "return", "status"]
    assert all(isinstance(e["at"], datetime) and e["at"].tzinfo is not None for e in events)
    assert [e["at"] for e in events] == sorted(e["at"] for e in events)
    by_kind = {e["kind"]: e for e in events}
    assert by_kind["inspection"]["inspected_on"] == clock.today() and by_kind["inspection"]["agency"] == "天津市特种设备检验所"
    assert by_kind["inspection"]["title"] == "定期检验合格" and by_kind["inspection"]["extended_life"] is False
    assert by_kind["gate_check"]["allowed"] is True and by_kind["gate_check"]["reasons"] == []
    assert by_kind["filling"]["net_weight_kg"] == "14.50" and by_kind["filling"]["post_checks_passed"] is True
    assert by_kind["sale"]["sale"] == sale.number and by_kind["sale"]["customer_id"] == sale.customer_id
    hazard = delivery.hazards.get()
    assert by_kind["delivery"]["delivery_id"] == delivery.pk and by_kind["delivery"]["notice"] is True
    assert by_kind["delivery"]["hazards"] == [{"number": hazard.number, "description": hazard.description,
                                               "lead_unit": hazard.lead_unit.name, "deadline": hazard.deadline,
                                               "state": hazard.state}]
    assert isinstance(by_kind["delivery"]["hazards"][0]["deadline"], date)
    assert by_kind["return"]["sale"] == sale.number
    assert by_kind["status"]["title"] == "状态变更：" + str(dict(Status.choices)["seized"])
    assert by_kind["status"]["reason"] == "涉嫌倒灌"


def test_the_lookup_sees_what_cylinder_q_sees_for_every_persona(gas, rival, personas):
    ours, theirs = helpers.cylinder(gas), helpers.cylinder(rival)
    helpers.fill(rival, theirs)
    helpers.sell(rival, helpers.person(rival, jurisdiction_code="120116-S03-C1-G1", name="李四"), [theirs])
    users = {**personas.users(), "gas": gas.user, "rival": rival.user}
    seen = set()
    for name, user in users.items():
        for cyl in (ours, theirs):
            expected = Cylinder.objects.filter(cylinder_q(user), code=cyl.code).exists()
            found = trace.visible_cylinder(user, cyl.code)
            assert (found is not None) == expected, (name, cyl.code)
            if found:
                seen.add((name, cyl.code))
                assert found.pk == cyl.pk and str(found.owner) == cyl.owner.name
    # the cases that matter are all there: own, the office's all, a street's sold-in-its-area, nothing for others
    assert {("gas", ours.code), ("rival", theirs.code), ("office", ours.code), ("street_b", theirs.code)} <= seen
    assert not {("gas", theirs.code), ("rival", ours.code), ("street_a", theirs.code), ("outsider", ours.code)} & seen
    assert trace.visible_cylinder(gas.user, "BH00000000000") is None


def test_over_http_the_trace_is_two_statements_and_the_cylinder_as_its_serializer_shows_it(gas, lived):
    from django.test import Client
    from rest_framework.authtoken.models import Token

    cyl, _, _ = lived
    auth.clear()
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=gas.user).key}")
    url = f"/api/v1/cylinders/{cyl.code.lower()}/trace/"  # a code is read case-insensitively
    client.get(url)  # the token into the worker's cache
    n, response = queries(lambda: client.get(url))
    assert response.status_code == 200 and n == 2
    body = response.json()
    expected = api_client(gas.user).get(f"/api/v1/cylinders/{cyl.code}/").json()
    # the detail endpoint's CylinderSerializer(...).data, field for field
    assert body["cylinder"] == expected and expected["code"] == cyl.code
    assert body["cylinder"]["status"] == "seized" and body["cylinder"]["owner_name"] == gas.enterprise.name
    assert [e["kind"] for e in body["events"]][-1] == "status"
    bad = client.get(f"/api/v1/cylinders/{cyl.code[:-1]}0/trace/")
    assert bad.status_code in (400, 404)
