"""What runs when, as plain functions (each safe to run twice), so the worker, `gasguard run_jobs` and the tests
call the same code."""
from datetime import date

from gasguard.utilities import clock


def report_reminders(today: date | None = None) -> dict:
    """Daily: remind units 3 days and 1 day before the due date; mark and tell the late ones."""
    from gasguard.campaign.services import report_jobs
    return report_jobs(today)


def escalate_overdue(today: date | None = None) -> dict:
    """Daily: a supervision order for each overdue hazard (keyed on hazard and deadline)."""
    from gasguard.hazards.services import escalate_overdue as escalate
    return {"orders": len(escalate(on=today))}


def draw_lookback(today: date | None = None) -> dict:
    """Monthly: this month's look-back sample (a month drawn again returns the same sample)."""
    from gasguard.hazards.services import draw_lookback_sample
    today = today or clock.today()
    month = f"{today.year:04d}-{today.month:02d}"
    return {"month": month, "sampled": len(draw_lookback_sample(month))}


# name → (function, crontab fields in UTC: huey runs with utc=True; 00:00 UTC is 08:00 in Beijing).
# The lead's report generation adds a line here.
JOBS = {
    "report_reminders": (report_reminders, {"minute": "0", "hour": "0"}),       # daily 08:00
    "escalate_overdue": (escalate_overdue, {"minute": "30", "hour": "23"}),     # daily 07:30
    "draw_lookback": (draw_lookback, {"minute": "10", "hour": "0", "day": "1"}),  # the 1st, 08:10
}
