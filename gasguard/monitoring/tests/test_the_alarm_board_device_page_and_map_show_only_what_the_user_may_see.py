"""The alarm board, a device's page and the devices on the map are cut to the user's scope: an enterprise sees its
own devices and alarms (and may not act on them), a street only its area; the board offers only the steps the
alarm's state allows."""
from datetime import timedelta

import pytest
from django.test import Client

from gasguard.monitoring.models import Alarm

from .helpers import base_time, make_device, reading, send


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def two_alarms(personas):
    mine = make_device(site=personas.site_a, code="FMJ-A-001", lat=39.01, lon=117.70)
    theirs = make_device(site=personas.site_b, code="FMJ-B-001", lat=39.02, lon=117.71)
    t = base_time()
    for d in (mine, theirs):
        send(d, reading(t, ch4_lel=60.0))
    return mine, theirs


@pytest.mark.django_db
def test_board_rows_and_steps_follow_scope_and_state(personas, two_alarms):
    mine, theirs = two_alarms
    html = _client(personas.enterprise).get("/monitoring/alarms/").content.decode()
    assert "FMJ-A-001" in html and "FMJ-B-001" not in html
    assert 'data-action=' not in html  # an enterprise watches; the authorities act
    html = _client(personas.street_b).get("/monitoring/alarms/").content.decode()
    assert "FMJ-B-001" in html and "FMJ-A-001" not in html
    html = _client(personas.office).get("/monitoring/alarms/").content.decode()
    assert "FMJ-A-001" in html and "FMJ-B-001" in html
    assert 'data-action="acknowledge"' in html and 'data-action="close"' not in html
    alarm = Alarm.objects.get(device=mine)
    row = _client(personas.street_a).get(f"/monitoring/alarms/{alarm.pk}/row/").content.decode()
    assert 'data-action="acknowledge"' in row
    assert _client(personas.street_b).get(f"/monitoring/alarms/{alarm.pk}/row/").status_code == 404


@pytest.mark.django_db
def test_device_page_and_map_layer_follow_scope(personas, two_alarms):
    mine, theirs = two_alarms
    send(mine, reading(base_time() + timedelta(seconds=5), battery=10.0))
    r = _client(personas.enterprise).get(f"/monitoring/devices/{mine.pk}/")
    assert r.status_code == 200 and "FMJ-A-001" in r.content.decode()
    assert _client(personas.enterprise).get(f"/monitoring/devices/{theirs.pk}/").status_code == 404
    assert _client(personas.street_a).get(f"/monitoring/devices/{theirs.pk}/").status_code == 404

    devices = _client(personas.street_a).get("/map/points.json").json()["devices"]
    assert [(d[3], d[4]) for d in devices] == [("FMJ-A-001", "alarm")]
    devices = _client(personas.office).get("/map/points.json", {"device_state": "alarm"}).json()["devices"]
    assert sorted(d[3] for d in devices) == ["FMJ-A-001", "FMJ-B-001"]
    assert _client(personas.office).get("/map/points.json", {"device_state": "offline"}).json()["devices"] == []
    assert _client(personas.outsider).get("/map/points.json").json()["devices"][0][3] == "FMJ-B-001"
