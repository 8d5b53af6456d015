"""Campaign pages: the office's board of monthly reports (units × months), a unit's own report form (pre-filled),
task progress, supervision orders, circulars and admonitions. A unit sees only its own; the office sees all.
Out of scope is not found (404)."""
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from gasguard.hazards.models import Hazard
from gasguard.utilities import clock

from . import figures, services
from .models import (
    Admonition,
    Circular,
    MonthlyReport,
    Notice,
    ProgressStatus,
    SupervisionOrder,
    Task,
    TaskProgress,
)
from .units import is_office, reporting_units, unit_from_key, user_unit

BOARD_MONTHS = 6


def _errors(exc: ValidationError) -> list[str]:
    return [m for msgs in getattr(exc, "message_dict", {"": exc.messages}).values() for m in msgs]


def _date(value):
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _report_or_404(user, pk) -> MonthlyReport:
    report = get_object_or_404(MonthlyReport.objects.select_related("campaign", "department", "jurisdiction"),
                               pk=pk)
    unit = user_unit(user)
    if not is_office(user) and (unit is None or unit.key != report.unit_key):
        raise Http404
    return report


@login_required
def index(request):
    """The office: the board (late ones in red) and links; a unit: its reports, notices and orders."""
    campaign = services.default_campaign()
    today = clock.today()
    months = services.open_months(campaign, today)
    unit = user_unit(request.user)
    context = {"campaign": campaign, "phases": campaign.phases.all(), "office": is_office(request.user),
               "unit": unit, "today": today}
    current = next((p for p in campaign.phases.all() if p.starts_on <= today and (not p.ends_on
                                                                                   or today <= p.ends_on)), None)
    context["current_phase"] = current
    if is_office(request.user):
        to = request.GET.get("to")  # the board's last month (default: this month)
        upto = months[:months.index(to) + 1] if to in months else months
        shown = upto[-BOARD_MONTHS:]
        rows = services.board(campaign, shown, today)
        only = request.GET.get("only")
        if only == "late":
            rows = [r for r in rows if r["late"]]
        context.update(board_months=shown, rows=rows, only=only, to=to if to in months else "",
                       prev_to=upto[-BOARD_MONTHS - 1] if len(upto) > BOARD_MONTHS else "",
                       late_now=sum(1 for r in rows if r["cells"] and r["cells"][-1]["state"] == "late"))
    if unit is not None:
        reports = {r.month: r for r in MonthlyReport.objects.filter(campaign=campaign, unit_key=unit.key)}
        mine = []
        for m in reversed(months[-12:]):
            r = reports.get(m)
            due = services.due_date(campaign, m)
            mine.append({"month": m, "due": due, "report": r, "state": services.cell_state(r, due, today)})
        context.update(mine=mine, notices=Notice.objects.filter(unit_key=unit.key)[:10],
                       orders=SupervisionOrder.objects.visible_to(request.user)
                       .exclude(state=SupervisionOrder.State.CLOSED)[:10])
    if unit is None and not is_office(request.user):
        raise Http404
    return render(request, "campaign/index.html", context)


@login_required
def my_report(request, month):
    """Open (create on first visit) the user's unit report for `month`."""
    unit = user_unit(request.user)
    if unit is None:
        raise Http404
    try:
        report = services.open_report(services.default_campaign(), unit, month, by=request.user)
    except ValidationError:
        raise Http404
    return redirect("campaign_report", pk=report.pk)


@login_required
def report_page(request, pk):
    report = _report_or_404(request.user, pk)
    unit = user_unit(request.user)
    own = unit is not None and unit.key == report.unit_key
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save" and own:
                services.save_draft(report, request.POST, by=request.user)
                messages.success(request, _("已暂存"))
            elif action == "submit" and own:
                v = services.submit_report(report, request.POST, by=request.user)
                messages.success(request, _("已报送（第 %(n)s 版）") % {"n": v.number})
            elif action == "return":
                services.return_report(report, comment=request.POST.get("comment", ""), by=request.user)
                messages.success(request, _("已退回"))
            elif action == "accept":
                services.accept_report(report, by=request.user)
                messages.success(request, _("已审核"))
            else:
                raise PermissionDenied
            return redirect("campaign_report", pk=report.pk)
        except ValidationError as exc:
            errors = _errors(exc)
            for k, v in request.POST.items():  # keep what was typed
                if k in services.NARRATIVE + services.CONTACTS:
                    setattr(report, k, v)
    elif own and report.state in services.EDITABLE:
        report = services.open_report(report.campaign, unit, report.month, by=request.user)  # fresh figures
    editable = own and report.state in services.EDITABLE
    entered = [(k, label, request.POST.get(f"entered_{k}", report.entered.get(k, "")) if errors else
                report.entered.get(k, "")) for k, label in figures.ENTERED]
    start, end = services.period(report.campaign, report.month)
    return render(request, "campaign/report.html", {
        "report": report, "own": own, "editable": editable, "office": is_office(request.user), "errors": errors,
        "figure_rows": figures.rows(report.figures), "entered": entered, "period": (start, end),
        "versions": report.versions.select_related("submitted_by").order_by("-number"),
        "late": report.is_late})


