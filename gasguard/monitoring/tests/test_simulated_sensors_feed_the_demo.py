"""`gasguard load_demo_devices` puts sensors on the demo sites (once); `gasguard simulate-sensors` feeds them with
realistic readings and a leak injected at a chosen device raises its alarm."""
import pytest
from django.core.management import call_command

from gasguard import testing
from gasguard.monitoring.models import Alarm, Device, Reading


@pytest.mark.django_db
def test_demo_devices_and_a_simulated_leak():
    for site_type in ("pipeline_segment", "restaurant", "regulator_station"):
        testing.make_site(site_type=site_type, fuel="pipeline_gas", lat=39.02, lon=117.65)
    call_command("load_demo_devices")
    assert Device.objects.count() == 3 + 1 + 2
    call_command("load_demo_devices")
    assert Device.objects.count() == 6
    leaky = Device.objects.get(kind="valve_well")
    call_command("simulate-sensors", "--direct", "--rounds", "2", "--interval", "0", "--backfill-minutes", "10",
                 "--dropout", "0", "--leak", f"{leaky.code}:240")
    assert Reading.objects.filter(device_id=leaky.pk).count() >= 20
    assert set(Reading.objects.values_list("metric", flat=True)) >= {"ch4_lel", "pressure_mpa", "flow_m3h",
                                                                      "battery"}
    assert Alarm.objects.filter(device=leaky, alarm_type="ch4_level2").count() == 1
    assert not Alarm.objects.exclude(device=leaky).filter(alarm_type__startswith="ch4").exists()
    assert set(Device.objects.exclude(pk=leaky.pk).values_list("state", flat=True)) == {"online"}
