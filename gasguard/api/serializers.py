"""API representations. Writes go through the apps' service functions, never through serializer.save()."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gasguard.audit.models import AuditRecord
from gasguard.campaign.models import SupervisionOrder, Task
from gasguard.catalog.choices import Severity
from gasguard.hazards.choices import Source
from gasguard.hazards.models import Hazard, HazardEvent, LookBack
from gasguard.inspections.models import Inspection, InspectionItem, Photo


class TaskSerializer(serializers.ModelSerializer):
    lead_units = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    co_units = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = Task
        fields = ["id", "code", "section", "group", "title", "text", "lead_units", "co_units", "zones", "streets",
                  "others"]


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Photo
        fields = ["id", "url", "sha256", "uploaded_at"]

    def get_url(self, obj) -> str:
        # Evidence is served through an access-checked view, never as a public media file.
        return reverse("photo", args=[obj.pk])


class InspectionItemSerializer(serializers.ModelSerializer):
    item = serializers.SlugRelatedField(read_only=True, slug_field="code")

    class Meta:
        model = InspectionItem
        fields = ["item", "result", "measured_value", "note"]


class InspectionSerializer(serializers.ModelSerializer):
    items = InspectionItemSerializer(many=True, read_only=True)
    hazards = serializers.SlugRelatedField(many=True, read_only=True, slug_field="number")
    inspector_name = serializers.CharField(source="inspector.display_name", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "site", "kind", "inspector", "inspector_name", "department", "jurisdiction",
                  "departments_present", "inspected_at", "signature", "lat", "lon", "note", "failed_count", "items",
                  "hazards"]


class AnswerSerializer(serializers.Serializer):
    item = serializers.CharField(help_text="检查项编码")
    result = serializers.ChoiceField(choices=["pass", "fail", "na"], required=False, allow_blank=True)
    measured_value = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class InspectionCreateSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=["routine", "joint", "self", "lookback", "special"], default="routine")
    departments_present = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    inspected_at = serializers.DateTimeField(required=False)
    signature = serializers.CharField()
    lat = serializers.FloatField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_person = serializers.CharField(required=False, allow_blank=True, default="")
    responsible_phone = serializers.CharField(required=False, allow_blank=True, default="")
    items = AnswerSerializer(many=True)


class InspectionPhotosSerializer(serializers.Serializer):
    item = serializers.CharField(required=False, allow_blank=True, default="", help_text="检查项编码（可选）")
    photos = serializers.ListField(child=serializers.FileField())


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


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
