"""API representations. Writes go through the apps' service functions, never through serializer.save()."""
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gasguard.audit.models import AuditRecord
from gasguard.campaign.models import SupervisionOrder, Task
from gasguard.catalog.models import CheckItem, plain
from gasguard.org.models import Department, Enterprise, Jurisdiction
from gasguard.sites.models import Licence, Site
from gasguard.utilities.credit_code import credit_code_error


class JurisdictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Jurisdiction
        fields = ["id", "code", "name", "short_name", "level", "parent", "lat", "lon"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "aliases", "group", "territory", "is_office"]


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "kind", "legal_representative", "safety_officer", "phone", "address",
                  "jurisdiction"]

    def validate_credit_code(self, value):
        value = (value or "").strip().upper()
        error = credit_code_error(value)
        if error:
            raise serializers.ValidationError(error)
        return value


class LicenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Licence
        fields = ["id", "kind", "number", "issuer", "valid_until", "revoked"]


class SiteSerializer(serializers.ModelSerializer):
    licences = LicenceSerializer(many=True, read_only=True)
    site_type_display = serializers.CharField(source="get_site_type_display", read_only=True)

    class Meta:
        model = Site
        fields = ["id", "name", "site_type", "site_type_display", "jurisdiction", "enterprise", "address", "lat",
                  "lon", "fuel", "building", "lpg_stored_kg", "has_cylinder_room", "crowded_place", "urban_village",
                  "contact_person", "contact_phone", "attributes", "is_active", "licences"]
        extra_kwargs = {"lpg_stored_kg": {"min_value": 0}}  # kilograms stored are never negative

    def validate(self, attrs):
        lat, lon = attrs.get("lat"), attrs.get("lon")
        if lat is not None and not (-90 <= lat <= 90):
            raise serializers.ValidationError({"lat": "纬度须在-90到90之间"})
        if lon is not None and not (-180 <= lon <= 180):
            raise serializers.ValidationError({"lon": "经度须在-180到180之间"})
        return attrs


class CheckItemSerializer(serializers.ModelSerializer):
    lead_units = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    co_units = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    task = serializers.SlugRelatedField(read_only=True, slug_field="code")
    measure = serializers.SerializerMethodField()

    class Meta:
        model = CheckItem
        fields = ["id", "code", "text", "clause", "task", "site_types", "fuels", "buildings", "crowded_only",
                  "legal_basis", "lead_group", "lead_units", "co_units", "territorial", "disposition",
                  "deadline_days", "severity", "measure", "evidence_hint"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_measure(self, obj):
        if not obj.has_measure:
            return None
        return {"quantity": obj.measure_quantity, "label": obj.measure_label, "unit": obj.measure_unit,
                "op": obj.measure_op, "limit": plain(obj.measure_limit), "exempt_if": obj.exempt_if}


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


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
