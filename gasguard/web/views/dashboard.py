"""驾驶舱: the campaign at a glance, for the user's own scope; every figure links to the list behind it."""
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import reverse

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


def dashboard_data(user):
    today = clock.today()
    month_start = today.replace(day=1)
    hazards = Hazard.objects.filter(hazard_q(user))
    counts = _counts(today)
    figures = _rate(hazards.aggregate(**counts))
    figures["open"] = figures["total"] - figures["closed"]
    figures["sites"] = Site.objects.filter(site_q(user)).count()
    figures["inspections_month"] = Inspection.objects.filter(inspection_q(user),
                                                             inspected_at__date__gte=month_start).count()
    figures["found_month"] = hazards.filter(found_at__date__gte=month_start).count()

    # By territory: group by the hazard's own node, then roll up to its zone or street/town.
    nodes = {j.pk: j for j in Jurisdiction.objects.all()}
    by_code = {j.code: j for j in nodes.values()}
    areas = {}
    for row in hazards.order_by().values("jurisdiction_id").annotate(**counts):
        codes = nodes[row["jurisdiction_id"]].path.split("/")
        area = by_code.get(codes[1]) if len(codes) > 2 else nodes[row["jurisdiction_id"]]
        acc = areas.setdefault(area.pk, {"name": area.name, "short": area.display_name, "code": area.code,
                                         "total": 0, "closed": 0,
                                         "overdue": 0, "major_open": 0})
        for k in ("total", "closed", "overdue", "major_open"):
            acc[k] += row[k]
    by_area = sorted((_rate(a) for a in areas.values()), key=lambda a: (-a["total"], a["code"]))

    depts = {d.pk: d for d in Department.objects.all()}
    by_unit = [_rate({"name": depts[r["lead_unit_id"]].name, "id": r["lead_unit_id"], **{k: r[k] for k in counts}})
               for r in hazards.order_by().values("lead_unit_id").annotate(**counts)]
    by_unit.sort(key=lambda r: -r["total"])

    since = (month_start - timedelta(days=366)).replace(day=1)
    found = dict(hazards.filter(found_at__date__gte=since).annotate(m=TruncMonth("found_at")).order_by()
                 .values_list("m").annotate(n=Count("id")).values_list("m", "n"))
    closed = dict(hazards.filter(closed_at__date__gte=since).annotate(m=TruncMonth("closed_at")).order_by()
                  .values_list("m").annotate(n=Count("id")).values_list("m", "n"))
    months = sorted({m.date() if hasattr(m, "date") else m for m in list(found) + list(closed)})
    fkey = {(m.date() if hasattr(m, "date") else m): n for m, n in found.items()}
    ckey = {(m.date() if hasattr(m, "date") else m): n for m, n in closed.items()}
    trend = {"months": [m.strftime("%Y-%m") for m in months], "found": [fkey.get(m, 0) for m in months],
             "closed": [ckey.get(m, 0) for m in months]}
    return {"figures": figures, "by_area": by_area, "by_unit": by_unit, "trend": trend}


@login_required
def home(request):
    data = dashboard_data(request.user)
    ledger = reverse("ledger")
    return render(request, "web/home.html", {**data, "ledger": ledger})
