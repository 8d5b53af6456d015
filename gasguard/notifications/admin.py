from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "channel", "target", "created_at", "sent_at", "attempts", "failed", "dwell_ms"]
    list_filter = ["channel", "event", "failed"]
