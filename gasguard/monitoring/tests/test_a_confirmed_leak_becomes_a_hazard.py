"""A confirmed leak enters the ledger through hazards.services.register: source alarm, major, lead unit
区城市管理委, deadline today, at the watched site — and the alarm and the hazard lead to each other."""
import pytest

from gasguard.hazards.models import Hazard
from gasguard.monitoring import services
from gasguard.monitoring.models import Alarm
from gasguard.utilities import clock

from .helpers import base_time, make_device, reading, send


@pytest.mark.django_db
def test_leak_confirmed_creates_a_linked_hazard(personas):
    device = make_device(site=personas.site_a, kind="kitchen_detector")
    send(device, reading(base_time(), ch4_lel=80.0))
    alarm = Alarm.objects.get(device=device, alarm_type="ch4_level2")
    by = personas.street_a
    alarm = services.acknowledge(alarm, by=by)
    alarm = services.dispatch(alarm, by=by, user=personas.inspector)
    alarm = services.arrive(alarm, by=personas.inspector)
    alarm = services.handle(alarm, by=personas.inspector, finding="leak_confirmed", note="软管接口泄漏，已关阀")
    hazard = Hazard.objects.get(pk=alarm.hazard_id)
    assert (hazard.source, hazard.severity, hazard.site_id) == ("alarm", "major", personas.site_a.pk)
    assert hazard.lead_unit.name == "区城市管理委" and hazard.deadline == clock.today()
    assert hazard.responsible_person == personas.site_a.contact_person
    assert alarm.number in hazard.description
    assert list(hazard.alarms.all()) == [alarm]
    assert hazard.events.get().action == "register"
