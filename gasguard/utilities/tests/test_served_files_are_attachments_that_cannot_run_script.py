"""Every stored file goes back as a download that cannot run in the platform's origin: Content-Disposition
attachment, X-Content-Type-Options nosniff, Content-Security-Policy sandbox with nothing allowed, and a content type
from the bytes (never from a name). A file stored before uploads were checked — here an HTML page — is served as
application/octet-stream. The media folder itself is reachable by no address; access checks stay as they were."""
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import Resolver404, resolve

from gasguard import settings as configured
from gasguard.cylinders.tests import helpers as cylinders
from gasguard.inspections.models import Photo
from gasguard.reports.models import ReportRun, RunState
from gasguard.testing import api_client, inspect, png_upload

pytestmark = pytest.mark.django_db


def assert_safe_download(response, content_type):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Type"] == content_type


@pytest.fixture
def photo(personas):
    inspection, _ = inspect(personas.site_a, personas.inspector, photos=[png_upload("valve.png")])
    return inspection.photos.get()


def test_an_evidence_photo_is_an_attachment_in_the_browser_and_through_the_api(client, personas, photo):
    client.force_login(personas.street_a)
    response = client.get(f"/photos/{photo.pk}/")
    assert_safe_download(response, "image/png")
    assert f'filename="photo-{photo.pk}.png"' in response["Content-Disposition"]
    assert_safe_download(api_client(personas.inspector).get(f"/photos/{photo.pk}/"), "image/png")
    # Who may see it is unchanged: another street and an anonymous visitor do not.
    client.force_login(personas.street_b)
    assert client.get(f"/photos/{photo.pk}/").status_code == 404
    assert Client().get(f"/photos/{photo.pk}/").status_code == 302


def test_an_html_page_stored_before_uploads_were_checked_is_served_as_bytes(client, personas, photo):
    kept = Photo.objects.create(file=ContentFile(b"<html><script>alert(1)</script></html>", name="photo.jpg"),
                                sha256="0" * 64, inspection=photo.inspection, uploaded_by=personas.inspector)
    client.force_login(personas.inspector)
    response = client.get(f"/photos/{kept.pk}/")
    assert_safe_download(response, "application/octet-stream")
    assert f'filename="photo-{kept.pk}.bin"' in response["Content-Disposition"]


def test_the_rectification_notice_is_an_attachment(personas):
    gas = cylinders.gas_company("滨海燃气有限公司")
    cyl = cylinders.cylinder(gas)
    cylinders.fill(gas, cyl)
    sale = cylinders.sell(gas, cylinders.business(gas, personas.site_a), [cyl])
    delivery = cylinders.deliver(gas, sale, hose_length_m="2.6")
    url = f"/api/v1/cylinders/deliveries/{delivery.pk}/notice.pdf"
    assert_safe_download(api_client(gas.user).get(url), "application/pdf")
    assert api_client(personas.outsider).get(url).status_code == 404


def test_the_district_report_and_its_default_template_are_attachments(client, personas):
    run = ReportRun.objects.create(month="2024-05", state=RunState.DONE, requested_by=personas.office)
    run.pdf.save("report.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    client.force_login(personas.office)
    assert_safe_download(client.get(f"/reports/runs/{run.pk}/pdf/"), "application/pdf")
    assert_safe_download(client.get("/reports/templates/default.docx"),
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    client.force_login(personas.street_a)
    assert client.get(f"/reports/runs/{run.pk}/pdf/").status_code == 403


def test_the_media_folder_has_no_address(client, personas, photo):
    client.force_login(personas.office)
    for url in (f"/media/{photo.file.name}", f"/static/../media/{photo.file.name}", f"/static/{photo.file.name}"):
        assert client.get(url).status_code == 404, url
    with pytest.raises(Resolver404):
        resolve(f"/media/{photo.file.name}")
    # WhiteNoise serves the collected static folder only: the media folder is neither it nor inside it.
    media, static = configured.MEDIA_ROOT.resolve(), configured.STATIC_ROOT.resolve()
    assert media != static and static not in media.parents and media not in static.parents
    assert not hasattr(configured, "WHITENOISE_ROOT")
