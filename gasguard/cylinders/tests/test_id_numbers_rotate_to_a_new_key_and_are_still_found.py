"""Buyers' ID numbers are encrypted with PII_KEYS (newest first), never with a key derived from SECRET_KEY. A new key
put in front still reads and finds the numbers stored under the old one; `gasguard pii rotate` moves every number to
the new key (all or nothing), after which the old key can go. The former scheme's secret (CYLINDER_PII_KEY) is read
as the oldest key, so an installation can rotate away from it."""
import base64
import hashlib

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.test import override_settings

from gasguard import testing
from gasguard.audit.models import AuditRecord
from gasguard.cylinders import services
from gasguard.cylinders.choices import CustomerKind
from gasguard.cylinders.models import Customer
from gasguard.utilities import pii

from . import helpers

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def register(gas, n):
    return services.register_customer(
        enterprise=gas.enterprise, kind=CustomerKind.PERSON, name=f"用户{n}", phone="13912345678",
        address="塘沽某小区1-1-101", by=gas.user, jurisdiction=testing.jurisdiction("120116-S01-C1-G1"),
        id_number=helpers.id_number(5000 + n))


def test_the_key_is_not_derived_from_the_secret_key(settings):
    legacy = Fernet(base64.urlsafe_b64encode(hashlib.sha256(
        ("gasguard.cylinders.pii:" + settings.SECRET_KEY).encode()).digest()))
    token = pii.encrypt("120107199001011234")
    with pytest.raises(InvalidToken):
        legacy.decrypt(token.encode())
    assert Fernet(settings.PII_KEYS[0]).decrypt(token.encode()) == b"120107199001011234"


def test_a_new_key_reads_and_finds_the_old_numbers_and_rotate_moves_them(gas):
    with override_settings(PII_KEYS=[OLD]):
        people = [register(gas, n) for n in range(5)]
    with override_settings(PII_KEYS=[NEW, OLD]):
        # still readable and found: registering the same number again is the same customer
        assert [Customer.objects.get(pk=p.pk).id_number() for p in people] == [helpers.id_number(5000 + n)
                                                                               for n in range(5)]
        assert register(gas, 3).pk == people[3].pk
        newcomer = register(gas, 9)
        call_command("pii", "rotate", "--batch-size", "2")
    assert AuditRecord.objects.filter(action="cylinders.pii.rotate").count() == 1
    with override_settings(PII_KEYS=[NEW]):  # the old key is gone
        for n, person in [*enumerate(people), (9, newcomer)]:
            person = Customer.objects.get(pk=person.pk)
            assert person.id_number() == helpers.id_number(5000 + n)
            assert person.id_number_hash == pii.lookup_hash(helpers.id_number(5000 + n))
            # the phones too: rotation walks every registered encrypted column
            assert person.phone_number() == "13912345678" and person.phone_hash == pii.lookup_hash("13912345678")
        assert register(gas, 3).pk == people[3].pk
        assert Customer.objects.count() == 6


def test_rotation_without_the_key_of_one_number_changes_nothing(gas):
    with override_settings(PII_KEYS=[OLD]):
        first = register(gas, 1)
    with override_settings(PII_KEYS=[NEW]):
        second = register(gas, 2)
    before = list(Customer.objects.order_by("pk").values_list("id_number_encrypted", "id_number_hash"))
    with override_settings(PII_KEYS=[NEW]), pytest.raises(CommandError, match=f"#{first.pk}"):
        call_command("pii", "rotate", "--batch-size", "1")
    assert list(Customer.objects.order_by("pk").values_list("id_number_encrypted", "id_number_hash")) == before
    assert second.pk and not AuditRecord.objects.filter(action="cylinders.pii.rotate").exists()


def test_the_former_schemes_secret_is_read_as_the_oldest_key_until_rotated(gas):
    with override_settings(PII_KEYS=[], CYLINDER_PII_KEY="the-old-secret-key"):
        old = register(gas, 1)
        # the former scheme's exact value: Fernet and HMAC keyed by sha256("gasguard.cylinders.pii:" + secret)
        material = hashlib.sha256(b"gasguard.cylinders.pii:the-old-secret-key").digest()
        assert Fernet(base64.urlsafe_b64encode(material)).decrypt(old.id_number_encrypted.encode()).decode() \
            == helpers.id_number(5001)
    with override_settings(PII_KEYS=[NEW], CYLINDER_PII_KEY="the-old-secret-key"):
        assert register(gas, 1).pk == old.pk
        call_command("pii", "rotate")
    with override_settings(PII_KEYS=[NEW], CYLINDER_PII_KEY=""):
        assert Customer.objects.get(pk=old.pk).id_number() == helpers.id_number(5001)
        assert register(gas, 1).pk == old.pk
