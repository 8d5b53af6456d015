"""A buyer's resident ID number is checked by its GB 11643 check digit, stored encrypted (the raw database value
does not contain it), shown masked everywhere, and shown whole only to the office, each view recorded."""
import pytest
from django.db import connection

from gasguard.audit.models import AuditRecord
from gasguard.cylinders.models import Customer
from gasguard.testing import api_client

from . import helpers

pytestmark = pytest.mark.django_db

NUMBER = helpers.id_number(4321)  # 120107 + a birth date + 123 + check digit


def register(client, number=NUMBER):
    return client.post("/api/v1/cylinders/customers/", {
        "kind": "person", "name": "王五", "phone": "13912345678", "address": "塘沽某小区1-1-101",
        "jurisdiction": "120116-S01-C1-G1", "id_number": number}, format="json")


def test_the_number_is_encrypted_at_rest_and_masked_in_the_api(gas, personas):
    response = register(api_client(gas.user))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["id_number"] == NUMBER[:3] + "*" * 11 + NUMBER[-4:]
    assert NUMBER not in response.content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cylinders_customer WHERE id = %s", [body["id"]])
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert NUMBER not in raw and NUMBER[6:14] not in raw
    customer = Customer.objects.get(pk=body["id"])
    assert customer.id_number() == NUMBER
    for url in (f"/api/v1/cylinders/customers/{customer.pk}/", "/api/v1/cylinders/customers/"):
        for user in (gas.user, personas.office, personas.street_a):
            text = api_client(user).get(url).content.decode()
            assert NUMBER not in text and customer.id_number_masked in text
    # Audit records of the registration hold no number either.
    assert not AuditRecord.objects.filter(data__contains=NUMBER).exists()


def test_a_wrong_check_digit_is_refused(gas):
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    response = register(api_client(gas.user), wrong)
    assert response.status_code == 400 and "校验位" in response.json()["id_number"][0]
    assert not Customer.objects.exists()


def test_only_the_office_sees_the_whole_number_and_each_view_is_recorded(gas, personas):
    customer = Customer.objects.get(pk=register(api_client(gas.user)).json()["id"])
    url = f"/api/v1/cylinders/customers/{customer.pk}/reveal-id/"
    reason = {"reason": "核查实名登记"}
    assert api_client(gas.user).post(url, reason, format="json").status_code == 403
    assert api_client(personas.street_a).post(url, reason, format="json").status_code == 403
    response = api_client(personas.office).post(url, reason, format="json")
    assert response.status_code == 200 and response.json()["id_number"] == NUMBER
    views = AuditRecord.objects.filter(action="cylinders.customer.reveal", object_id=str(customer.pk))
    assert views.count() == 1 and views.get().actor == personas.office
    assert NUMBER not in views.get().data


def test_the_same_person_registered_twice_is_one_customer(gas):
    client = api_client(gas.user)
    assert register(client).json()["id"] == register(client).json()["id"]
