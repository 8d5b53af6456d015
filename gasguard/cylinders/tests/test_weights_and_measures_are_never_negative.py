"""Kilograms and metres are positive: a filling of -5 kg (or NaN, or ∞), a cylinder registered with a nominal fill of
-15 kg, a delivery check measuring -300 kg of gas stored or a -1 m hose, a site storing -50 kg are refused with the
field named, and nothing is recorded."""
import pytest
from django.core.exceptions import ValidationError

from gasguard.cylinders.models import Cylinder, Delivery, Filling
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("weight", ["-5", "0", "NaN", "Infinity", "abc"])
def test_a_filling_weight_must_be_above_zero(gas, weight):
    cyl = helpers.cylinder(gas)
    with pytest.raises(ValidationError) as refused:
        helpers.fill(gas, cyl, weight=weight)
    assert "充装净重" in refused.value.message_dict["net_weight_kg"][0]
    assert not Filling.objects.exists()


@pytest.mark.parametrize("kg", ["-15", "0", "NaN"])
def test_a_nominal_fill_must_be_above_zero(gas, kg):
    with pytest.raises(ValidationError) as refused:
        helpers.cylinder(gas, nominal_fill_kg=kg)
    assert "公称充装量" in refused.value.message_dict["nominal_fill_kg"][0]
    assert not Cylinder.objects.exists()


def test_the_api_refuses_a_negative_nominal_fill(gas):
    r = api_client(gas.user).post("/api/v1/cylinders/", {
        "maker": "天津某钢瓶厂", "maker_serial": "SN-NEG", "manufactured_on": helpers.past(30).isoformat(),
        "model": "YSP35.5", "nominal_fill_kg": "-15"}, format="json")
    assert r.status_code == 400 and "nominal_fill_kg" in r.json()
    assert not Cylinder.objects.exists()


@pytest.mark.parametrize(("key", "value"), [("stored_kg", "-300"), ("hose_length_m", "-1"), ("stored_kg", "NaN")])
def test_a_delivery_check_measure_is_never_negative(gas, personas, key, value):
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    sale = helpers.sell(gas, helpers.business(gas, personas.site_a), [cyl])
    with pytest.raises(ValidationError) as refused:
        helpers.deliver(gas, sale, **{key: value})
    assert "不小于0" in refused.value.message_dict[key][0]
    assert not Delivery.objects.exists()


def test_a_site_does_not_store_negative_gas(personas):
    r = api_client(personas.office).patch(f"/api/v1/sites/{personas.site_a.pk}/", {"lpg_stored_kg": "-50"},
                                          format="json")
    assert r.status_code == 400 and "lpg_stored_kg" in r.json()
