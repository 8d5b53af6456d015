"""An import of one Excel file: what it was, who sent it, how far it got and what came of it."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gasguard.utilities import clock


class Kind(models.TextChoices):
    SITES = "sites", _("监管对象")
    ENTERPRISES = "enterprises", _("企业")
    HAZARDS = "hazards", _("隐患台账")


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    VALIDATING = "validating", _("正在校验")
    WRITING = "writing", _("正在写入")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未导入")


FINAL_STATES = (JobState.DONE, JobState.FAILED)


class ImportJob(models.Model):
    kind = models.CharField(_("导入类型"), max_length=20, choices=Kind.choices)
    # Kept after the import: with its SHA-256 (also in the audit record) it is the evidence of what was imported.
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="import_jobs",
                             verbose_name=_("导入人"))
    state = models.CharField(_("状态"), max_length=20, choices=JobState.choices, default=JobState.QUEUED)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    # Every bad cell: [{"row": 7, "col": "B", "header": "统一社会信用代码", "message": "…"}, …]
    errors = models.JSONField(_("错误"), default=list, blank=True)
    # A failure that is not about a cell (unreadable file, an error while writing).
    message = models.TextField(_("说明"), blank=True)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    existing_count = models.PositiveIntegerField(_("已存在"), default=0)
    created_at = models.DateTimeField(_("上传时间"), default=clock.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"

    @property
    def is_finished(self):
        return self.state in FINAL_STATES

    def error_lines(self) -> list[str]:
        return [format_error(e) for e in self.errors]


def format_error(error: dict) -> str:
    """"第7行 B列（统一社会信用代码）：…" — the row as Excel numbers it (header = row 1), the column by letter and
    header."""
    row, col, header, message = error.get("row"), error.get("col"), error.get("header"), error["message"]
    if row and col:
        return _("第%(row)s行 %(col)s列（%(header)s）：%(message)s") % {
            "row": row, "col": col, "header": header, "message": message}
    if row and header:  # a column the file leaves out
        return _("第%(row)s行（%(header)s）：%(message)s") % {"row": row, "header": header, "message": message}
    if row:
        return _("第%(row)s行：%(message)s") % {"row": row, "message": message}
    return message
