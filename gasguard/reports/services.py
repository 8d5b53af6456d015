"""Producing the district report: figures → charts → Word → PDF → Excel, for the command and the office's page."""
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.utilities import clock

from . import charts, excel, pdf, word
from .charts import FontMissing
from .figures import district_figures, period
from .models import ReportRun, ReportTemplate, RunState
from .pdf import PdfFailed

log = logging.getLogger(__name__)


@dataclass
class Report:
    month: str
    docx: bytes
    pdf: bytes
    xlsx: bytes
    pdf_engine: str
    context: dict

    def file_names(self):
        base = f"滨海新区燃气安全专项整治工作月报-{self.month}"
        return {"docx": f"{base}.docx", "pdf": f"{base}.pdf", "xlsx": f"{base}.xlsx"}


def active_template():
    return ReportTemplate.objects.filter(active=True).first()


def build(month: str, *, template=None, progress=lambda step, percent: None) -> Report:
    """The three files for `month`. `template`: a ReportTemplate, a path, or None for the default one."""
    progress("统计数据", 5)
    ctx = district_figures(month)
    progress("绘制图表", 30)
    images = {"chart_trend": charts.trend_chart(ctx["trend"], ctx["month_label"]),
              "chart_units": charts.unit_chart(ctx["by_unit"]),
              "chart_areas": charts.area_chart(ctx["by_area"])}
    progress("填写 Word 模板", 45)
    source = template.file if isinstance(template, ReportTemplate) else template
    docx = word.render(ctx, images, source)
    progress("生成 Excel", 55)
    xlsx = excel.workbook(ctx)
    progress("转换 PDF", 65)
    pdf_bytes, engine = pdf.render(docx, ctx)
    progress("保存", 95)
    return Report(month=ctx["month"], docx=docx, pdf=pdf_bytes, xlsx=xlsx, pdf_engine=engine, context=ctx)


def write(report: Report, out_dir) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for kind, name in report.file_names().items():
        paths[kind] = out / name
        paths[kind].write_bytes(getattr(report, kind))
    return paths


def request_run(month: str, *, by) -> ReportRun:
    """Queue a report for the office: the job worker produces it (`tasks.run_report`, enqueued once the run's row
    commits). Returns the run as queued."""
    from .tasks import run_report  # a cycle: reports.tasks wraps this module's run_queued

    p = period(month)  # a bad month is refused here, before anything is stored
    with transaction.atomic():
        run = ReportRun.objects.create(month=p.month, requested_by=by, template=active_template())
        audit.record("report.request", run, actor=by, after={"month": p.month})
        transaction.on_commit(lambda: run_report(run.pk))
    return run


def scheduled_run(month: str) -> ReportRun | None:
    """The job runner's monthly report (no requester), made in the worker itself. Safe to run twice: a month that
    already has a scheduled run that did not fail gets none."""
    p = period(month)
    if ReportRun.objects.filter(month=p.month, requested_by=None).exclude(state=RunState.FAILED).exists():
        return None
    with transaction.atomic():
        run = ReportRun.objects.create(month=p.month, requested_by=None, template=active_template())
        audit.record("report.request", run, actor=None, after={"month": p.month, "scheduled": True})
    return execute(run.pk)


@transaction.atomic
def add_template(*, name: str, upload, by) -> ReportTemplate:
    """Keep an (already checked) Word template and make it the one in use."""
    tpl = ReportTemplate.objects.create(name=name, file=upload, uploaded_by=by)
    ReportTemplate.objects.exclude(pk=tpl.pk).update(active=False)  # the newest upload is the one in use
    audit.record("report.template", tpl, actor=by, after={"name": tpl.name, "file": tpl.file.name})
    return tpl


ABANDONED_AFTER = timedelta(hours=1)


def fail_abandoned_runs() -> int:
    """A run still unfinished an hour on lost its worker (stopped or killed mid-run): say so, so it can be run
    again."""
    return ReportRun.objects.filter(state__in=[RunState.QUEUED, RunState.RUNNING],
                                    created_at__lt=clock.now() - ABANDONED_AFTER).update(
        state=RunState.FAILED, step=_("中断"), finished_at=clock.now(),
        message=_("生成过程中断（可能是后台任务服务重启），请重新生成。"))


# Errors that carry their own message for the office (a template it cannot fill, no Chinese font, PDF failure).
EXPLAINED = (ValidationError, PdfFailed, FontMissing)


def run_queued(run_id: int) -> None:
    """The worker's entry: produce the run; whatever goes wrong, it ends failed with a reason, never left
    running."""
    try:
        execute(run_id)
    except Exception as exc:
        log.exception("report run %s could not be run", run_id)
        ReportRun.objects.filter(pk=run_id).exclude(state__in=[RunState.DONE, RunState.FAILED]).update(
            state=RunState.FAILED, step=_("失败"), finished_at=clock.now(), message=_system_error(exc))


def _system_error(exc) -> str:
    return _("生成月报时发生系统错误（%(error)s），请稍后重试或联系管理员。") % {"error": exc.__class__.__name__}


def execute(run_id: int) -> ReportRun:
    """Produce a queued run's files. Safe to call twice: a finished run is left as it is."""
    run = ReportRun.objects.select_related("template").get(pk=run_id)
    if run.is_finished:
        return run

    def progress(step, percent):
        ReportRun.objects.filter(pk=run_id).update(state=RunState.RUNNING, step=step, percent=percent)

    try:
        report = build(run.month, template=run.template, progress=progress)
        names = report.file_names()
        for kind in ("docx", "pdf", "xlsx"):
            getattr(run, kind).save(names[kind], ContentFile(getattr(report, kind)), save=False)
        run.state, run.percent, run.step, run.pdf_engine = RunState.DONE, 100, "完成", report.pdf_engine
    except Exception as exc:
        log.exception("report run %s failed", run_id)
        run.state, run.step = RunState.FAILED, _("失败")
        run.message = (str(getattr(exc, "message", None) or exc)[:2000] if isinstance(exc, EXPLAINED)
                       else _system_error(exc))
    run.finished_at = clock.now()
    run.save()
    return run
