"""A cylinder followed through fill → sale → delivery with a failed hose check → return shows up as one trace, with
the hazard in the ledger routed like any other (the fire brigade leads for a restaurant in 塘沽) and a written
rectification notice generated and kept."""
import hashlib

import pytest

from gasguard import testing
from gasguard.audit.models import AuditRecord
from gasguard.cylinders import services, trace
from gasguard.hazards.choices import Source
from gasguard.sites.models import Site

from . import helpers

pytestmark = pytest.mark.django_db


def test_the_whole_life_of_one_cylinder_in_order(gas, personas):
    cyl = helpers.cylinder(gas)
    filling = helpers.fill(gas, cyl)
    restaurant = helpers.business(gas, personas.site_a)
    sale = helpers.sell(gas, restaurant, [cyl])
    delivery = helpers.deliver(gas, sale, hose_length_m="2.6")
    services.record_return(code=cyl.code, by=gas.user)

    hazard = delivery.hazards.get()
    assert hazard.source == Source.DELIVERY_CHECK and hazard.site == personas.site_a
    assert hazard.item.code == testing.HOSE
    assert hazard.lead_unit.name == "滨海新区消防救援支队"
    assert "区商务和投促局" in {d.name for d in hazard.co_units.all()}
    assert "2.6m" in hazard.description and sale.number in hazard.description
    assert hazard.enterprise == personas.site_a.enterprise and hazard.jurisdiction == personas.site_a.jurisdiction
    assert hazard.responsible_person == personas.site_a.contact_person
    # It is in the ledger like any other: the fire brigade and the street see it.
    from gasguard.hazards.models import Hazard
    assert Hazard.objects.visible_to(personas.fire).filter(pk=hazard.pk).exists()
    assert Hazard.objects.visible_to(personas.street_a).filter(pk=hazard.pk).exists()

    pdf = delivery.notice.read()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == delivery.notice_sha256
    assert AuditRecord.objects.filter(action="cylinders.deliver", object_id=str(delivery.pk)).exists()

    events = trace.cylinder_trace(cyl, personas.office)
    assert [e["kind"] for e in events] == ["registration", "gate_check", "filling", "sale", "delivery", "return"]
    assert events[2]["net_weight_kg"] == "14.50" and filling.net_weight_kg == 14.5
    assert events[4]["hazards"][0]["number"] == hazard.number and events[4]["notice"]


def test_a_household_without_a_site_gets_one_and_an_unrouted_failure_goes_to_the_gas_authority(gas):
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    household = helpers.person(gas)
    sale = helpers.sell(gas, household, [cyl])
    delivery = helpers.deliver(gas, sale, hose_length_m="3", angle_valve="fail", detector="na", shutoff_valve="na")
    household.refresh_from_db()
    assert household.site.site_type == "household" and delivery.site == household.site
    assert Site.objects.get(pk=household.site_id).jurisdiction.code == testing.STREET_A_GRID
    hazards = list(delivery.hazards.order_by("id"))
    assert len(hazards) == 2 and delivery.failed_count == 2
    # The catalog's hose item is for restaurants: for a household the gas authority leads.
    assert {h.lead_unit.name for h in hazards} == {"区城市管理委"}
    assert all(h.responsible_person == "张*" for h in hazards)


def test_a_passed_check_makes_no_hazard_and_no_notice(gas, personas):
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    sale = helpers.sell(gas, helpers.business(gas, personas.site_a), [cyl])
    delivery = helpers.deliver(gas, sale)
    assert delivery.failed_count == 0 and not delivery.hazards.exists() and not delivery.notice


def test_an_adjustable_regulator_in_a_restaurant_is_a_market_supervision_hazard(gas, personas):
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    sale = helpers.sell(gas, helpers.business(gas, personas.site_a), [cyl])
    hazard = helpers.deliver(gas, sale, regulator_fixed_outlet="fail").hazards.get()
    assert hazard.item.code == "P2.4.3-02" and hazard.lead_unit.name == "区市场监管局"


def test_an_incomplete_checklist_is_refused(gas, personas):
    from django.core.exceptions import ValidationError

    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    sale = helpers.sell(gas, helpers.business(gas, personas.site_a), [cyl])
    answers = helpers.all_pass()
    del answers["hose_through_wall"]
    with pytest.raises(ValidationError) as exc:
        services.deliver(sale=sale, answers=answers, acknowledged_by="王整改", by=gas.user)
    assert "穿越墙体" in str(exc.value)


def test_the_other_way_round_what_a_customer_received_and_what_a_station_filled(gas):
    a, b = helpers.cylinder(gas), helpers.cylinder(gas)
    helpers.fill(gas, a)
    helpers.fill(gas, b)
    buyer = helpers.person(gas)
    helpers.sell(gas, buyer, [a, b])
    assert {i.cylinder for i in trace.received_by(buyer, gas.user)} == {a, b}
    assert {f.cylinder for f in trace.filled_at_station(gas.station)} == {a, b}


def test_what_a_courier_delivered(gas, rival):
    from gasguard.testing import api_client

    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    sale = helpers.sell(gas, helpers.person(gas), [cyl])
    helpers.deliver(gas, sale, detector="na", shutoff_valve="na")
    rows = api_client(gas.user).get(f"/api/v1/cylinders/workers/{gas.courier.pk}/deliveries/").json()
    assert [r["codes"] for r in rows] == [[cyl.code]] and rows[0]["sale"] == sale.number
    assert api_client(rival.user).get(f"/api/v1/cylinders/workers/{gas.courier.pk}/deliveries/").status_code == 404
