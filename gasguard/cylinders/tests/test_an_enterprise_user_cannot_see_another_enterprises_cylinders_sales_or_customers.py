"""An enterprise sees its own cylinders, sales, customers and station records only (404 otherwise); the office sees
all; a street sees what was sold in its area."""
import pytest

from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(gas, rival):
    ours, theirs = helpers.cylinder(gas), helpers.cylinder(rival)
    helpers.fill(gas, ours)
    helpers.fill(rival, theirs)
    our_buyer = helpers.person(gas)
    their_buyer = helpers.person(rival, jurisdiction_code="120116-S03-C1-G1", name="李四")
    return {"ours": ours, "theirs": theirs, "our_buyer": our_buyer, "their_buyer": their_buyer,
            "our_sale": helpers.sell(gas, our_buyer, [ours]), "their_sale": helpers.sell(rival, their_buyer, [theirs])}


def ids(response):
    assert response.status_code == 200, response.content
    body = response.json()
    return {row["id"] for row in (body["results"] if isinstance(body, dict) else body)}


def test_an_enterprise_gets_404_for_everything_of_another(gas, rival, world):
    client = api_client(gas.user)
    theirs, their_sale, their_buyer = world["theirs"], world["their_sale"], world["their_buyer"]
    for url in (f"/api/v1/cylinders/{theirs.code}/", f"/api/v1/cylinders/{theirs.code}/trace/",
                f"/api/v1/cylinders/sales/{their_sale.pk}/", f"/api/v1/cylinders/customers/{their_buyer.pk}/",
                f"/api/v1/cylinders/customers/{their_buyer.pk}/received/",
                f"/api/v1/cylinders/stations/{rival.station.pk}/filled/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/api/v1/cylinders/{theirs.code}/status/", {"status": "scrapped", "reason": "x"},
                       format="json").status_code == 404
    assert client.post(f"/api/v1/cylinders/sales/{their_sale.pk}/delivery/",
                       {"answers": helpers.all_pass(), "acknowledged_by": "x"}, format="json").status_code == 404
    assert ids(client.get("/api/v1/cylinders/")) == {world["ours"].pk}
    assert ids(client.get("/api/v1/cylinders/sales/")) == {world["our_sale"].pk}
    assert ids(client.get("/api/v1/cylinders/customers/")) == {world["our_buyer"].pk}
    assert {r["station"] for r in client.get("/api/v1/cylinders/fillings/").json()["results"]} == {gas.station.pk}


def test_an_enterprise_cannot_check_at_another_companys_station(gas, rival, world):
    response = api_client(gas.user).post("/api/v1/cylinders/gate-check/",
                                         {"code": world["theirs"].code, "station": rival.station.pk}, format="json")
    assert response.status_code == 404


def test_the_office_sees_all_and_a_street_sees_what_was_sold_in_its_area(personas, world):
    office = api_client(personas.office)
    assert {world["ours"].pk, world["theirs"].pk} <= ids(office.get("/api/v1/cylinders/"))
    assert {world["our_sale"].pk, world["their_sale"].pk} <= ids(office.get("/api/v1/cylinders/sales/"))
    street_b = api_client(personas.street_b)
    assert ids(street_b.get("/api/v1/cylinders/sales/")) == {world["their_sale"].pk}
    assert ids(street_b.get("/api/v1/cylinders/")) == {world["theirs"].pk}
    assert ids(street_b.get("/api/v1/cylinders/customers/")) == {world["their_buyer"].pk}
    assert street_b.get(f"/api/v1/cylinders/{world['ours'].code}/trace/").status_code == 404
    assert street_b.get(f"/api/v1/cylinders/{world['theirs'].code}/trace/").status_code == 200
    assert api_client(personas.street_a).get(f"/api/v1/cylinders/sales/{world['their_sale'].pk}/").status_code == 404
