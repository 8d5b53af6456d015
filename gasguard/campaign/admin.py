from django.contrib import admin

from gasguard.audit.admin import AuditedAdmin
from gasguard.utilities.admin import ReadOnlyAdmin

from .models import (
    Admonition,
    Campaign,
    Circular,
    MonthlyReport,
    MonthlyReportVersion,
    Notice,
    Phase,
    SupervisionOrder,
    Task,
    TaskProgress,
)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(AuditedAdmin):
    """A new district's or a new year's campaign: its territory, dates, reporting day, phases; tasks below."""

    list_display = ["name", "root", "starts_on", "ends_on", "report_day", "is_default"]
    inlines = [PhaseInline]


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["code", "title", "campaign", "zones", "streets"]
    list_filter = ["campaign", "section"]
    search_fields = ["code", "title", "text"]
    filter_horizontal = ["lead_units", "co_units"]


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "department", "jurisdiction", "deadline", "state", "issued_at"]
    list_filter = ["state"]
    search_fields = ["number", "reason"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ["month", "unit_key", "state", "version", "due_on", "first_submitted_at"]
    list_filter = ["state", "month"]


@admin.register(MonthlyReportVersion)
class MonthlyReportVersionAdmin(ReadOnlyAdmin):
    list_display = ["report", "number", "submitted_by", "submitted_at"]


@admin.register(TaskProgress)
class TaskProgressAdmin(ReadOnlyAdmin):
    list_display = ["task", "unit_key", "month", "status", "percent", "recorded_at"]


@admin.register(Circular)
class CircularAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "issued_at"]


@admin.register(Admonition)
class AdmonitionAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "unit_key", "reasons"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "unit_key", "kind", "title"]
    list_filter = ["kind"]
