"""The office picks a month, the report is produced (by the job worker; here at once, when the request commits) and
stored as a run whose three files can be downloaded again; everyone else gets 403, and so do their downloads."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from gasguard.reports.models import ReportRun, ReportTemplate, RunState
from gasguard.reports.word import DEFAULT_TEMPLATE
from gasguard.utilities import clock


def _month():
    return clock.today().strftime("%Y-%m")


def test_the_office_generates_and_downloads_again(client, personas, django_capture_on_commit_callbacks):
    client.force_login(personas.office)
    assert client.get(reverse("reports")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the run's task is enqueued when the request commits
        response = client.post(reverse("reports_generate"), {"month": _month()})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("report_run", args=[run.pk])
    assert run.state == RunState.DONE, run.message
    assert run.requested_by == personas.office and run.month == _month()
    for kind, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        r = client.get(reverse("report_run_file", args=[run.pk, kind]))
        assert r.status_code == 200 and b"".join(r.streaming_content).startswith(magic), kind
        assert _month() in r["Content-Disposition"]
    status = client.get(reverse("report_run_status", args=[run.pk])).json()
    assert status["finished"] and status["percent"] == 100
    assert _month() in client.get(reverse("reports")).content.decode()


def test_a_bad_month_is_refused_with_a_reason(client, personas):
    client.force_login(personas.office)
    r = client.post(reverse("reports_generate"), {"month": "2024-13"})
    assert r.status_code == 400 and "YYYY-MM" in r.content.decode()
    r = client.post(reverse("reports_generate"), {"month": "2999-01"})
    assert r.status_code == 400 and "尚未开始" in r.content.decode()
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("who", ["street_a", "market", "fire", "inspector", "enterprise"])
def test_everyone_else_gets_403(client, personas, who):
    run = ReportRun.objects.create(month="2024-01", requested_by=personas.office)
    client.force_login(getattr(personas, who))
    for url in (reverse("reports"), reverse("report_run", args=[run.pk]), reverse("report_run_status", args=[run.pk]),
                reverse("report_run_file", args=[run.pk, "docx"]), reverse("reports_default_template")):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("reports_generate"), {"month": "2024-01"}).status_code == 403
    assert ReportRun.objects.count() == 1


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(reverse("reports")).status_code == 302


def test_the_office_template_is_filled(client, personas, django_capture_on_commit_callbacks):
    doc = Document()
    doc.add_paragraph("本单位格式：{{ title }} {{ month_label }} 累计发现{{ totals.found }}项")
    buf = io.BytesIO()
    doc.save(buf)
    client.force_login(personas.office)
    r = client.post(reverse("reports_upload_template"),
                    {"name": "办公室格式", "file": SimpleUploadedFile("office.docx", buf.getvalue())})
    assert r.status_code == 302, r.content.decode()
    tpl = ReportTemplate.objects.get(active=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports_generate"), {"month": _month()})
    run = ReportRun.objects.get()
    assert run.template == tpl and run.state == RunState.DONE, run.message
    text = Document(io.BytesIO(run.docx.read())).paragraphs[0].text
    today = clock.today()
    assert text == f"本单位格式：滨海新区燃气安全专项整治工作月报 {today.year}年{today.month}月 累计发现0项"


def test_a_broken_template_is_refused(client, personas):
    doc = Document()
    doc.add_paragraph("{{ totals.found ")  # an unclosed tag
    buf = io.BytesIO()
    doc.save(buf)
    client.force_login(personas.office)
    r = client.post(reverse("reports_upload_template"),
                    {"name": "坏模板", "file": SimpleUploadedFile("bad.docx", buf.getvalue())})
    assert r.status_code == 400 and "月报模板无法使用" in r.content.decode()
    r = client.post(reverse("reports_upload_template"),
                    {"name": "doc", "file": SimpleUploadedFile("old.doc", DEFAULT_TEMPLATE.read_bytes())})
    assert r.status_code == 400 and ".docx" in r.content.decode()
    assert not ReportTemplate.objects.exists()


def test_a_run_abandoned_by_a_restart_is_marked_failed(client, personas):
    from datetime import timedelta

    old = ReportRun.objects.create(month="2024-01", requested_by=personas.office, state=RunState.RUNNING,
                                   created_at=clock.now() - timedelta(hours=2))
    fresh = ReportRun.objects.create(month="2024-02", requested_by=personas.office, state=RunState.RUNNING)
    client.force_login(personas.office)
    client.get(reverse("reports"))
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == RunState.FAILED and "重新生成" in old.message
    assert fresh.state == RunState.RUNNING


def test_the_admin_refuses_a_broken_template(admin_client):
    doc = Document()
    doc.add_paragraph("{% for x in %}")
    buf = io.BytesIO()
    doc.save(buf)
    r = admin_client.post(reverse("admin:reports_reporttemplate_add"),
                          {"name": "坏模板", "active": "on", "file": SimpleUploadedFile("bad.docx", buf.getvalue())})
    assert r.status_code == 200 and "月报模板无法使用" in r.content.decode()
    r = admin_client.post(reverse("admin:reports_reporttemplate_add"),
                          {"name": "默认", "active": "on",
                           "file": SimpleUploadedFile("ok.docx", DEFAULT_TEMPLATE.read_bytes())})
    assert r.status_code == 302 and ReportTemplate.objects.get().uploaded_by.is_superuser
