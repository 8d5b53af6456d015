"""Outside the tests' synchronous mode, an upload is stored, answered at once, and imported by a background
thread with its own database connection; the page's poll then reports the job finished."""
import time

import pytest

from gasguard.imports.models import ImportJob
from gasguard.sites.models import Site
from gasguard.testing import STREET_A_GRID, make_user

from .helpers import SITE_HEADERS, client_for, xlsx


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_a_background_thread(settings):
    settings.IMPORTS_SYNC = False
    office = make_user("office", department_name="区城市管理委")
    rows = [[f"后台导入餐馆{i}", "餐饮企业", STREET_A_GRID, f"路{i}号"] + [""] * 10 for i in range(50)]
    client = client_for(office)
    response = client.post("/imports/upload/sites/", {"file": xlsx(SITE_HEADERS, rows)})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    # The poller, unless the thread has already finished (then the result).
    assert "imports/progress.js" in page or "新增" in page
    deadline = time.monotonic() + 60
    while True:  # as the page does: poll until the job has finished
        status = client.get(f"/imports/{job.pk}/status.json").json()
        if status["finished"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert (status["state"], status["processed_rows"], status["total_rows"], status["created_count"]) == (
        "done", 50, 50, 50)
    assert Site.objects.filter(name__startswith="后台导入餐馆").count() == 50
    assert "imports/progress.js" not in client.get(f"/imports/{job.pk}/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_progress_while_writing_is_seen_outside_the_write_transaction():
    """The writes are one transaction that the job row stays out of: the progress goes to a process-local table
    (and on PostgreSQL through a second connection to the job row)."""
    from django.db import connection, transaction

    from gasguard.imports.runner import Progress, live_progress

    office = make_user("office", department_name="区城市管理委")
    job = ImportJob.objects.create(kind="sites", file="imports/x.xlsx", original_name="x.xlsx", sha256="0" * 64,
                                   user=office)
    progress = Progress(job, side_connection=True)
    try:
        progress.begin("writing", total=10)  # as the runner does: before the write transaction begins
        with transaction.atomic():
            progress.step(4)
            progress.flush(force=True)
            assert live_progress(job.pk) == {"state": "writing", "total_rows": 10, "processed_rows": 4}
            if connection.vendor == "postgresql":
                # Committed by the other connection, so visible to this one's next statement.
                assert ImportJob.objects.values_list("state", "processed_rows").get(pk=job.pk) == ("writing", 4)
    finally:
        progress.close()
    assert live_progress(job.pk) is None


@pytest.mark.django_db
def test_a_locked_table_at_the_start_delays_the_job_but_does_not_lose_it(monkeypatch):
    """SQLite's shared-cache mode refuses a write that meets another connection's read at once ("database table is
    locked"): the runner waits and tries its status writes again, instead of leaving the job queued for ever."""
    from django.db import OperationalError, connection
    from django.db.models import QuerySet

    from gasguard.imports import runner

    office = make_user("office", department_name="区城市管理委")
    job = ImportJob.objects.create(kind="sites", file="imports/x.xlsx", original_name="x.xlsx", sha256="0" * 64,
                                   user=office)
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
