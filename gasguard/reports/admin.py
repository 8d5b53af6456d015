from django.contrib import admin

from .models import ReportRun, ReportTemplate


@admin.register(ReportTemplate)
class ReportTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "active", "uploaded_by", "uploaded_at"]
    list_filter = ["active"]

    def save_model(self, request, obj, form, change):
        from .docx import check_template

        check_template(obj.file)  # a template that cannot be filled is refused before it is used
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
