"""API representations of inspections and their photos. Writes go through inspections.services."""
from django.urls import reverse
from rest_framework import serializers

from ..models import Inspection, InspectionItem, Photo


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
