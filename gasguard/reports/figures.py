"""The district report's figures for one month, straight from the ledger.

Definitions (also in README.md), for month M with first day `start` and `as_of` = its last day (or today, for the
running month):
- 本月发现 found_month: hazards found in M; 累计发现 found: found up to the end of M;
- 累计销号 closed: of those, closed before the end of M; 未销号 open = found − closed;
- 逾期 overdue: open at the end of M with a deadline before `as_of`;
- 重大隐患 major: major hazards found up to the end of M; 整改率 rate = closed / found (percent, one decimal).
Every table of the report is built from one grouped pass over the ledger, so the tables add up to the totals.
"""
import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.campaign.figures import open_at
from gasguard.campaign.models import SupervisionOrder, Task, TaskProgress
from gasguard.catalog.choices import Severity
from gasguard.hazards.choices import LookBackResult
from gasguard.hazards.models import Hazard, LookBack
from gasguard.inspections.models import Inspection
from gasguard.org.choices import Level
from gasguard.org.models import Department, Jurisdiction
from gasguard.utilities import clock

KEYS = ("found_month", "closed_month", "found", "closed", "open", "overdue", "major", "major_open")
LIST_LIMIT = 500  # rows of the major/overdue lists in the Word report; the Excel file always has them all


class MonthError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    month: str       # "2024-01"
    start: date
    last: date       # last day of the month
    as_of: date      # last day, or today while the month runs
    start_at: datetime
    end_at: datetime  # exclusive: local midnight after the last day

    @property
    def label(self):
        return f"{self.start.year}年{self.start.month}月"


def period(month: str) -> Period:
    """The month "YYYY-MM" as local-time bounds; a clear Chinese error for anything else or a future month."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", (month or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise MonthError(_("月份格式应为 YYYY-MM（例如 2024-01），收到的是“%(month)s”") % {"month": month})
    year, mon = int(m.group(1)), int(m.group(2))
    start = date(year, mon, 1)
    today = clock.today()
    if start > today:
        raise MonthError(_("%(month)s 尚未开始，不能生成月报") % {"month": month})
    last = date(year, mon, calendar.monthrange(year, mon)[1])
    return Period(month=f"{year:04d}-{mon:02d}", start=start, last=last, as_of=min(last, today),
                  start_at=clock.local_midnight(start), end_at=clock.local_midnight(last + timedelta(days=1)))


def _aggregates(p: Period) -> dict:
    found = Q(found_at__lt=p.end_at)
    closed = found & Q(closed_at__lt=p.end_at)
    open_ = open_at_end(p)
    major = Q(severity=Severity.MAJOR)
    return {
        "found_month": Count("id", filter=Q(found_at__gte=p.start_at, found_at__lt=p.end_at)),
        "closed_month": Count("id", filter=Q(closed_at__gte=p.start_at, closed_at__lt=p.end_at)),
        "found": Count("id", filter=found),
        "closed": Count("id", filter=closed),
        "open": Count("id", filter=open_),
        "overdue": Count("id", filter=open_ & Q(deadline__lt=p.as_of)),
        "major": Count("id", filter=found & major),
        "major_open": Count("id", filter=open_ & major),
    }


def open_at_end(p: Period) -> Q:
    return open_at(p.end_at)


def rate(closed, found) -> float:
    return round(100 * closed / found, 1) if found else 0.0


def _zero():
    return dict.fromkeys(KEYS, 0)


def _add(acc, row):
    for k in KEYS:
        acc[k] += row[k]


def _finish(row):
    row["rate"] = rate(row["closed"], row["found"])
    return row


def _groups(p: Period, hazards=None):
    """One grouped pass: figures per (jurisdiction, lead unit)."""
    hazards = Hazard.objects.all() if hazards is None else hazards
    return list(hazards.filter(found_at__lt=p.end_at).order_by().values("jurisdiction_id", "lead_unit_id")
                .annotate(**_aggregates(p)))


def _inspections_by_unit(p: Period) -> dict:
    rows = (Inspection.objects.filter(inspected_at__gte=p.start_at, inspected_at__lt=p.end_at).order_by()
            .values("department_id").annotate(n=Count("id")).values_list("department_id", "n"))
    return dict(rows)


def task_rows(month: str, *, p: Period | None = None, unit_figures: dict | None = None,
              inspections: dict | None = None) -> list[dict]:
    """Progress by task: each of the plan's tasks with its lead and co-units and the ledger figures of its lead
    units (a hazard counts for every task its lead unit leads). The one place task progress is read from, so the
    units' own progress records can join here."""
    p = p or period(month)
    if unit_figures is None:
        unit_figures = {}
        for g in _groups(p):
            _add(unit_figures.setdefault(g["lead_unit_id"], _zero()), g)
    if inspections is None:
        inspections = _inspections_by_unit(p)
    progress = _progress_by_task(p.month)
    rows = []
    for task in Task.objects.prefetch_related("lead_units", "co_units").order_by("order", "id"):
        leads = list(task.lead_units.all())
        row = {"code": task.code, "title": task.title, "section": task.section,
               "lead_units": "、".join(d.name for d in leads),
               "co_units": "、".join(d.name for d in task.co_units.all()) or "—",
               "territorial": "、".join(x for x, on in (("各开发区", task.zones), ("各街镇", task.streets)) if on),
               "inspections_month": sum(inspections.get(d.pk, 0) for d in leads), **_zero()}
        for d in leads:
            _add(row, unit_figures.get(d.pk, _zero()))
        row.update(_progress_cells(progress.get(task.pk, {}), {d.pk for d in leads}))
        rows.append(_finish(row))
    return rows


