"""The plan's tasks and the office's supervision of the units that carry them out."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gasguard.org.models import Department, Jurisdiction
from gasguard.utilities import clock


class Task(models.Model):
    """One of the plan's 44 numbered tasks (sections 二 and 三)."""

    code = models.CharField(_("编号"), max_length=20, unique=True)
    section = models.CharField(_("部分"), max_length=4)
    group = models.CharField(_("分项"), max_length=200)
    title = models.CharField(_("任务"), max_length=100)
    text = models.TextField(_("任务内容"))
    lead_units = models.ManyToManyField(Department, blank=True, related_name="led_tasks", verbose_name=_("牵头单位"))
    co_units = models.ManyToManyField(Department, blank=True, related_name="co_tasks", verbose_name=_("配合单位"))
    zones = models.BooleanField(_("各开发区"), default=False)
    streets = models.BooleanField(_("各街镇"), default=False)
    others = models.JSONField(_("其他责任方"), default=list, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["order"]

    def __str__(self):
        return f"{self.code} {self.title}"


class SupervisionOrder(models.Model):
    """督办单: the office presses a unit about a task or a set of hazards, with a deadline."""

    class State(models.TextChoices):
        ISSUED = "issued", _("已下发")
        ANSWERED = "answered", _("已反馈")
        CLOSED = "closed", _("已办结")

    number = models.CharField(_("督办编号"), max_length=40, unique=True)
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True,
                                   related_name="supervision_orders", verbose_name=_("督办单位"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True,
                                     related_name="supervision_orders", verbose_name=_("督办属地"))
    task = models.ForeignKey(Task, models.PROTECT, null=True, blank=True, related_name="supervision_orders",
                             verbose_name=_("任务"))
    hazards = models.ManyToManyField("hazards.Hazard", blank=True, related_name="supervision_orders",
                                     verbose_name=_("隐患"))
    reason = models.TextField(_("督办事由"))
    deadline = models.DateField(_("办理期限"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("督办人"))
    issued_at = models.DateTimeField(_("下发时间"), default=clock.now)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.ISSUED)
    response = models.TextField(_("书面反馈"), blank=True)
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    # Set when an overdue hazard triggered the order, so escalation is safe to run twice.
    trigger_key = models.CharField(max_length=100, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number
