"""A device's readings come to the chart aggregated by minute (or hour) on the server; the list of devices and a
device's readings are cut to the user's scope; the office registers a device and sees its secret once."""
from datetime import timedelta

import pytest

from gasguard.monitoring.models import Device
from gasguard.testing import api_client

from .helpers import base_time, make_device, reading, send


@pytest.mark.django_db
def test_minute_buckets_and_scope(personas):
    device = make_device(site=personas.site_a)
    t0 = base_time(seconds_ago=3600).replace(second=0)
    send(device, *[reading(t0 + timedelta(seconds=10 * i), ch4_lel=float(i % 6)) for i in range(18)])
    client = api_client(personas.street_a)
    r = client.get(f"/api/v1/devices/{device.pk}/series/", {"metric": "ch4_lel",
                                                               "since": (t0 - timedelta(minutes=1)).isoformat()})
    assert r.status_code == 200, r.content
    points = r.json()["points"]
    assert [p["count"] for p in points] == [6, 6, 6]
    assert points[0]["min"] == 0 and points[0]["max"] == 5 and points[0]["avg"] == pytest.approx(2.5)
    assert client.get(f"/api/v1/devices/{device.pk}/series/").status_code == 400
    assert len(client.get(f"/api/v1/devices/{device.pk}/readings/", {"metric": "ch4_lel"}).json()) == 18
    assert api_client(personas.street_b).get(f"/api/v1/devices/{device.pk}/series/",
                                             {"metric": "ch4_lel"}).status_code == 404


@pytest.mark.django_db
def test_only_the_office_registers_devices(personas):
    body = {"code": "FMJ-T-001", "kind": "valve_well", "site": personas.site_a.pk, "interval_s": 30}
    assert api_client(personas.street_a).post("/api/v1/devices/", body, format="json").status_code == 403
    r = api_client(personas.office).post("/api/v1/devices/", body, format="json")
    assert r.status_code == 201, r.content
    assert len(r.json()["secret"]) >= 24 and r.json()["jurisdiction"] == personas.site_a.jurisdiction_id
    device = Device.objects.get(code="FMJ-T-001")
    assert r.json()["secret"] not in device.secret_hash
    assert api_client(personas.office).post("/api/v1/devices/", body, format="json").status_code == 400
    r = api_client().post("/api/v1/readings/", {"device": "FMJ-T-001", "secret": r.json()["secret"],
                                                 "m": {"ch4_lel": 1}}, format="json")
    assert r.status_code == 202


@pytest.mark.django_db
def test_a_bad_readings_limit_is_refused_clearly(personas):
    device = make_device(site=personas.site_a)
    client = api_client(personas.street_a)
    for limit in ("abc", "0", "-5"):
        r = client.get(f"/api/v1/devices/{device.pk}/readings/", {"limit": limit})
        assert r.status_code == 400 and "limit" in r.json(), (limit, r.content)


@pytest.mark.django_db
@pytest.mark.filterwarnings("error::RuntimeWarning")   # Django's "naive datetime while time zone support is active"
def test_a_time_without_an_offset_is_local_time(personas):
    """since/until without an offset are read in the district's time zone (UTC+8), not refused or taken as UTC."""
    from django.utils import timezone

    device = make_device(site=personas.site_a)
    t0 = base_time(seconds_ago=3600).replace(second=0)
    send(device, *[reading(t0 + timedelta(seconds=10 * i), ch4_lel=1.0) for i in range(12)])
    local = timezone.localtime(t0).replace(tzinfo=None)      # the same instant, written without an offset
    r = api_client(personas.street_a).get(f"/api/v1/devices/{device.pk}/series/", {
        "metric": "ch4_lel", "since": local.isoformat(), "until": (local + timedelta(minutes=1)).isoformat()})
    assert r.status_code == 200, r.content
    assert [p["count"] for p in r.json()["points"]] == [6, 6]
