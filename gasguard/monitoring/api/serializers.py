from rest_framework import serializers

from gasguard.org.models import Department, User
from gasguard.sites.models import Site

from ..choices import DeviceKind, Finding
from ..models import Alarm, AlarmEvent, AlarmRule, DeadLetter, Device


class DeviceSerializer(serializers.ModelSerializer):
    site_name = serializers.CharField(source="site.name", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Device
        fields = ["id", "code", "name", "kind", "kind_display", "site", "site_name", "jurisdiction", "lat", "lon",
                  "installed_on", "calibrated_on", "interval_s", "state", "state_display", "state_changed_at",
                  "last_seen_at", "is_active", "created_at"]
        read_only_fields = ["jurisdiction", "state", "state_changed_at", "last_seen_at", "created_at"]


class DeviceCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)
    kind = serializers.ChoiceField(choices=DeviceKind.choices)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.all())
    name = serializers.CharField(max_length=200, required=False, default="")
    lat = serializers.FloatField(required=False, allow_null=True, default=None)
    lon = serializers.FloatField(required=False, allow_null=True, default=None)
    installed_on = serializers.DateField(required=False, allow_null=True, default=None)
    calibrated_on = serializers.DateField(required=False, allow_null=True, default=None)
    interval_s = serializers.IntegerField(min_value=1, required=False, default=60)


class AlarmEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = AlarmEvent
        fields = ["action", "actor", "actor_name", "at", "from_state", "to_state", "note"]

    def get_actor_name(self, obj) -> str:
        return str(obj.actor) if obj.actor_id else "系统"


class AlarmSerializer(serializers.ModelSerializer):
    device_code = serializers.CharField(source="device.code", read_only=True)
    site_name = serializers.CharField(source="site.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    hazard_number = serializers.CharField(source="hazard.number", read_only=True, default=None)

    class Meta:
        model = Alarm
        fields = ["id", "number", "device", "device_code", "site", "site_name", "jurisdiction", "alarm_type",
                  "severity", "severity_display", "state", "state_display", "message", "metric", "first_value",
                  "last_value", "peak_value", "count", "first_ts", "last_seen", "raised_at", "cleared_at",
                  "acknowledged_by", "acknowledged_at", "dispatched_to_unit", "dispatched_to_user", "dispatched_at",
                  "on_site_by", "on_site_at", "handled_by", "handled_at", "finding", "finding_note", "closed_by",
                  "closed_at", "escalation_level", "escalated_at", "hazard", "hazard_number"]
        read_only_fields = fields


class AlarmDetailSerializer(AlarmSerializer):
    events = AlarmEventSerializer(many=True, read_only=True)

    class Meta(AlarmSerializer.Meta):
        fields = AlarmSerializer.Meta.fields + ["events"]
        read_only_fields = fields


class AlarmNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DispatchSerializer(AlarmNoteSerializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Department.objects.all(), required=False, allow_null=True,
                                              default=None)
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), required=False, allow_null=True,
                                              default=None)


class HandleSerializer(serializers.Serializer):
    finding = serializers.ChoiceField(choices=Finding.choices)
    note = serializers.CharField()
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class AlarmRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlarmRule
        fields = ["id", "code", "name", "kinds", "rule_type", "metric", "op", "threshold", "low", "hysteresis",
                  "duration_s", "window_s", "intervals", "severity", "is_active"]


class DeadLetterSerializer(serializers.ModelSerializer):
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)

    class Meta:
        model = DeadLetter
        fields = ["id", "received_at", "source", "topic", "device_code", "reason", "reason_display", "detail",
                  "payload"]
        read_only_fields = fields
