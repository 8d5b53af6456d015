"""A real-name sale is refused, with every reason: 50 kg bottles (气液双相 named as such) to catering, a seller without a valid gas business
licence, a buyer with an overdue delivery-check hazard, an uncertified delivery person (and unfit or unfilled
cylinders, bad codes)."""
from datetime import timedelta

import pytest

from gasguard import testing
from gasguard.cylinders import codes, services
from gasguard.cylinders.models import Sale
from gasguard.hazards.models import Hazard
from gasguard.sites.models import Licence
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db


def refused(co, customer, cylinders, **kw):
    with pytest.raises(services.Refused) as exc:
        helpers.sell(co, customer, cylinders, **kw)
    return exc.value.codes


def filled(co, **kw):
    cyl = helpers.cylinder(co, **kw)
    helpers.fill(co, cyl, weight=str(cyl.nominal_fill_kg))
    return cyl


def test_a_filled_cylinder_is_sold_to_a_registered_buyer(gas):
    cyl = filled(gas)
    buyer = helpers.person(gas)
    sale = helpers.sell(gas, buyer, [cyl])
    assert sale.number.startswith("XS") and list(sale.cylinders.all()) == [cyl]
    assert sale.jurisdiction == buyer.jurisdiction


def test_a_50kg_double_phase_cylinder_is_not_sold_to_a_restaurant_or_canteen(gas, personas):
    banned = filled(gas, model="YSP118-II")
    restaurant = helpers.business(gas, personas.site_a)
    assert refused(gas, restaurant, [banned]) == ["double_phase_to_catering"]
    canteen = helpers.business(gas, testing.make_site(testing.STREET_A_GRID, "canteen"), name="某单位食堂")
    assert refused(gas, canteen, [banned]) == ["double_phase_to_catering"]
    # Nor, under the plan's rule (二(一)2), its single-valve replacements; a 15 kg bottle is fine, and the 50 kg
    # types may still go to a household.
    assert refused(gas, restaurant, [filled(gas, model="YSP118/49.5")]) == ["fifty_kg_to_catering"]
    assert helpers.sell(gas, restaurant, [filled(gas, model="YSP35.5")])
    assert helpers.sell(gas, helpers.person(gas), [banned])


@pytest.mark.parametrize("problem", ["missing", "expired", "revoked"])
def test_a_seller_without_a_valid_gas_business_licence_cannot_sell(gas, problem):
    cyl, buyer = filled(gas), helpers.person(gas)
    licences = Licence.objects.filter(enterprise=gas.enterprise, kind="gas_business")
    {"missing": lambda: licences.delete(), "expired": lambda: licences.update(valid_until=helpers.past(1)),
     "revoked": lambda: licences.update(revoked=True)}[problem]()
    assert refused(gas, buyer, [cyl]) == ["no_gas_business_licence"]


def test_a_buyer_with_a_delivery_check_hazard_past_its_deadline_gets_no_more_gas(gas, personas):
    restaurant = helpers.business(gas, personas.site_a)
    first = helpers.sell(gas, restaurant, [filled(gas)])
    delivery = helpers.deliver(gas, first, hose_length_m="2.6")
    hazard = delivery.hazards.get()
    assert helpers.sell(gas, restaurant, [filled(gas)])  # within its deadline: supply goes on
    Hazard.objects.filter(pk=hazard.pk).update(deadline=clock.today() - timedelta(days=1))
    assert refused(gas, restaurant, [filled(gas)]) == ["buyer_overdue_hazard"]


def test_a_delivery_person_without_a_valid_training_certificate_cannot_be_sent(gas, rival):
    cyl, buyer = filled(gas), helpers.person(gas)
    gas.courier.certificate_valid_until = helpers.past(1)
    gas.courier.save()
    assert refused(gas, buyer, [cyl]) == ["courier_not_certified"]
    assert refused(gas, buyer, [cyl], courier=rival.courier) == ["courier_not_certified"]
    assert refused(gas, buyer, [cyl], courier=gas.operator) == ["courier_not_certified"]


def test_bad_codes_and_unfit_or_unfilled_cylinders_are_refused_each_with_its_reason(gas, rival, personas):
    buyer = helpers.person(gas)
    unfilled = helpers.cylinder(gas)
    seized = filled(gas)
    services.change_status(seized, to_status="seized", reason="测试", by=personas.office)
    theirs = filled(rival)
    bad = type("C", (), {"code": unfilled.code[:-1] + ("0" if unfilled.code[-1] != "0" else "1")})()
    unknown = type("C", (), {"code": codes.make_code("BH8888888888")})()
    assert refused(gas, buyer, [unfilled, seized, theirs, bad, unknown]) == [
        "not_filled", "cylinder_unfit", "not_sellers", "invalid_code", "unknown_code"]


def test_a_cylinder_out_with_a_customer_is_not_sold_again_before_it_is_returned_and_refilled(gas):
    cyl, buyer = filled(gas), helpers.person(gas)
    helpers.sell(gas, buyer, [cyl])
    assert refused(gas, buyer, [cyl]) == ["already_out"]
    services.record_return(code=cyl.code, by=gas.user)
    assert refused(gas, buyer, [cyl]) == ["not_filled"]
    helpers.fill(gas, cyl)
    assert helpers.sell(gas, buyer, [cyl])


def test_every_reason_at_once_and_nothing_is_recorded(gas, personas):
    banned = filled(gas, model="YSP118-II")
    restaurant = helpers.business(gas, personas.site_a)
    Licence.objects.filter(enterprise=gas.enterprise, kind="gas_business").update(revoked=True)
    gas.courier.certificate_valid_until = helpers.past(1)
    gas.courier.save()
    before = Sale.objects.count()
    assert set(refused(gas, restaurant, [banned])) == {"no_gas_business_licence", "double_phase_to_catering",
                                                         "courier_not_certified"}
    assert Sale.objects.count() == before
