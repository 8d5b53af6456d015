"""An import workbook and a report template are taken for what they contain, not for their name: an .xlsx is a zip
from its first byte whose main part is a workbook (not a macro-enabled one), a .docx one whose main part is a Word
document. An HTML page, a zip glued after a page, a Word file named .xlsx, an .xlsm renamed — each is refused with
a Chinese message naming the field and the file, on the import page, the cylinders' import API and the report
template form, and nothing is stored."""
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gasguard.imports.models import ImportJob
from gasguard.imports.tests.helpers import SITE_HEADERS, xlsx
from gasguard.reports.models import ReportTemplate
from gasguard.reports.word import DEFAULT_TEMPLATE
from gasguard.testing import api_client

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def workbook_bytes() -> bytes:
    return xlsx(SITE_HEADERS, []).read()


def with_main_type(data: bytes, old: bytes, new: bytes) -> bytes:
    """The same package with its [Content_Types].xml saying `new` where it said `old`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info, body.replace(old, new) if info.filename == "[Content_Types].xml" else body)
    return out.getvalue()


NOT_WORKBOOKS = {
    "an HTML page": HTML,
    "a zip glued after a page": HTML + workbook_bytes(),
    "a Word document": DEFAULT_TEMPLATE.read_bytes(),
    "a macro-enabled workbook": with_main_type(workbook_bytes(), b"spreadsheetml.sheet.main+xml",
                                               b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
}


@pytest.mark.parametrize("content", NOT_WORKBOOKS.values(), ids=NOT_WORKBOOKS.keys())
def test_the_import_page_refuses_what_is_not_a_workbook(client, personas, content):
    client.force_login(personas.office)
    response = client.post("/imports/upload/sites/",
                           {"file": SimpleUploadedFile("监管对象.xlsx", content, content_type=
                                                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert response.status_code == 400
    assert "Excel 文件“监管对象.xlsx”不是 Excel（.xlsx）文件（按文件内容判断，与文件名无关）" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("content", NOT_WORKBOOKS.values(), ids=NOT_WORKBOOKS.keys())
def test_the_cylinders_import_api_refuses_what_is_not_a_workbook(content):
    from gasguard.cylinders.models import Cylinder
    from gasguard.cylinders.tests import helpers as cylinders

    gas = cylinders.gas_company("滨海燃气有限公司")
    response = api_client(gas.user).post("/api/v1/cylinders/import/",
                                         {"file": SimpleUploadedFile("气瓶.xlsx", content)}, format="multipart")
    assert response.status_code == 400
    assert response.json()["file"] == ["气瓶导入文件“气瓶.xlsx”不是 Excel（.xlsx）文件（按文件内容判断，与文件名无关）"]
    assert not Cylinder.objects.exists()


NOT_WORD = {
    "an HTML page": HTML,
    "a workbook": workbook_bytes(),
    "a macro-enabled document": with_main_type(DEFAULT_TEMPLATE.read_bytes(), b"wordprocessingml.document.main+xml",
                                               b"application/vnd.ms-word.document.macroEnabled.main+xml"),
}


@pytest.mark.parametrize("content", NOT_WORD.values(), ids=NOT_WORD.keys())
def test_the_report_template_form_refuses_what_is_not_a_word_document(client, personas, content):
    client.force_login(personas.office)
    response = client.post("/reports/templates/upload/",
                           {"name": "办公室格式", "file": SimpleUploadedFile("月报.docx", content)})
    assert response.status_code == 400
    assert "Word 模板“月报.docx”不是 Word（.docx）文件（按文件内容判断，与文件名无关）" in response.content.decode()
    assert not ReportTemplate.objects.exists()


def test_the_real_ones_are_accepted(client, personas):
    client.force_login(personas.office)
    response = client.post("/reports/templates/upload/",
                           {"name": "办公室格式", "file": SimpleUploadedFile("月报.docx", DEFAULT_TEMPLATE.read_bytes())})
    assert response.status_code == 302 and ReportTemplate.objects.count() == 1
