"""Every refusal of a ledger verb names what is wrong (ValidationError.message_dict key) and leaves the ledger as
it was: the hazard's row, its timeline and the audit trail."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gasguard.hazards import services
from gasguard.testing import (
    close_hazard,
    nothing_changes,
    png_upload,
    register_hazard,
    submit_for_verification,
)
from gasguard.utilities import clock


def yesterday():
    return clock.today() - timedelta(days=1)


def refused(field, call, hazard=None):
    with nothing_changes(hazard), pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value.message_dict
    return info.value.message_dict[field]


def test_register_refuses_a_past_deadline(personas):
    messages = refused("deadline", lambda: register_hazard(personas.site_a, personas.inspector, deadline=yesterday()))
    assert "早于今天" in messages[0]


def test_register_refuses_a_hazard_without_a_responsible_person(personas):
    refused("responsible_person",
            lambda: register_hazard(personas.site_a, personas.inspector, responsible_person=" "))


def test_control_refuses_a_past_deadline(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    refused("deadline", lambda: services.control(hazard, measures="停用", deadline=yesterday(), by=personas.street_a),
            hazard)


def test_control_refuses_empty_measures(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    refused("measures", lambda: services.control(hazard, measures=" ", deadline=clock.today(), by=personas.street_a),
            hazard)


def test_submit_refuses_without_a_photo(personas):
    hazard = services.start_rectification(register_hazard(personas.site_a, personas.inspector), by=personas.enterprise)
    refused("photos", lambda: services.submit(hazard, by=personas.enterprise, note="已整改", photos=[]), hazard)


def test_the_rectifier_may_not_verify_their_own_work(personas):
    hazard = submit_for_verification(register_hazard(personas.site_a, personas.inspector), personas.street_a)
    refused("verified_by", lambda: services.verify(hazard, by=personas.street_a, passed=True), hazard)


def test_the_responsible_user_may_not_verify_either(personas):
    hazard = register_hazard(personas.site_a, personas.inspector, responsible_user=personas.inspector)
    hazard = submit_for_verification(hazard, personas.enterprise)
    refused("verified_by", lambda: services.verify(hazard, by=personas.inspector, passed=True), hazard)


def test_a_failed_verification_needs_a_reason(personas):
    hazard = submit_for_verification(register_hazard(personas.site_a, personas.inspector), personas.enterprise)
    refused("note", lambda: services.verify(hazard, by=personas.street_a, passed=False, note=""), hazard)


def test_an_open_hazard_cannot_be_verified(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    refused("state", lambda: services.verify(hazard, by=personas.street_a, passed=True), hazard)


def test_a_closed_hazard_cannot_be_started_controlled_submitted_or_reassigned(personas):
    hazard = close_hazard(register_hazard(personas.site_a, personas.inspector), personas.enterprise, personas.street_a)
    later = clock.today() + timedelta(days=5)
    refused("state", lambda: services.start_rectification(hazard, by=personas.enterprise), hazard)
    refused("state", lambda: services.control(hazard, measures="停用", deadline=later, by=personas.street_a), hazard)
    refused("state", lambda: services.submit(hazard, by=personas.enterprise, note="x", photos=[png_upload()]), hazard)
    refused("state", lambda: services.reassign(hazard, by=personas.street_a, responsible_person="李四"), hazard)
    refused("state", lambda: services.verify(hazard, by=personas.office, passed=True), hazard)


def test_an_open_hazard_cannot_be_submitted_before_rectification_starts(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    refused("state", lambda: services.submit(hazard, by=personas.enterprise, note="x", photos=[png_upload()]), hazard)


def test_reassign_needs_a_person(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    refused("responsible_person", lambda: services.reassign(hazard, by=personas.street_a, responsible_person=""),
            hazard)


def test_an_enterprise_may_not_verify_even_its_own_hazard(personas):
    hazard = submit_for_verification(register_hazard(personas.site_a, personas.inspector), personas.street_a)
    with nothing_changes(hazard), pytest.raises(PermissionDenied):
        services.verify(hazard, by=personas.enterprise, passed=True)


def test_nobody_acts_on_a_hazard_outside_their_scope(personas):
    hazard = submit_for_verification(register_hazard(personas.site_a, personas.inspector), personas.enterprise)
    for user in (personas.street_b, personas.outsider, personas.market):
        with nothing_changes(hazard), pytest.raises(PermissionDenied):
            services.verify(hazard, by=user, passed=True)
        with nothing_changes(hazard), pytest.raises(PermissionDenied):
            services.reassign(hazard, by=user, responsible_person="张三")
