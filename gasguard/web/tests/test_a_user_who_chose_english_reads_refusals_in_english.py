"""Refusals are in the language the user chose: with English chosen, a ledger verb's refusal, an inspection's
validation and an import's cell error (row and column) read in English; without a choice they stay Chinese."""
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from gasguard.hazards import services
from gasguard.imports.models import ImportJob
from gasguard.testing import (
    HOSE,
    STREET_A_GRID,
    inspect,
    nothing_changes,
    register_hazard,
    submit_for_verification,
)


def refusal(call):
    with nothing_changes(), pytest.raises(ValidationError) as info:
        call()
    return info.value.message_dict


def test_the_rectifier_who_verifies_their_own_work_is_refused_in_english(personas):
    hazard = submit_for_verification(register_hazard(personas.site_a, personas.inspector), personas.street_a)
    with translation.override("en"):
        errors = refusal(lambda: services.verify(hazard, by=personas.street_a, passed=True))
    assert errors["verified_by"] == [
        "The verifier cannot be the person who rectified it (whoever rectifies does not verify)"]
    errors = refusal(lambda: services.verify(hazard, by=personas.street_a, passed=True))
    assert errors["verified_by"] == ["验收人不能是整改人本人（谁整改、谁不验收）"]


def test_a_step_the_hazards_state_does_not_allow_is_refused_in_english(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    with translation.override("en"):
        errors = refusal(lambda: services.verify(hazard, by=personas.office, passed=True))
    assert errors["state"][0].startswith("The hazard is \"") and "is not possible" in errors["state"][0]


def test_an_inspectors_non_numeric_measurement_is_refused_in_english(personas):
    with translation.override("en"):
        errors = refusal(lambda: inspect(personas.site_a, personas.inspector, {HOSE: {"measured_value": "两米"}}))
    (messages,) = (v for k, v in errors.items() if k.startswith("items["))
    assert messages == [f'The measured value "两米" of checklist item "{HOSE}" is not a number']


def test_an_import_names_the_bad_cell_in_english(personas, django_capture_on_commit_callbacks):
    from gasguard.imports.tests.helpers import SITE_HEADERS, xlsx

    client = Client()
    client.force_login(personas.office)
    client.cookies["django_language"] = "en"
    row = ["英文界面的饭店", "餐饮企业", STREET_A_GRID, "路1号", "北纬39", 117.6] + [""] * 8
    with nothing_changes(), django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/upload/sites/", {"file": xlsx(SITE_HEADERS, [row])})
    assert response.status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.state == "failed"
    with translation.override("en"):
        assert job.error_lines() == ['Row 2, column E (纬度): "北纬39" is not a number']
    page = client.get(f"/imports/{job.pk}/").content.decode()
    assert "Row 2, column E (纬度): &quot;北纬39&quot; is not a number" in page
