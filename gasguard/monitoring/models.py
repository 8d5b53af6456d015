"""City-lifeline monitoring: devices, their readings, alarm rules with persisted state, alarms, dead letters and
their notifications (queued in gasguard.notifications' outbox). State changes go through services.py (alarms)
and ingest.py (readings)."""
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gasguard.notifications.models import Notification
from gasguard.org.models import Department, Jurisdiction
from gasguard.sites.models import Site
from gasguard.utilities import clock

from .choices import (
    AlarmAction,
    AlarmState,
    DeadLetterReason,
    DeviceKind,
    DeviceState,
    Finding,
    Op,
    RuleType,
    Severity,
)


def calibration_days() -> int:
    """How long a calibration holds: JJG 693 puts the verification period of combustible gas detectors at one year
    at most (setting MONITORING_CALIBRATION_DAYS)."""
    return int(getattr(settings, "MONITORING_CALIBRATION_DAYS", 365))


class DeviceQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(site__in=Site.objects.visible_to(user).values("pk"))

    def calibration_overdue(self, today):
        """Last calibrated (or, never calibrated, installed) more than calibration_days() ago, or no date at all."""
        cutoff = today - timedelta(days=calibration_days())
        return self.filter(Q(calibrated_on__lt=cutoff) | Q(calibrated_on=None, installed_on__lt=cutoff)
                           | Q(calibrated_on=None, installed_on=None))


