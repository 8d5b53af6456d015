from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gasguard.utilities import uploads

from .models import ReportRun, ReportTemplate
from .word import check_template


class ReportTemplateForm(forms.ModelForm):
    class Meta:
        model = ReportTemplate
        fields = ["name", "file", "active"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if hasattr(upload, "content_type"):  # a new upload: a template that cannot be filled is refused
            try:
                uploads.word_document(upload, _("Word 模板"))
                check_template(upload)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages)
        return upload


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    form = ReportTemplateForm
    list_display = ["name", "active", "uploaded_by", "uploaded_at"]
    list_filter = ["active"]

    def save_model(self, request, obj, form, change):
        if not obj.uploaded_by_id:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["month", "state", "requested_by", "created_at", "finished_at", "pdf_engine"]
    list_filter = ["state", "month"]
    readonly_fields = [f.name for f in ReportRun._meta.fields]

    def has_add_permission(self, request):
        return False
