"""Supervision of units by the task force office."""
import re
import uuid
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.hazards import services as hazard_services
from gasguard.hazards.models import Hazard
from gasguard.notifications import services as outbox
from gasguard.notifications.choices import Channel
from gasguard.utilities import clock

from . import figures
from .defaults import ensure_default_campaign
from .figures import ENTERED
from .models import (
    Admonition,
    Circular,
    MonthlyReport,
    MonthlyReportVersion,
    Notice,
    ProgressStatus,
    ReportState,
    SupervisionOrder,
    Task,
    TaskProgress,
)
from .units import Unit, is_office, reporting_units, user_unit


@transaction.atomic
def issue_supervision_order(*, reason, deadline, by=None, department=None, jurisdiction=None, task=None,
                            hazards=(), trigger_key=None):
    """Issue a 督办单. With a `trigger_key` already used, nothing is issued and None is returned."""
    if trigger_key and SupervisionOrder.objects.filter(trigger_key=trigger_key).exists():
        return None
    try:
        with transaction.atomic():
            order = SupervisionOrder.objects.create(
                number=f"DB-TMP-{uuid.uuid4().hex}", department=department,
                jurisdiction=jurisdiction, task=task, reason=reason, deadline=deadline, issued_by=by,
                trigger_key=trigger_key)
    except IntegrityError:  # another worker issued it in the meantime
        return None
    order.number = f"DB{timezone.localdate(order.issued_at):%Y%m}{order.pk:05d}"
    order.save(update_fields=["number"])
    order.hazards.set(hazards)
    audit.record("supervision.issue", order, actor=by, after=audit.snapshot(order))
    return order


def escalate_overdue(*, on: date | None = None, by=None) -> list:
    """Issue a supervision order (督办单) to the lead unit of every overdue hazard not yet pressed for its current
    deadline; the hazard's timeline records it. Safe to run twice: an order is keyed on the hazard and its deadline."""
    on = on or clock.today()
    orders = []
    for hazard in Hazard.objects.overdue(on).select_related("lead_unit", "jurisdiction").order_by("id"):
        with transaction.atomic():
            key = f"hazard:{hazard.pk}:{hazard.deadline.isoformat()}"
            order = issue_supervision_order(
                department=hazard.lead_unit, jurisdiction=hazard.jurisdiction.territorial_unit(),
                reason=f"隐患 {hazard.number}（{hazard.description[:40]}）已超过整改期限 {hazard.deadline:%Y-%m-%d}，"
                       f"请督促整治责任人{hazard.responsible_person}立即整改并书面反馈。",
                deadline=on + timedelta(days=3), hazards=[hazard], by=by, trigger_key=key)
            if order is None:
                continue
            hazard_services.record_escalation(hazard, order, by=by)
            orders.append(order)
    return orders


@transaction.atomic
def respond(order: SupervisionOrder, *, response: str, by) -> SupervisionOrder:
    """The addressed unit's written response to a supervision order, while the order is open (not once closed)."""
    unit = user_unit(by)
    if unit is None or not (order.department_id == unit.obj.pk if unit.is_department
                            else order.jurisdiction_id == unit.obj.pk):
        raise PermissionDenied(_("只有督办单所督办的单位可以反馈"))
    if not (response or "").strip():
        raise ValidationError({"response": _("请填写书面反馈")})
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)  # a close at the same time waits
    if order.state == SupervisionOrder.State.CLOSED:
        raise ValidationError({"response": _("督办单 %(number)s 已办结，不能再反馈") % {"number": order.number}})
    before = audit.snapshot(order)
    order.response = response.strip()
    order.responded_at = clock.now()
    order.state = SupervisionOrder.State.ANSWERED
    order.save()
    audit.record("supervision.respond", order, actor=by, before=before, after=audit.snapshot(order))
    return order


# ---------------------------------------------------------------------------------------------------- calendar

def month_str(d) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def _shift(month: str, n: int) -> str:
    y, m = (int(x) for x in month.split("-"))
    i = y * 12 + (m - 1) + n
    return f"{i // 12:04d}-{i % 12 + 1:02d}"


def check_month(month: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month or ""):
        raise ValidationError({"month": _("月份格式错误：“%(month)s”，应为 YYYY-MM，例如 2024-01") % {"month": month}})
    return month


