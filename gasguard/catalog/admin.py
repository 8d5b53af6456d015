from django.contrib import admin

from gasguard.audit.admin import AuditedAdmin

from .models import CheckItem


@admin.register(CheckItem)
class CheckItemAdmin(AuditedAdmin):
    list_display = ["code", "text", "clause", "severity", "disposition", "deadline_days", "is_active"]
    list_filter = ["severity", "disposition", "is_active", "lead_group"]
    search_fields = ["code", "text", "clause", "legal_basis"]
    filter_horizontal = ["lead_units", "co_units"]
