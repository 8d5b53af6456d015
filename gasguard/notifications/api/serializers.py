from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Notification

# The outbox imports none of the apps that write it: an alarm subject is known by its model's label.
ALARM = "monitoring.alarm"


def _alarm(obj):
    subject = obj.subject
    return subject if subject is not None and subject._meta.label_lower == ALARM else None


class NotificationSerializer(serializers.ModelSerializer):
    """An outbox row; `alarm` and `alarm_number` name its subject when that is an alarm."""

    alarm = serializers.SerializerMethodField()
    alarm_number = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_alarm(self, obj):
        alarm = _alarm(obj)
        return alarm.pk if alarm else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_alarm_number(self, obj):
        alarm = _alarm(obj)
        return alarm.number if alarm else None

    class Meta:
        model = Notification
        fields = ["id", "event", "alarm", "alarm_number", "channel", "target", "payload", "created_at", "sent_at",
                  "attempts", "error", "failed", "dwell_ms"]
        read_only_fields = fields
