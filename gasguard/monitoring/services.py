"""The verbs of monitoring. Each owns its transaction, writes the alarm's timeline step and the audit record in
it, and queues its notifications in the outbox (notify.py) in the same transaction. Nothing else saves an alarm.

Life of an alarm: raised → acknowledged → dispatched → on site → handled (finding) → closed. Independently of
that, the readings may recover (cleared_at) and breach again (re-raised): while an alarm is not closed, it is the
one alarm of its device and type, and a continuing breach only refreshes it.
"""
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.org.roles import can_manage_master_data, can_verify
from gasguard.utilities import clock

from . import notify
from .choices import AlarmAction, AlarmState, DeviceKind, DeviceState, Finding, Op, RuleType, Severity
from .models import Alarm, AlarmEvent, AlarmRule, Device

ALARM_FIELDS_EXCLUDED = ()

# From which states each verb may be taken.
ALLOWED = {
    AlarmAction.ACKNOWLEDGE: {AlarmState.RAISED},
    AlarmAction.DISPATCH: {AlarmState.ACKNOWLEDGED, AlarmState.DISPATCHED},
    AlarmAction.ARRIVE: {AlarmState.DISPATCHED},
    AlarmAction.HANDLE: {AlarmState.ON_SITE},
    AlarmAction.CLOSE: {AlarmState.HANDLED},
}


# ---------------------------------------------------------------------------------------------------- devices

@transaction.atomic
def register_device(*, code: str, kind: str, site, by=None, name="", lat=None, lon=None, installed_on=None,
                    calibrated_on=None, interval_s=60, jurisdiction=None, secret: str | None = None
                    ) -> tuple[Device, str]:
    """Register a sensor watching `site`; returns the device and its secret, shown this once (only a hash is
    kept). The device's place defaults to the site's."""
    code = (code or "").strip()
    errors = _device_errors(kind=kind, lat=lat, lon=lon, installed_on=installed_on, calibrated_on=calibrated_on,
                            interval_s=interval_s)
    if not code or "/" in code or "+" in code or "#" in code:
        errors["code"] = _("设备编码不能为空，且不能含 / + #（MQTT 主题的保留字符）")
    elif Device.objects.filter(code=code).exists():
        errors["code"] = _("设备编码 %(code)s 已存在") % {"code": code}
    if errors:
        raise ValidationError(errors)
    from .ingest import hash_secret

    secret = secret or secrets.token_urlsafe(24)
    device = Device.objects.create(
        code=code, name=name or code, kind=kind, site=site, jurisdiction=jurisdiction or site.jurisdiction,
        lat=lat if lat is not None else site.lat, lon=lon if lon is not None else site.lon,
        installed_on=installed_on, calibrated_on=calibrated_on, interval_s=int(interval_s),
        secret_hash=hash_secret(secret))
    audit.record("device.register", device, actor=by, after=audit.snapshot(device, exclude=("secret_hash",)))
    return device, secret


@transaction.atomic
def rotate_secret(device: Device, *, by) -> str:
    """A new secret for the device (the old one stops working within the ingesters' cache period). Only its hash
    is kept: the caller shows the secret once."""
    from .ingest import hash_secret

    _check_office(by)
    secret = secrets.token_urlsafe(24)
    Device.objects.filter(pk=device.pk).update(secret_hash=hash_secret(secret))
    audit.record("device.rotate_secret", device, actor=by)
    # This process (the HTTP readings endpoint) takes the new secret at once; ingesters within their cache period.
    transaction.on_commit(_forget_cached_devices)
    return secret


def _forget_cached_devices():
    from .caches import reset_caches

    reset_caches()


# ---------------------------------------------------------------------------------------------------- rules

# What the office may change on a rule from the rules page (its code, type, metric and operator stay).
RULE_EDITABLE = ("threshold", "low", "hysteresis", "duration_s", "window_s", "intervals", "repeat_count",
                 "is_active")
