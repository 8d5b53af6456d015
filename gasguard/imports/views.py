"""Pages: the index (templates, upload forms, recent jobs), a job's page with its progress, the status poll."""
import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gasguard.utilities import uploads

from . import runner
from .importers import allowed_kinds
from .models import FINAL_STATES, ImportJob, JobState, Kind
from .workbook import FILE_NAME, build_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DESCRIPTIONS = {
    Kind.ENTERPRISES: _("燃气经营企业、用气单位等，按统一社会信用代码识别。"),
    Kind.SITES: _("餐饮企业、学校、充装站等监管对象；所属企业须已登记（可先导入企业）。"),
    Kind.HAZARDS: _("平台启用前已有的隐患台账；隐患所在对象须已登记（可先导入监管对象）。"),
}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORTS_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(_("文件过大：不能超过 %(mb)d MB") % {"mb": limit // (1024 * 1024)})
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件（可先下载模板填写）"))
        try:  # by content too (a renamed file is not a workbook), and what it unpacks to
            upload = uploads.workbook(upload, _("Excel 文件"), max_bytes=limit)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return upload


def _kinds_or_403(user) -> list[str]:
    kinds = allowed_kinds(user)
    if not kinds:
        raise PermissionDenied(_("只有区专班办公室和属地（开发区、街镇）可以导入数据"))
    return kinds


def _kind(user, kind: str) -> str:
    if kind not in Kind.values:
        raise Http404
    if kind not in _kinds_or_403(user):
        raise PermissionDenied(_("您不能导入此类数据"))
    return kind


@login_required
def index(request, forms_by_kind=None, status=200):
    kinds = _kinds_or_403(request.user)
    forms_by_kind = forms_by_kind or {}
    cards = [{"kind": k, "label": Kind(k).label, "description": DESCRIPTIONS[k],
              "form": forms_by_kind.get(k) or UploadForm()} for k in
             [k for k in (Kind.ENTERPRISES, Kind.SITES, Kind.HAZARDS) if k in kinds]]
    runner.fail_abandoned_jobs()
    jobs = ImportJob.objects.filter(user=request.user)[:20]
    return render(request, "imports/index.html", {"cards": cards, "jobs": jobs}, status=status)


@login_required
def template(request, kind):
    kind = _kind(request.user, kind)
    response = HttpResponse(build_template(kind), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, FILE_NAME[kind])
    return response


@login_required
@require_POST
def upload(request, kind):
    kind = _kind(request.user, kind)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, forms_by_kind={kind: form}, status=400)
    upload = form.cleaned_data["file"]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    job = ImportJob.objects.create(kind=kind, file=upload, original_name=upload.name[:200],
                                   sha256=digest.hexdigest(), user=request.user)
    runner.start(job)
    return redirect("imports_job", pk=job.pk)


def _job(request, pk) -> ImportJob:
    _kinds_or_403(request.user)
    jobs = ImportJob.objects.all() if request.user.is_superuser else ImportJob.objects.filter(user=request.user)
    return get_object_or_404(jobs.select_related("user"), pk=pk)


def status_of(job: ImportJob) -> dict:
    state, total, processed = job.state, job.total_rows, job.processed_rows
    live = None if state in FINAL_STATES else runner.live_progress(job.pk)
    if live:
        state, total, processed = live["state"], live["total_rows"], live["processed_rows"]
    return {
        "id": job.pk, "state": state, "state_label": str(JobState(state).label),
        "total_rows": total, "processed_rows": processed,
        "percent": round(100 * processed / total) if total else (100 if state in FINAL_STATES else 0),
        "finished": state in FINAL_STATES,
        "created_count": job.created_count, "existing_count": job.existing_count, "error_count": len(job.errors),
    }


@login_required
def job_page(request, pk):
    job = _job(request, pk)
    if not job.is_finished and runner.fail_abandoned_jobs():  # a stopped worker's job is not "running" for ever
        job.refresh_from_db()
    return render(request, "imports/job.html", {"job": job, "status": status_of(job)})


@login_required
def job_status(request, pk):
    return JsonResponse(status_of(_job(request, pk)))
