from django.contrib import admin

from gasguard.utilities.admin import AuditedAdmin, ReadOnlyAdmin

from .models import SupervisionOrder, Task


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ["code", "title", "zones", "streets"]
    list_filter = ["section"]
    search_fields = ["code", "title", "text"]
    filter_horizontal = ["lead_units", "co_units"]


@admin.register(SupervisionOrder)
class SupervisionOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "department", "jurisdiction", "deadline", "state", "issued_at"]
    list_filter = ["state"]
    search_fields = ["number", "reason"]
