"""The report's figures computed the plain way: one ORM query per figure, no code shared with reports.figures."""
import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from gasguard.campaign.models import SupervisionOrder, Task
from gasguard.hazards.models import Hazard, LookBack
from gasguard.inspections.models import Inspection
from gasguard.org.models import Department, Jurisdiction
from gasguard.utilities import clock

TZ = ZoneInfo("Asia/Shanghai")


def bounds(month):
    y, m = map(int, month.split("-"))
    last = date(y, m, calendar.monthrange(y, m)[1])
    start = datetime.combine(date(y, m, 1), time.min, TZ)
    end = datetime.combine(last + timedelta(days=1), time.min, TZ)
    return start, end, min(last, clock.today())


def figures(hazards, month):
    start, end, as_of = bounds(month)
    found = hazards.filter(found_at__lt=end)
    closed = found.filter(closed_at__lt=end)
    open_ = found.exclude(closed_at__lt=end)
    pct = round(100 * closed.count() / found.count(), 1) if found.count() else 0.0
    return {"found_month": hazards.filter(found_at__gte=start, found_at__lt=end).count(),
            "closed_month": hazards.filter(closed_at__gte=start, closed_at__lt=end).count(),
            "found": found.count(), "closed": closed.count(), "open": open_.count(),
            "overdue": open_.filter(deadline__lt=as_of).count(), "major": found.filter(severity="major").count(),
            "major_open": open_.filter(severity="major").count(), "rate": pct}


def inspections_in(month, **where):
    start, end, _ = bounds(month)
    return Inspection.objects.filter(inspected_at__gte=start, inspected_at__lt=end, **where).count()


def by_unit(month):
    rows = {}
    for d in Department.objects.filter(led_hazards__isnull=False).distinct():
        f = figures(Hazard.objects.filter(lead_unit=d), month)
        if f["found"]:
            rows[d.name] = {**f, "inspections_month": inspections_in(month, department=d)}
    return rows


def by_area(month):
    return {j.name: figures(Hazard.objects.filter(jurisdiction__path__startswith=j.path), month)
            for j in Jurisdiction.objects.filter(level__in=["zone", "street"])}


def by_task(month):
    rows = {}
    for t in Task.objects.all():
        leads = list(t.lead_units.all())
        sums = dict.fromkeys(["found_month", "found", "closed", "overdue"], 0)
        for d in leads:
            f = figures(Hazard.objects.filter(lead_unit=d), month)
            for k in sums:
                sums[k] += f[k]
        sums["inspections_month"] = sum(inspections_in(month, department=d) for d in leads)
        sums["rate"] = round(100 * sums["closed"] / sums["found"], 1) if sums["found"] else 0.0
        rows[t.code] = sums
    return rows


def major_numbers(month):
    start, end, _ = bounds(month)
    major = Hazard.objects.filter(severity="major", found_at__lt=end)
    return set(major.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=end) | Q(found_at__gte=start))
               .values_list("number", flat=True))


def overdue_numbers(month):
    start, end, as_of = bounds(month)
    return set(Hazard.objects.filter(found_at__lt=end, deadline__lt=as_of).exclude(closed_at__lt=end)
               .values_list("number", flat=True))


def lookbacks(month):
    qs = LookBack.objects.filter(month=month)
    return {"drawn": qs.count(), "checked": qs.exclude(result="pending").count(),
            "confirmed": qs.filter(result="confirmed").count(), "rebound": qs.filter(result="rebound").count()}


def orders(month):
    start, end, _ = bounds(month)
    issued = SupervisionOrder.objects.filter(issued_at__gte=start, issued_at__lt=end)
    return {"issued": issued.count(), "answered": issued.filter(responded_at__lt=end).count()}
