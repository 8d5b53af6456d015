"""Enumerations for check items."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    GENERAL = "general", _("一般隐患")
    MAJOR = "major", _("重大隐患")


class Disposition(models.TextChoices):
    RECTIFY_BY_DEADLINE = "rectify_by_deadline", _("责令限期改正")
    RECTIFY_IMMEDIATELY = "rectify_immediately", _("立行立改")
    STOP_USE = "stop_use", _("责令停止使用")
    STOP_VIOLATION = "stop_violation", _("责令立即停止违法行为")
    SHUT_DOWN = "shut_down", _("依法关停")
    REVOKE_LICENCE = "revoke_licence", _("吊销许可证")
    SEAL_AND_SEIZE = "seal_and_seize", _("查封扣押")
    REFER_MARKET_SUPERVISION = "refer_market_supervision", _("移送市场监管部门溯源")
    REFER_POLICE = "refer_police", _("移送公安机关")
    PENALTY = "penalty", _("依法实施处罚")


class Op(models.TextChoices):
    """How a measured value is compared with the rule's limit: pass when `value OP limit`."""
    LE = "le", "≤"
    LT = "lt", "<"
    GE = "ge", "≥"
    GT = "gt", ">"
