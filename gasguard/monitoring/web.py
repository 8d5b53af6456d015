"""Monitoring pages: the live alarm board, a device's page (readings chart + alarms), the device register (list,
filters, export, register / edit, new secret), the alarm rules and the dead letters. Mounted at /monitoring/ by one
line in gasguard/urls.py. Every read is cut to the user's scope (Site.objects.visible_to through Device/Alarm.visible_to):
an enterprise sees its own devices and alarms, a street those of its area. Writes are the office's (as the API's
ReadOnlyOrOffice), through services.py, which checks again and audits."""
import tempfile
from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gasguard.hazards.filtersets import jurisdiction_subtree
from gasguard.org.choices import Role
from gasguard.org.models import Department, Jurisdiction, User
from gasguard.org.roles import can_manage_master_data, can_verify
from gasguard.sites.models import Site
from gasguard.utilities import clock
from gasguard.utilities.xlsx import SheetWriter

from . import services
from .choices import AlarmAction, AlarmState, DeadLetterReason, DeviceKind, DeviceState, Finding, Op, RuleType
from .forms import DeadLetterFilterForm, DeviceFilterForm, DeviceForm, RuleForm, site_label
from .models import Alarm, AlarmRule, DeadLetter, Device, calibration_days
from .services import ALLOWED

ACTIONS = [AlarmAction.ACKNOWLEDGE, AlarmAction.DISPATCH, AlarmAction.ARRIVE, AlarmAction.HANDLE, AlarmAction.CLOSE]


def allowed_actions(alarm, user) -> list:
    """The steps this user may take on this alarm now (the services check the same again on POST)."""
    if not can_verify(user):
        return []
    return [a for a in ACTIONS if alarm.state in ALLOWED[a]]


def _rows(alarms, user):
    return [{"alarm": a, "actions": allowed_actions(a, user)} for a in alarms]


@login_required
def alarm_board(request):
    alarms = (Alarm.objects.visible_to(request.user).active()
              .select_related("device", "site", "dispatched_to_unit", "dispatched_to_user")
              .order_by("-raised_at")[:300])
    can_act = can_verify(request.user)
    return render(request, "monitoring/alarm_board.html", {
        "rows": _rows(alarms, request.user), "can_act": can_act,
        "units": Department.objects.order_by("name") if can_act else [],
        "people": _field_people() if can_act else [],
        "findings": Finding.choices, "states": AlarmState.choices})


def _field_people():
    """Who can be sent to the place by name: active inspectors and officers of the departments and jurisdictions,
    grouped by their unit."""
    people = (User.objects.filter(is_active=True, role__in=[Role.INSPECTOR, Role.DEPARTMENT, Role.JURISDICTION])
              .select_related("department", "jurisdiction").order_by("department__name", "jurisdiction__name",
                                                                      "full_name", "username")[:1000])
    groups = {}
    for p in people:
        groups.setdefault(p.unit_name, []).append(p)
    return sorted(groups.items())


@login_required
def alarm_row(request, pk):
    """One row of the board, rendered on the server (the board fetches it when the stream says the alarm moved)."""
    alarm = get_object_or_404(Alarm.objects.visible_to(request.user).select_related(
        "device", "site", "dispatched_to_unit", "dispatched_to_user"), pk=pk)
    return render(request, "monitoring/_alarm_row.html", {"r": _rows([alarm], request.user)[0]})


@login_required
def device_page(request, pk):
    device = get_object_or_404(Device.objects.visible_to(request.user).select_related("site", "jurisdiction"), pk=pk)
    # The metrics the device's rules watch, its own measurement first and the battery last.
    metrics = sorted({r.metric for r in AlarmRule.objects.filter(is_active=True).exclude(metric="")
                      if r.applies_to(device.kind)}, key=lambda m: (m == "battery", m)) or ["ch4_lel"]
    alarms = device.alarms.select_related("site", "dispatched_to_unit", "dispatched_to_user").order_by("-raised_at")[:50]
    return render(request, "monitoring/device.html", {
        "device": device, "metrics": metrics, "rows": [{"alarm": a, "actions": []} for a in alarms],
        "can_edit": can_manage_master_data(request.user), "overdue": device.calibration_overdue(clock.today()),
        "due_on": device.calibration_due_on()})


# ------------------------------------------------------------------------------------------------ device register

PAGE_SIZE = 30
DEVICE_SORTS = {"code": "code", "kind": "kind", "state": "state", "seen": "last_seen_at", "calibrated": "calibrated_on",
                "site": "site__name"}
