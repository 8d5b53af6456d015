from rest_framework import serializers

from gasguard.utilities.credit_code import credit_code_error

from ..models import Department, Enterprise, Jurisdiction


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
