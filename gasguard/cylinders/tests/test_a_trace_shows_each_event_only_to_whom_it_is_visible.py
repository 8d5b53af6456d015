"""A cylinder sold once in 塘沽街道 and once in 杭州道街道: each street reads its own sale in the trace (page and
API) and only a placeholder for the other's, without the other buyer's name, address or hazard; a department reads
every sale but only the hazards routed to it; the owner reads its own records but not a restaurant's hazard."""
import pytest
from django.test import Client

from gasguard import testing
from gasguard.cylinders import services, trace
from gasguard.cylinders.choices import CustomerKind
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def travelled(gas, personas):
    """Filled in 塘沽 (the station), sold to 张三 in 塘沽, returned, sold to 李四 in 杭州道 with a failed check there."""
    cyl = helpers.cylinder(gas)
    helpers.fill(gas, cyl)
    helpers.sell(gas, helpers.person(gas, name="张三"), [cyl])
    services.record_return(code=cyl.code, by=gas.user)
    helpers.fill(gas, cyl)
    far = services.register_customer(enterprise=gas.enterprise, kind=CustomerKind.PERSON, name="李四远",
                                     phone="13911112222", address="杭州道远方小区9-9-909", by=gas.user,
                                     jurisdiction=testing.jurisdiction(testing.STREET_B_GRID),
                                     id_number=helpers.id_number())
    sale = helpers.sell(gas, far, [cyl])
    delivery = helpers.deliver(gas, sale, hose_length_m="2.6")
    return cyl, sale, delivery.hazards.get()


def kinds(events, *, hidden):
    return [e["kind"] for e in events if bool(e.get("hidden")) == hidden]


def test_street_a_reads_its_sale_and_a_placeholder_for_street_bs(travelled, personas):
    cyl, sale, hazard = travelled
    events = trace.cylinder_trace(cyl, personas.street_a)
    assert kinds(events, hidden=True) == ["sale", "delivery"]
    assert [e["customer"] for e in events if e["kind"] == "sale" and not e.get("hidden")] == ["张三"]
    body = api_client(personas.street_a).get(f"/api/v1/cylinders/{cyl.code}/trace/")
    page = Client()
    page.force_login(personas.street_a)
    html = page.get(f"/cylinders/{cyl.code}/")
    for response in (body, html):
        assert response.status_code == 200
        text = response.content.decode()
        assert "张三" in text and str(trace.OTHER_AREA) in text
        for secret in ("李四远", "杭州道远方小区", sale.number, hazard.number, f"deliveries/{sale.delivery.pk}/"):
            assert secret not in text, secret


def test_street_b_reads_its_sale_and_hazard_but_not_street_as(travelled, personas):
    cyl, sale, hazard = travelled
    events = trace.cylinder_trace(cyl, personas.street_b)
    # the fillings at 塘沽's station, 塘沽's sale and its return are not 杭州道's
    assert kinds(events, hidden=True) == ["gate_check", "filling", "sale", "return", "gate_check", "filling"]
    delivery = next(e for e in events if e["kind"] == "delivery")
    assert delivery["hazards"][0]["number"] == hazard.number
    text = api_client(personas.street_b).get(f"/api/v1/cylinders/{cyl.code}/trace/").content.decode()
    assert "李四远" in text and "张三" not in text and "塘沽某小区" not in text


def test_a_department_reads_every_sale_but_only_the_hazards_routed_to_it(travelled, personas):
    cyl, sale, hazard = travelled
    lead = testing.make_user("department", department_name=hazard.lead_unit.name)
    involved = {hazard.lead_unit_id, *hazard.co_units.values_list("pk", flat=True)}
    other = next(u for u in (personas.market, personas.fire) if u.department_id not in involved)
    for user, sees in ((lead, True), (other, False)):
        events = trace.cylinder_trace(cyl, user)
        assert kinds(events, hidden=True) == []
        (h,) = next(e for e in events if e["kind"] == "delivery")["hazards"]
        assert (h.get("number") == hazard.number) is sees and bool(h.get("hidden")) is not sees


def test_the_owner_reads_its_records_but_not_the_households_hazard(travelled, gas, personas):
    cyl, sale, hazard = travelled
    events = trace.cylinder_trace(cyl, gas.user)
    assert kinds(events, hidden=True) == []
    (h,) = next(e for e in events if e["kind"] == "delivery")["hazards"]
    assert h == {"hidden": True, "title": trace.OTHER_AREA}
    assert hazard.number not in api_client(gas.user).get(f"/api/v1/cylinders/{cyl.code}/trace/").content.decode()


def test_the_rectification_notice_is_read_by_its_issuer_and_those_who_see_its_hazards(travelled, gas, personas):
    cyl, sale, hazard = travelled
    url = f"/api/v1/cylinders/deliveries/{sale.delivery.pk}/notice.pdf"
    lead = testing.make_user("department", department_name=hazard.lead_unit.name)
    involved = {hazard.lead_unit_id, *hazard.co_units.values_list("pk", flat=True)}
    other = next(u for u in (personas.market, personas.fire) if u.department_id not in involved)
    for user, status in ((gas.user, 200), (personas.street_b, 200), (lead, 200), (other, 404),
                         (personas.street_a, 404)):
        assert api_client(user).get(url).status_code == status, user
    # the trace offers the notice only to those who may open it
    for user, offered in ((gas.user, True), (lead, True), (other, False)):
        delivery = next(e for e in trace.cylinder_trace(cyl, user) if e["kind"] == "delivery")
        assert delivery["notice"] is offered and "seller_id" not in delivery


def test_a_sale_in_the_street_to_a_buyer_of_another_names_the_place_not_the_buyer(gas, personas):
    from django.test import Client

    cylinder = helpers.cylinder(gas)
    helpers.fill(gas, cylinder)
    buyer = helpers.person(gas, name="塘沽外用王五")   # of 塘沽, uses the gas at 杭州道's restaurant
    sale = helpers.sell(gas, buyer, [cylinder], site=personas.site_b)
    street_b = api_client(personas.street_b)
    for body in (street_b.get(f"/api/v1/cylinders/sales/{sale.pk}/").json(),
                 next(r for r in street_b.get("/api/v1/cylinders/sales/").json()["results"] if r["id"] == sale.pk)):
        assert body["customer"] is None and body["customer_name"] == str(trace.OTHER_AREA)
    (event,) = [e for e in trace.cylinder_trace(cylinder, personas.street_b) if e["kind"] == "sale"]
    assert event["customer"] == str(trace.OTHER_AREA) and event["customer_id"] is None
    assert event["usage_site"] == personas.site_b.name
    # the seller and 塘沽 read the buyer; 塘沽's page of the buyer does not list a sale of 杭州道's
    assert api_client(gas.user).get(f"/api/v1/cylinders/sales/{sale.pk}/").json()["customer_name"] == "塘沽外用王五"
    assert api_client(personas.street_a).get(f"/api/v1/cylinders/customers/{buyer.pk}/received/").json() == []
    # and the courier's form is the seller's alone
    page = Client()
    page.force_login(personas.street_b)
    assert page.get(f"/cylinders/sales/{sale.pk}/deliver/").status_code == 404