def first_month(campaign) -> str:
    return month_str(campaign.first_report_due or campaign.starts_on)


def due_date(campaign, month: str) -> date:
    """The report for `month` is due on the campaign's report day of that month; the first one on its own date
    (the plan: first report 2023-09-11, then before the 18th of every month)."""
    if campaign.first_report_due and month == month_str(campaign.first_report_due):
        return campaign.first_report_due
    y, m = (int(x) for x in month.split("-"))
    return date(y, m, min(campaign.report_day, 28))


def period(campaign, month: str) -> tuple[date, date]:
    """The days a month's report covers: from the previous report's due date up to (not including) its own."""
    start = campaign.starts_on if month <= first_month(campaign) else due_date(campaign, _shift(month, -1))
    return start, due_date(campaign, month)


def report_months(campaign, until: date | None = None) -> list[str]:
    """Every month owed a report, from the first to the one of `until` (default today)."""
    last = month_str(until or clock.today())
    if campaign.ends_on:
        last = min(last, month_str(campaign.ends_on))
    months, m = [], first_month(campaign)
    while m <= last:
        months.append(m)
        m = _shift(m, 1)
    return months


def open_months(campaign, today: date | None = None) -> list[str]:
    """The months owed so far plus the one now being reported (its period has begun, its due date not passed)."""
    today = today or clock.today()
    return [m for m in report_months(campaign, until=today + timedelta(days=31)) if period(campaign, m)[0] <= today]


def default_campaign():
    return ensure_default_campaign()


# ---------------------------------------------------------------------------------------------------- monthly reports

NARRATIVE = ("work_done", "problems", "next_plan")
CONTACTS = ("responsible_name", "responsible_phone", "liaison_name", "liaison_phone")
EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)


def _check_own(report: MonthlyReport, user):
    unit = user_unit(user)
    if unit is None or unit.key != report.unit_key:
        raise PermissionDenied(_("只能填报本单位的月报"))


def _check_office(user):
    if not is_office(user):
        raise PermissionDenied(_("只有专班办公室可以办理"))


def refresh_figures(report: MonthlyReport) -> MonthlyReport:
    """Fill the report with what the platform knows now for its unit and period (only while the unit edits it)."""
    start, end = period(report.campaign, report.month)
    report.figures = figures.compute(Unit(report.unit), start, end, campaign_start=report.campaign.starts_on)
    report.figures_at = clock.now()
    return report


@transaction.atomic
def open_report(campaign, unit, month: str, *, by=None) -> MonthlyReport:
    """The unit's report for `month`, created on first opening. While editable it arrives with fresh figures and
    with the contacts of the unit's previous report."""
    check_month(month)
    if month not in report_months(campaign) and month != _shift(month_str(clock.today()), 1):
        raise ValidationError({"month": _("%(month)s 不在本次专项整治的报送月份内") % {"month": month}})
    report, created = MonthlyReport.objects.select_for_update().get_or_create(
        campaign=campaign, month=month, unit_key=unit.key,
        defaults={**unit.fields(), "due_on": due_date(campaign, month)})
    if created:
        previous = (MonthlyReport.objects.filter(campaign=campaign, unit_key=unit.key, month__lt=month)
                    .exclude(responsible_name="").order_by("-month").first())
        for f in CONTACTS:
            setattr(report, f, getattr(previous, f) if previous else "")
    if report.state in EDITABLE:
        refresh_figures(report)
        report.save()
    return report


def _apply(report: MonthlyReport, data: dict):
    for f in NARRATIVE + CONTACTS:
        if f in data:
            setattr(report, f, (data.get(f) or "").strip())
    entered, errors = {}, {}
    for key, label in ENTERED:
        raw = str(data.get(f"entered_{key}", report.entered.get(key, "")) or "").strip()
        if raw == "":
            continue
        try:
            value = float(raw) if key == "fines_wan" else int(raw)
            if value < 0:
                raise ValueError
        except ValueError:
            errors[f"entered_{key}"] = _("“%(label)s”应填写不小于0的数字，当前为“%(raw)s”") % {"label": label, "raw": raw}
            continue
        entered[key] = value
    if errors:
        raise ValidationError(errors)
    report.entered = entered


