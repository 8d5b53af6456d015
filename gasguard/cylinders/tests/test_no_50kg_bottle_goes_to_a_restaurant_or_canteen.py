"""Plan 二(一)2: a bottled-LPG company may not supply ANY 50 kg bottle to a restaurant or a works canteen as cooking
fuel. Every type of the 50 kg class is refused to a catering buyer, with a reason naming the model and the clause;
the 气液双相 YSP118-II keeps its own reason. A district that only bans 气液双相 says so in CYLINDER_CATERING_BAN."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from gasguard import testing
from gasguard.cylinders import services
from gasguard.cylinders.models import Cylinder, Sale
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db

FIFTY_KG = ["YSP118", "YSP118/49.5", "YSP118/液/49.5"]


def filled(co, **kw):
    cyl = helpers.cylinder(co, **kw)
    helpers.fill(co, cyl, weight=str(cyl.nominal_fill_kg))
    return cyl


def refusal(co, customer, cylinders, **kw):
    with pytest.raises(services.Refused) as exc:
        helpers.sell(co, customer, cylinders, **kw)
    return exc.value.reasons


@pytest.fixture
def canteen(gas):
    site = testing.make_site(testing.STREET_A_GRID, "canteen", name="某机关单位食堂")
    return helpers.business(gas, site, name="某机关单位食堂")


@pytest.mark.parametrize("model", FIFTY_KG)
def test_every_50kg_type_is_refused_to_a_restaurant_and_a_canteen_naming_the_model_and_the_clause(
        gas, personas, canteen, model):
    restaurant = helpers.business(gas, personas.site_a)
    for buyer in (restaurant, canteen):
        cyl = filled(gas, model=model)
        (reason,) = refusal(gas, buyer, [cyl])
        code, message = reason
        assert code == "fifty_kg_to_catering"
        assert model in message and cyl.code in message and "二（一）2" in message
        assert buyer.site.name in message
    assert not Sale.objects.filter(customer__in=[restaurant, canteen]).exists()


def test_the_double_phase_type_keeps_its_own_reason(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    (reason,) = refusal(gas, restaurant, [filled(gas, model="YSP118-II")])
    assert reason[0] == "double_phase_to_catering"
    assert "气液双相" in str(reason[1]) and "YSP118-II" in str(reason[1]) and "二（四）3" in str(reason[1])


def test_a_mixed_order_names_each_50kg_bottle_and_lets_nothing_through(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    small, gas_phase, double = filled(gas), filled(gas, model="YSP118/49.5"), filled(gas, model="YSP118-II")
    reasons = refusal(gas, restaurant, [small, gas_phase, double])
    assert [c for c, _ in reasons] == ["fifty_kg_to_catering", "double_phase_to_catering"]
    assert gas_phase.code in str(reasons[0][1]) and double.code in str(reasons[1][1])
    assert not Sale.objects.filter(customer=restaurant).exists()


def test_smaller_bottles_still_go_to_catering_and_50kg_ones_to_households(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    assert helpers.sell(gas, restaurant, [filled(gas, model="YSP35.5"), filled(gas, model="YSP26.2")])
    assert helpers.sell(gas, helpers.person(gas), [filled(gas, model=m) for m in FIFTY_KG + ["YSP118-II"]])


def test_the_50kg_class_is_told_by_model_or_by_a_nominal_fill_of_49_5kg_or_more():
    assert all(services.is_fifty_kg(Cylinder(model=m, nominal_fill_kg=49.5)) for m in FIFTY_KG + ["YSP118-II"])
    assert services.is_fifty_kg(Cylinder(model="YSP35.5", nominal_fill_kg=49.5))
    assert not services.is_fifty_kg(Cylinder(model="YSP35.5", nominal_fill_kg=14.5))


def test_a_district_that_bans_only_double_phase_lets_the_single_valve_types_through(gas, personas, settings):
    settings.CYLINDER_CATERING_BAN = "double_phase"
    restaurant = helpers.business(gas, personas.site_a)
    assert helpers.sell(gas, restaurant, [filled(gas, model=m) for m in FIFTY_KG])
    assert [c for c, _ in refusal(gas, restaurant, [filled(gas, model="YSP118-II")])] == ["double_phase_to_catering"]


def test_a_mistyped_setting_is_an_error_naming_it_not_a_lifted_ban(gas, personas, settings):
    settings.CYLINDER_CATERING_BAN = "50kg"
    restaurant = helpers.business(gas, personas.site_a)
    with pytest.raises(ImproperlyConfigured, match="CYLINDER_CATERING_BAN"):
        helpers.sell(gas, restaurant, [filled(gas)])


def test_the_api_answers_400_with_the_reason(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    cyl = filled(gas, model="YSP118/液/49.5")
    response = api_client(gas.user).post("/api/v1/cylinders/sales/", {
        "customer": restaurant.pk, "codes": [cyl.code], "courier": gas.courier.pk,
        "safety_checker": gas.checker.pk}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["allowed"] is False
    assert [r["code"] for r in body["reasons"]] == ["fifty_kg_to_catering"]
    assert "YSP118/液/49.5" in body["reasons"][0]["message"]
