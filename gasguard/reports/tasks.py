"""The office's report run as a huey task, run by the job worker (`gasguard run_huey` discovers this module)."""
from huey.contrib.djhuey import HUEY, db_task

from . import services


@db_task()
def run_report(run_id: int):
    services.run_queued(run_id)


@HUEY.on_startup("reports.fail_abandoned_runs")
def fail_abandoned_runs():
    """A worker starting up settles the runs a stopped one left unfinished (see services.fail_abandoned_runs)."""
    services.fail_abandoned_runs()