@transaction.atomic
def save_draft(report: MonthlyReport, data: dict, *, by) -> MonthlyReport:
    """Keep what the unit has typed so far, without submitting."""
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    _check_own(report, by)
    if report.state not in EDITABLE:
        raise ValidationError({"state": _("月报状态为“%(state)s”，不能修改") % {"state": report.get_state_display()}})
    before = audit.snapshot(report)
    _apply(report, data)
    report.save()
    audit.record("report.save", report, actor=by, before=before, after=audit.snapshot(report))
    return report


def version_data(report: MonthlyReport) -> dict:
    return {"month": report.month, "unit": report.unit.name, "figures": report.figures,
            "figures_at": report.figures_at.isoformat() if report.figures_at else None, "entered": report.entered,
            **{f: getattr(report, f) for f in NARRATIVE + CONTACTS}}


@transaction.atomic
def submit_report(report: MonthlyReport, data: dict, *, by) -> MonthlyReportVersion:
    """Submit (or resubmit after a return): the figures are refreshed one last time, the narrative and contacts
    are required, and the whole report is kept as a new immutable version."""
    report = MonthlyReport.objects.select_for_update().select_related("campaign").get(pk=report.pk)
    _check_own(report, by)
    if report.state not in EDITABLE:
        raise ValidationError({"state": _("月报状态为“%(state)s”，不能报送") % {"state": report.get_state_display()}})
    before = audit.snapshot(report)
    _apply(report, data)
    labels = {"work_done": _("工作开展情况"), "problems": _("存在问题"), "next_plan": _("下步工作计划"),
              "responsible_name": _("责任人姓名"), "responsible_phone": _("责任人电话"), "liaison_name": _("联络员姓名"),
              "liaison_phone": _("联络员电话")}
    missing = {f: _("请填写%(label)s") % {"label": label} for f, label in labels.items() if not getattr(report, f)}
    if missing:
        raise ValidationError(missing)
    refresh_figures(report)
    now = clock.now()
    report.version += 1
    report.state = ReportState.SUBMITTED
    report.submitted_at = now
    report.first_submitted_at = report.first_submitted_at or now
    report.save()
    version = MonthlyReportVersion.objects.create(report=report, number=report.version, data=version_data(report),
                                                  submitted_by=by, submitted_at=now)
    audit.record("report.submit", report, actor=by, before=before, after=audit.snapshot(report),
                 extra={"version": version.number})
    return version


@transaction.atomic
def return_report(report: MonthlyReport, *, comment: str, by) -> MonthlyReport:
    """The office returns a submitted report with its comments; the unit revises and resubmits."""
    _check_office(by)
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError({"state": _("只能退回已报送的月报，当前为“%(state)s”") % {
            "state": report.get_state_display()}})
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写退回意见")})
    before = audit.snapshot(report)
    report.state = ReportState.RETURNED
    report.return_comment = comment.strip()
    report.returned_by, report.returned_at = by, clock.now()
    report.save()
    notify(report.unit_key, key=f"returned:{report.pk}:{report.version}", kind="returned",
           title=f"{report.month} 月报已被退回，请修改后重新报送", text=report.return_comment,
           link=f"/campaign/reports/{report.pk}/")
    audit.record("report.return", report, actor=by, before=before, after=audit.snapshot(report))
    return report


@transaction.atomic
def accept_report(report: MonthlyReport, *, by) -> MonthlyReport:
    _check_office(by)
    report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if report.state != ReportState.SUBMITTED:
        raise ValidationError({"state": _("只能审核已报送的月报，当前为“%(state)s”") % {
            "state": report.get_state_display()}})
    before = audit.snapshot(report)
    report.state = ReportState.ACCEPTED
    report.save()
    audit.record("report.accept", report, actor=by, before=before, after=audit.snapshot(report))
    return report


# ---------------------------------------------------------------------------------------------------- notices, reminders, late

