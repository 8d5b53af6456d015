"""The audit chain's admin, and the admin base class of master data: every save and delete there is written to the
audit chain."""
from django.contrib import admin
from django.db import transaction

from gasguard.utilities.admin import ReadOnlyAdmin

from . import services as audit
from .models import AuditRecord


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = audit.snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
            super().save_model(request, obj, form, change)
            audit.record(f"admin.{'change' if change else 'add'}", obj, actor=request.user, before=before,
                         after=audit.snapshot(obj))

    def save_related(self, request, form, formsets, change):
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            audit.record("admin.save_related", form.instance, actor=request.user,
                         after=audit.snapshot(form.instance))

    def delete_model(self, request, obj):
        with transaction.atomic():
            before = audit.snapshot(obj)
            audit.record("admin.delete", obj, actor=request.user, before=before)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["id", "at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action"]
