"""The life of an alarm through the API: each step names who and when, writes a timeline step and an audit
record; a step out of order is refused; street B cannot see street A's alarm; an enterprise cannot acknowledge."""
from datetime import timedelta

import pytest

from gasguard.audit.models import AuditRecord
from gasguard.monitoring.models import Alarm, Device
from gasguard.org.models import Department
from gasguard.testing import api_client

from .helpers import base_time, make_device, reading, send


def raise_alarm(site):
    device = make_device(site=site)
    send(device, reading(base_time(), ch4_lel=70.0))
    return Alarm.objects.get(device=device)


@pytest.mark.django_db
def test_the_full_life_is_recorded(personas):
    alarm = raise_alarm(personas.site_a)
    office, street_a = api_client(personas.office), api_client(personas.street_a)
    url = f"/api/v1/alarms/{alarm.pk}/"

    assert street_a.post(url + "arrive/", {}, format="json").status_code == 400  # not dispatched yet
    r = street_a.post(url + "acknowledge/", {"note": "已看到"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["acknowledged_by"] == personas.street_a.pk and r.json()["acknowledged_at"]
    fire = Department.objects.get(name="滨海新区消防救援支队")
    r = office.post(url + "dispatch/", {"unit": fire.pk, "user": personas.inspector.pk}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "dispatched"
    assert api_client(personas.inspector).get("/api/v1/notifications/").json()["count"] == 1
    assert street_a.post(url + "arrive/", {"note": "已到场"}, format="json").status_code == 200
    r = street_a.post(url + "handle/", {"finding": "false_alarm", "note": "检测无燃气，厨房油烟所致"}, format="json")
    assert r.status_code == 200 and r.json()["finding"] == "false_alarm" and r.json()["hazard"] is None
    r = office.post(url + "close/", {"note": "误报关闭"}, format="json")
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "closed" and body["closed_by"] == personas.office.pk
    assert [e["action"] for e in body["events"]] == ["raise", "acknowledge", "dispatch", "arrive", "handle", "close"]
    actions = set(AuditRecord.objects.filter(object_type="monitoring.alarm", object_id=str(alarm.pk))
                  .values_list("action", flat=True))
    assert {"alarm.raise", "alarm.acknowledge", "alarm.dispatch", "alarm.arrive", "alarm.handle",
            "alarm.close"} <= actions
    assert Device.objects.get(pk=alarm.device_id).state == "online"

    # Closed: a new breach raises a new alarm.
    send(alarm.device, reading(base_time() + timedelta(seconds=5), ch4_lel=70.0))
    assert Alarm.objects.filter(device=alarm.device).count() == 2


@pytest.mark.django_db
def test_scope_and_who_may_act(personas):
    alarm = raise_alarm(personas.site_a)
    url = f"/api/v1/alarms/{alarm.pk}/"
    assert api_client(personas.street_b).get(url).status_code == 404
    assert api_client(personas.street_b).post(url + "acknowledge/", {}, format="json").status_code == 404
    assert api_client(personas.enterprise).get(url).status_code == 200          # its own restaurant
    assert api_client(personas.enterprise).post(url + "acknowledge/", {}, format="json").status_code == 403
    ids = [a["id"] for a in api_client(personas.street_a).get("/api/v1/alarms/").json()["results"]]
    assert ids == [alarm.pk]
    assert api_client(personas.street_b).get("/api/v1/alarms/").json()["count"] == 0
    assert api_client(personas.street_b).get("/api/v1/devices/").json()["count"] == 0
