"""驾驶舱: the campaign at a glance, for the user's own scope; every figure links to the list behind it."""
from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from gasguard.hazards.choices import OPEN_STATES, State
from gasguard.hazards.models import Hazard
from gasguard.inspections.models import Inspection
from gasguard.org.models import Department, Jurisdiction
from gasguard.org.scope import hazard_q, inspection_q, site_q
from gasguard.sites.models import Site
from gasguard.utilities import clock


def _counts(today):
    overdue = Q(state__in=OPEN_STATES, deadline__lt=today)
    return {"total": Count("id"), "closed": Count("id", filter=Q(state=State.CLOSED)),
            "overdue": Count("id", filter=overdue),
            "major_open": Count("id", filter=Q(state__in=OPEN_STATES, severity="major"))}


def _rate(row):
    row["rate"] = round(100 * row["closed"] / row["total"], 1) if row["total"] else 0.0
    return row


def _start_of(day):
    """Local midnight as an aware datetime: a range on the indexed column, not a cast of every row to a date."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _month_counts(qs, field, since):
    rows = (qs.filter(**{f"{field}__gte": _start_of(since)}).annotate(m=TruncMonth(field)).order_by()
            .values_list("m").annotate(n=Count("id")).values_list("m", "n"))
    return {(m.date() if hasattr(m, "date") else m): n for m, n in rows}


def dashboard_data(user):
    today = clock.today()
    month_start = today.replace(day=1)
    hazards = Hazard.objects.filter(hazard_q(user))
    counts = _counts(today)
    keys = tuple(counts)

    # One pass over the ledger, grouped by place and lead unit; the totals, the territory table and the unit table
    # are all sums of these groups.
    nodes = {j.pk: j for j in Jurisdiction.objects.all()}
    by_code = {j.code: j for j in nodes.values()}
    depts = {d.pk: d for d in Department.objects.all()}
    figures = dict.fromkeys(keys, 0)
    areas, units = {}, {}
    for row in hazards.order_by().values("jurisdiction_id", "lead_unit_id").annotate(**counts):
        codes = nodes[row["jurisdiction_id"]].path.split("/")
        area = by_code.get(codes[1]) if len(codes) > 2 else nodes[row["jurisdiction_id"]]
        acc = areas.setdefault(area.pk, {"name": area.name, "short": area.display_name, "code": area.code,
                                         **dict.fromkeys(keys, 0)})
        unit = units.setdefault(row["lead_unit_id"], {"name": depts[row["lead_unit_id"]].name,
                                                      "id": row["lead_unit_id"], **dict.fromkeys(keys, 0)})
        for k in keys:
            acc[k] += row[k]
            unit[k] += row[k]
            figures[k] += row[k]
    figures = _rate(figures)
    figures["open"] = figures["total"] - figures["closed"]
    figures["sites"] = Site.objects.filter(site_q(user)).count()
    figures["inspections_month"] = Inspection.objects.filter(inspection_q(user),
                                                             inspected_at__gte=_start_of(month_start)).count()
    figures["found_month"] = hazards.filter(found_at__gte=_start_of(month_start)).count()
    by_area = sorted((_rate(a) for a in areas.values()), key=lambda a: (-a["total"], a["code"]))
    by_unit = sorted((_rate(u) for u in units.values()), key=lambda u: -u["total"])

    since = (month_start - timedelta(days=366)).replace(day=1)
    found, closed = _month_counts(hazards, "found_at", since), _month_counts(hazards, "closed_at", since)
    months = sorted(set(found) | set(closed))
    trend = {"months": [m.strftime("%Y-%m") for m in months], "found": [found.get(m, 0) for m in months],
             "closed": [closed.get(m, 0) for m in months]}
    return {"figures": figures, "by_area": by_area, "by_unit": by_unit, "trend": trend}


@login_required
def home(request):
    data = dashboard_data(request.user)
    ledger = reverse("ledger")
    return render(request, "web/home.html", {**data, "ledger": ledger})
