"""Enumerations for city-lifeline monitoring (城市生命线). Labels are the words operators use."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    UNDERGROUND_METHANE = "underground_methane", _("相邻地下空间甲烷监测仪")
    VALVE_WELL = "valve_well", _("阀门井甲烷监测仪")
    MANHOLE = "manhole", _("窨井甲烷监测仪")
    KITCHEN_DETECTOR = "kitchen_detector", _("可燃气体探测器（联动紧急切断阀）")
    PRESSURE_METER = "pressure_meter", _("管网压力计")
    FLOW_METER = "flow_meter", _("管网流量计")
    LASER_METHANE = "laser_methane", _("激光甲烷检测仪")


METHANE_KINDS = frozenset({DeviceKind.UNDERGROUND_METHANE, DeviceKind.VALVE_WELL, DeviceKind.MANHOLE,
                           DeviceKind.KITCHEN_DETECTOR, DeviceKind.LASER_METHANE})


class DeviceState(models.TextChoices):
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")
    ALARM = "alarm", _("报警")


class RuleType(models.TextChoices):
    # A level rule with a duration is the "sustained" rule (ThingsBoard duration / OpenWISP tolerance).
    LEVEL = "level", _("超限（可设持续时间）")
    RATE = "rate", _("上升速率")
    REPEAT = "repeat", _("反复超限（时间窗内次数）")
    SILENCE = "silence", _("无数据（离线）")


class Op(models.TextChoices):
    """Breach when `value OP threshold` (outside: value < low or value > threshold). Alarm set points in the
    standards are inclusive ("≥ 25 % LEL" raises at exactly 25), hence GE / LE beside the strict operators."""
    GT = "gt", ">"
    GE = "ge", "≥"
    LT = "lt", "<"
    LE = "le", "≤"
    OUTSIDE = "outside", _("超出区间")


class Severity(models.TextChoices):
    WARNING = "warning", _("提示")
    LEVEL1 = "level1", _("一级（低限）")
    LEVEL2 = "level2", _("二级（高限）")


class AlarmState(models.TextChoices):
    RAISED = "raised", _("待确认")
    ACKNOWLEDGED = "acknowledged", _("已确认")
    DISPATCHED = "dispatched", _("已派单")
    ON_SITE = "on_site", _("已到场")
    HANDLED = "handled", _("已处置")
    CLOSED = "closed", _("已关闭")


class Finding(models.TextChoices):
    LEAK_CONFIRMED = "leak_confirmed", _("确认泄漏")
    FALSE_ALARM = "false_alarm", _("误报")
    DEVICE_FAULT = "device_fault", _("设备故障")


class AlarmAction(models.TextChoices):
    RAISE = "raise", _("报警")
    CLEAR = "clear", _("恢复正常")
    RERAISE = "reraise", _("再次超限")
    ACKNOWLEDGE = "acknowledge", _("确认")
    DISPATCH = "dispatch", _("派单")
    ARRIVE = "arrive", _("到场")
    HANDLE = "handle", _("处置")
    CLOSE = "close", _("关闭")
    ESCALATE = "escalate", _("超时未确认，升级")


class DeadLetterReason(models.TextChoices):
    MALFORMED = "malformed", _("报文格式错误")
    UNKNOWN_DEVICE = "unknown_device", _("未登记的设备")
    BAD_SECRET = "bad_secret", _("设备密钥错误")
    INACTIVE_DEVICE = "inactive_device", _("设备已停用")
    BAD_READING = "bad_reading", _("读数无效")
    OUT_OF_RANGE = "out_of_range", _("时间戳超出可接收范围")
