from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import CheckItem, plain


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
