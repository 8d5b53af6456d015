"""An installation from before phones were encrypted: migration 0007 encrypts every buyer's phone (found again by
its hash, shown masked) and replaces the copies on the household site made for the buyer and on the hazards at the
buyer's places with the masked forms. A hazard elsewhere with the same number (not a copy) keeps it; the audit
chain is not rewritten and still verifies."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gasguard import testing
from gasguard.audit import services as audit
from gasguard.hazards.models import Hazard
from gasguard.sites.models import Site
from gasguard.utilities import pii

from . import helpers

BEFORE = [("cylinders", "0006_customer_phone_encrypted")]
PHONE, MASKED = "13900001111", "139****1111"


@pytest.mark.django_db(transaction=True)
def test_stored_phones_are_encrypted_and_their_copies_masked():
    gas = helpers.gas_company("滨海燃气有限公司")
    cylinder = helpers.cylinder(gas)
    helpers.fill(gas, cylinder)
    buyer = helpers.person(gas)
    delivery = helpers.deliver(gas, helpers.sell(gas, buyer, [cylinder]), angle_valve="fail")
    buyer.refresh_from_db()
    elsewhere = testing.register_hazard(testing.make_site(), gas.user, responsible_person="张三",
                                        responsible_phone=PHONE)
    executor = MigrationExecutor(connection)
    leaf = executor.loader.graph.leaf_nodes("cylinders")
    executor.migrate(BEFORE)
    try:
        # As the former code left them: the phone in clear on the customer, copied whole onto the site and hazard.
        old = executor.loader.project_state(BEFORE).apps.get_model("cylinders", "Customer")
        old.objects.filter(pk=buyer.pk).update(phone=PHONE, phone_encrypted="", phone_hash="", phone_masked="")
        Site.objects.filter(pk=buyer.site_id).update(contact_person="张三", contact_phone=PHONE)
        delivery.hazards.update(responsible_party="张三", responsible_person="张三", responsible_phone=PHONE)
        head = audit.verify()

        executor = MigrationExecutor(connection)
        executor.migrate(leaf)
        with connection.cursor() as cursor:
            cursor.execute("SELECT phone_encrypted, phone_hash, phone_masked FROM cylinders_customer WHERE id = %s",
                           [buyer.pk])
            encrypted, digest, masked = cursor.fetchone()
        assert pii.decrypt(encrypted) == PHONE and digest in pii.lookup_hashes(PHONE) and masked == MASKED
        site = Site.objects.get(pk=buyer.site_id)
        assert (site.contact_person, site.contact_phone) == ("张*", MASKED)
        assert set(delivery.hazards.values_list("responsible_party", "responsible_person", "responsible_phone")) \
            == {("张*", "张*", MASKED)}
        assert Hazard.objects.get(pk=elsewhere.pk).responsible_phone == PHONE  # not the buyer's record
        result = audit.verify()
        assert result.ok and result.checked == head.checked
    finally:
        MigrationExecutor(connection).migrate(leaf)