# Devices that never reported, or never calibrated, sort last whichever way.
_NULLABLE = {"last_seen_at", "calibrated_on"}


def _office_only(user):
    if not can_manage_master_data(user):
        raise PermissionDenied(_("仅区专班办公室可以维护监测设备和报警规则"))


def filtered_devices(request):
    """The user's devices with the list's filters and sort; the filter form (its errors name the field)."""
    form = DeviceFilterForm(request.GET)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    qs = Device.objects.visible_to(request.user)
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("state"):
        qs = qs.filter(state=data["state"])
    if data.get("jurisdiction"):
        qs = jurisdiction_subtree(qs, data["jurisdiction"])
    if data.get("site"):
        qs = qs.filter(site_id=data["site"])
    if data.get("q", "").strip():
        q = data["q"].strip()
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if data.get("overdue"):
        qs = qs.calibration_overdue(clock.today())
    if data.get("active"):
        qs = qs.filter(is_active=data["active"] == "1")
    sort = request.GET.get("sort") or "code"
    column = DEVICE_SORTS.get(sort.lstrip("-"))
    if column is None:
        sort, column = "code", "code"
    desc = sort.startswith("-")
    if column in _NULLABLE:
        order = F(column).desc(nulls_last=True) if desc else F(column).asc(nulls_last=True)
    else:
        order = ("-" if desc else "") + column
    return form, qs.order_by(order, "-id" if desc else "id"), sort


def _query(request, *drop):
    params = request.GET.copy()
    for key in ("page", *drop):
        params.pop(key, None)
    return params.urlencode()


@login_required
def device_list(request):
    form, qs, sort = filtered_devices(request)
    page = Paginator(qs.select_related("site", "jurisdiction"), PAGE_SIZE).get_page(request.GET.get("page"))
    today = clock.today()
    rows = [{"d": d, "overdue": d.calibration_overdue(today), "due_on": d.calibration_due_on()} for d in page]
    site = None
    if form.cleaned_data.get("site"):
        site = Site.objects.visible_to(request.user).filter(pk=form.cleaned_data["site"]).first()
    return render(request, "monitoring/devices.html", {
        "form": form, "page": page, "rows": rows, "sort": sort, "query": _query(request),
        "sort_query": _query(request, "sort"), "kinds": DeviceKind.choices, "states": DeviceState.choices,
        "jurisdictions": Jurisdiction.objects.filter(level__in=["zone", "street"]).order_by("level", "code"),
        "site": site, "can_edit": can_manage_master_data(request.user), "calibration_days": calibration_days()})


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _sheet_response(tmp, stem):
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=f"{stem}-{timezone.localtime():%Y%m%d-%H%M}.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


DEVICE_COLUMNS = [N_("设备编码"), N_("名称"), N_("设备类型"), N_("监测对象"), N_("属地"), N_("纬度"), N_("经度"), N_("状态"),
                  N_("最后上报时间"), N_("上报间隔（秒）"), N_("安装日期"), N_("标定日期"), N_("标定到期"), N_("标定逾期"),
                  N_("启用")]


@login_required
def device_export(request):
    """Exactly the filtered devices (the list's filters and sort), row by row into a temporary file."""
    _form, qs, _sort = filtered_devices(request)
    kinds, states = ({k: str(v) for k, v in c.choices} for c in (DeviceKind, DeviceState))
    today = clock.today()
    tmp = tempfile.TemporaryFile()
    with SheetWriter(tmp, _("监测设备")) as sheet:
        sheet.header([_(c) for c in DEVICE_COLUMNS])
        for d in qs.select_related("site", "jurisdiction").iterator(chunk_size=2000):
            due = d.calibration_due_on()
            sheet.row((d.code, d.name, kinds.get(d.kind, d.kind), d.site.name, d.jurisdiction.name, d.lat, d.lon,
                       states.get(d.state, d.state), _local(d.last_seen_at), d.interval_s, d.installed_on,
                       d.calibrated_on, due, _("是") if d.calibration_overdue(today) else _("否"),
                       _("是") if d.is_active else _("否")))
    return _sheet_response(tmp, _("监测设备"))


def _form_errors(form, exc: ValidationError):
    """A service's per-field errors onto the form (a field the form does not show goes to the top)."""
    for field, errs in (exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}).items():
        form.add_error(field if field in form.fields else None, errs)


