"""The job runner's settings, read by gasguard/settings.py (no Django imports here)."""
import os
from pathlib import Path


def huey_settings(data_dir: Path, environ=os.environ) -> dict:
    """djhuey's HUEY setting: RedisHuey when JOBS_REDIS_URL is set, else SqliteHuey in `data_dir`/jobs.sqlite3.
    Never immediate: jobs run in the worker (`gasguard run_huey`), or at once with `gasguard run_jobs`."""
    url = environ.get("JOBS_REDIS_URL", "")
    common = {"name": environ.get("JOBS_QUEUE_NAME", "gasguard"), "immediate": False, "utc": True,
              "consumer": {"workers": int(environ.get("JOBS_WORKERS", "1")), "worker_type": "thread"}}
    if url:
        return {**common, "huey_class": "huey.RedisHuey", "connection": {"url": url}}
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    return {**common, "huey_class": "huey.SqliteHuey", "filename": str(Path(data_dir) / "jobs.sqlite3")}
