"""Each template downloads as an .xlsx that openpyxl opens: bold Chinese headers on the data sheet, and a
"填写说明" sheet that lists every column, whether it is required, and the allowed values."""
import io

import pytest
from openpyxl import load_workbook

from .helpers import ENTERPRISE_HEADERS, HAZARD_HEADERS, SITE_HEADERS, client_for


@pytest.mark.parametrize(("kind", "headers", "sheet"), [
    ("sites", SITE_HEADERS, "监管对象"), ("enterprises", ENTERPRISE_HEADERS, "企业"),
    ("hazards", HAZARD_HEADERS, "隐患台账")])
def test_a_template_opens_with_its_chinese_headers(personas, kind, headers, sheet):
    response = client_for(personas.office).get(f"/imports/template/{kind}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:2] == [sheet, "填写说明"]
    ws = wb[sheet]
    assert [c.value for c in ws[1]] == headers
    assert all(c.font.bold for c in ws[1])
    assert ws.column_dimensions["A"].width >= 10
    help_text = "\n".join(str(v) for row in wb["填写说明"].iter_rows(values_only=True) for v in row if v)
    for header in headers:
        assert header in help_text
    assert "必填" in help_text and "选填" in help_text


def test_the_instructions_list_the_allowed_values_in_chinese(personas):
    c = client_for(personas.office)
    sites = load_workbook(io.BytesIO(c.get("/imports/template/sites.xlsx").content))["填写说明"]
    text = "\n".join(str(v) for row in sites.iter_rows(values_only=True) for v in row if v)
    assert "餐饮企业" in text and "瓶装液化石油气" in text and "高层建筑" in text
    assert "120116-S01" in text and "塘沽街道" in text          # the jurisdiction code table
    hazards = load_workbook(io.BytesIO(c.get("/imports/template/hazards.xlsx").content))["填写说明"]
    text = "\n".join(str(v) for row in hazards.iter_rows(values_only=True) for v in row if v)
    assert "2024-03-01" in text                                 # the date format
    assert "区城管委" in text and "P2.4.2-05" in text              # aliases of the units; the catalog codes


def test_an_unknown_kind_is_404(personas):
    assert client_for(personas.office).get("/imports/template/cylinders.xlsx").status_code == 404


def test_the_template_and_the_labels_stay_chinese_when_the_page_is_in_english(personas,
                                                                           django_capture_on_commit_callbacks):
    from gasguard.sites.models import Site

    from .helpers import xlsx

    c = client_for(personas.office)
    c.cookies["django_language"] = "en"
    wb = load_workbook(io.BytesIO(c.get("/imports/template/sites.xlsx").content))
    assert [cell.value for cell in wb["监管对象"][1]] == SITE_HEADERS
    assert "餐饮企业" in "\n".join(str(v) for row in wb["填写说明"].iter_rows(values_only=True) for v in row if v)
    with django_capture_on_commit_callbacks(execute=True):  # the import's task runs when the upload commits
        response = c.post("/imports/upload/sites/", {"file": xlsx(SITE_HEADERS, [
            ["英文界面导入的饭店", "餐饮企业", "120116-S01", "", "", "", "瓶装液化石油气"] + [""] * 7])})
    assert response.status_code == 302
    assert Site.objects.get(name="英文界面导入的饭店").fuel == "lpg"