@login_required
def version_page(request, pk, number):
    report = _report_or_404(request.user, pk)
    version = get_object_or_404(report.versions.select_related("submitted_by"), number=number)
    data = version.data
    return render(request, "campaign/version.html", {
        "report": report, "version": version, "data": data, "figure_rows": figures.rows(data.get("figures", {})),
        "entered": [(label, data.get("entered", {}).get(k, "—")) for k, label in figures.ENTERED]})


@login_required
def tasks(request):
    """A unit: the tasks it leads or shares, with its latest progress and a form per task. The office: every task
    with how many units have reported progress."""
    campaign = services.default_campaign()
    unit = user_unit(request.user)
    month = services.month_str(clock.today())
    if request.method == "POST":
        task = get_object_or_404(Task.objects.filter(campaign=campaign), pk=request.POST.get("task"))
        try:
            services.record_progress(task, month=request.POST.get("month") or month,
                                     status=request.POST.get("status", ""), percent=request.POST.get("percent"),
                                     stage=request.POST.get("stage", ""), text=request.POST.get("text", ""),
                                     by=request.user)
            messages.success(request, _("已记录 %(code)s 的进展") % {"code": task.code})
        except ValidationError as exc:
            messages.error(request, f"{task.code}：" + "；".join(_errors(exc)))
        except PermissionDenied as exc:
            raise Http404 from exc
        return redirect("campaign_tasks")
    qs = Task.objects.filter(campaign=campaign).prefetch_related("lead_units", "co_units")
    if unit is not None and not is_office(request.user):
        qs = qs.filter(unit.task_q()).distinct()
    elif unit is None and not is_office(request.user):
        raise Http404
    task_list = list(qs)
    latest = services.latest_progress(unit, task_list) if unit else {}
    counts = {}
    if is_office(request.user):
        for row in TaskProgress.objects.filter(task__in=task_list).values("task_id", "unit_key").distinct():
            counts[row["task_id"]] = counts.get(row["task_id"], 0) + 1
    rows = [{"task": t, "latest": latest.get(t.pk), "units": counts.get(t.pk, 0),
             "mine": unit is not None and Task.objects.filter(unit.task_q(), pk=t.pk).exists()} for t in task_list]
    return render(request, "campaign/tasks.html", {"rows": rows, "statuses": ProgressStatus.choices,
                                                   "month": month, "office": is_office(request.user),
                                                   "unit": unit})


@login_required
def task_page(request, pk):
    campaign = services.default_campaign()
    task = get_object_or_404(Task.objects.filter(campaign=campaign), pk=pk)
    unit = user_unit(request.user)
    history = TaskProgress.objects.filter(task=task).select_related("recorded_by", "department", "jurisdiction")
    if not is_office(request.user):
        if unit is None or not Task.objects.filter(unit.task_q(), pk=task.pk).exists():
            raise Http404
        history = history.filter(unit_key=unit.key)
    return render(request, "campaign/task.html", {"task": task, "history": history})


# ---------------------------------------------------------------------------------------------------- supervision