def notify(unit_key: str, *, key: str, kind: str, title: str, text="", link="") -> Notice | None:
    """An in-app notice, sent at most once per `key` (so a job that runs twice notifies once): the unit's notice
    (kept with its read state) and, in the same transaction, its outbox row addressed to the unit (the outbox's
    in-app targets and unit keys are both "department:5" / "jurisdiction:12")."""
    try:
        with transaction.atomic():
            notice = Notice.objects.create(unit_key=unit_key, key=key[:120], kind=kind, title=title, text=text,
                                           link=link, created_at=clock.now())
            outbox.enqueue(f"campaign.{kind}", [(Channel.IN_APP, unit_key)],
                           {"event": f"campaign.{kind}", "title": title, "text": text, "link": link},
                           subject=notice, now=notice.created_at)
            return notice
    except IntegrityError:
        return None


REMIND_DAYS = (3, 1)  # days before the due date


def send_reminders(campaign=None, *, today: date | None = None) -> dict:
    """Remind every unit that has not submitted the report due within the next days (3 days and 1 day before).
    Safe to run any number of times: each reminder is keyed by unit, month and step; a missed run is caught up."""
    campaign = campaign or default_campaign()
    today = today or clock.today()
    sent = 0
    for month in (month_str(today), _shift(month_str(today), 1)):
        due = due_date(campaign, month)
        days_left = (due - today).days
        if month not in report_months(campaign, until=due) or days_left < 0:
            continue
        steps = [d for d in REMIND_DAYS if days_left <= d]
        if not steps:
            continue
        step = min(steps)
        done = set(MonthlyReport.objects.filter(campaign=campaign, month=month, first_submitted_at__isnull=False)
                   .values_list("unit_key", flat=True))
        for unit in reporting_units(campaign):
            if unit.key in done:
                continue
            if notify(unit.key, key=f"remind:{campaign.pk}:{month}:{unit.key}:{step}", kind="reminder",
                      title=f"请于 {due:%Y-%m-%d} 前报送 {month} 月报（还有 {days_left} 天）",
                      link=f"/campaign/my/{month}/"):
                sent += 1
    return {"reminders": sent}


@transaction.atomic
def mark_late(campaign=None, *, today: date | None = None) -> dict:
    """Units with no submitted report past the latest due date: the report is marked late (an
    empty one is created when the unit never opened it), the unit is told, and the office sees it on its board.
    Safe to run twice: marked once, told once."""
    campaign = campaign or default_campaign()
    today = today or clock.today()
    marked = 0
    past = [m for m in report_months(campaign, until=today) if due_date(campaign, m) < today]
    # The latest month past its due date: earlier ones were marked in their time (the board shows them anyway).
    for month in past[-1:]:
        due = due_date(campaign, month)
        for unit in reporting_units(campaign):
            report, _ = MonthlyReport.objects.get_or_create(
                campaign=campaign, month=month, unit_key=unit.key,
                defaults={**unit.fields(), "due_on": due})
            if report.first_submitted_at or report.late_marked_at:
                continue
            report.late_marked_at = clock.now()
            report.save(update_fields=["late_marked_at"])
            audit.record("report.late", report, extra={"due_on": due.isoformat()})
            notify(unit.key, key=f"late:{campaign.pk}:{month}:{unit.key}", kind="late",
                   title=f"{month} 月报已逾期未报（截止 {due:%Y-%m-%d}），请立即报送",
                   link=f"/campaign/my/{month}/")
            marked += 1
    return {"late": marked}


def report_jobs(today: date | None = None) -> dict:
    """The daily reporting job: reminders, then late marking."""
    campaign = default_campaign()
    return {**send_reminders(campaign, today=today), **mark_late(campaign, today=today)}


# ---------------------------------------------------------------------------------------------------- board

def cell_state(report: MonthlyReport | None, due: date, today: date) -> str:
    """The colour of one unit-month on the office's board."""
    if report is not None and report.first_submitted_at:
        if report.state == ReportState.RETURNED:
            return "returned"
        late = timezone.localdate(report.first_submitted_at) > due
        if report.state == ReportState.ACCEPTED:
            return "accepted"
        return "submitted_late" if late else "submitted"
    if today > due:
        return "late"
    return "draft" if report is not None and report.state == ReportState.DRAFT and report.version == 0 \
        and (report.work_done or report.problems) else "pending"


