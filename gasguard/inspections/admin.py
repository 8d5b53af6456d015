from django.contrib import admin

from gasguard.utilities.admin import ReadOnlyAdmin

from .models import Inspection


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["site", "kind", "inspector", "inspected_at", "failed_count"]
    list_filter = ["kind"]
    search_fields = ["site__name", "signature"]
    list_select_related = ["site", "inspector"]
