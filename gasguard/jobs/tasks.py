"""The periodic tasks for the huey worker (`gasguard run_huey` discovers this module). Each takes a lock so that
two workers never run the same job at once; the jobs themselves are idempotent as well."""
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task

from .schedule import JOBS


def _periodic(name, fn, cron):
    @db_periodic_task(crontab(**cron), name=name)
    def job():
        with HUEY.lock_task(f"job:{name}"):
            return fn()
    return job


TASKS = {name: _periodic(name, fn, cron) for name, (fn, cron) in JOBS.items()}
