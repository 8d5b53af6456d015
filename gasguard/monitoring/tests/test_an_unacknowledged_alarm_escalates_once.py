"""An alarm nobody acknowledges within MONITORING_ESCALATE_AFTER_MIN escalates to the office, once, however often
the job runs; an acknowledged alarm does not."""
from datetime import timedelta

import pytest
from django.core.management import call_command

from gasguard.monitoring import services
from gasguard.monitoring.models import Alarm
from gasguard.notifications.models import Notification
from gasguard.utilities import clock

from .helpers import base_time, make_device, reading, send


@pytest.mark.django_db
def test_escalates_once(personas):
    quiet, answered = make_device(site=personas.site_a), make_device(site=personas.site_a)
    send(quiet, reading(base_time(), ch4_lel=90.0))
    send(answered, reading(base_time(), ch4_lel=90.0))
    services.acknowledge(Alarm.objects.get(device=answered), by=personas.street_a)
    assert services.escalate_unacknowledged(after_minutes=15) == []
    later = clock.now() + timedelta(minutes=16)
    with clock.frozen(later):
        first = services.escalate_unacknowledged(after_minutes=15)
        call_command("escalate_alarms", "--after-minutes", "15")
        again = services.escalate_unacknowledged(after_minutes=15)
    assert [a.device_id for a in first] == [quiet.pk] and again == []
    alarm = Alarm.objects.get(device=quiet)
    assert alarm.escalation_level == 1 and alarm.escalated_at == later
    assert alarm.events.filter(action="escalate").count() == 1
    assert Notification.objects.filter(alarm=alarm, event="alarm.escalated").count() == 1


@pytest.mark.django_db
def test_the_periodic_jobs_run_together(capsys):
    call_command("monitor_jobs", "--once")
    out = capsys.readouterr().out
    for name in ("notifications", "silence", "escalation", "partitions"):
        assert f"{name}:" in out
