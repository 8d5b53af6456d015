"""Buyers' phones encrypted (with their lookup hash and masked form), and the copies scrubbed: a household site made
for a buyer and the delivery-check hazards at the buyer's places held the buyer's name and phone in clear; they now
hold the masked forms. Audit records are not rewritten (the chain must still verify): those written before keep the
snapshots they hold; new ones carry the masked forms only."""
from django.db import migrations

from gasguard.utilities import pii

PERSON = "person"


def forward(apps, schema_editor):
    Customer = apps.get_model("cylinders", "Customer")
    Delivery = apps.get_model("cylinders", "Delivery")
    Site = apps.get_model("sites", "Site")
    Hazard = apps.get_model("hazards", "Hazard")
    batch = []
    for customer in Customer.objects.exclude(phone="").order_by("pk").iterator(chunk_size=1000):
        phone, masked = customer.phone, pii.mask_phone(customer.phone)
        name = pii.mask_name(customer.name) if customer.kind == PERSON else customer.name
        customer.phone_encrypted, customer.phone_hash = pii.encrypt(phone), pii.lookup_hash(phone)
        customer.phone_masked, customer.phone = masked, ""
        batch.append(customer)
        sites = set(Delivery.objects.filter(sale__customer=customer).values_list("site_id", flat=True))
        if customer.site_id:
            sites.add(customer.site_id)
            household = Site.objects.filter(pk=customer.site_id, site_type="household")
            household.filter(contact_phone=phone).update(contact_phone=masked)
            household.filter(contact_person=customer.name).update(contact_person=name)
        at_sites = Hazard.objects.filter(site_id__in=sites)
        at_sites.filter(responsible_phone=phone).update(responsible_phone=masked)
        at_sites.filter(responsible_party=customer.name).update(responsible_party=name)
        at_sites.filter(responsible_person=customer.name).update(responsible_person=name)
        if len(batch) >= 1000:
            Customer.objects.bulk_update(batch, ["phone_encrypted", "phone_hash", "phone_masked", "phone"])
            batch = []
    Customer.objects.bulk_update(batch, ["phone_encrypted", "phone_hash", "phone_masked", "phone"])


def backward(apps, schema_editor):
    # The phones come back from their ciphertexts; the scrubbed copies stay masked.
    Customer = apps.get_model("cylinders", "Customer")
    batch = []
    for customer in Customer.objects.exclude(phone_encrypted="").iterator(chunk_size=1000):
        customer.phone = pii.decrypt(customer.phone_encrypted)
        batch.append(customer)
    Customer.objects.bulk_update(batch, ["phone"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('cylinders', '0006_customer_phone_encrypted'),
        ('hazards', '0003_tally_and_list_indexes'),
        ('sites', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