def _progress_by_task(month: str) -> dict:
    """The units' own progress records of the month: the latest entry of each unit per task."""
    latest: dict = {}
    qs = (TaskProgress.objects.filter(month=month).select_related("department", "jurisdiction")
          .order_by("recorded_at", "id"))
    for entry in qs.iterator(chunk_size=500):
        latest.setdefault(entry.task_id, {})[entry.unit_key] = entry  # later rows replace earlier ones
    return latest


def _progress_cells(entries: dict, lead_ids: set) -> dict:
    """进展: the lead units' entries first, then the others; how many units reported."""
    def line(e):
        pct = f"（{e.percent}%）" if e.percent is not None else ""
        return f"{e.unit.name}：{e.get_status_display()}{pct}，{e.text.strip()}"

    ordered = sorted(entries.values(), key=lambda e: (e.department_id not in lead_ids, e.unit_key))
    return {"progress_units": len(ordered),
            "progress_status": ordered[0].get_status_display() if ordered else "未填报",
            "progress": "；".join(line(e) for e in ordered) or "本月未填报"}


def _hazard_row(h: Hazard, p: Period) -> dict:
    return {"number": h.number, "site": h.site.name, "jurisdiction": h.jurisdiction.name,
            "lead_unit": h.lead_unit.name, "description": h.description[:80],
            "severity": h.get_severity_display(), "state": h.get_state_display(),
            "found_date": timezone.localdate(h.found_at).isoformat(), "deadline": h.deadline.isoformat(),
            "overdue_days": max(0, (p.as_of - h.deadline).days),
            "responsible": f"{h.responsible_party} {h.responsible_person}".strip()}


def _hazard_list(qs, p: Period) -> list[dict]:
    qs = qs.select_related("site", "jurisdiction", "lead_unit").order_by("deadline", "number")
    return [_hazard_row(h, p) for h in qs.iterator(chunk_size=500)]


def _trend(p: Period) -> list[dict]:
    """Found and closed per month, from the first hazard up to M."""
    def per_month(field):
        rows = (Hazard.objects.filter(**{f"{field}__lt": p.end_at}).annotate(m=TruncMonth(field)).order_by()
                .values_list("m").annotate(n=Count("id")).values_list("m", "n"))
        return {f"{m:%Y-%m}": n for m, n in rows if m}
    found, closed = per_month("found_at"), per_month("closed_at")
    months = sorted(set(found) | set(closed))[-24:]
    return [{"month": m, "found": found.get(m, 0), "closed": closed.get(m, 0)} for m in months]


def _lookbacks(p: Period) -> dict:
    qs = LookBack.objects.filter(month=p.month)
    counts = qs.aggregate(drawn=Count("id"), checked=Count("id", filter=~Q(result=LookBackResult.PENDING)),
                          confirmed=Count("id", filter=Q(result=LookBackResult.CONFIRMED)),
                          rebound=Count("id", filter=Q(result=LookBackResult.REBOUND)))
    counts["pending"] = counts["drawn"] - counts["checked"]
    counts["rebound_rate"] = rate(counts["rebound"], counts["checked"])
    return counts


def _enforcement(p: Period) -> dict:
    """What the platform holds of enforcement: supervision orders (督办). Cases and penalties are not recorded here
    yet, so the report says so rather than showing numbers it does not have."""
    orders = SupervisionOrder.objects.all()
    issued = orders.filter(issued_at__gte=p.start_at, issued_at__lt=p.end_at)
    return {
        "orders_issued": issued.count(),
        "orders_answered": issued.filter(responded_at__lt=p.end_at).count(),
        "orders_open": orders.filter(issued_at__lt=p.end_at).filter(
            Q(responded_at__isnull=True) | Q(responded_at__gte=p.end_at)).count(),
        "cases_note": "平台尚未接入执法案件、行政处罚数据，本节仅统计督办单；执法情况请各执法单位另行报送。",
    }


