from django.utils.translation import gettext as _
from rest_framework import serializers

from ..models import Licence, Site


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
            raise serializers.ValidationError({"lat": _("纬度须在-90到90之间")})
        if lon is not None and not (-180 <= lon <= 180):
            raise serializers.ValidationError({"lon": _("经度须在-180到180之间")})
        return attrs
