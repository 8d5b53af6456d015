"""The import job as a huey task, run by the job worker (`gasguard run_huey` discovers this module)."""
from huey.contrib.djhuey import HUEY, db_task

from . import runner


@db_task()
def run_import(job_id: int):
    runner.run_queued(job_id)


@HUEY.on_startup("imports.fail_abandoned_jobs")
def fail_abandoned_jobs():
    """A worker starting up settles the jobs a stopped one left unfinished (see runner.fail_abandoned_jobs)."""
    runner.fail_abandoned_jobs()