MAX_RULE_SECONDS = 86_400
# The value range of each metric the rules watch: a threshold outside it could never be met.
METRIC_RANGES = {"ch4_lel": (0.0, 100.0), "battery": (0.0, 100.0), "pressure_mpa": (0.0, 10.0),
                 "flow_m3h": (0.0, 1_000_000.0)}


def rule_errors(rule: AlarmRule) -> dict:
    """Per field, what is wrong with the rule's settings (Chinese, naming the field)."""
    errors = {}
    kind = rule.rule_type
    if kind in (RuleType.LEVEL, RuleType.RATE, RuleType.REPEAT):
        lo, hi = METRIC_RANGES.get(rule.metric, (None, None))
        if rule.threshold is None:
            errors["threshold"] = _("请填写阈值")
        elif lo is not None and not lo < rule.threshold <= hi:
            errors["threshold"] = _("阈值须大于 %(lo)s 且不超过 %(hi)s") % {"lo": f"{lo:g}", "hi": f"{hi:g}"}
        if rule.hysteresis is None or rule.hysteresis < 0:
            errors["hysteresis"] = _("回差不能为负数")
        elif rule.threshold is not None and "threshold" not in errors:
            if rule.op == Op.OUTSIDE:
                if rule.low is None:
                    errors["low"] = _("请填写区间下限")
                elif rule.low >= rule.threshold:
                    errors["low"] = _("区间下限须小于阈值（区间上限）")
                elif 2 * rule.hysteresis >= rule.threshold - rule.low:
                    errors["hysteresis"] = _("回差须小于区间宽度的一半，否则读数回到区间内也无法恢复")
            elif rule.op in (Op.GT, Op.GE) and kind != RuleType.RATE and rule.hysteresis >= rule.threshold:
                errors["hysteresis"] = _("回差须小于阈值，否则读数降到 0 也无法恢复")
            elif rule.op in (Op.LT, Op.LE) and hi is not None and rule.threshold + rule.hysteresis > hi:
                errors["hysteresis"] = _("阈值加回差不能超过 %(hi)s，否则读数无法恢复") % {"hi": f"{hi:g}"}
    if not 0 <= (rule.duration_s or 0) <= MAX_RULE_SECONDS:
        errors["duration_s"] = _("持续时间须为 0 至 %(max)s 秒") % {"max": MAX_RULE_SECONDS}
    if kind in (RuleType.RATE, RuleType.REPEAT) and not 1 <= (rule.window_s or 0) <= MAX_RULE_SECONDS:
        errors["window_s"] = _("时间窗须为 1 至 %(max)s 秒") % {"max": MAX_RULE_SECONDS}
    if kind == RuleType.SILENCE and not 1 <= (rule.intervals or 0) <= 1000:
        errors["intervals"] = _("无数据的上报周期数须为 1 至 1000")
    if kind == RuleType.REPEAT and not 2 <= (rule.repeat_count or 0) <= 100:
        errors["repeat_count"] = _("时间窗内超限次数须为 2 至 100")
    if kind == RuleType.LEVEL and "threshold" not in errors and rule.severity in (Severity.LEVEL1, Severity.LEVEL2):
        errors.update(_level_order_errors(rule))
    return errors


def _level_order_errors(rule: AlarmRule) -> dict:
    """A first-level (low) set point stays below the second-level (high) one of the same metric and direction:
    else the second level would come first."""
    others = AlarmRule.objects.filter(rule_type=RuleType.LEVEL, metric=rule.metric, is_active=True,
                                      op__in=[Op.GT, Op.GE] if rule.op in (Op.GT, Op.GE) else [Op.LT, Op.LE],
                                      severity=Severity.LEVEL2 if rule.severity == Severity.LEVEL1 else
                                      Severity.LEVEL1).exclude(pk=rule.pk).exclude(threshold=None)
    rising = rule.op in (Op.GT, Op.GE)
    for other in others:
        first, second = (rule, other) if rule.severity == Severity.LEVEL1 else (other, rule)
        if (first.threshold >= second.threshold) if rising else (first.threshold <= second.threshold):
            values = {"name": other.name, "threshold": f"{other.threshold:g}"}
            if rule.severity == Severity.LEVEL1:
                message = (_("一级报警阈值须低于二级报警阈值（“%(name)s”为 %(threshold)s）") if rising else
                           _("一级报警阈值须高于二级报警阈值（“%(name)s”为 %(threshold)s）"))
            else:
                message = (_("二级报警阈值须高于一级报警阈值（“%(name)s”为 %(threshold)s）") if rising else
                           _("二级报警阈值须低于一级报警阈值（“%(name)s”为 %(threshold)s）"))
            return {"threshold": message % values}
    return {}


