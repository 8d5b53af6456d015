"""The territorial tree, the member units and the enterprise register on the API. Every queryset is the model's
visible_to (out of scope: 404); enterprises are written through org.services."""
from django.utils.translation import gettext as _
from rest_framework import permissions, viewsets
from rest_framework.exceptions import PermissionDenied

from gasguard.org.permissions import ReadOnlyOrOffice

from .. import services
from ..models import Department, Enterprise, Jurisdiction
from . import serializers as s


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Jurisdiction.objects.all()
    serializer_class = s.JurisdictionSerializer
    filterset_fields = ["level", "parent", "code"]
    search_fields = ["name", "short_name"]

    def get_queryset(self):
        return Jurisdiction.objects.visible_to(self.request.user)


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.all()
    serializer_class = s.DepartmentSerializer
    filterset_fields = ["group", "code"]
    search_fields = ["name"]

    def get_queryset(self):
        return Department.objects.visible_to(self.request.user).prefetch_related("territory")


class EnterpriseViewSet(viewsets.ModelViewSet):
    serializer_class = s.EnterpriseSerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyOrOffice]
    filterset_fields = ["kind", "jurisdiction", "credit_code"]
    search_fields = ["name", "credit_code", "address"]
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        serializer.instance = services.create_enterprise(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_enterprise(serializer.instance, by=self.request.user,
                                                         **serializer.validated_data)

    def perform_destroy(self, instance):
        raise PermissionDenied(_("企业不能删除"))
