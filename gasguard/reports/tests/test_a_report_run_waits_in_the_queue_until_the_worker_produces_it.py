"""The office's request only enqueues the report run; the job worker (`gasguard run_huey`) produces it. A run that
breaks ends failed with a reason in Chinese, and a run whose worker stopped is failed when a worker starts."""
from datetime import timedelta

import pytest
from django.urls import reverse

from gasguard.jobs.testing import queue_without_worker, start_worker
from gasguard.reports import services
from gasguard.reports.models import ReportRun, RunState
from gasguard.testing import make_user
from gasguard.utilities import clock


def _month():
    return clock.today().strftime("%Y-%m")


@pytest.mark.django_db(transaction=True)
def test_the_office_request_is_only_queued_and_the_worker_produces_the_report(client):
    client.force_login(make_user("office", department_name="区城市管理委"))
    with queue_without_worker() as huey:
        response = client.post(reverse("reports_generate"), {"month": _month()})
        run = ReportRun.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("report_run", args=[run.pk])
        assert run.state == RunState.QUEUED and huey.pending_count() == 1
        assert not client.get(reverse("report_run_status", args=[run.pk])).json()["finished"]

        start_worker().loop()  # the worker takes the task from the queue and runs it
        assert huey.pending_count() == 0
    status = client.get(reverse("report_run_status", args=[run.pk])).json()
    assert (status["state"], status["percent"], status["finished"]) == ("done", 100, True), status["message"]
    run.refresh_from_db()
    assert run.docx and run.pdf and run.xlsx


def test_a_run_that_breaks_ends_failed_with_a_reason_in_chinese(personas, monkeypatch):
    from gasguard.reports.tasks import run_report

    def build(*args, **kwargs):
        raise KeyError("trend")

    monkeypatch.setattr(services, "build", build)
    run = ReportRun.objects.create(month="2024-01", requested_by=personas.office)
    run_report(run.pk)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.finished_at is not None
    assert run.message == "生成月报时发生系统错误（KeyError），请稍后重试或联系管理员。"


def test_a_run_left_unfinished_by_a_stopped_worker_fails_when_a_worker_starts(personas):
    long_ago = clock.now() - timedelta(hours=2)
    abandoned = ReportRun.objects.create(month="2024-01", requested_by=personas.office, state=RunState.RUNNING,
                                         created_at=long_ago)
    fresh = ReportRun.objects.create(month="2024-02", requested_by=personas.office, state=RunState.RUNNING)
    start_worker()
    abandoned.refresh_from_db()
    fresh.refresh_from_db()
    assert abandoned.state == RunState.FAILED and "重新生成" in abandoned.message
    assert fresh.state == RunState.RUNNING
