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

from gasguard.audit import services as audit
from gasguard.org.scope import can_verify
from gasguard.utilities import clock

from . import notify
from .choices import AlarmAction, AlarmState, DeviceKind, DeviceState, Finding
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
    errors = {}
    if not code or "/" in code or "+" in code or "#" in code:
        errors["code"] = "设备编码不能为空，且不能含 / + #（MQTT 主题的保留字符）"
    elif Device.objects.filter(code=code).exists():
        errors["code"] = f"设备编码 {code} 已存在"
    if kind not in DeviceKind.values:
        errors["kind"] = "设备类型无效"
    if interval_s is None or int(interval_s) < 1:
        errors["interval_s"] = "上报间隔须为正整数秒"
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
def rotate_secret(device: Device, *, by=None) -> str:
    """A new secret for the device (the old one stops working within the ingesters' cache period)."""
    from .ingest import hash_secret

    secret = secrets.token_urlsafe(24)
    Device.objects.filter(pk=device.pk).update(secret_hash=hash_secret(secret))
    audit.record("device.rotate_secret", device, actor=by)
    return secret


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
        raise PermissionDenied("请先登录")
    if not Alarm.objects.visible_to(by).filter(pk=alarm.pk).exists():
        raise PermissionDenied("无权处理该报警")
    if not can_verify(by):
        raise PermissionDenied("报警由监管部门、属地或专班处置")


def _lock(alarm: Alarm, action: AlarmAction, by) -> tuple[Alarm, dict]:
    _check_actor(alarm, by)
    locked = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if locked.state not in ALLOWED[action]:
        raise ValidationError({"state": f"报警当前状态为“{locked.get_state_display()}”，不能执行“{action.label}”"})
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
        raise ValidationError({"unit": "请指定派往的单位或人员"})
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
        raise ValidationError({"finding": "请选择处置结论：确认泄漏、误报或设备故障"})
    if not (note or "").strip():
        raise ValidationError({"note": "请填写处置情况"})
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
