"""`load_demo` gives the cylinder pages a living district: the filling enterprises' cylinders in every status, the
chain replayed through the services (fillings, real-name sales with masked ID numbers, deliveries whose checks
found hazards with their notices, returns), refusals at the gate, reminders, and signals for the inspectors."""
import pytest
from django.core.management import call_command

from gasguard.cylinders import signals
from gasguard.cylinders.choices import Status
from gasguard.cylinders.models import (
    Customer,
    Cylinder,
    CylinderReturn,
    Delivery,
    Filling,
    GateCheck,
    Reminder,
    Sale,
)
from gasguard.hazards.choices import Source
from gasguard.hazards.models import Hazard
from gasguard.org.choices import EnterpriseKind
from gasguard.utilities import clock


@pytest.mark.django_db
def test_the_demo_district_has_a_living_cylinder_chain():
    call_command("load_demo", scale=0.1, stdout=__import__("io").StringIO())

    owners = set(Cylinder.objects.values_list("owner__kind", flat=True))
    assert owners == {EnterpriseKind.FILLING}
    statuses = {c.effective_status() for c in Cylinder.objects.all()}
    assert statuses == set(Status.values)
    assert Filling.objects.count() > 50 and CylinderReturn.objects.exists()
    assert Sale.objects.filter(customer__kind="business").exists() and Sale.objects.filter(customer__kind="person")
    people = Customer.objects.filter(kind="person")
    assert all(c.id_number_masked.count("*") == 11 and c.id_number_encrypted for c in people)
    assert Delivery.objects.filter(failed_count__gt=0).exclude(notice="").exists()
    assert Hazard.objects.filter(source=Source.DELIVERY_CHECK).exists()
    refused = set(",".join(GateCheck.objects.filter(allowed=False).values_list("reason_codes", flat=True)).split(","))
    assert {"not_own", "invalid_code", "service_life_over", "station_blocked"} <= refused
    assert Reminder.objects.exists() and not Reminder.objects.filter(sent_at__isnull=True).exists()
    assert all(r["by_reason"] for r in signals.repeated_refusals())
    assert signals.stations_filling_others() and signals.refilled_outside_chain()
    assert Filling.objects.filter(filled_at__gt=clock.now()).count() == 0
