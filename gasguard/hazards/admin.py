from django.contrib import admin

from gasguard.utilities.admin import ReadOnlyAdmin

from .models import Hazard, LookBack


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    list_display = ["number", "site", "severity", "state", "lead_unit", "responsible_person", "deadline"]
    list_filter = ["state", "severity", "source", "lead_unit"]
    search_fields = ["number", "description", "responsible_person"]
    list_select_related = ["site", "lead_unit"]


@admin.register(LookBack)
class LookBackAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "month", "result", "checked_by", "checked_at"]
    list_filter = ["month", "result"]
