"""Admin base classes shared by every app."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records that change only through the service functions (the ledger, the audit chain)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
