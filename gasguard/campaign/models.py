"""The plan's tasks and the office's supervision of the units that carry them out."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gasguard.org.choices import Role
from gasguard.org.models import Department, Jurisdiction
from gasguard.utilities import clock

from .defaults import ensure_default_campaign


def default_campaign_id():
    """Tasks loaded without a campaign (the plan's 44, on install) belong to the default campaign."""
    return ensure_default_campaign().pk


class Task(models.Model):
    """One of the plan's 44 numbered tasks (sections 二 and 三)."""

    campaign = models.ForeignKey("Campaign", models.PROTECT, related_name="tasks", verbose_name=_("专项整治"),
                                 default=default_campaign_id)
    code = models.CharField(_("编号"), max_length=20)
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
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="task_code_unique_in_campaign")]

    def __str__(self):
        return f"{self.code} {self.title}"


class SupervisionOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The orders a user may see, on the pages and the API alike: the office all; a member department those
        addressed to it; a jurisdiction those addressed within its area (DESIGN: everything located in its area:
        a street its own, the district level every zone's and street's); anyone else none."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser or user.role == Role.OFFICE:
            return self
        if user.role == Role.DEPARTMENT and user.department_id:
            return self.filter(department_id=user.department_id)
        if user.role == Role.JURISDICTION and user.jurisdiction_id:
            return self.filter(jurisdiction__path__startswith=user.jurisdiction.path)
        return self.none()


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

    objects = SupervisionOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


# ---------------------------------------------------------------------------------------------------- the campaign

class Campaign(models.Model):
    """A campaign is data: a district (its root jurisdiction), its dates, its phases and tasks, and its reporting
    rhythm. Another district or a new year's campaign is set up in the admin without code."""

    name = models.CharField(_("专项整治名称"), max_length=200, unique=True)
    root = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="campaigns",
                             verbose_name=_("所辖区域"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    report_day = models.PositiveSmallIntegerField(_("每月报送截止日"), default=18,
                                                  help_text=_("各单位每月此日前报送工作进展"))
    first_report_due = models.DateField(_("首次报送截止日期"), null=True, blank=True)
    is_default = models.BooleanField(_("当前专项整治"), default=False)

    class Meta:
        verbose_name = _("专项整治")
        verbose_name_plural = _("专项整治")
        ordering = ["-is_default", "-starts_on"]

    def __str__(self):
        return self.name


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="phases", verbose_name=_("专项整治"))
    name = models.CharField(_("阶段"), max_length=50)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True, help_text=_("为空表示长期"))
    goals = models.TextField(_("阶段目标"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("工作阶段")
        verbose_name_plural = _("工作阶段")
        ordering = ["campaign", "order"]

    def __str__(self):
        return self.name


class UnitMixin(models.Model):
    """A reporting unit is a member department or a zone/street (属地). `unit_key` ("department:5",
    "jurisdiction:12") names it in one indexed column, so uniqueness and notices need no nullable pairs."""

    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("成员单位"))
    jurisdiction = models.ForeignKey(Jurisdiction, models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("属地"))
    unit_key = models.CharField(_("单位"), max_length=40, db_index=True, editable=False)

    class Meta:
        abstract = True

    @property
    def unit(self):
        return self.department or self.jurisdiction

    def save(self, *args, **kwargs):
        self.unit_key = unit_key(self.unit)
        super().save(*args, **kwargs)


def unit_key(unit) -> str:
    if isinstance(unit, Department):
        return f"department:{unit.pk}"
    if isinstance(unit, Jurisdiction):
        return f"jurisdiction:{unit.pk}"
    raise ValueError(f"不是报送单位：{unit!r}")


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")
    ONGOING = "ongoing", _("常态化推进")


class TaskProgress(UnitMixin):
    """A unit's progress on one task in one month. Append-only: a new entry is a new row, so the history is kept;
    the latest row of (task, unit, month) is the current one."""

    task = models.ForeignKey(Task, models.PROTECT, related_name="progress", verbose_name=_("任务"))
    month = models.CharField(_("月份"), max_length=7, db_index=True)
    status = models.CharField(_("进展状态"), max_length=20, choices=ProgressStatus.choices)
    percent = models.PositiveSmallIntegerField(_("完成比例（%）"), null=True, blank=True)
    stage = models.CharField(_("所处阶段"), max_length=100, blank=True)
    text = models.TextField(_("进展情况"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("填报人"))
    recorded_at = models.DateTimeField(_("填报时间"), default=clock.now)

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["unit_key", "task", "month"])]