def board(campaign, months: list[str], today: date | None = None) -> list[dict]:
    """Units × months with the state of each report (one query for the reports)."""
    today = today or clock.today()
    reports = {(r.unit_key, r.month): r for r in MonthlyReport.objects.filter(campaign=campaign, month__in=months)}
    dues = {m: due_date(campaign, m) for m in months}
    rows = []
    for unit in reporting_units(campaign):
        cells = []
        for m in months:
            r = reports.get((unit.key, m))
            cells.append({"month": m, "report": r, "state": cell_state(r, dues[m], today)})
        rows.append({"unit": unit, "cells": cells, "late": sum(c["state"] == "late" for c in cells)})
    return rows


# ---------------------------------------------------------------------------------------------------- task progress

@transaction.atomic
def record_progress(task: Task, *, month: str, status: str, text: str, by, percent=None, stage="") -> TaskProgress:
    """A unit records its progress on a task it leads or shares (a new row: history is kept)."""
    unit = user_unit(by)
    if unit is None or not Task.objects.filter(unit.task_q(), pk=task.pk).exists():
        raise PermissionDenied(_("只能填报本单位牵头或配合的任务"))
    check_month(month)
    errors = {}
    if status not in ProgressStatus.values:
        errors["status"] = _("进展状态无效：“%(status)s”") % {"status": status}
    if percent not in (None, ""):
        try:
            percent = int(percent)
            if not 0 <= percent <= 100:
                raise ValueError
        except (TypeError, ValueError):
            errors["percent"] = _("完成比例应为0到100的整数，当前为“%(percent)s”") % {"percent": percent}
    else:
        percent = None
    if not (text or "").strip():
        errors["text"] = _("请填写进展情况")
    if errors:
        raise ValidationError(errors)
    row = TaskProgress.objects.create(task=task, month=month, status=status, percent=percent,
                                      stage=(stage or "").strip(), text=text.strip(), recorded_by=by,
                                      recorded_at=clock.now(), **unit.fields())
    audit.record("task.progress", row, actor=by, after=audit.snapshot(row))
    return row


def latest_progress(unit, tasks) -> dict:
    """task id → the unit's latest progress row."""
    latest = {}
    for row in TaskProgress.objects.filter(unit_key=unit.key, task__in=tasks).order_by("recorded_at", "id"):
        latest[row.task_id] = row
    return latest


# ---------------------------------------------------------------------------------------------------- supervision

@transaction.atomic
def issue_order_to_unit(unit, *, reason: str, deadline, by, task=None, hazards=()) -> SupervisionOrder:
    """The office's 督办单 to a unit about a task or a set of hazards."""
    _check_office(by)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("请填写督办事由")
    if deadline is None:
        errors["deadline"] = _("请填写办理期限")
    elif deadline < clock.today():
        errors["deadline"] = _("办理期限 %(deadline)s 早于今天") % {"deadline": f"{deadline:%Y-%m-%d}"}
    if errors:
        raise ValidationError(errors)
    return issue_supervision_order(reason=reason.strip(), deadline=deadline, by=by, task=task, hazards=hazards,
                                   **unit.fields())


@transaction.atomic
def close_order(order: SupervisionOrder, *, by) -> SupervisionOrder:
    _check_office(by)
    before = audit.snapshot(order)
    order.state = SupervisionOrder.State.CLOSED
    order.save(update_fields=["state"])
    audit.record("supervision.close", order, actor=by, before=before, after=audit.snapshot(order))
    return order


SLOW_RATE = 80.0  # a unit below this cumulative rectification rate is named


def slow_units(campaign, month: str, today: date | None = None) -> list[dict]:
    """Units to name in a circular for `month`: late or missing report, rectification rate below SLOW_RATE, overdue
    hazards. Figures come from the ledger at the end of the month's period."""
    today = today or clock.today()
    due = due_date(campaign, month)
    start, end = period(campaign, month)
    reports = {r.unit_key: r for r in MonthlyReport.objects.filter(campaign=campaign, month=month)}
    entries = []
    for unit in reporting_units(campaign):
        reasons = []
        r = reports.get(unit.key)
        if cell_state(r, due, today) == "late":
            reasons.append("月报逾期未报")
        elif r is not None and r.first_submitted_at and timezone.localdate(r.first_submitted_at) > due:
            reasons.append(f"月报迟报（{timezone.localdate(r.first_submitted_at):%m月%d日}报送）")
        f = figures.compute(unit, start, end, campaign_start=campaign.starts_on)
        if f["rectification_rate"] is not None and f["rectification_rate"] < SLOW_RATE:
            reasons.append(f"累计整改率 {f['rectification_rate']}%（低于 {SLOW_RATE:g}%）")
        if f["overdue"]:
            reasons.append(f"逾期未整改隐患 {f['overdue']} 条")
        if reasons:
            entries.append({"unit": unit.name, "unit_key": unit.key, "reasons": reasons,
                            "rate": f["rectification_rate"], "overdue": f["overdue"]})
    return entries


