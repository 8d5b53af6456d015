"""API representations. Writes go through the apps' service functions, never through serializer.save()."""
from rest_framework import serializers

from gasguard.audit.models import AuditRecord
from gasguard.campaign.models import SupervisionOrder, Task


class TaskSerializer(serializers.ModelSerializer):
    lead_units = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    co_units = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Task
        fields = ["id", "code", "section", "group", "title", "text", "lead_units", "co_units", "zones", "streets",
                  "others"]


class SupervisionOrderSerializer(serializers.ModelSerializer):
    class Meta:
        model = SupervisionOrder
        fields = ["id", "number", "department", "jurisdiction", "task", "hazards", "reason", "deadline", "issued_by",
                  "issued_at", "state", "response", "responded_at"]


class RespondSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)


class AuditRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditRecord
        fields = ["id", "at", "actor", "action", "object_type", "object_id", "data", "prev_hash", "hash"]
