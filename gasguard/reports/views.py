"""Pages: the district report (office only) and the accountability trace (everyone, within their scope)."""
from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from gasguard.org.choices import Level
from gasguard.org.models import Department, Jurisdiction
from gasguard.org.roles import can_manage_master_data
from gasguard.utilities import clock, uploads

from . import services, trace
from .figures import MonthError, period
from .models import ReportRun, ReportTemplate
from .word import DEFAULT_TEMPLATE, check_template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {"docx": DOCX, "pdf": "application/pdf", "xlsx": XLSX}


def _office_only(user):
    if not can_manage_master_data(user):
        raise PermissionDenied(_("区级月报仅区专班办公室可以生成和下载"))


class MonthForm(forms.Form):
    month = forms.CharField(label=_("月份"), widget=forms.TextInput(attrs={"type": "month"}))

    def clean_month(self):
        try:
            return period(self.cleaned_data["month"]).month
        except MonthError as exc:
            raise forms.ValidationError(str(exc))


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("模板名称"), max_length=100)
    file = forms.FileField(label=_("Word 模板（.docx）"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.word_document(upload, _t("Word 模板"))
            check_template(upload)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages)
        return upload


@login_required
def index(request, month_form=None, template_form=None, status=200):
    _office_only(request.user)
    last_month = clock.today().replace(day=1) - timedelta(days=1)  # the report is usually of the month just ended
    month_form = month_form or MonthForm(initial={"month": last_month.strftime("%Y-%m")})
    services.fail_abandoned_runs()
    runs = ReportRun.objects.select_related("requested_by", "template")[:30]
    return render(request, "reports/index.html", {
        "month_form": month_form, "template_form": template_form or TemplateForm(), "runs": runs,
        "template": services.active_template(), "templates": ReportTemplate.objects.all()[:10],
    }, status=status)


@login_required
@require_POST
def generate(request):
    _office_only(request.user)
    form = MonthForm(request.POST)
    if not form.is_valid():
        return index(request, month_form=form, status=400)
    run = services.request_run(form.cleaned_data["month"], by=request.user)
    return redirect("report_run", pk=run.pk)


def _run(request, pk) -> ReportRun:
    _office_only(request.user)
    return get_object_or_404(ReportRun.objects.select_related("requested_by", "template"), pk=pk)


def status_of(run: ReportRun) -> dict:
    return {"id": run.pk, "state": run.state, "state_label": str(run.get_state_display()), "step": run.step,
            "percent": run.percent, "finished": run.is_finished, "message": run.message}


@login_required
def run_page(request, pk):
    run = _run(request, pk)
    return render(request, "reports/run.html", {"run": run, "status": status_of(run)})


@login_required
def run_status(request, pk):
    return JsonResponse(status_of(_run(request, pk)))


@login_required
def run_file(request, pk, kind):
    run = _run(request, pk)
    if kind not in CONTENT_TYPES or not getattr(run, kind):
        raise Http404
    name = f"滨海新区燃气安全专项整治工作月报-{run.month}.{kind}"
    return uploads.download(getattr(run, kind).open("rb"), name, CONTENT_TYPES[kind])


@login_required
def default_template(request):
    _office_only(request.user)
    return uploads.download(open(DEFAULT_TEMPLATE, "rb"), "区级月报默认模板.docx", DOCX)


@login_required
@require_POST
def upload_template(request):
    _office_only(request.user)
    form = TemplateForm(request.POST, request.FILES)
    if not form.is_valid():
        return index(request, template_form=form, status=400)
    services.add_template(name=form.cleaned_data["name"], upload=form.cleaned_data["file"], by=request.user)
    return redirect("reports")


@login_required
@require_POST
def use_default_template(request):
    _office_only(request.user)
    ReportTemplate.objects.update(active=False)
    return redirect("reports")


# 责任倒查

@login_required
def trace_page(request):
    f, qs = trace.hazards_for(request.user, request.GET)
    page = Paginator(trace.with_people(qs), 20).get_page(request.GET.get("page"))
    rows = [{"h": trace.hazard_head(h), "entries": trace.entries(h)} for h in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "reports/trace.html", {
        "filter": f, "page": page, "rows": rows, "people": trace.people(qs), "roles": trace.ROLES,
        "count": page.paginator.count, "query": query.urlencode(), "errors": {(f.filters[k].label if k in f.filters else k): v for k, v in f.errors.items()},
        "areas": Jurisdiction.objects.filter(level__in=[Level.ZONE, Level.STREET]).order_by("path"),
        "departments": Department.objects.order_by("id"),
    })


@login_required
def trace_export(request):
    _, qs = trace.hazards_for(request.user, request.GET)
    response = HttpResponse(trace.workbook(qs), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{_t('责任倒查')}-{clock.today():%Y%m%d}.xlsx")
    return response
