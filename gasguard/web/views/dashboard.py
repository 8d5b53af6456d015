"""驾驶舱: the campaign at a glance, for the user's own scope; every figure links to the list behind it.

For the office, a jurisdiction and a department the figures come from the ledger's roll-up (hazards.HazardTally,
kept in step by the hazard services): a few tens of thousands of rows whatever the size of the ledger. Enterprises
and inspectors, whose hazards are few, are counted straight from the ledger. Both paths give the same groups."""
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import render
from django.urls import reverse

from gasguard.campaign import services as campaign_services
from gasguard.campaign.units import is_office
from gasguard.catalog.choices import Severity
from gasguard.hazards.choices import OPEN_STATES, State
from gasguard.hazards.filtersets import area_ids, visible_q
from gasguard.hazards.models import Hazard, HazardTally
from gasguard.inspections.models import Inspection
from gasguard.org.choices import Role
from gasguard.org.models import Department, Jurisdiction
from gasguard.sites.models import Site
from gasguard.utilities import clock
from gasguard.utilities.clock import local_midnight

KEYS = ("total", "closed", "overdue", "major_open")


def _rate(row):
    row["rate"] = round(100 * row["closed"] / row["total"], 1) if row["total"] else 0.0
    return row


class Figures:
    """Counts by (jurisdiction, lead unit), and found / closed by month: what the page is drawn from."""

    def __init__(self):
        self.groups = defaultdict(lambda: dict.fromkeys(KEYS, 0))
        self.found = defaultdict(int)
        self.closed = defaultdict(int)

    def add_groups(self, rows):
        for row in rows:
            acc = self.groups[(row["jurisdiction_id"], row["lead_unit_id"])]
            for k in KEYS:
                acc[k] += row.get(k) or 0

    def add_months(self, target, rows):
        for m, n in rows:
            target[m.date() if hasattr(m, "date") else m] += n or 0


def _direct(figures, hazards, today, month_start, since):
    """Straight from the ledger: one grouped pass, and two month counts for the trend."""
    overdue = Q(state__in=OPEN_STATES, deadline__lt=today)
    figures.add_groups(hazards.order_by().values("jurisdiction_id", "lead_unit_id").annotate(
        total=Count("id"), closed=Count("id", filter=Q(state=State.CLOSED)), overdue=Count("id", filter=overdue),
        major_open=Count("id", filter=Q(state__in=OPEN_STATES, severity=Severity.MAJOR))))
    for target, field in ((figures.found, "found_at"), (figures.closed, "closed_at")):
        figures.add_months(target, hazards.filter(**{f"{field}__gte": local_midnight(since)}).order_by()
                           .annotate(m=TruncMonth(field)).values_list("m").annotate(n=Count("id"))
                           .values_list("m", "n"))


def _from_tally(figures, tally, hazards, today, month_start, since):
    """From the roll-up. Open hazards are tallied by deadline month, so the overdue are those due in an earlier
    month, plus those of this month already past their day: a small query on the ledger's open-deadline index."""
    figures.add_groups(tally.order_by().values("jurisdiction_id", "lead_unit_id").annotate(
        total=Sum("found"), closed=Sum("closed"), overdue=Sum("due", filter=Q(month__lt=month_start)),
        major_open=Sum("due", filter=Q(severity=Severity.MAJOR))))
    figures.add_groups(hazards.filter(state__in=OPEN_STATES, deadline__gte=month_start, deadline__lt=today)
                       .order_by().values("jurisdiction_id", "lead_unit_id").annotate(overdue=Count("id")))
    months = tally.filter(month__gte=since).order_by().values("month").annotate(f=Sum("found"), c=Sum("closed"))
    figures.add_months(figures.found, ((r["month"], r["f"]) for r in months))
    figures.add_months(figures.closed, ((r["month"], r["c"]) for r in months))


