"""A Word template is the office's text, not code: its tags are filled in Jinja's sandbox, so a tag reaching for
Python internals (the classic `cycler.__init__.__globals__.os`) is refused at upload and never runs at rendering."""
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from gasguard.reports import word
from gasguard.reports.figures import sample_context
from gasguard.reports.models import ReportTemplate


def _docx(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _payload(marker) -> str:
    return "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "; id').read() }}"


def test_the_upload_is_refused_and_nothing_runs(client, personas, tmp_path):
    marker = tmp_path / "ran"
    client.force_login(personas.office)
    r = client.post(reverse("reports_upload_template"),
                    {"name": "恶意模板", "file": SimpleUploadedFile("evil.docx", _docx(_payload(marker)))})
    assert r.status_code == 400 and "不允许的操作" in r.content.decode()
    assert not marker.exists() and not ReportTemplate.objects.exists()


def test_the_admin_refuses_it_too(admin_client, tmp_path):
    marker = tmp_path / "ran"
    r = admin_client.post(reverse("admin:reports_reporttemplate_add"),
                          {"name": "恶意模板", "active": "on",
                           "file": SimpleUploadedFile("evil.docx", _docx(_payload(marker)))})
    assert r.status_code == 200 and "不允许的操作" in r.content.decode()
    assert not marker.exists() and not ReportTemplate.objects.exists()


def test_a_stored_template_never_runs_at_rendering(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "evil.docx"
    path.write_bytes(_docx(_payload(marker)))  # e.g. stored before uploads were checked
    with pytest.raises(ValidationError, match="不允许的操作"):
        word.render(sample_context(), {}, template=path)
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["{{ ''.__class__.__mro__[1].__subclasses__() }}",
                                 "{{ title.__class__.__base__.__subclasses__() }}",
                                 "{{ lipsum.__globals__.os.getcwd() }}"])
def test_other_escapes_are_refused(tag):
    upload = SimpleUploadedFile("evil.docx", _docx(tag))
    with pytest.raises(ValidationError):
        word.check_template(upload)


def test_the_default_template_still_renders_and_escapes():
    ctx = {**sample_context(), "title": "<b>&月报</b>"}
    out = word.render(ctx, {})
    doc = Document(io.BytesIO(out))
    assert any("<b>&月报</b>" in p.text for p in doc.paragraphs)
    word.check_template(SimpleUploadedFile("ok.docx", word.DEFAULT_TEMPLATE.read_bytes()))
