"""API representations of the ledger. Writes go through hazards.services, never through serializer.save()."""
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gasguard.catalog.choices import Severity
from gasguard.inspections.api.serializers import PhotoSerializer

from ..choices import Source
from ..models import Hazard, HazardEvent, LookBack


class HazardEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default="")
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = HazardEvent
        fields = ["id", "action", "actor", "actor_name", "at", "from_state", "to_state", "note", "deadline", "photos"]


class HazardSerializer(serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    co_unit_names = serializers.SerializerMethodField()
    item = serializers.SlugRelatedField(read_only=True, slug_field="code")
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Hazard
        fields = ["id", "number", "site", "jurisdiction", "enterprise", "item", "inspection", "description",
                  "severity", "disposition", "legal_basis", "lead_unit", "lead_unit_name", "co_units",
                  "co_unit_names", "responsible_party", "responsible_person", "responsible_phone", "responsible_user",
                  "deadline", "source", "state", "state_display", "is_overdue", "control_measures", "found_by",
                  "found_at", "rectified_by", "submitted_at", "verified_by", "closed_at", "rebound_of"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_co_unit_names(self, obj):
        return [d.name for d in obj.co_units.all()]


class HazardDetailSerializer(HazardSerializer):
    events = HazardEventSerializer(many=True, read_only=True)

    class Meta(HazardSerializer.Meta):
        fields = HazardSerializer.Meta.fields + ["events"]


class HazardCreateSerializer(serializers.Serializer):
    """Registering a hazard found outside a checklist (a tip, an alarm, a walk-by)."""
    site = serializers.IntegerField()
    item = serializers.CharField(required=False, allow_blank=True)
    description = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    lead_unit = serializers.IntegerField(required=False)
    co_units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    responsible_person = serializers.CharField()
    responsible_phone = serializers.CharField(required=False, allow_blank=True, default="")
    deadline = serializers.DateField()
    source = serializers.ChoiceField(choices=Source.choices, default=Source.INSPECTION)


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ControlSerializer(serializers.Serializer):
    measures = serializers.CharField(allow_blank=True)
    deadline = serializers.DateField()


class SubmitSerializer(serializers.Serializer):
    note = serializers.CharField(allow_blank=True)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class VerifySerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReassignSerializer(serializers.Serializer):
    responsible_person = serializers.CharField(allow_blank=True)
    responsible_phone = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class LookBackSerializer(serializers.ModelSerializer):
    hazard_number = serializers.CharField(source="hazard.number", read_only=True)

    class Meta:
        model = LookBack
        fields = ["id", "hazard", "hazard_number", "month", "drawn_at", "result", "checked_by", "checked_at", "note",
                  "rebound_hazard"]


class LookBackRecordSerializer(serializers.Serializer):
    rebound = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