def _tally_split(user):
    """(roll-up rows of the user's scope, the Q of the hazards those rows count, whether the scope holds other
    hazards too), or None where the roll-up cannot speak for the scope. Mirrors Hazard.visible_q."""
    if user.is_superuser or user.role == Role.OFFICE:
        return Q(), Q(), False
    ids = area_ids(user)
    if ids is not None:
        return Q(jurisdiction_id__in=ids), Q(jurisdiction_id__in=ids), False
    if user.role == Role.DEPARTMENT and user.department_id:
        # The hazards it leads are in the roll-up; those it only co-handles are counted from the ledger.
        return Q(lead_unit_id=user.department_id), Q(lead_unit_id=user.department_id), True
    return None


def dashboard_data(user):
    today = clock.today()
    month_start = today.replace(day=1)
    since = (month_start - timedelta(days=366)).replace(day=1)
    hazards = Hazard.objects.filter(visible_q(user))
    own_area = area_ids(user)
    nodes = {j.pk: j for j in Jurisdiction.objects.all()}
    by_code = {j.code: j for j in nodes.values()}
    depts = {d.pk: d for d in Department.objects.all()}

    data = Figures()
    split = _tally_split(user) if user.is_authenticated else None
    if split is None:
        _direct(data, hazards, today, month_start, since)
    else:
        tally_q, covered, rest = split
        _from_tally(data, HazardTally.objects.filter(tally_q), hazards.filter(covered), today, month_start, since)
        if rest:
            _direct(data, hazards.exclude(covered), today, month_start, since)

    # The totals, the territory table and the unit table are all sums of the groups.
    figures = dict.fromkeys(KEYS, 0)
    areas, units = {}, {}
    for (jurisdiction_id, lead_unit_id), row in data.groups.items():
        if not any(row.values()):
            continue
        codes = nodes[jurisdiction_id].path.split("/")
        area = by_code.get(codes[1]) if len(codes) > 2 else nodes[jurisdiction_id]
        acc = areas.setdefault(area.pk, {"name": area.name, "short": area.display_name, "code": area.code,
                                         **dict.fromkeys(KEYS, 0)})
        unit = units.setdefault(lead_unit_id, {"name": depts[lead_unit_id].name, "id": lead_unit_id,
                                               **dict.fromkeys(KEYS, 0)})
        for k in KEYS:
            acc[k] += row[k]
            unit[k] += row[k]
            figures[k] += row[k]
    figures = _rate(figures)
    figures["open"] = figures["total"] - figures["closed"]
    # A jurisdiction's area as ids (hazards.filtersets.area_ids): on the path prefix PostgreSQL guesses one place
    # and walks every inspection of the area's sites; with ids it reads this month's inspections by date.
    sites = Site.objects.filter(Site.visible_q(user) if own_area is None else Q(jurisdiction_id__in=own_area))
    inspections = Inspection.objects.filter(
        Inspection.visible_q(user) if own_area is None else Q(site__jurisdiction_id__in=own_area))
    figures["sites"] = sites.count()
    figures["inspections_month"] = inspections.filter(inspected_at__gte=local_midnight(month_start)).count()
    figures["found_month"] = data.found.get(month_start, 0)
    by_area = sorted((_rate(a) for a in areas.values() if a["total"]), key=lambda a: (-a["total"], a["code"]))
    by_unit = sorted((_rate(u) for u in units.values() if u["total"]), key=lambda u: -u["total"])

    months = sorted(m for m in set(data.found) | set(data.closed)
                    if m >= since and (data.found.get(m) or data.closed.get(m)))
    trend = {"months": [m.strftime("%Y-%m") for m in months], "found": [data.found.get(m, 0) for m in months],
             "closed": [data.closed.get(m, 0) for m in months]}
    return {"figures": figures, "by_area": by_area, "by_unit": by_unit, "trend": trend}


@login_required
def home(request):
    data = dashboard_data(request.user)
    ledger = reverse("ledger")
    reporting = None
    if is_office(request.user):  # the units' monthly reports: who is late is the office's business
        reporting = campaign_services.reporting_summary(campaign_services.default_campaign())
    return render(request, "web/home.html", {**data, "ledger": ledger, "reporting": reporting})
