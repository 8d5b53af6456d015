"""A resident's phone lives in one place, encrypted: after a delivery whose safety check fails, neither the household
site made for the buyer, nor the hazards, nor the rectification notice, nor the audit records, nor the SMS
reminder's outbox row hold the whole number (or the buyer's whole name); they carry the masked forms, and the
customer record is where the number is."""
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from pypdf import PdfReader

from gasguard.audit.models import AuditRecord
from gasguard.cylinders.models import Customer, Cylinder
from gasguard.hazards.models import Hazard
from gasguard.notifications.models import Notification
from gasguard.sites.models import Site
from gasguard.testing import api_client
from gasguard.utilities import clock

from . import helpers

pytestmark = pytest.mark.django_db

PHONE, MASKED = "13900001111", "139****1111"  # helpers.person's


def raw_rows(table) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a table name of ours)
        return " ".join(str(v) for row in cursor.fetchall() for v in row)


@pytest.fixture
def failed_delivery(gas):
    cylinder = helpers.cylinder(gas)
    helpers.fill(gas, cylinder)
    buyer = helpers.person(gas)
    sale = helpers.sell(gas, buyer, [cylinder])
    delivery = helpers.deliver(gas, sale, hose_length_m="3", angle_valve="fail", detector="na", shutoff_valve="na")
    assert delivery.hazards.count() == 2
    return buyer, cylinder, delivery


def test_the_buyers_phone_is_stored_encrypted_and_nowhere_else_after_a_failed_check(gas, failed_delivery):
    buyer, _, delivery = failed_delivery
    buyer = Customer.objects.get(pk=buyer.pk)
    assert buyer.phone_number() == PHONE and buyer.phone_masked == MASKED
    for table in ("cylinders_customer", "sites_site", "hazards_hazard", "audit_auditrecord"):
        assert PHONE not in raw_rows(table), table
    site = Site.objects.get(pk=buyer.site_id)
    assert (site.contact_person, site.contact_phone) == ("张*", MASKED) and "张三" not in site.name
    for hazard in Hazard.objects.filter(site=site):
        assert (hazard.responsible_party, hazard.responsible_person, hazard.responsible_phone) == ("张*", "张*",
                                                                                                   MASKED)
        # and its record says where the number is
        assert f"/cylinders/customers/{buyer.pk}/" in hazard.events.get().note
    # The audit records of the registration, the site, the hazards and the delivery name the buyer by id and masks.
    registered = json.loads(AuditRecord.objects.get(action="cylinders.customer.register",
                                                    object_id=str(buyer.pk)).data)
    assert registered["after"]["phone_masked"] == MASKED and registered["after"]["name"] == "张*"
    assert not AuditRecord.objects.filter(data__contains="张三").exclude(action="cylinders.deliver").exists()


def test_the_rectification_notice_shows_the_masked_phone(gas, failed_delivery):
    _, _, delivery = failed_delivery
    with delivery.notice.open("rb") as f:
        text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(f.read())).pages)
    assert MASKED in text and PHONE not in text


def test_pages_and_the_api_show_the_masked_phone_to_everyone_the_seller_included(gas, personas, failed_delivery):
    buyer, _, delivery = failed_delivery
    hazard = delivery.hazards.first()
    for user in (gas.user, personas.office, personas.street_a):
        for url in (f"/api/v1/cylinders/customers/{buyer.pk}/", "/api/v1/cylinders/customers/",
                    f"/cylinders/customers/{buyer.pk}/"):
            client = api_client(user) if url.startswith("/api/") else _logged_in(client_user=user)
            text = client.get(url).content.decode()
            assert MASKED in text and PHONE not in text, (user, url)
    for url in (f"/api/v1/hazards/{hazard.pk}/", f"/hazards/{hazard.pk}/", "/ledger/export.xlsx"):
        client = api_client(personas.office) if url.startswith("/api/") else _logged_in(personas.office)
        response = client.get(url)
        assert response.status_code == 200 and PHONE not in _text(response), url


@override_settings(MONITORING_WEBHOOK_URL="http://127.0.0.1:9/sms")
def test_the_sms_reminders_outbox_row_keeps_the_phone_sealed(gas, failed_delivery):
    _, cylinder, _ = failed_delivery
    Cylinder.objects.filter(pk=cylinder.pk).update(next_inspection_due=clock.today() + timedelta(days=12))
    call_command("cylinder_reminders", stdout=io.StringIO())
    [sms] = Notification.objects.filter(event="cylinder.reminder")
    assert sms.payload["phone"] == MASKED and PHONE not in json.dumps(sms.payload)
    assert PHONE not in raw_rows(Notification._meta.db_table)


def _logged_in(client_user):
    from django.test import Client
    client = Client()
    client.force_login(client_user)
    return client


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").endswith("spreadsheetml.sheet"):
        import openpyxl
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    return body.decode()
