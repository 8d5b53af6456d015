from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    CONTROLLED = "controlled", _("管控中")
    SUBMITTED = "submitted", _("待验收")
    CLOSED = "closed", _("已销号")


OPEN_STATES = (State.OPEN, State.RECTIFYING, State.CONTROLLED, State.SUBMITTED)


class Source(models.TextChoices):
    INSPECTION = "inspection", _("监管检查")
    SELF_INSPECTION = "self_inspection", _("企业自查")
    TIP = "tip", _("群众举报")
    ALARM = "alarm", _("监测报警")
    DELIVERY_CHECK = "delivery_check", _("随瓶安检")
    LOOKBACK = "lookback", _("回头看")


class Action(models.TextChoices):
    REGISTER = "register", _("登记")
    START = "start", _("开始整改")
    CONTROL = "control", _("落实管控措施")
    SUBMIT = "submit", _("提交验收")
    VERIFY_PASS = "verify_pass", _("验收通过，销号")
    VERIFY_FAIL = "verify_fail", _("验收不通过，退回")
    REASSIGN = "reassign", _("调整责任人")
    ESCALATE = "escalate", _("逾期督办")
    LOOKBACK_OK = "lookback_ok", _("回头看：无反弹")
    LOOKBACK_REBOUND = "lookback_rebound", _("回头看：反弹，重新登记")


class LookBackResult(models.TextChoices):
    PENDING = "pending", _("待复查")
    CONFIRMED = "confirmed", _("整改有效")
    REBOUND = "rebound", _("反弹")
