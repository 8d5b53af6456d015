"""What runs when, as plain functions (each safe to run twice), so the worker, `gasguard run_jobs` and the tests
call the same code."""
from contextlib import nullcontext
from datetime import date, datetime, time

from django.utils import timezone

from gasguard.audit.services import anchor
from gasguard.campaign.services import escalate_overdue as escalate
from gasguard.campaign.services import report_jobs
from gasguard.cylinders.signals import queue_reminders, send_reminders
from gasguard.hazards.services import draw_lookback_sample
from gasguard.reports.services import scheduled_run
from gasguard.utilities import clock


def report_reminders(today: date | None = None) -> dict:
    """Daily: remind units 3 days and 1 day before the due date; mark and tell the late ones."""
    return report_jobs(today)


def escalate_overdue(today: date | None = None) -> dict:
    """Daily: a supervision order for each overdue hazard (keyed on hazard and deadline)."""
    return {"orders": len(escalate(on=today))}


def draw_lookback(today: date | None = None) -> dict:
    """Monthly: this month's look-back sample (a month drawn again returns the same sample)."""
    today = today or clock.today()
    month = f"{today.year:04d}-{today.month:02d}"
    return {"month": month, "sampled": len(draw_lookback_sample(month))}


def district_report(today: date | None = None) -> dict:
    """Monthly, after the units' deadline: the district report of the month just ended, kept as a report run."""
    today = today or clock.today()
    first = today.replace(day=1)
    month = f"{(first.year if first.month > 1 else first.year - 1):04d}-{(first.month - 2) % 12 + 1:02d}"
    run = scheduled_run(month)
    return {"month": month, "run": run.pk if run else None, "state": run.state if run else None}


def cylinder_reminders(today: date | None = None) -> dict:
    """Daily: periodic inspections and service lives coming due, each reminder queued and sent once."""
    # A catch-up run for another day sees that day (the services read the platform clock).
    at = clock.frozen(timezone.make_aware(datetime.combine(today, time(8, 20)))) if today else nullcontext()
    with at:
        queued = queue_reminders(days=30)
        return {"queued": queued, **send_reminders()}


def audit_anchor(today: date | None = None) -> dict:
    """Daily: the audit chain's head appended to the anchor file (nothing when it has not moved)."""
    entry = anchor()
    return {"anchored": entry["id"] if entry else None}


# name → (function, crontab fields in UTC: huey runs with utc=True; 00:00 UTC is 08:00 in Beijing).
JOBS = {
    "report_reminders": (report_reminders, {"minute": "0", "hour": "0"}),       # daily 08:00
    "escalate_overdue": (escalate_overdue, {"minute": "30", "hour": "23"}),     # daily 07:30
    "draw_lookback": (draw_lookback, {"minute": "10", "hour": "0", "day": "1"}),  # the 1st, 08:10
    "cylinder_reminders": (cylinder_reminders, {"minute": "20", "hour": "0"}),  # daily 08:20
    "district_report": (district_report, {"minute": "0", "hour": "1", "day": "19"}),  # the 19th, 09:00
    "audit_anchor": (audit_anchor, {"minute": "55", "hour": "15"}),             # daily 23:55
}
