"""Whoever must call a buyer sees the whole phone number on asking, with a reason: the seller, the street of the
buyer's area and the office (the ID number: the office only). A street of another area does not find the customer
(404); a member department may not (403); no reason is a 400 naming it; more than PII_REVEALS_PER_HOUR reveals in an
hour is a 429; each reveal is an audit record with the reason and the masked value, never the value."""
import json

import pytest
from django.test import Client, override_settings

from gasguard.audit.models import AuditRecord
from gasguard.cylinders import services
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db

PHONE, MASKED = "13900001111", "139****1111"
REASON = "整改隐患需电话联系用户"


@pytest.fixture
def buyer(gas):
    return helpers.person(gas)


def reveal(user, buyer, field="phone", reason=REASON):
    body = {"field": field} | ({"reason": reason} if reason is not None else {})
    return api_client(user).post(f"/api/v1/cylinders/customers/{buyer.pk}/reveal/", body, format="json")


def test_the_seller_the_street_and_the_office_see_the_phone_with_a_reason(gas, personas, buyer):
    for user in (gas.user, personas.street_a, personas.office):
        response = reveal(user, buyer)
        assert response.status_code == 200 and response.json() == {"id": buyer.pk, "phone": PHONE}, user
    records = AuditRecord.objects.filter(action="cylinders.customer.reveal", object_id=str(buyer.pk))
    assert records.count() == 3
    for record in records:
        data = json.loads(record.data)
        assert data["extra"] == {"field": "phone", "reason": REASON, "masked": MASKED}
        assert PHONE not in record.data


def test_a_street_of_another_area_does_not_find_the_customer_and_a_department_may_not(gas, personas, buyer, rival):
    assert reveal(personas.street_b, buyer).status_code == 404
    assert reveal(rival.user, buyer).status_code == 404
    assert reveal(personas.market, buyer).status_code == 403
    # the ID number: the office only
    assert reveal(gas.user, buyer, "id_number").status_code == 403
    assert reveal(personas.street_a, buyer, "id_number").status_code == 403
    assert reveal(personas.office, buyer, "id_number").json()["id_number"] == buyer.id_number()
    assert AuditRecord.objects.filter(action="cylinders.customer.reveal").count() == 1


def test_a_reveal_without_a_reason_is_refused_naming_the_reason(gas, buyer):
    for reason in (None, "", "   "):
        response = reveal(gas.user, buyer, reason=reason)
        assert response.status_code == 400 and "reason" in response.json(), reason
    with pytest.raises(Exception, match="请填写查看原因"):
        services.reveal(buyer, "phone", "  ", by=gas.user)
    assert reveal(gas.user, buyer, field="address").status_code == 400
    assert not AuditRecord.objects.filter(action="cylinders.customer.reveal").exists()


@override_settings(PII_REVEALS_PER_HOUR=3)
def test_a_user_may_reveal_only_so_many_numbers_an_hour(gas, personas, buyer):
    assert [reveal(gas.user, buyer).status_code for _ in range(4)] == [200, 200, 200, 429]
    refused = reveal(gas.user, buyer)
    assert refused.status_code == 429 and "3 次上限" in refused.json()["detail"]
    assert AuditRecord.objects.filter(action="cylinders.customer.reveal").count() == 3
    assert reveal(personas.office, buyer).status_code == 200  # per user


def test_the_customer_page_shows_masks_and_reveals_with_a_reason(gas, personas, buyer):
    client = Client()
    client.force_login(gas.user)
    url = f"/cylinders/customers/{buyer.pk}/"
    page = client.get(url).content.decode()
    assert MASKED in page and PHONE not in page and buyer.id_number_masked in page and 'name="reason"' in page
    assert 'value="id_number"' not in page  # the seller may not see the ID number whole
    refused = client.post(url, {"field": "phone", "reason": ""})
    assert refused.status_code == 400 and "请填写查看原因" in refused.content.decode()
    shown = client.post(url, {"field": "phone", "reason": REASON})
    assert shown.status_code == 200 and PHONE in shown.content.decode()
    street_b = Client()
    street_b.force_login(personas.street_b)
    assert street_b.post(url, {"field": "phone", "reason": REASON}).status_code == 404
    assert AuditRecord.objects.filter(action="cylinders.customer.reveal").count() == 1


def test_the_seller_finds_a_customer_by_the_whole_phone_number_and_sees_it_masked(gas, personas, buyer):
    url = f"/api/v1/cylinders/customers/?phone={PHONE}"
    found = api_client(gas.user).get(url).json()["results"]
    assert [c["id"] for c in found] == [buyer.pk] and found[0]["phone"] == MASKED
    assert api_client(gas.user).get("/api/v1/cylinders/customers/?phone=13900002222").json()["results"] == []
    assert api_client(personas.street_b).get(url).json()["results"] == []