class Device(models.Model):
    """A sensor in the field. It authenticates with its code and a per-device secret (stored as a SHA-256 hash:
    the secret is a random 128-bit token, so a fast hash is as safe as a slow one and costs nothing per message)."""

    code = models.CharField(_("设备编码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200, blank=True)
    kind = models.CharField(_("设备类型"), max_length=30, choices=DeviceKind.choices, db_index=True)
    site = models.ForeignKey(Site, models.PROTECT, related_name="devices", verbose_name=_("监测对象"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="devices", verbose_name=_("属地"))
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    calibrated_on = models.DateField(_("标定日期"), null=True, blank=True)
    interval_s = models.PositiveIntegerField(_("上报间隔（秒）"), default=60)
    secret_hash = models.CharField(max_length=64, editable=False)
    state = models.CharField(_("状态"), max_length=20, choices=DeviceState.choices, default=DeviceState.OFFLINE,
                             db_index=True)
    state_changed_at = models.DateTimeField(_("状态变化时间"), default=clock.now)
    last_seen_at = models.DateTimeField(_("最后上报时间"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("登记时间"), default=clock.now)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测设备")
        verbose_name_plural = _("监测设备")
        ordering = ["code"]

    def __str__(self):
        return self.name or self.code

    def calibration_due_on(self):
        """The day the calibration runs out (None when the device has neither a calibration nor an install date)."""
        since = self.calibrated_on or self.installed_on
        return since + timedelta(days=calibration_days()) if since else None

    def calibration_overdue(self, today) -> bool:
        due = self.calibration_due_on()
        return due is None or due < today


class Reading(models.Model):
    """One value of one metric of one device at the device's own timestamp. The natural key is the primary key:
    a reading sent twice is stored once. On PostgreSQL the table is partitioned by range of `ts` (the key must
    include the partition key), see migrations/0001 and partitions.py."""

    pk = models.CompositePrimaryKey("device_id", "metric", "ts")
    device = models.ForeignKey(Device, models.DO_NOTHING, db_constraint=False, related_name="+")
    metric = models.CharField(_("指标"), max_length=32)
    ts = models.DateTimeField(_("采集时间"))
    value = models.FloatField(_("数值"))

    class Meta:
        verbose_name = _("监测读数")
        verbose_name_plural = _("监测读数")


class AlarmRule(models.Model):
    """A configurable rule. Defaults (rules.DEFAULT_RULES) come from the standards and are loaded on migrate."""

    code = models.SlugField(_("规则编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kinds = models.JSONField(_("适用设备类型"), default=list, blank=True, help_text=_("为空表示全部类型"))
    rule_type = models.CharField(_("规则类型"), max_length=20, choices=RuleType.choices)
    metric = models.CharField(_("指标"), max_length=32, blank=True)
    op = models.CharField(_("比较"), max_length=10, choices=Op.choices, default=Op.GT)
    threshold = models.FloatField(_("阈值"), null=True, blank=True)
    low = models.FloatField(_("下限（区间）"), null=True, blank=True)
    # Recovery only when the value is back by this margin (keeps a flapping value from clearing and re-raising).
    hysteresis = models.FloatField(_("回差"), default=0)
    duration_s = models.PositiveIntegerField(_("持续时间（秒）"), default=0)
    window_s = models.PositiveIntegerField(_("速率窗口（秒）"), default=60)
    intervals = models.PositiveIntegerField(_("无数据的上报周期数"), default=3)
    repeat_count = models.PositiveIntegerField(_("时间窗内超限次数"), default=3)
    severity = models.CharField(_("级别"), max_length=20, choices=Severity.choices, default=Severity.LEVEL1)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("报警规则")
        verbose_name_plural = _("报警规则")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def applies_to(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


class RuleState(models.Model):
    """What a rule remembers about a device between readings, in the database so a restart keeps a duration timer
    (ThingsBoard's persisted rule state)."""

    device = models.ForeignKey(Device, models.CASCADE, related_name="rule_states")
    rule = models.ForeignKey(AlarmRule, models.CASCADE, related_name="states")
    breach_started_at = models.DateTimeField(null=True, blank=True)
    last_ts = models.DateTimeField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True)
    # The start of each breach episode still inside the window of a repeat rule (ISO 8601 strings).
    hits = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device", "rule"], name="one_rule_state_per_device")]


class AlarmQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(site__in=Site.objects.visible_to(user).values("pk"))

    def active(self):
        return self.exclude(state=AlarmState.CLOSED)


class Alarm(models.Model):
    """One alarm per device and alarm type while it is not closed: a continuing breach refreshes it."""

    number = models.CharField(_("报警编号"), max_length=30, unique=True)
    device = models.ForeignKey(Device, models.PROTECT, related_name="alarms", verbose_name=_("设备"))
    site = models.ForeignKey(Site, models.PROTECT, related_name="alarms", verbose_name=_("监测对象"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, related_name="alarms", verbose_name=_("属地"))
    rule = models.ForeignKey(AlarmRule, models.PROTECT, related_name="alarms", verbose_name=_("规则"))
    alarm_type = models.CharField(_("报警类型"), max_length=40)
    severity = models.CharField(_("级别"), max_length=20, choices=Severity.choices)
    state = models.CharField(_("状态"), max_length=20, choices=AlarmState.choices, default=AlarmState.RAISED,
                             db_index=True)
    message = models.CharField(_("报警内容"), max_length=300)
    metric = models.CharField(_("指标"), max_length=32, blank=True)
    first_value = models.FloatField(_("首次数值"), null=True, blank=True)
    last_value = models.FloatField(_("最新数值"), null=True, blank=True)
    peak_value = models.FloatField(_("峰值"), null=True, blank=True)
    count = models.PositiveIntegerField(_("触发次数"), default=1)
    first_ts = models.DateTimeField(_("首次超限时间"))
    last_seen = models.DateTimeField(_("最近超限时间"))
    raised_at = models.DateTimeField(_("报警时间"), default=clock.now, db_index=True)
    cleared_at = models.DateTimeField(_("恢复时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("确认人"))
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    dispatched_to_unit = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="alarms",
                                           verbose_name=_("派往单位"))
    dispatched_to_user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                           related_name="dispatched_alarms", verbose_name=_("派往人员"))
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("派单人"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    on_site_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("到场人"))
    on_site_at = models.DateTimeField(_("到场时间"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("处置人"))
    handled_at = models.DateTimeField(_("处置时间"), null=True, blank=True)
    finding = models.CharField(_("处置结论"), max_length=20, choices=Finding.choices, blank=True)
    finding_note = models.TextField(_("处置情况"), blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("关闭人"))
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    escalated_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    # The ledger entry a confirmed leak became; hazard.alarms leads back.
    hazard = models.ForeignKey("hazards.Hazard", models.PROTECT, null=True, blank=True, related_name="alarms",
                               verbose_name=_("转为隐患"))
    # The outbox rows about this alarm (deleted with it); queries say Notification.objects.filter(alarm=…).
    notifications = GenericRelation(Notification, "subject_id", "subject_type", related_query_name="alarm")

    objects = AlarmQuerySet.as_manager()

    class Meta:
        verbose_name = _("报警")
        verbose_name_plural = _("报警")
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["device", "alarm_type"], condition=~Q(state="closed"),
                                    name="one_open_alarm_per_device_and_type"),
        ]
        indexes = [models.Index(fields=["state", "raised_at"])]

    def __str__(self):
        return f"{self.number} {self.message}"


class AlarmEvent(models.Model):
    """A step in an alarm's life: the alarm page's timeline."""

    alarm = models.ForeignKey(Alarm, models.CASCADE, related_name="events", verbose_name=_("报警"))
    action = models.CharField(_("操作"), max_length=20, choices=AlarmAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=clock.now)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("报警处理记录")
        verbose_name_plural = _("报警处理记录")
        ordering = ["at", "id"]


class DeadLetter(models.Model):
    """A message the ingester could not use, kept with the reason so that operators can see what devices send."""

    received_at = models.DateTimeField(_("接收时间"), default=clock.now, db_index=True)
    source = models.CharField(_("来源"), max_length=10)  # mqtt / http
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    device_code = models.CharField(_("设备编码"), max_length=64, blank=True, db_index=True)
    reason = models.CharField(_("原因"), max_length=20, choices=DeadLetterReason.choices, db_index=True)
    detail = models.CharField(_("说明"), max_length=500, blank=True)
    payload = models.TextField(_("原始报文"), blank=True)

    class Meta:
        verbose_name = _("死信")
        verbose_name_plural = _("死信")
        ordering = ["-received_at", "-id"]


class _Rollup(models.Model):
    """count / sum / min / max of a device's metric over a bucket, kept by the ingester in the transaction that
    stores the readings (rollups.py); the charts read these instead of the raw readings."""

    pk = models.CompositePrimaryKey("device_id", "metric", "bucket")
    device = models.ForeignKey(Device, models.DO_NOTHING, db_constraint=False, related_name="+")
    metric = models.CharField(_("指标"), max_length=32)
    bucket = models.DateTimeField(_("时段起点"))
    count = models.PositiveIntegerField(_("读数个数"))
    sum = models.FloatField(_("合计"))
    min = models.FloatField(_("最小值"))
    max = models.FloatField(_("最大值"))

    class Meta:
        abstract = True


class ReadingMinute(_Rollup):
    class Meta:
        verbose_name = _("每分钟汇总")
        verbose_name_plural = _("每分钟汇总")


class ReadingHour(_Rollup):
    class Meta:
        verbose_name = _("每小时汇总")
        verbose_name_plural = _("每小时汇总")
