"""Every scheduled job can run twice (a retry, two workers, a catch-up) without doing its work twice; the huey
tasks run the same functions; JOBS_REDIS_URL selects Redis, the default is a SQLite file (no broker)."""
import os
import socket
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from huey import RedisHuey, SqliteHuey

from gasguard import testing
from gasguard.campaign.models import MonthlyReport, Notice, SupervisionOrder
from gasguard.hazards.models import LookBack
from gasguard.jobs import config
from gasguard.jobs.schedule import JOBS


def counts():
    return (Notice.objects.count(), MonthlyReport.objects.count(), SupervisionOrder.objects.count(),
            LookBack.objects.count())


def test_each_job_twice_changes_nothing_the_second_time(personas):
    hazard = testing.register_hazard(personas.site_a, personas.inspector)
    closed = testing.close_hazard(testing.register_hazard(personas.site_a, personas.inspector), personas.enterprise,
                                  personas.street_a)
    day = hazard.deadline + timedelta(days=2)
    day = date(day.year, day.month, 19) if day.day <= 19 else date(day.year + (day.month == 12),
                                                                     day.month % 12 + 1, 19)
    assert closed.closed_at.date() < date(day.year, day.month, 1)
    first = {name: fn(day) for name, (fn, _) in JOBS.items()}
    assert first["escalate_overdue"]["orders"] == 1
    assert first["report_reminders"]["late"] == 50
    assert first["draw_lookback"]["sampled"] == 1
    after_first = counts()
    second = {name: fn(day) for name, (fn, _) in JOBS.items()}
    assert second["escalate_overdue"]["orders"] == 0
    assert second["report_reminders"] == {"reminders": 0, "late": 0}
    assert second["draw_lookback"]["sampled"] == 1  # the same sample, not a new one
    assert first["district_report"]["state"] == "done" and second["district_report"]["run"] is None
    assert second["cylinder_reminders"]["queued"] == 0
    from gasguard.reports.models import ReportRun
    run = ReportRun.objects.get(requested_by=None)
    assert run.month == f"{(day.replace(day=1) - timedelta(days=1)):%Y-%m}" and run.docx and run.xlsx and run.pdf
    assert counts() == after_first


def test_the_huey_tasks_run_the_jobs(personas):
    from huey.contrib.djhuey import HUEY

    from gasguard.jobs.tasks import TASKS

    assert set(TASKS) == set(JOBS)
    # the schedule, as the consumer reads it (UTC)
    assert {t.name for t in HUEY.read_periodic(datetime(2024, 5, 1, 0, 10))} >= {"draw_lookback"}
    assert {t.name for t in HUEY.read_periodic(datetime(2024, 5, 2, 0, 0))} >= {"report_reminders"}
    assert "draw_lookback" not in {t.name for t in HUEY.read_periodic(datetime(2024, 5, 2, 0, 10))}
    previous = HUEY.immediate
    HUEY.immediate = True  # in-memory storage, executed at once: the worker's path without a worker
    try:
        TASKS["report_reminders"]()  # (periodic tasks keep no result: look at what it did)
        after_first = counts()
        assert after_first[1] >= 50  # today's latest month past due: every unit's report marked late
        TASKS["report_reminders"]()
        assert counts() == after_first
    finally:
        HUEY.immediate = previous


def test_run_jobs_command_twice(personas, capsys):
    call_command("run_jobs", "--only", "report_reminders", "--date", "2024-05-19")
    n = counts()
    call_command("run_jobs", "--only", "report_reminders", "--date", "2024-05-19")
    assert counts() == n
    assert "report_reminders: {'reminders': 0, 'late': 0}" in capsys.readouterr().out


def test_default_is_sqlite_and_redis_url_selects_redis(tmp_path):
    s = config.huey_settings(tmp_path / "data", environ={})
    assert s["huey_class"] == "huey.SqliteHuey" and Path(s["filename"]).parent.is_dir()
    s = config.huey_settings(tmp_path, environ={"JOBS_REDIS_URL": "redis://127.0.0.1:6379/15"})
    assert s["huey_class"] == "huey.RedisHuey" and s["connection"] == {"url": "redis://127.0.0.1:6379/15"}
    assert SqliteHuey("t", filename=str(tmp_path / "q.sqlite3")).pending_count() == 0  # no server needed


def _redis_up():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up() and not os.environ.get("CI"), reason="no Redis on 127.0.0.1:6379")
def test_the_redis_backend_queues_and_runs_a_task():
    huey = RedisHuey("gasguard-test", url="redis://127.0.0.1:6379/15")
    huey.flush()

    @huey.task()
    def add(a, b):
        return a + b

    add(2, 3)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    assert huey.execute(task) == 5
    huey.flush()