def _secret_page(request, device, secret, created):
    """The device's secret, shown this once: not cached, not kept in the session or a message."""
    response = render(request, "monitoring/device_secret.html", {
        "device": device, "secret": secret, "created": created, "topic_prefix": settings.MONITORING_TOPIC_PREFIX})
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
def device_create(request):
    _office_only(request.user)
    initial = {"interval_s": 60, "is_active": True}
    if request.GET.get("site", "").isdigit():
        site = Site.objects.filter(pk=int(request.GET["site"])).select_related("jurisdiction").first()
        if site is not None:
            initial["site"] = site_label(site)
    form = DeviceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        is_active = data.pop("is_active")
        try:
            device, secret = services.register_device(by=request.user, **data)
            if not is_active:
                device = services.update_device(device, by=request.user, is_active=False)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return _secret_page(request, device, secret, created=True)
    return render(request, "monitoring/device_form.html", {"form": form, "device": None},
                  status=400 if form.errors else 200)


def _my_device(request, pk):
    return get_object_or_404(Device.objects.visible_to(request.user).select_related("site__jurisdiction",
                                                                                    "jurisdiction"), pk=pk)


@login_required
def device_edit(request, pk):
    device = _my_device(request, pk)  # out of scope: 404, as everywhere
    _office_only(request.user)
    form = DeviceForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        try:
            services.update_device(device, by=request.user, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存设备 %(code)s") % {"code": device.code})
            return redirect("device_page", pk=device.pk)
    return render(request, "monitoring/device_form.html", {"form": form, "device": device},
                  status=400 if form.errors else 200)


@never_cache
@login_required
@require_POST
def device_rotate(request, pk):
    device = _my_device(request, pk)
    _office_only(request.user)
    secret = services.rotate_secret(device, by=request.user)
    return _secret_page(request, device, secret, created=False)


@login_required
def site_suggestions(request):
    """Up to 20 sites in the user's scope whose name (or id) matches q, for the device form's site box."""
    _office_only(request.user)
    q = request.GET.get("q", "").strip()
    sites = Site.objects.visible_to(request.user).select_related("jurisdiction").order_by("name", "id")
    if q.isdigit():
        sites = sites.filter(Q(pk=int(q)) | Q(name__icontains=q))
    elif q:
        sites = sites.filter(name__icontains=q)
    return JsonResponse({"sites": [{"id": s.pk, "label": site_label(s), "type": s.get_site_type_display()}
                                   for s in sites[:20]]})


# ------------------------------------------------------------------------------------------------ alarm rules

UNITS = {"ch4_lel": "%LEL", "pressure_mpa": "MPa", "battery": "%", "flow_m3h": "m³/h"}


def describe(rule) -> str:
    """A rule's condition in words, e.g. "ch4_lel ≥ 25 %LEL，持续 60 秒"."""
    unit = UNITS.get(rule.metric, "")

    def num(value):
        return "—" if value is None else f"{value:g} {unit}".strip()

    if rule.rule_type == RuleType.SILENCE:
        return _("连续 %(n)s 个上报周期无数据") % {"n": rule.intervals}
    if rule.rule_type == RuleType.RATE:
        return _("%(metric)s %(window)s 秒内升高 ≥ %(value)s") % {"metric": rule.metric, "window": rule.window_s,
                                                              "value": num(rule.threshold)}
    if rule.op == Op.OUTSIDE:
        text = _("%(metric)s 超出 %(low)s – %(high)s") % {"metric": rule.metric, "low": num(rule.low),
                                                           "high": num(rule.threshold)}
    else:
        text = f"{rule.metric} {Op(rule.op).label} {num(rule.threshold)}"
    if rule.rule_type == RuleType.REPEAT:
        text += _("，%(window)s 秒内 %(n)s 次") % {"window": rule.window_s, "n": rule.repeat_count}
    elif rule.duration_s:
        text += _("，持续 %(s)s 秒") % {"s": rule.duration_s}
    return text


@login_required
def rule_list(request):
    """The rules by device kind with their set points. Kinds that follow the very same rules (the five methane
    detectors) share one table rather than repeating it five times."""
    rules = list(AlarmRule.objects.order_by("rule_type", "code"))
    for rule in rules:
        rule.condition = describe(rule)
        unit = UNITS.get(rule.metric, "")
        rule.margin = "—" if rule.rule_type in (RuleType.SILENCE, RuleType.RATE) else f"{rule.hysteresis:g} {unit}"
    by_rules = {}
    for value, label in DeviceKind.choices:
        applying = [r for r in rules if r.applies_to(value)]
        group = by_rules.setdefault(tuple(r.pk for r in applying), {"kinds": [], "labels": [], "rules": applying})
        group["kinds"].append(value)
        group["labels"].append(label)
    groups = list(by_rules.values())
    return render(request, "monitoring/rules.html", {"groups": groups, "rules": rules,
                                                     "can_edit": can_manage_master_data(request.user)})


@login_required
def rule_edit(request, pk):
    rule = get_object_or_404(AlarmRule, pk=pk)
    _office_only(request.user)
    form = RuleForm(request.POST or None, rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_rule(rule, by=request.user, **form.changes())
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("已保存报警规则“%(name)s”，各接收进程将在 10 秒内按新设置判断") % {"name": rule.name})
            return redirect("rule_list")
    return render(request, "monitoring/rule_form.html", {
        "form": form, "rule": rule, "condition": describe(rule), "unit": UNITS.get(rule.metric, ""),
        "kinds": [DeviceKind(k).label for k in rule.kinds if k in DeviceKind.values]},
        status=400 if form.errors else 200)


# ------------------------------------------------------------------------------------------------ dead letters

DEAD_LETTER_PAGE = 50


def filtered_dead_letters(request):
    form = DeadLetterFilterForm(request.GET)
    form.is_valid()
    data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    qs = DeadLetter.objects.all()
    if data.get("reason"):
        qs = qs.filter(reason=data["reason"])
    if data.get("source"):
        qs = qs.filter(source=data["source"])
    if data.get("device", "").strip():
        qs = qs.filter(device_code__icontains=data["device"].strip())
    zone = timezone.get_current_timezone()
    if data.get("since"):
        qs = qs.filter(received_at__gte=datetime.combine(data["since"], time.min, zone))
    if data.get("until"):
        qs = qs.filter(received_at__lt=datetime.combine(data["until"], time.max, zone))
    return form, qs.order_by("-received_at", "-id")


@login_required
def dead_letters(request):
    """What the ingesters could not use (office only, as the API): the payload is kept with the secret blanked."""
    _office_only(request.user)
    form, qs = filtered_dead_letters(request)
    page = Paginator(qs, DEAD_LETTER_PAGE).get_page(request.GET.get("page"))
    return render(request, "monitoring/dead_letters.html", {
        "form": form, "page": page, "query": _query(request), "reasons": DeadLetterReason.choices})


DEAD_LETTER_COLUMNS = [N_("接收时间"), N_("来源"), N_("主题"), N_("设备编码"), N_("原因"), N_("说明"), N_("原始报文")]
XLSX_CELL_MAX = 32_767


@login_required
def dead_letter_export(request):
    _office_only(request.user)
    _form, qs = filtered_dead_letters(request)
    reasons = {k: str(v) for k, v in DeadLetterReason.choices}
    tmp = tempfile.TemporaryFile()
    with SheetWriter(tmp, _("死信")) as sheet:
        sheet.header([_(c) for c in DEAD_LETTER_COLUMNS])
        for at, source, topic, code, reason, detail, payload in qs.values_list(
                "received_at", "source", "topic", "device_code", "reason", "detail", "payload").iterator(2000):
            sheet.row((_local(at), source, topic, code, reasons.get(reason, reason), detail,
                       payload[:XLSX_CELL_MAX]))
    return _sheet_response(tmp, _("死信"))


urlpatterns = [
    path("alarms/", alarm_board, name="alarm_board"),
    path("alarms/<int:pk>/row/", alarm_row, name="alarm_row"),
    path("devices/", device_list, name="device_list"),
    path("devices/export.xlsx", device_export, name="device_export"),
    path("devices/new/", device_create, name="device_create"),
    path("devices/sites.json", site_suggestions, name="device_site_suggestions"),
    path("devices/<int:pk>/", device_page, name="device_page"),
    path("devices/<int:pk>/edit/", device_edit, name="device_edit"),
    path("devices/<int:pk>/rotate/", device_rotate, name="device_rotate"),
    path("rules/", rule_list, name="rule_list"),
    path("rules/<int:pk>/edit/", rule_edit, name="rule_edit"),
    path("dead-letters/", dead_letters, name="dead_letters"),
    path("dead-letters/export.xlsx", dead_letter_export, name="dead_letter_export"),
]
