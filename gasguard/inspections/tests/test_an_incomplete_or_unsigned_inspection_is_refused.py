"""An inspection must answer the whole checklist, with numbers where the rule has one, signed by the inspector's
own name, at a site the inspector may see. A refused inspection records nothing at all."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gasguard.testing import HOSE, inspect, nothing_changes


def refused(call):
    with nothing_changes(), pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def test_a_missing_checklist_item_is_refused(personas):
    errors = refused(lambda: inspect(personas.site_a, personas.inspector, {HOSE: None}))
    assert HOSE in errors["items"][0]


def test_a_signature_that_is_not_the_inspectors_name_is_refused(personas):
    errors = refused(lambda: inspect(personas.site_a, personas.inspector, signature="张冒名"))
    assert personas.inspector.display_name in errors["signature"][0]


def test_a_non_numeric_measured_value_is_refused(personas):
    errors = refused(lambda: inspect(personas.site_a, personas.inspector, {HOSE: {"measured_value": "两米"}}))
    (key, messages), = ((k, v) for k, v in errors.items() if k.startswith("items["))
    assert "两米" in messages[0] and "不是数字" in messages[0]


def test_a_measured_item_without_a_value_is_refused(personas):
    errors = refused(lambda: inspect(personas.site_a, personas.inspector, {HOSE: {"measured_value": None}}))
    assert any(HOSE in m for k, v in errors.items() if k.startswith("items[") for m in v)


def test_an_item_from_another_checklist_is_refused(personas):
    from gasguard.inspections.services import ItemAnswer, record_inspection
    from gasguard.testing import ENTERPRISE_ONLY, item_answers

    answers = item_answers(personas.site_a) + [ItemAnswer(code=ENTERPRISE_ONLY, result="pass")]
    errors = refused(lambda: record_inspection(site=personas.site_a, by=personas.inspector, answers=answers,
                                               signature=personas.inspector.display_name))
    assert any(ENTERPRISE_ONLY in m for v in errors.values() for m in v)


def test_a_hazard_needs_someone_responsible(personas):
    from gasguard.testing import make_site

    site = make_site(contact_person="")
    errors = refused(lambda: inspect(site, personas.inspector, {HOSE: {"measured_value": "2.5"}}))
    assert "responsible_person" in errors


def test_a_site_outside_the_inspectors_area_is_refused(personas):
    with nothing_changes(), pytest.raises(PermissionDenied):
        inspect(personas.site_b, personas.inspector)


def test_an_enterprise_may_only_record_a_self_inspection(personas):
    errors = refused(lambda: inspect(personas.site_a, personas.enterprise))
    assert "kind" in errors
    inspection, _ = inspect(personas.site_a, personas.enterprise, kind="self")
    assert inspection.kind == "self"
