"""The office and the jurisdictions import; anyone else is refused, and an anonymous visitor is sent to log in."""
import pytest

from gasguard.imports.models import ImportJob

from .helpers import SITE_HEADERS, client_for, upload, xlsx


def test_an_anonymous_visitor_is_sent_to_log_in(client, personas):
    for url in ["/imports/", "/imports/template/sites.xlsx", "/imports/1/", "/imports/1/status.json"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    response = client.post("/imports/upload/sites/", {"file": xlsx(SITE_HEADERS, [])})
    assert response.status_code == 302 and not ImportJob.objects.exists()


@pytest.mark.parametrize("persona", ["enterprise", "market", "fire", "inspector"])
def test_others_get_403(personas, persona):
    c = client_for(getattr(personas, persona))
    assert c.get("/imports/").status_code == 403
    assert c.get("/imports/template/sites.xlsx").status_code == 403
    assert c.post("/imports/upload/sites/", {"file": xlsx(SITE_HEADERS, [])}).status_code == 403
    assert not ImportJob.objects.exists()


def test_the_office_and_a_street_see_the_index_and_the_nav_link(personas):
    for user in (personas.office, personas.street_a):
        page = client_for(user).get("/imports/")
        assert page.status_code == 200
        assert 'href="/imports/"' in page.content.decode()


def test_a_job_is_seen_by_its_own_user_only(personas):
    row = ["塘沽的饭店", "restaurant", "120116-S01", "", "", "", "", "", "", "", "", "", "", ""]
    job = upload(personas.street_a, "sites", xlsx(SITE_HEADERS, [row]))
    assert client_for(personas.street_a).get(f"/imports/{job.pk}/status.json").json()["state"] == "done"
    assert client_for(personas.office).get(f"/imports/{job.pk}/").status_code == 404
    assert client_for(personas.street_b).get(f"/imports/{job.pk}/status.json").status_code == 404


def test_an_upload_that_is_not_an_xlsx_is_refused_on_the_form(personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(personas.office).post(
        "/imports/upload/sites/", {"file": SimpleUploadedFile("sites.csv", "名称,类型\n".encode())})
    assert response.status_code == 400
    assert ".xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()
