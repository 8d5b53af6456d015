"""Admin pages for master data. Every save and delete there is written to the audit chain."""
from django.contrib import admin
from django.db import transaction

from gasguard.audit import services as audit


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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the service functions (the ledger, the audit chain)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