@transaction.atomic
def update_rule(rule: AlarmRule, *, by, **changes) -> AlarmRule:
    """Change a rule's settings (office only; RULE_EDITABLE), checked field by field. Audited with the rule before
    and after; the ingesters pick the change up within evaluation.RULES_TTL_S."""
    unknown = set(changes) - set(RULE_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    return _change_rule(rule, by, changes)


@transaction.atomic
def save_rule_from_api(rule: AlarmRule, *, by, **fields) -> AlarmRule:
    """PATCH/PUT of the rules API (any serializer field): the same checks and audit record as update_rule."""
    return _change_rule(rule, by, fields)


def _change_rule(rule, by, changes) -> AlarmRule:
    _check_office(by)
    rule = AlarmRule.objects.select_for_update().get(pk=rule.pk)
    before = audit.snapshot(rule)
    for field, value in changes.items():
        setattr(rule, field, value)
    errors = rule_errors(rule)
    if errors:
        raise ValidationError(errors)
    after = audit.snapshot(rule)
    changed = sorted(k for k in after.keys() | before.keys() if before.get(k) != after.get(k))
    if changed:
        rule.save()
        audit.record("alarm_rule.update", rule, actor=by, before=before, after=after, extra={"changed": changed})
        transaction.on_commit(_forget_cached_rules)
    return rule


def _forget_cached_rules():
    from .evaluation import reset_cache

    reset_cache()


MAX_INTERVAL_S = 86_400

# What the office may change on a registered device (the code is its MQTT identity and stays; the secret is rotated).
DEVICE_EDITABLE = ("name", "kind", "site", "lat", "lon", "installed_on", "calibrated_on", "interval_s", "is_active")


def _device_errors(*, kind, lat, lon, installed_on, calibrated_on, interval_s) -> dict:
    errors = {}
    if kind not in DeviceKind.values:
        errors["kind"] = _("设备类型无效")
    if lat is not None and not -90 <= lat <= 90:
        errors["lat"] = _("纬度须在 -90 至 90 之间")
    if lon is not None and not -180 <= lon <= 180:
        errors["lon"] = _("经度须在 -180 至 180 之间")
    if (lat is None) != (lon is None):
        errors["lon" if lon is None else "lat"] = _("经度和纬度须同时填写或同时留空")
    today = clock.today()
    if installed_on and installed_on > today:
        errors["installed_on"] = _("安装日期不能晚于今天")
    if calibrated_on and calibrated_on > today:
        errors["calibrated_on"] = _("标定日期不能晚于今天")
    try:
        interval = int(interval_s)
    except (TypeError, ValueError):
        interval = 0
    if not 1 <= interval <= MAX_INTERVAL_S:
        errors["interval_s"] = _("上报间隔须为 1 至 %(max)s 之间的整数秒") % {"max": MAX_INTERVAL_S}
    return errors


def _check_office(by, message=None):
    if by is None or not can_manage_master_data(by):
        raise PermissionDenied(message or _("仅区专班办公室可以维护监测设备和报警规则"))


@transaction.atomic
def update_device(device: Device, *, by, **changes) -> Device:
    """Change a device's register entry (office only; DEVICE_EDITABLE). It follows its site into the site's
    jurisdiction. Audited with the entry before and after; nothing is written when nothing changed."""
    _check_office(by)
    unknown = set(changes) - set(DEVICE_EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    device = Device.objects.select_for_update().get(pk=device.pk)
    merged = {f: changes.get(f, getattr(device, f)) for f in DEVICE_EDITABLE}
    errors = _device_errors(kind=merged["kind"], lat=merged["lat"], lon=merged["lon"],
                            installed_on=merged["installed_on"], calibrated_on=merged["calibrated_on"],
                            interval_s=merged["interval_s"])
    if merged["site"] is None:
        errors["site"] = _("请选择监测对象")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(device, exclude=("secret_hash",))
    for field, value in changes.items():
        setattr(device, field, value)
    device.name = (device.name or "").strip() or device.code
    device.interval_s = int(device.interval_s)
    device.jurisdiction_id = device.site.jurisdiction_id
    after = audit.snapshot(device, exclude=("secret_hash",))
    if after == before:
        return device
    device.save()
    audit.record("device.update", device, actor=by, before=before, after=after)
    return device


def _set_device_state(device_id: int, state: str):
    Device.objects.filter(pk=device_id).exclude(state=state).update(state=state, state_changed_at=clock.now())


# ---------------------------------------------------------------------------------------------------- raising

def _next_number(alarm: Alarm) -> str:
    return f"BJ{timezone.localdate(alarm.raised_at):%Y%m}{alarm.pk:07d}"


def _message(rule: AlarmRule, device: Device, value) -> str:
    shown = "" if value is None else f"，当前值 {value:g}"
    return f"{device.name}：{rule.name}{shown}"[:300]


def raise_or_refresh(*, device: Device, rule: AlarmRule, value, ts, first_ts=None, hits=1) -> tuple[Alarm, bool]:
    """The one open alarm of this device and rule: raised if there is none, refreshed (last value, last seen,
    count, peak; re-raised if it had cleared) if there is. Runs inside the caller's transaction (the ingester's),
    after the caller has locked the rule's state for the device."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("raise_or_refresh must run inside the ingest transaction")
    alarm = (Alarm.objects.select_for_update().active()
             .filter(device_id=device.pk, alarm_type=rule.code).first())
    if alarm is not None:
        alarm.count += hits
        if value is not None:
            alarm.last_value = value
            alarm.peak_value = value if alarm.peak_value is None else max(alarm.peak_value, value)
        alarm.last_seen = max(alarm.last_seen, ts)
        fields = ["count", "last_value", "peak_value", "last_seen"]
        if alarm.cleared_at is not None:
            alarm.cleared_at = None
            fields.append("cleared_at")
            AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.RERAISE, from_state=alarm.state,
                                      to_state=alarm.state, note=_message(rule, device, value))
            audit.record("alarm.reraise", alarm, extra={"value": value, "ts": ts.isoformat()})
            notify.enqueue(alarm, "alarm.reraised")
            _set_device_state(device.pk, DeviceState.ALARM)
        alarm.save(update_fields=fields)
        return alarm, False
    alarm = Alarm.objects.create(
        number=f"TMP{secrets.token_hex(8)}", device=device, site_id=device.site_id,
        jurisdiction_id=device.jurisdiction_id, rule=rule, alarm_type=rule.code, severity=rule.severity,
        message=_message(rule, device, value), metric=rule.metric, first_value=value, last_value=value,
        peak_value=value, count=hits, first_ts=first_ts or ts, last_seen=ts, raised_at=clock.now())
    alarm.number = _next_number(alarm)
    alarm.save(update_fields=["number"])
    AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.RAISE, to_state=AlarmState.RAISED, note=alarm.message,
                              at=alarm.raised_at)
    audit.record("alarm.raise", alarm, after=audit.snapshot(alarm))
    notify.enqueue(alarm, "alarm.raised")
    _set_device_state(device.pk, DeviceState.ALARM)
    return alarm, True


def clear(alarm: Alarm, *, ts) -> Alarm:
    """The readings are back to normal: mark the open alarm recovered (it stays open until people close it)."""
    if alarm.cleared_at is not None or alarm.state == AlarmState.CLOSED:
        return alarm
    alarm.cleared_at = ts
    alarm.save(update_fields=["cleared_at"])
    AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.CLEAR, from_state=alarm.state, to_state=alarm.state,
                              note="读数恢复正常")
    audit.record("alarm.clear", alarm, extra={"ts": ts.isoformat()})
    notify.enqueue(alarm, "alarm.cleared")
    _refresh_device_state(alarm.device_id)
    return alarm


def _refresh_device_state(device_id: int):
    """alarm while any open alarm has not recovered; otherwise online (or offline if it is silent)."""
    open_alarms = Alarm.objects.active().filter(device_id=device_id, cleared_at=None)
    if open_alarms.exists():
        _set_device_state(device_id, DeviceState.ALARM)
    elif Alarm.objects.active().filter(device_id=device_id, alarm_type="silence", cleared_at=None).exists():
        _set_device_state(device_id, DeviceState.OFFLINE)
    else:
        _set_device_state(device_id, DeviceState.ONLINE)


# ---------------------------------------------------------------------------------------------------- people

def _check_actor(alarm: Alarm, by):
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("请先登录"))
    if not Alarm.objects.visible_to(by).filter(pk=alarm.pk).exists():
        raise PermissionDenied(_("无权处理该报警"))
    if not can_verify(by):
        raise PermissionDenied(_("报警由监管部门、属地或专班处置"))


def _lock(alarm: Alarm, action: AlarmAction, by) -> tuple[Alarm, dict]:
    _check_actor(alarm, by)
    locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if locked.state not in ALLOWED[action]:
        raise ValidationError({"state": _("报警当前状态为“%(state)s”，不能执行“%(label)s”") % {
            "state": locked.get_state_display(), "label": action.label}})
    return locked, audit.snapshot(locked)


def _step(alarm: Alarm, before: dict, action: AlarmAction, by, from_state: str, note="") -> AlarmEvent:
    alarm.save()
    event = AlarmEvent.objects.create(alarm=alarm, action=action, actor=by, from_state=from_state,
                                      to_state=alarm.state, note=note)
    audit.record(f"alarm.{action}", alarm, actor=by, before=before, after=audit.snapshot(alarm),
                 extra={"event": event.pk, "note": note})
    return event


@transaction.atomic
def acknowledge(alarm: Alarm, *, by, note="") -> Alarm:
    """Someone has seen the alarm and answers for it (who and when are kept)."""
    alarm, before = _lock(alarm, AlarmAction.ACKNOWLEDGE, by)
    alarm.state, alarm.acknowledged_by, alarm.acknowledged_at = AlarmState.ACKNOWLEDGED, by, clock.now()
    _step(alarm, before, AlarmAction.ACKNOWLEDGE, by, AlarmState.RAISED, note)
    return alarm


@transaction.atomic
def dispatch(alarm: Alarm, *, by, unit=None, user=None, note="") -> Alarm:
    """Send someone to the place: a unit, a person, or both. May be repeated to send someone else."""
    if unit is None and user is None:
        raise ValidationError({"unit": _("请指定派往的单位或人员")})
    alarm, before = _lock(alarm, AlarmAction.DISPATCH, by)
    from_state = alarm.state
    alarm.state = AlarmState.DISPATCHED
    alarm.dispatched_to_unit, alarm.dispatched_to_user = unit, user
    alarm.dispatched_by, alarm.dispatched_at = by, clock.now()
    _step(alarm, before, AlarmAction.DISPATCH, by, from_state, note)
    notify.enqueue(alarm, "alarm.dispatched", targets=notify.dispatch_targets(unit, user))
    return alarm


@transaction.atomic
def arrive(alarm: Alarm, *, by, note="") -> Alarm:
    """The dispatched person is on site."""
    alarm, before = _lock(alarm, AlarmAction.ARRIVE, by)
    alarm.state, alarm.on_site_by, alarm.on_site_at = AlarmState.ON_SITE, by, clock.now()
    _step(alarm, before, AlarmAction.ARRIVE, by, AlarmState.DISPATCHED, note)
    return alarm


@transaction.atomic
def handle(alarm: Alarm, *, by, finding: str, note: str, responsible_person="", deadline: date | None = None
           ) -> Alarm:
    """Record what was found. A confirmed leak enters the hazard ledger (source: alarm, major, lead unit from
    MONITORING_HAZARD_LEAD_UNIT, deadline today unless given) and the two are linked both ways."""
    if finding not in Finding.values:
        raise ValidationError({"finding": _("请选择处置结论：确认泄漏、误报或设备故障")})
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写处置情况")})
    alarm, before = _lock(alarm, AlarmAction.HANDLE, by)
    alarm.state, alarm.handled_by, alarm.handled_at = AlarmState.HANDLED, by, clock.now()
    alarm.finding, alarm.finding_note = finding, note.strip()
    if finding == Finding.LEAK_CONFIRMED:
        alarm.hazard = _leak_hazard(alarm, by=by, note=note.strip(), responsible_person=responsible_person,
                                    deadline=deadline)
    _step(alarm, before, AlarmAction.HANDLE, by, AlarmState.ON_SITE, note.strip())
    return alarm


def _lead_unit():
    from gasguard.org.models import Department

    name = settings.MONITORING_HAZARD_LEAD_UNIT
    unit = Department.objects.filter(Q(name=name) | Q(code=name)).first()
    return unit or Department.objects.get(is_office=True)


def _leak_hazard(alarm: Alarm, *, by, note, responsible_person, deadline):
    from gasguard.catalog.choices import Severity
    from gasguard.hazards import services as hazards
    from gasguard.hazards.choices import Source

    site = alarm.site
    person = (responsible_person or site.contact_person or (site.enterprise.safety_officer if site.enterprise else "")
              or by.display_name)
    return hazards.register(
        site=site, by=by, source=Source.ALARM, severity=Severity.MAJOR, lead_unit=_lead_unit(),
        description=f"监测报警 {alarm.number} 经现场核实确认燃气泄漏：{note}"[:2000],
        responsible_person=person, responsible_phone=site.contact_phone, deadline=deadline or clock.today(),
        note=f"由监测报警 {alarm.number}（设备 {alarm.device.code}）转入")


@transaction.atomic
def close(alarm: Alarm, *, by, note="") -> Alarm:
    """Close a handled alarm. A new breach afterwards raises a new alarm."""
    alarm, before = _lock(alarm, AlarmAction.CLOSE, by)
    alarm.state, alarm.closed_by, alarm.closed_at = AlarmState.CLOSED, by, clock.now()
    _step(alarm, before, AlarmAction.CLOSE, by, AlarmState.HANDLED, note)
    _refresh_device_state(alarm.device_id)
    return alarm


def escalate_unacknowledged(*, now=None, after_minutes: int | None = None) -> list[Alarm]:
    """Escalate every alarm still unacknowledged `after_minutes` after it was raised, once: the claim is a
    conditional UPDATE, so two runs (or two workers) escalate an alarm once."""
    now = now or clock.now()
    minutes = settings.MONITORING_ESCALATE_AFTER_MIN if after_minutes is None else after_minutes
    due = Alarm.objects.filter(state=AlarmState.RAISED, escalation_level=0,
                               raised_at__lte=now - timedelta(minutes=minutes)).values_list("pk", flat=True)
    done = []
    for pk in list(due):
        with transaction.atomic():
            if not Alarm.objects.filter(pk=pk, state=AlarmState.RAISED, escalation_level=0).update(
                    escalation_level=1, escalated_at=now):
                continue
            alarm = Alarm.objects.select_related("device", "site").get(pk=pk)
            AlarmEvent.objects.create(alarm=alarm, action=AlarmAction.ESCALATE, from_state=alarm.state,
                                      to_state=alarm.state, note=f"报警 {minutes} 分钟内无人确认，已升级至专班办公室")
            audit.record("alarm.escalate", alarm, extra={"after_minutes": minutes})
            notify.enqueue(alarm, "alarm.escalated", targets=notify.escalation_targets())
            done.append(alarm)
    return done
