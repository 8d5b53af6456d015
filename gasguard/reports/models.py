"""The district report: the Word templates the office edits, and every report produced (so it can be fetched again)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gasguard.utilities import clock


class ReportTemplate(models.Model):
    """A Word (.docx) layout with docxtpl placeholders (see reports/README.md). The newest active one is used."""

    name = models.CharField(_("模板名称"), max_length=100)
    file = models.FileField(_("模板文件（.docx）"), upload_to="report-templates/%Y/")
    active = models.BooleanField(_("启用"), default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        verbose_name = _("月报模板")
        verbose_name_plural = _("月报模板")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.name


class RunState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已完成")
    FAILED = "failed", _("生成失败")


class ReportRun(models.Model):
    """One production of the district report for a month: who asked, when, and the three files."""

    month = models.CharField(_("月份"), max_length=7, db_index=True)
    template = models.ForeignKey(ReportTemplate, models.SET_NULL, null=True, blank=True, related_name="runs",
                                 verbose_name=_("所用模板"))
    # Empty for the monthly run the job runner makes on its own.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                     related_name="report_runs", verbose_name=_("生成人"))
    state = models.CharField(_("状态"), max_length=20, choices=RunState.choices, default=RunState.QUEUED)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    percent = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.TextField(_("说明"), blank=True)
    docx = models.FileField(_("Word"), upload_to="reports/%Y/%m/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/%Y/%m/", blank=True)
    xlsx = models.FileField(_("Excel"), upload_to="reports/%Y/%m/", blank=True)
    pdf_engine = models.CharField(_("PDF 生成方式"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("开始时间"), default=clock.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月报生成记录")
        verbose_name_plural = _("月报生成记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.month} {self.get_state_display()}"

    @property
    def is_finished(self):
        return self.state in (RunState.DONE, RunState.FAILED)
