"""The outbox knows no alarms, yet the notifications API still filters by alarm and names its number: the office
asks for one alarm's notifications and gets only those."""
import pytest

from gasguard.monitoring.models import Alarm
from gasguard.monitoring.tests.helpers import base_time, make_device, reading, send
from gasguard.testing import api_client


@pytest.mark.django_db
def test_the_office_lists_the_notifications_of_one_alarm(personas):
    for _ in range(2):
        send(make_device(), reading(base_time(), ch4_lel=90.0))
    first, second = Alarm.objects.order_by("pk")
    rows = api_client(personas.office).get(f"/api/v1/notifications/?alarm={first.pk}").json()["results"]
    assert rows and {(n["alarm"], n["alarm_number"]) for n in rows} == {(first.pk, first.number)}
    assert second.notifications.exists()
