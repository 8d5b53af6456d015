"""Signals for inspectors, each with its evidence: repeated attempts to fill others' cylinders, refilling without
a return (倒灌), consumption far above peers, cylinders not seen for long, inspection or life ending within 30 days."""
from datetime import timedelta

import pytest

from gasguard.cylinders import services, signals
from gasguard.cylinders.models import Cylinder
from gasguard.testing import api_client
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def test_a_station_trying_to_fill_others_cylinders(gas, rival):
    theirs = helpers.cylinder(rival)
    for _ in range(3):
        helpers.gate(gas, theirs.code)
    [signal] = signals.stations_filling_others()
    assert signal["station"] == gas.station.pk and signal["attempts"] == 3 and theirs.code in signal["codes"]


def test_a_cylinder_filled_again_without_a_return(gas):
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl, filled_at=clock.now() - timedelta(hours=1))
    assert signals.refilled_outside_chain() == []
    helpers.fill(gas, cyl)
    [signal] = signals.refilled_outside_chain()
    assert signal["code"] == cyl.code


def test_a_returned_cylinder_filled_again_is_no_signal(gas):
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl, filled_at=clock.now() - timedelta(hours=2))
    helpers.sell(gas, helpers.person(gas), [cyl], sold_at=clock.now() - timedelta(hours=1, minutes=30))
    services.record_return(code=cyl.code, by=gas.user, returned_at=clock.now() - timedelta(hours=1))
    helpers.fill(gas, cyl)
    assert signals.refilled_outside_chain() == []


def test_a_heavy_consumer_and_cylinders_ending_soon_and_not_seen(gas, personas):
    buyers = [helpers.person(gas, name=f"用户{i}") for i in range(4)]
    for buyer in buyers[:3]:
        cyl = helpers.cylinder(gas, model="YSP12")
        helpers.fill(gas, cyl, weight="5")
        helpers.sell(gas, buyer, [cyl])
    big = []
    for _ in range(3):
        cyl = helpers.cylinder(gas, model="YSP118/49.5")
        helpers.fill(gas, cyl, weight="49.5")
        big.append(cyl)
    helpers.sell(gas, buyers[3], big)
    assert [s["customer"] for s in signals.heavy_consumers()] == [buyers[3].pk]

    soon = helpers.cylinder(gas)
    Cylinder.objects.filter(pk=soon.pk).update(next_inspection_due=clock.today() + timedelta(days=10))
    assert soon.code in {s["code"] for s in signals.ending_soon()}
    old = helpers.cylinder(gas)
    Cylinder.objects.filter(pk=old.pk).update(registered_at=clock.now() - timedelta(days=400))
    assert {s["code"] for s in signals.not_seen()} == {old.code}

    assert api_client(gas.user).get("/api/v1/cylinders/signals/").status_code == 403
    body = api_client(personas.market).get("/api/v1/cylinders/signals/").json()
    assert body["heavy_consumers"][0]["customer"] == buyers[3].pk


def test_the_owner_and_the_last_customer_are_reminded_once(gas):
    from django.core.management import call_command

    from gasguard.cylinders.models import Reminder

    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    buyer = helpers.person(gas)
    helpers.sell(gas, buyer, [cyl])
    Cylinder.objects.filter(pk=cyl.pk).update(next_inspection_due=clock.today() + timedelta(days=20))
    assert signals.queue_reminders() == 2
    call_command("cylinder_reminders", stdout=__import__("io").StringIO())
    assert {(r.recipient, r.enterprise_id, r.customer_id) for r in Reminder.objects.all()} == {
        ("owner", gas.enterprise.pk, None), ("customer", None, buyer.pk)}


def test_repeated_refusals_at_a_station_on_the_inspectors_page(client, gas, rival, personas):
    from gasguard.testing import PASSWORD

    theirs, scrapped = helpers.cylinder(rival), helpers.cylinder(gas)
    services.change_status(scrapped, to_status="scrapped", reason="腐蚀", by=gas.user)
    for code in [theirs.code] * 3 + [scrapped.code] * 2:
        helpers.gate(gas, code)
    helpers.gate(gas, helpers.cylinder(gas).code)  # allowed: not counted
    [signal] = signals.repeated_refusals()
    assert signal["station"] == gas.station.pk and signal["refusals"] == 5
    assert {r["code"]: r["count"] for r in signal["by_reason"]} == {"not_own": 3, "scrapped": 2}
    assert signals.repeated_refusals(minimum=6) == []

    assert client.login(username=gas.user.username, password=PASSWORD)
    assert client.get("/cylinders/signals/").status_code == 404
    assert client.login(username=personas.office.username, password=PASSWORD)
    page = client.get("/cylinders/signals/").content.decode()
    assert gas.station.name in page and "非本站产权气瓶，不得充装：3" in page and theirs.code in page
