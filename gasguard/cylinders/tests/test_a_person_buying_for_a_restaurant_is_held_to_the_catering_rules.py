"""A sale names where the gas is used, for a person too (an individual running a small restaurant): when that site is
a restaurant or canteen, no 50 kg bottle goes there; the delivery's safety check is that site's (with the catering
points), its hazards are that site's, and an overdue one there stops the supply. The API keeps its old fields."""
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from gasguard import testing
from gasguard.cylinders import services
from gasguard.cylinders.models import Sale
from gasguard.hazards.models import Hazard
from gasguard.sites.models import Site
from gasguard.testing import api_client
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def filled(co, **kw):
    cyl = helpers.cylinder(co, **kw)
    helpers.fill(co, cyl, weight=str(cyl.nominal_fill_kg))
    return cyl


@pytest.fixture
def eatery():
    """A small restaurant in 杭州道街道 run by an individual (no enterprise of its own on the platform)."""
    return testing.make_site(testing.STREET_B_GRID, "restaurant", name="小李面馆", address="杭州道某路8号")


def test_a_person_naming_a_restaurant_is_refused_a_50kg_bottle(gas, eatery):
    owner = helpers.person(gas, name="李四")
    big = filled(gas, model="YSP118/49.5")
    with pytest.raises(services.Refused) as exc:
        helpers.sell(gas, owner, [big], site=eatery)
    assert exc.value.codes == ["fifty_kg_to_catering"] and "小李面馆" in str(exc.value.reasons[0][1])
    with pytest.raises(services.Refused) as exc:
        helpers.sell(gas, owner, [filled(gas, model="YSP118-II")], site=eatery.pk)  # by its id too
    assert exc.value.codes == ["double_phase_to_catering"]
    # For the home, the same person may have it.
    assert helpers.sell(gas, owner, [big]).site is None


def test_the_sale_and_its_safety_check_follow_the_named_site(gas, eatery):
    owner = helpers.person(gas, name="李四")
    cylinder = filled(gas)
    sale = helpers.sell(gas, owner, [cylinder], site=eatery)
    assert (sale.site, sale.jurisdiction, sale.usage_address) == (eatery, eatery.jurisdiction, "杭州道某路8号")
    # The cylinder's trace says where it went.
    from gasguard.cylinders.trace import cylinder_trace
    assert [e["usage_site"] for e in cylinder_trace(cylinder, gas.user) if e["kind"] == "sale"] == [eatery.name]
    # The catering-only point (no adjustable-outlet regulator) is asked, and its failure is the restaurant's hazard.
    answers = helpers.all_pass(regulator_fixed_outlet="fail")
    delivery = services.deliver(sale=sale, answers=answers, acknowledged_by="李四", by=gas.user)
    assert delivery.site == eatery
    hazard = delivery.hazards.get()
    assert hazard.site == eatery and hazard.responsible_person == "李*"
    owner.refresh_from_db()
    assert owner.site is None  # no household site was made up for the person
    with pytest.raises(ValidationError) as exc:
        services.deliver(sale=helpers.sell(gas, owner, [filled(gas)], site=eatery),
                         answers={k: v for k, v in answers.items() if k != "regulator_fixed_outlet"},
                         acknowledged_by="李四", by=gas.user)
    assert "不可调节出口压力" in str(exc.value)


def test_an_overdue_hazard_at_the_named_site_stops_the_supply(gas, eatery):
    owner = helpers.person(gas, name="李四")
    delivery = helpers.deliver(gas, helpers.sell(gas, owner, [filled(gas)], site=eatery), hose_length_m="2.5")
    Hazard.objects.filter(pk=delivery.hazards.get().pk).update(deadline=clock.today() - timedelta(days=1))
    with pytest.raises(services.Refused) as exc:
        helpers.sell(gas, owner, [filled(gas)], site=eatery)
    assert exc.value.codes == ["buyer_overdue_hazard"]
    # Another buyer supplying the same restaurant is stopped too: the hazard is the place's.
    with pytest.raises(services.Refused):
        helpers.sell(gas, helpers.person(gas, name="王五"), [filled(gas)], site=eatery)


def test_a_catering_business_cannot_lift_the_ban_by_naming_another_place(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    home = testing.make_site(testing.STREET_A_GRID, "household", name="某居民家")
    with pytest.raises(services.Refused) as exc:
        helpers.sell(gas, restaurant, [filled(gas, model="YSP118")], site=home)
    assert exc.value.codes == ["fifty_kg_to_catering"]


def test_a_site_that_is_not_a_gas_using_place_or_does_not_exist_is_refused_naming_the_field(gas, rival):
    owner, cyl = helpers.person(gas), filled(gas)
    for site in (rival.station, 987654):
        with pytest.raises(ValidationError) as exc:
            helpers.sell(gas, owner, [cyl], site=site)
        assert list(exc.value.message_dict) == ["site"]
    # The message names the number, not another company's place.
    assert rival.station.name not in str(exc.value)
    assert not Sale.objects.exists()


def test_the_api_takes_the_site_and_keeps_its_old_fields(gas, eatery):
    owner = helpers.person(gas, name="李四")
    client = api_client(gas.user)
    body = {"customer": owner.pk, "courier": gas.courier.pk, "safety_checker": gas.checker.pk}
    refused = client.post("/api/v1/cylinders/sales/", {**body, "codes": [filled(gas, model="YSP118/49.5").code],
                                                      "site": eatery.pk}, format="json")
    assert refused.status_code == 400 and refused.json()["reasons"][0]["code"] == "fifty_kg_to_catering"
    sold = client.post("/api/v1/cylinders/sales/", {**body, "codes": [filled(gas).code], "site": eatery.pk},
                       format="json")
    assert sold.status_code == 201 and sold.json()["site"] == eatery.pk
    assert sold.json()["usage_address"] == "杭州道某路8号"
    # A client that knows nothing of the site sends what it always sent.
    old = client.post("/api/v1/cylinders/sales/", {**body, "codes": [filled(gas).code], "usage_address": "家里"},
                      format="json")
    assert old.status_code == 201 and old.json()["site"] is None and old.json()["usage_address"] == "家里"
    bad = client.post("/api/v1/cylinders/sales/", {**body, "codes": [filled(gas).code], "site": 987654},
                      format="json")
    assert bad.status_code == 400 and "site" in bad.json()


def test_the_sale_page_takes_the_site_and_the_phone_page_asks_the_catering_points(gas, eatery, client):
    owner = helpers.person(gas, name="李四")
    client.force_login(gas.user)
    form = {"customer": owner.pk, "courier": gas.courier.pk, "safety_checker": gas.checker.pk}
    refused = client.post("/cylinders/sell/", {**form, "codes": filled(gas, model="YSP118/49.5").code,
                                                "site_number": str(eatery.pk)})
    assert refused.status_code == 400 and "50公斤" in refused.content.decode()
    typo = client.post("/cylinders/sell/", {**form, "codes": filled(gas).code, "site_number": "小李面馆"})
    assert typo.status_code == 400 and "用气场所编号" in typo.content.decode()
    response = client.post("/cylinders/sell/", {**form, "codes": filled(gas).code, "site_number": str(eatery.pk)})
    assert response.status_code == 302
    sale = Sale.objects.get(site=eatery)
    page = client.get(response.url).content.decode()
    assert "小李面馆" in page and 'name="regulator_fixed_outlet"' in page
    # The seller now knows the restaurant: it is offered in the list next time.
    assert f'<option value="{eatery.pk}"' in client.get("/cylinders/sell/").content.decode()
    assert Site.objects.filter(site_type="household").count() == 0 and sale.customer.site is None