@login_required
def orders(request):
    errors = []
    if request.method == "POST":
        if not is_office(request.user):
            raise Http404
        target = unit_from_key(request.POST.get("unit", ""))
        task = Task.objects.filter(pk=request.POST.get("task") or 0).first()
        numbers = [n.strip() for n in request.POST.get("hazards", "").replace("，", ",").split(",") if n.strip()]
        hazards = list(Hazard.objects.filter(number__in=numbers))
        missing = sorted(set(numbers) - {h.number for h in hazards})
        try:
            if target is None:
                raise ValidationError({"unit": _("请选择督办单位")})
            if missing:
                raise ValidationError({"hazards": _("隐患编号不存在：%(items)s") % {"items": '、'.join(missing)}})
            order = services.issue_order_to_unit(target, reason=request.POST.get("reason", ""),
                                                 deadline=_date(request.POST.get("deadline")), by=request.user,
                                                 task=task, hazards=hazards)
            messages.success(request, _("已下发督办单 %(n)s") % {"n": order.number})
            return redirect("campaign_order", pk=order.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    qs = (SupervisionOrder.objects.visible_to(request.user)
          .select_related("department", "jurisdiction", "task"))
    state = request.GET.get("state")
    if state in SupervisionOrder.State.values:
        qs = qs.filter(state=state)
    return render(request, "campaign/orders.html", {
        "orders": qs[:200], "office": is_office(request.user), "errors": errors, "state": state,
        "states": SupervisionOrder.State.choices, "post": request.POST,
        "units": reporting_units(services.default_campaign()) if is_office(request.user) else [],
        "tasks": Task.objects.filter(campaign=services.default_campaign()) if is_office(request.user) else []})


@login_required
def order_page(request, pk):
    order = get_object_or_404(SupervisionOrder.objects.visible_to(request.user)
                              .select_related("department", "jurisdiction", "task", "issued_by"), pk=pk)
    unit = user_unit(request.user)
    # An escalation order names the lead department and the street of the place: either may answer it.
    addressee = unit is not None and (order.department == unit.obj if unit.is_department
                                      else order.jurisdiction == unit.obj)
    errors = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "respond" and addressee:
                services.respond(order, response=request.POST.get("response", ""), by=request.user)
                messages.success(request, _("已反馈"))
            elif request.POST.get("action") == "close" and is_office(request.user):
                services.close_order(order, by=request.user)
                messages.success(request, _("已办结"))
            else:
                raise Http404
            return redirect("campaign_order", pk=order.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    return render(request, "campaign/order.html", {"order": order, "addressee": addressee, "errors": errors,
                                                   "office": is_office(request.user),
                                                   "hazards": order.hazards.all()})


@login_required
def circulars(request):
    campaign = services.default_campaign()
    if request.method == "POST":
        if not is_office(request.user):
            raise Http404
        try:
            c = services.issue_circular(campaign, request.POST.get("month", ""), by=request.user)
            messages.success(request, _("已生成通报 %(n)s") % {"n": c.number})
            return redirect("campaign_circular", pk=c.pk)
        except ValidationError as exc:
            messages.error(request, "；".join(_errors(exc)))
    if user_unit(request.user) is None and not is_office(request.user):
        raise Http404
    months = services.report_months(campaign)
    return render(request, "campaign/circulars.html", {"circulars": Circular.objects.select_related("issued_by"),
                                                       "office": is_office(request.user),
                                                       "months": list(reversed(months))})


@login_required
def circular_page(request, pk):
    if user_unit(request.user) is None and not is_office(request.user):
        raise Http404
    c = get_object_or_404(Circular.objects.select_related("issued_by", "campaign"), pk=pk)
    return render(request, "campaign/circular.html", {"c": c, "paragraphs": c.body.split("\n")})


@login_required
def admonitions(request):
    errors = []
    office = is_office(request.user)
    if request.method == "POST":
        if not office:
            raise Http404
        target = unit_from_key(request.POST.get("unit", ""))
        try:
            if target is None:
                raise ValidationError({"unit": _("请选择约谈单位")})
            services.record_admonition(target, held_on=_date(request.POST.get("held_on")),
                                       people=request.POST.get("people", ""), reasons=request.POST.get("reasons", ""),
                                       commitments=request.POST.get("commitments", ""), by=request.user)
            messages.success(request, _("已记录约谈"))
            return redirect("campaign_admonitions")
        except ValidationError as exc:
            errors = _errors(exc)
    qs = Admonition.objects.select_related("department", "jurisdiction", "recorded_by")
    if not office:
        unit = user_unit(request.user)
        if unit is None:
            raise Http404
        qs = qs.filter(unit_key=unit.key)
    return render(request, "campaign/admonitions.html", {
        "rows": qs, "office": office, "errors": errors, "post": request.POST,
        "units": reporting_units(services.default_campaign()) if office else []})
