from django.contrib import admin

from gasguard.audit.admin import AuditedAdmin

from .models import Licence, Site


class LicenceInline(admin.TabularInline):
    model = Licence
    extra = 0
    fk_name = "site"


@admin.register(Site)
class SiteAdmin(AuditedAdmin):
    list_display = ["name", "site_type", "jurisdiction", "enterprise", "fuel", "building", "is_active"]
    list_filter = ["site_type", "fuel", "building", "crowded_place", "is_active"]
    search_fields = ["name", "address", "contact_person"]
    autocomplete_fields = ["jurisdiction", "enterprise"]
    inlines = [LicenceInline]


@admin.register(Licence)
class LicenceAdmin(AuditedAdmin):
    list_display = ["kind", "number", "enterprise", "site", "valid_until", "revoked"]
    list_filter = ["kind", "revoked"]
    search_fields = ["number"]
    autocomplete_fields = ["enterprise", "site"]