@transaction.atomic
def issue_circular(campaign, month: str, *, by) -> Circular:
    """通报: generated from the month's figures, naming the slow units; stored as issued."""
    _check_office(by)
    check_month(month)
    entries = slow_units(campaign, month)
    n = Circular.objects.filter(month=month).count() + 1
    lines = [f"根据{campaign.name}工作安排，现将 {month} 各单位工作进展情况通报如下。"]
    if entries:
        lines.append("以下单位工作进展缓慢，予以通报：")
        lines += [f"{i}. {e['unit']}：{'；'.join(e['reasons'])}。" for i, e in enumerate(entries, start=1)]
        lines.append("请被通报单位于5个工作日内查找原因、落实整改，并将整改情况书面报专班办公室。")
    else:
        lines.append("本月各单位均按时报送月报，未发现需通报的情况。")
    circular = Circular.objects.create(
        campaign=campaign, number=f"TB{month.replace('-', '')}-{n:02d}", month=month,
        title=f"关于{month[:4]}年{int(month[5:])}月城镇燃气安全专项整治工作进展情况的通报", body="\n".join(lines),
        entries=entries, issued_by=by, issued_at=clock.now())
    for e in entries:
        notify(e["unit_key"], key=f"circular:{circular.pk}:{e['unit_key']}", kind="circular",
               title=f"本单位被通报：{circular.title}", text="；".join(e["reasons"]),
               link=f"/campaign/circulars/{circular.pk}/")
    # (the snapshot sorts lists, so the entries, a list of dicts, go in `extra` as they are)
    audit.record("circular.issue", circular, actor=by, after=audit.snapshot(circular, exclude=["entries"]),
                 extra={"entries": entries})
    return circular


@transaction.atomic
def record_admonition(unit, *, held_on, people: str, reasons: str, commitments="", by) -> Admonition:
    """约谈记录: who was admonished, when, why, and what they committed to."""
    _check_office(by)
    fields = [("held_on", _("约谈日期"), held_on), ("people", _("约谈对象"), people), ("reasons", _("约谈事由"), reasons)]
    errors = {k: _("请填写%(label)s") % {"label": label} for k, label, v in fields if not v or not str(v).strip()}
    if errors:
        raise ValidationError(errors)
    row = Admonition.objects.create(held_on=held_on, people=people.strip(), reasons=reasons.strip(),
                                    commitments=(commitments or "").strip(), recorded_by=by,
                                    recorded_at=clock.now(), **unit.fields())
    notify(unit.key, key=f"admonition:{row.pk}", kind="admonition", title=f"约谈记录：{held_on:%Y-%m-%d}",
           text=row.reasons, link="/campaign/admonitions/")
    audit.record("admonition.record", row, actor=by, after=audit.snapshot(row))
    return row


def reporting_summary(campaign, today: date | None = None) -> dict | None:
    """For the office's home dashboard: the latest month whose reports are due, how many units reported on time,
    late, not at all, or were returned — with the names of those who have not reported."""
    today = today or clock.today()
    due_months = [m for m in open_months(campaign, today) if due_date(campaign, m) < today]
    if not due_months:
        return None
    month = due_months[-1]
    rows = board(campaign, [month], today)
    states = [r["cells"][0]["state"] for r in rows]
    count = {s: states.count(s) for s in ("submitted", "accepted", "submitted_late", "returned", "late")}
    return {"month": month, "due": due_date(campaign, month), "units": len(rows),
            "on_time": count["submitted"] + count["accepted"], "late_submitted": count["submitted_late"],
            "returned": count["returned"], "missing": count["late"],
            "missing_units": [r["unit"].name for r in rows if r["cells"][0]["state"] == "late"]}