def district_figures(month: str) -> dict:
    """Everything the district report shows for `month` ("YYYY-MM"): the context of the Word template and the
    source of the Excel tables (names in README.md)."""
    p = period(month)
    nodes = {j.pk: j for j in Jurisdiction.objects.all()}
    by_code = {j.code: j for j in nodes.values()}
    depts = {d.pk: d for d in Department.objects.all()}
    totals, areas, units = _zero(), {}, {}
    for g in _groups(p):
        _add(totals, g)
        _add(units.setdefault(g["lead_unit_id"], _zero()), g)
        codes = [c for c in nodes[g["jurisdiction_id"]].path.split("/") if c]
        area = by_code.get(codes[1]) if len(codes) > 1 else None  # the zone or street holding the place
        if area is not None:
            _add(areas.setdefault(area.pk, _zero()), g)
    inspections = _inspections_by_unit(p)
    totals = _finish(totals)
    totals["inspections_month"] = sum(inspections.values())
    totals["inspections"] = Inspection.objects.filter(inspected_at__lt=p.end_at).count()
    totals["sites_inspected_month"] = (Inspection.objects.filter(inspected_at__gte=p.start_at, inspected_at__lt=p.end_at)
                                       .values("site_id").distinct().count())

    by_unit = [_finish({"unit": depts[pk].name, "inspections_month": inspections.get(pk, 0), **f})
               for pk, f in units.items()]
    by_unit.sort(key=lambda r: (-r["found"], r["unit"]))
    level_names = dict(Level.choices)
    by_area = []
    for j in sorted((j for j in nodes.values() if j.level in (Level.ZONE, Level.STREET)),
                    key=lambda j: (j.level != Level.ZONE, j.code)):
        by_area.append(_finish({"name": j.name, "short": j.display_name, "code": j.code,
                                "level": str(level_names[j.level]), **areas.get(j.pk, _zero())}))

    major_qs = Hazard.objects.filter(severity=Severity.MAJOR).filter(
        open_at_end(p) | Q(found_at__gte=p.start_at, found_at__lt=p.end_at))
    overdue_qs = Hazard.objects.filter(open_at_end(p), deadline__lt=p.as_of)
    majors, overdue = _hazard_list(major_qs, p), _hazard_list(overdue_qs, p)
    overdue.sort(key=lambda r: (-r["overdue_days"], r["number"]))
    return {
        "title": "滨海新区燃气安全专项整治工作月报",
        "month": p.month, "month_label": p.label, "period": p,
        "period_text": f"{p.start:%Y年%m月%d日}至{p.as_of:%Y年%m月%d日}",
        "generated_at": timezone.localtime(clock.now()).strftime("%Y年%m月%d日 %H:%M"),
        "totals": totals,
        "tasks": task_rows(p.month, p=p, unit_figures=units, inspections=inspections),
        "by_unit": by_unit, "by_area": by_area,
        "majors": majors, "majors_shown": majors[:LIST_LIMIT], "majors_more": max(0, len(majors) - LIST_LIMIT),
        "overdue": overdue, "overdue_shown": overdue[:LIST_LIMIT],
        "overdue_more": max(0, len(overdue) - LIST_LIMIT),
        "lookbacks": _lookbacks(p), "enforcement": _enforcement(p), "trend": _trend(p),
    }


def sample_context() -> dict:
    """A context with every name the template may use and no rows: to try an uploaded template before keeping it."""
    p = period(clock.today().strftime("%Y-%m"))
    totals = _finish({**_zero(), "inspections_month": 0, "inspections": 0, "sites_inspected_month": 0})
    return {"title": "滨海新区燃气安全专项整治工作月报", "month": p.month, "month_label": p.label, "period": p,
            "period_text": "", "generated_at": "", "totals": totals, "tasks": [], "by_unit": [], "by_area": [],
            "majors": [], "majors_shown": [], "majors_more": 0, "overdue": [], "overdue_shown": [],
            "overdue_more": 0, "trend": [],
            "lookbacks": {"drawn": 0, "checked": 0, "confirmed": 0, "rebound": 0, "pending": 0, "rebound_rate": 0},
            "enforcement": {"orders_issued": 0, "orders_answered": 0, "orders_open": 0, "cases_note": ""},
            "chart_trend": "", "chart_units": "", "chart_areas": ""}
