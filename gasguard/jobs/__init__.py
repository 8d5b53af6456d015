"""Scheduled work (report reminders and late marking, overdue escalation, monthly look-back sampling) on huey; the
same worker runs the imports' and report runs' tasks (imports/tasks.py, reports/tasks.py).

Embedded by default: SqliteHuey in a file under GASGUARD_DATA_DIR, so `make run` needs no broker; with JOBS_REDIS_URL
set, RedisHuey (production, several workers). Every job is idempotent: running it twice changes nothing more."""
