from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from gasguard.audit.admin import AuditedAdmin

from .models import Department, Enterprise, Jurisdiction, User

admin.site.site_header = _("燃气安全专项整治平台 · 基础数据管理")
admin.site.site_title = _("燃气安全专项整治平台")
admin.site.index_title = _("基础数据")


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code", "short_name"]
    autocomplete_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["name", "code", "group", "is_office"]
    list_filter = ["group"]
    search_fields = ["name", "code"]
    filter_horizontal = ["territory"]


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ["name", "credit_code", "kind", "jurisdiction", "phone"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code", "address"]
    autocomplete_fields = ["jurisdiction"]


@admin.register(User)
class UserAdmin(AuditedAdmin, BaseUserAdmin):
    list_display = ["username", "full_name", "role", "department", "jurisdiction", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    autocomplete_fields = ["department", "jurisdiction", "enterprise"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("角色与数据范围"), {"fields": ["full_name", "phone", "role", "department", "jurisdiction", "enterprise"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("角色与数据范围"), {"fields": ["full_name", "role", "department", "jurisdiction", "enterprise"]}),
    )
