"""The daily reminders: a cylinder whose inspection ends within 30 days is remembered once to its owner (in-app)
and once to its last customer (by the SMS gateway of the monitoring outbox when one is configured); running the
command again sends nothing twice; an enterprise sees only its own cylinders' reminders."""
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

from gasguard.cylinders import signals
from gasguard.cylinders.models import Cylinder, Reminder
from gasguard.notifications.channels import unsealed
from gasguard.notifications.models import Notification
from gasguard.testing import PASSWORD
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def due_soon(co):
    cyl = helpers.cylinder(co)
    helpers.fill(co, cyl)
    buyer = helpers.person(co)
    helpers.sell(co, buyer, [cyl])
    Cylinder.objects.filter(pk=cyl.pk).update(next_inspection_due=clock.today() + timedelta(days=12))
    return cyl, buyer


@override_settings(MONITORING_WEBHOOK_URL="http://127.0.0.1:9/sms")
def test_the_command_queues_and_sends_each_reminder_once(gas):
    cyl, buyer = due_soon(gas)
    out = io.StringIO()
    call_command("cylinder_reminders", stdout=out)
    assert "queued 2" in out.getvalue() and "sent 1 in-app, 1 by SMS" in out.getvalue()
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()
    [sms] = Notification.objects.filter(event="cylinder.reminder")
    assert sms.payload["phone"] == buyer.phone_masked and cyl.code in sms.payload["text"]
    assert buyer.phone_number() not in json.dumps(sms.payload)  # stored sealed: the gateway's sender opens it
    assert unsealed(sms.payload)["phone"] == buyer.phone_number()

    call_command("cylinder_reminders", stdout=(again := io.StringIO()))
    assert "queued 0" in again.getvalue() and "sent 0 in-app, 0 by SMS" in again.getvalue()
    assert Reminder.objects.count() == 2 and Notification.objects.filter(event="cylinder.reminder").count() == 1


def test_without_a_gateway_the_customers_reminder_is_listed_for_the_seller(gas):
    due_soon(gas)
    signals.queue_reminders()
    assert signals.send_reminders() == {"in_app": 2, "sms": 0}
    assert signals.send_reminders() == {"in_app": 0, "sms": 0}
    assert not Notification.objects.filter(event="cylinder.reminder").exists()


def queued_for_two_owners(client, gas, rival):
    """One cylinder of each enterprise due soon, their reminders queued; the client logged in as the first's user."""
    ours, _ = due_soon(gas)
    theirs, _ = due_soon(rival)
    signals.queue_reminders()
    assert client.login(username=gas.user.username, password=PASSWORD)
    return ours, theirs


def test_an_enterprise_sees_only_its_own_reminders(client, gas, rival, personas):
    ours, theirs = queued_for_two_owners(client, gas, rival)
    page = client.get("/cylinders/reminders/").content.decode()
    assert ours.code in page and theirs.code not in page
    assert client.login(username=personas.office.username, password=PASSWORD)
    page = client.get("/cylinders/reminders/").content.decode()
    assert ours.code in page and theirs.code in page


def test_the_owners_reminders_wait_in_its_inbox_and_nobody_elses(client, gas, rival, personas):
    ours, theirs = queued_for_two_owners(client, gas, rival)
    page = client.get("/inbox/").content.decode()
    assert "气瓶到期提醒" in page and ours.code not in page  # queued, not yet sent: not in the inbox
    signals.send_reminders()
    page = client.get("/inbox/").content.decode()
    assert ours.code in page and theirs.code not in page
    assert ours.code not in page.split("<title>")[1].split("</title>")[0]  # in the page's body, not its title
    # A reminder whose date has passed is no longer waiting (the cylinder is then refused at the gate).
    Reminder.objects.filter(cylinder=ours).update(due_on=clock.today() - timedelta(days=1))
    assert ours.code not in client.get("/inbox/").content.decode()
    client.logout()
    assert client.login(username=personas.inspector.username, password=PASSWORD)
    page = client.get("/inbox/").content.decode()
    assert "气瓶到期提醒" not in page and ours.code not in page
