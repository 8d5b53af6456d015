"""An upload is stored and answered at once: the web request only enqueues the import, which waits in huey's queue
until the job worker (`gasguard run_huey`) runs it; the page's poll then reports the job finished. A job that goes
wrong outside the import itself, or whose worker stopped, ends failed with a reason instead of "running" for ever."""
from datetime import timedelta

import pytest
from huey import SqliteHuey
from huey.contrib.djhuey import HUEY
from huey.storage import SqliteStorage

from gasguard.imports.models import ImportJob
from gasguard.jobs.testing import queue_without_worker, start_worker
from gasguard.sites.models import Site
from gasguard.testing import STREET_A_GRID, make_user
from gasguard.utilities import clock

from .helpers import SITE_HEADERS, client_for, xlsx


def _job(office, **fields):
    return ImportJob.objects.create(kind="sites", file="imports/x.xlsx", original_name="x.xlsx", sha256="0" * 64,
                                    user=office, **fields)


@pytest.mark.django_db(transaction=True)
def test_the_office_upload_is_only_queued_and_the_worker_imports_it():
    office = make_user("office", department_name="区城市管理委")
    rows = [[f"后台导入餐馆{i}", "餐饮企业", STREET_A_GRID, f"路{i}号"] + [""] * 10 for i in range(50)]
    client = client_for(office)
    with queue_without_worker() as huey:
        response = client.post("/imports/upload/sites/", {"file": xlsx(SITE_HEADERS, rows)})
        assert response.status_code == 302
        job = ImportJob.objects.get()
        assert job.state == "queued" and huey.pending_count() == 1
        assert not Site.objects.filter(name__startswith="后台导入餐馆").exists()
        assert "imports/progress.js" in client.get(response["Location"]).content.decode()
        status = client.get(f"/imports/{job.pk}/status.json").json()
        assert (status["state"], status["finished"]) == ("queued", False)

        start_worker().loop()  # the worker takes the task from the queue and runs it
        assert huey.pending_count() == 0
    status = client.get(f"/imports/{job.pk}/status.json").json()
    assert (status["state"], status["processed_rows"], status["total_rows"], status["created_count"]) == (
        "done", 50, 50, 50)
    assert Site.objects.filter(name__startswith="后台导入餐馆").count() == 50
    assert "imports/progress.js" not in client.get(f"/imports/{job.pk}/").content.decode()


@pytest.mark.django_db
def test_progress_while_writing_is_published_to_the_queue_store_where_web_processes_read_it(tmp_path, monkeypatch):
    """The writes are one transaction that the job row stays out of (and that holds SQLite's write lock): the
    worker publishes the progress in huey's store (here a SQLite queue file, as in `make run`), where another
    process's huey reads it, and the job's status answers with it."""
    from django.db import transaction

    from gasguard.imports.runner import Progress, live_progress

    queue_file = str(tmp_path / "jobs.sqlite3")
    monkeypatch.setattr(HUEY, "storage", SqliteStorage(HUEY.name, filename=queue_file))
    web_process = SqliteHuey(HUEY.name, filename=queue_file)
    office = make_user("office", department_name="区城市管理委")
    job = _job(office)
    progress = Progress(job)
    key = f"imports:progress:{job.pk}"
    try:
        progress.begin("writing", total=10)  # as the runner does: before the write transaction begins
        with transaction.atomic():
            progress.step(4)
            progress.flush(force=True)
            assert web_process.get(key, peek=True) == {"state": "writing", "total_rows": 10, "processed_rows": 4}
            status = client_for(office).get(f"/imports/{job.pk}/status.json").json()
            assert (status["state"], status["processed_rows"], status["total_rows"], status["percent"]) == (
                "writing", 4, 10, 40)
    finally:
        progress.close()
    assert live_progress(job.pk) is None and web_process.get(key, peek=True) is None


@pytest.mark.django_db
def test_a_job_that_breaks_outside_the_import_ends_failed_with_a_reason(monkeypatch):
    """The first status write fails (the database went away for a moment): the task still ends the job as failed,
    with a message in Chinese, instead of leaving it queued for ever."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    from gasguard.imports.tasks import run_import

    office = make_user("office", department_name="区城市管理委")
    job = _job(office)
    real_update, refused = QuerySet.update, []

    def update(qs, **fields):
        if qs.model is ImportJob and not refused:
            refused.append(fields.get("state"))
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(qs, **fields)

    monkeypatch.setattr(QuerySet, "update", update)
    run_import(job.pk)
    job.refresh_from_db()
    assert refused == ["validating"]
    assert job.state == "failed" and job.finished_at is not None
    assert job.message == "导入时发生系统错误（OperationalError），未导入任何数据。请稍后重试或联系管理员。"


@pytest.mark.django_db
def test_a_job_left_unfinished_by_a_stopped_worker_fails_when_a_worker_starts():
    office = make_user("office", department_name="区城市管理委")
    an_hour_ago = clock.now() - timedelta(hours=1, minutes=5)
    abandoned = _job(office, state="writing", created_at=an_hour_ago, started_at=an_hour_ago)
    never_run = _job(office, state="queued", created_at=an_hour_ago)
    running = _job(office, state="validating", created_at=clock.now() - timedelta(minutes=5))
    start_worker()
    for job in (abandoned, never_run):
        job.refresh_from_db()
        assert job.state == "failed" and "重新上传" in job.message and job.finished_at is not None
    running.refresh_from_db()
    assert running.state == "validating"


@pytest.mark.django_db
def test_the_job_page_shows_a_job_of_a_stopped_worker_as_failed():
    office = make_user("office", department_name="区城市管理委")
    job = _job(office, state="validating", created_at=clock.now() - timedelta(hours=2))
    page = client_for(office).get(f"/imports/{job.pk}/").content.decode()
    assert "重新上传" in page and "imports/progress.js" not in page
    job.refresh_from_db()
    assert job.state == "failed"


@pytest.mark.django_db
def test_a_locked_table_at_the_start_delays_the_job_but_does_not_lose_it(monkeypatch):
    """SQLite's shared-cache mode refuses a write that meets another connection's read at once ("database table is
    locked"): the runner waits and tries its status writes again, instead of leaving the job queued for ever."""
    from django.db import OperationalError, connection
    from django.db.models import QuerySet

    from gasguard.imports import runner

    office = make_user("office", department_name="区城市管理委")
    job = _job(office)
    real_update, refused = QuerySet.update, []

    def update(qs, **fields):
        if qs.model is ImportJob and len(refused) < 2:
            refused.append(fields.get("state"))
            raise OperationalError("database table is locked: imports_importjob")
        return real_update(qs, **fields)

    monkeypatch.setattr(QuerySet, "update", update)
    if connection.vendor != "sqlite":   # elsewhere the error is not SQLite's and goes up as before
        with pytest.raises(OperationalError):
            runner.run_job(job.pk)
        return
    done = runner.run_job(job.pk)
    assert refused == ["validating", "validating"] and done.state == "failed" and done.finished_at is not None
