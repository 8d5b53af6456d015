from django.contrib import admin

from .models import Alarm, AlarmEvent, AlarmRule, DeadLetter, Device


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "site", "jurisdiction", "state", "last_seen_at", "is_active"]
    list_filter = ["kind", "state", "is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["site", "jurisdiction"]
    readonly_fields = ["state", "state_changed_at", "last_seen_at"]

    def has_add_permission(self, request):
        return False  # registered through the API or services.register_device, which hands out the secret


@admin.register(AlarmRule)
class AlarmRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rule_type", "metric", "op", "threshold", "duration_s", "severity", "is_active"]
    list_filter = ["rule_type", "severity", "is_active"]


class AlarmEventInline(admin.TabularInline):
    model = AlarmEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "at", "from_state", "to_state", "note"]


@admin.register(Alarm)
class AlarmAdmin(admin.ModelAdmin):
    """Read-only: an alarm moves only through the service functions (audited)."""
    list_display = ["number", "device", "alarm_type", "severity", "state", "count", "raised_at", "cleared_at"]
    list_filter = ["state", "severity", "alarm_type"]
    search_fields = ["number", "device__code"]
    inlines = [AlarmEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "device_code", "reason", "detail"]
    list_filter = ["reason", "source"]
    search_fields = ["device_code", "detail"]