class ReportState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已审核")


class MonthlyReport(UnitMixin):
    """月报: a unit's report for a month, due on the campaign's report day. The figures the platform knows are
    filled in (`figures`), the unit enters the rest (`entered`) and the narrative. Every submission is kept as an
    immutable MonthlyReportVersion."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="reports", verbose_name=_("专项整治"))
    month = models.CharField(_("月份"), max_length=7, db_index=True)
    due_on = models.DateField(_("报送截止日期"))
    state = models.CharField(_("状态"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)
    figures = models.JSONField(_("平台统计数据"), default=dict, blank=True)
    figures_at = models.DateTimeField(_("统计时间"), null=True, blank=True)
    entered = models.JSONField(_("单位填报数据"), default=dict, blank=True)
    work_done = models.TextField(_("工作开展情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    next_plan = models.TextField(_("下步工作计划"), blank=True)
    responsible_name = models.CharField(_("责任人"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("责任人电话"), max_length=30, blank=True)
    liaison_name = models.CharField(_("联络员"), max_length=50, blank=True)
    liaison_phone = models.CharField(_("联络员电话"), max_length=30, blank=True)
    version = models.PositiveIntegerField(_("报送版本"), default=0)
    submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("退回人"))
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    late_marked_at = models.DateTimeField(_("标记逾期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位月报")
        verbose_name_plural = _("单位月报")
        ordering = ["-month", "unit_key"]
        constraints = [models.UniqueConstraint(fields=["campaign", "month", "unit_key"],
                                               name="one_report_per_unit_month")]

    def __str__(self):
        return f"{self.unit} {self.month}"

    @property
    def is_late(self):
        """Not submitted by the due date (a report first submitted after it stays late)."""
        if self.first_submitted_at:
            return timezone.localdate(self.first_submitted_at) > self.due_on
        return clock.today() > self.due_on


class MonthlyReportVersion(models.Model):
    """One submitted version of a monthly report, as it was submitted. Never changed, never deleted."""

    report = models.ForeignKey(MonthlyReport, models.PROTECT, related_name="versions", verbose_name=_("月报"))
    number = models.PositiveIntegerField(_("版本"))
    data = models.JSONField(_("报送内容"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("报送人"))
    submitted_at = models.DateTimeField(_("报送时间"), default=clock.now)

    class Meta:
        verbose_name = _("月报版本")
        verbose_name_plural = _("月报版本")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="one_row_per_report_version")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError(_("已报送的月报版本不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(_("已报送的月报版本不可删除"))


class Notice(models.Model):
    """An in-app notice to a unit (report reminders, late reports). `key` makes sending it idempotent."""

    unit_key = models.CharField(_("接收单位"), max_length=40, db_index=True)
    key = models.CharField(max_length=120, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=20)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"), blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]


class Circular(models.Model):
    """通报: generated from a month's figures, naming the slow units and why."""

    campaign = models.ForeignKey(Campaign, models.PROTECT, related_name="circulars", verbose_name=_("专项整治"))
    number = models.CharField(_("通报编号"), max_length=40, unique=True)
    month = models.CharField(_("月份"), max_length=7)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    entries = models.JSONField(_("通报单位"), default=list)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                  verbose_name=_("签发人"))
    issued_at = models.DateTimeField(_("签发时间"), default=clock.now)

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-issued_at"]

    def __str__(self):
        return self.title


class Admonition(UnitMixin):
    """约谈: the office meets a unit's responsible people about serious problems."""

    held_on = models.DateField(_("约谈日期"))
    people = models.TextField(_("约谈对象"), help_text=_("姓名、职务，每行一人"))
    reasons = models.TextField(_("约谈事由"))
    commitments = models.TextField(_("整改承诺"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), default=clock.now)

    class Meta:
        verbose_name = _("约谈记录")
        verbose_name_plural = _("约谈记录")
        ordering = ["-held_on", "-id"]
