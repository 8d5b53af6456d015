"""A jurisdiction imports what lies in its own area: a row elsewhere is an error of its cell, and nothing is
imported. Enterprises are registered by the office only (as on the API)."""
from gasguard.imports.models import ImportJob
from gasguard.sites.models import Site
from gasguard.testing import STREET_A_GRID, STREET_B, nothing_changes

from .helpers import HAZARD_HEADERS, SITE_HEADERS, client_for, days, upload, xlsx


def site_row(name, place, **overrides):
    row = [name, "餐饮企业", place, "某路1号", 39.02, 117.65, "瓶装液化石油气", "", 30, "否", "是", "王店长",
           "13700000000", ""]
    return row


def test_a_street_cannot_import_a_site_outside_its_area(personas):
    rows = [site_row("塘沽街道的饭店", STREET_A_GRID), site_row("杭州道的饭店", STREET_B),
            site_row("杭州道的另一家饭店", "杭州道街道")]
    with nothing_changes():
        job = upload(personas.street_a, "sites", xlsx(SITE_HEADERS, rows))
    assert job.state == "failed"
    assert job.error_lines() == ["第3行 C列（属地）：属地“杭州道街道”不在您的管辖范围（塘沽街道）内",
                                 "第4行 C列（属地）：属地“杭州道街道”不在您的管辖范围（塘沽街道）内"]
    assert not Site.objects.filter(name="塘沽街道的饭店").exists()

    # Its own area alone imports; the office imports anywhere.
    job = upload(personas.street_a, "sites", xlsx(SITE_HEADERS, rows[:1]))
    assert (job.state, job.created_count) == ("done", 1)
    job = upload(personas.office, "sites", xlsx(SITE_HEADERS, rows))
    assert (job.state, job.created_count, job.existing_count) == ("done", 2, 1)


def test_a_street_cannot_import_a_hazard_of_a_site_outside_its_area(personas):
    site_b = personas.site_b  # in 杭州道街道
    row = [site_b.name, site_b.address, site_b.enterprise.credit_code, "软管过长", "一般", "", "区市场监管局", "王整改",
           "", days(10), days(-1), ""]
    with nothing_changes():
        job = upload(personas.street_a, "hazards", xlsx(HAZARD_HEADERS, [row]))
    assert job.state == "failed"
    assert job.error_lines()[0].startswith(f"第2行 A列（隐患所在对象名称）：未找到名称为“{site_b.name}”")
    assert "不在您的管辖范围内" in job.error_lines()[0]
    # The street it belongs to may.
    job = upload(personas.street_b, "hazards", xlsx(HAZARD_HEADERS, [row]))
    assert (job.state, job.created_count) == ("done", 1)


def test_a_street_may_not_import_enterprises(personas):
    client = client_for(personas.street_a)
    assert client.get("/imports/template/enterprises.xlsx").status_code == 403
    response = client.post("/imports/upload/enterprises/", {"file": xlsx(["企业名称"], [["x"]])})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    page = client.get("/imports/").content.decode()
    assert "/imports/upload/sites/" in page and "/imports/upload/hazards/" in page
    assert "/imports/upload/enterprises/" not in page
