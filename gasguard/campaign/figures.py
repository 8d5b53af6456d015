"""What the platform already knows for a unit and a reporting period: the figures that pre-fill its monthly report.

Scope (the same rules as the ledger's): a zone or street counts everything located in its jurisdiction subtree; a
department counts the hazards it leads and the inspections made by its people. Figures about a state ("open",
"overdue") are taken at the end of the period, or now when the period has not ended; an overdue hazard is one
open at that moment whose deadline had passed."""
from datetime import date, datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gasguard.catalog.choices import Severity
from gasguard.hazards.choices import LookBackResult
from gasguard.hazards.models import Hazard, LookBack
from gasguard.inspections.models import Inspection
from gasguard.utilities import clock
from gasguard.utilities.clock import local_midnight

# (key, label): the order of the form and of the Excel/Word tables.
LABELS = [
    ("inspections", _("检查次数")),
    ("inspections_failed", _("发现问题的检查")),
    ("hazards_found", _("新发现隐患")),
    ("major_found", _("其中重大隐患")),
    ("hazards_closed", _("销号隐患")),
    ("open", _("未销号隐患（期末）")),
    ("overdue", _("逾期未整改（期末）")),
    ("major_open", _("未销号重大隐患（期末）")),
    ("total_found", _("累计发现隐患")),
    ("total_closed", _("累计销号隐患")),
    ("rectification_rate", _("累计整改率（%）")),
    ("lookbacks", _("回头看复查")),
    ("rebounds", _("其中反弹")),
    ("fillings", _("气瓶充装（瓶次）")),
    ("sales", _("实名制销售（笔）")),
    ("delivery_checks", _("随瓶安检（次）")),
    ("delivery_failed", _("随瓶安检不合格")),
    ("alarms", _("监测报警")),
]
LABEL = dict(LABELS)

# Enforcement: the platform holds no cases yet, so the unit enters these numbers.
ENTERED = [
    ("cases", _("立案查处（起）")),
    ("fines_wan", _("罚款金额（万元）")),
    ("shutdowns", _("责令停业整顿 / 关停取缔（家）")),
    ("revocations", _("吊销许可证（家）")),
    ("seized_cylinders", _("查扣问题气瓶（只）")),
]


def open_at(moment: datetime) -> Q:
    """Hazards open at `moment`: found before it and not closed before it."""
    return Q(found_at__lt=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gte=moment))


# The other loops' figures (cylinder fillings and sales, alarms), each a `(unit, lo, hi) -> dict` counter: those
# apps sit beside campaign, so the app above them all (reports) hands their counters over when it starts.
COUNTERS: list = []


def add_counter(counter):
    COUNTERS.append(counter)
    return counter


def area(unit, prefix):
    return Q(**{f"{prefix}path__startswith": unit.obj.path})


def compute(unit, start: date, end: date, *, campaign_start: date, at: datetime | None = None) -> dict:
    """The figures for `unit` in the period [start, end) (local dates). `at` is the moment of the state figures:
    the period's end, or now when earlier."""
    lo, hi = local_midnight(start), local_midnight(end)
    at = min(at or clock.now(), hi)
    since = local_midnight(campaign_start)
    if unit.is_department:
        hz = Hazard.objects.filter(lead_unit=unit.obj)
        insp = Inspection.objects.filter(inspector__department=unit.obj)
        lb = LookBack.objects.filter(hazard__lead_unit=unit.obj)
    else:
        hz = Hazard.objects.filter(area(unit, "jurisdiction__"))
        insp = Inspection.objects.filter(area(unit, "site__jurisdiction__"))
        lb = LookBack.objects.filter(area(unit, "hazard__jurisdiction__"))
    found = hz.filter(found_at__gte=lo, found_at__lt=hi)
    open_now = hz.filter(open_at(at))
    total_found = hz.filter(found_at__gte=since, found_at__lt=at).count()
    total_closed = hz.filter(found_at__gte=since, closed_at__lt=at).count()
    checked = lb.filter(checked_at__gte=lo, checked_at__lt=hi)
    figures = {
        "inspections": insp.filter(inspected_at__gte=lo, inspected_at__lt=hi).count(),
        "inspections_failed": insp.filter(inspected_at__gte=lo, inspected_at__lt=hi, failed_count__gt=0).count(),
        "hazards_found": found.count(),
        "major_found": found.filter(severity=Severity.MAJOR).count(),
        "hazards_closed": hz.filter(closed_at__gte=lo, closed_at__lt=hi).count(),
        "open": open_now.count(),
        "overdue": open_now.filter(deadline__lt=timezone.localdate(at)).count(),
        "major_open": open_now.filter(severity=Severity.MAJOR).count(),
        "total_found": total_found,
        "total_closed": total_closed,
        "rectification_rate": round(100 * total_closed / total_found, 1) if total_found else None,
        "lookbacks": checked.count(),
        "rebounds": checked.filter(result=LookBackResult.REBOUND).count(),
    }
    for counter in COUNTERS:
        figures.update(counter(unit, lo, hi))
    return figures


def rows(figures: dict) -> list[tuple[str, str, object]]:
    """(key, label, value) for the figures present, in the form's order."""
    return [(k, label, figures[k]) for k, label in LABELS if k in figures]


