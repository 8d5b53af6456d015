"""REST API under /api/v1/. Every queryset is cut to the user's scope, so out-of-scope records answer 404."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _t
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from gasguard.audit import services as audit
from gasguard.audit.models import AuditRecord
from gasguard.campaign import services as campaign_services
from gasguard.campaign.models import SupervisionOrder, Task
from gasguard.catalog.models import CheckItem
from gasguard.catalog.services import checklist_for
from gasguard.org.choices import Role
from gasguard.org.models import Department, Enterprise, Jurisdiction
from gasguard.org.scope import (
    NOTHING,
    can_manage_master_data,
    may_link_enterprise,
    site_q,
)
from gasguard.sites.models import Site
from gasguard.utilities.permissions import IsOffice, ReadOnlyOrOffice

from . import serializers as s


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Jurisdiction.objects.all()
    serializer_class = s.JurisdictionSerializer
    filterset_fields = ["level", "parent", "code"]
    search_fields = ["name", "short_name"]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.prefetch_related("territory")
    serializer_class = s.DepartmentSerializer
    filterset_fields = ["group", "code"]
    search_fields = ["name"]


def enterprise_q(user) -> Q:
    if not user.is_authenticated:
        return NOTHING
    if user.is_superuser or user.role in (Role.OFFICE, Role.DEPARTMENT):
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(pk=user.enterprise_id) if user.enterprise_id else NOTHING
    if user.jurisdiction_id:
        return Q(jurisdiction__path__startswith=user.jurisdiction.path)
    if user.role == Role.INSPECTOR and user.department_id:
        return Q()
    return NOTHING


class EnterpriseViewSet(viewsets.ModelViewSet):
    serializer_class = s.EnterpriseSerializer
    permission_classes = [permissions.IsAuthenticated, ReadOnlyOrOffice]
    filterset_fields = ["kind", "jurisdiction", "credit_code"]
    search_fields = ["name", "credit_code", "address"]
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return Enterprise.objects.filter(enterprise_q(self.request.user)).order_by("name")

    def perform_create(self, serializer):
        with transaction.atomic():
            obj = serializer.save()
            audit.record("enterprise.create", obj, actor=self.request.user, after=audit.snapshot(obj))

    def perform_update(self, serializer):
        with transaction.atomic():
            before = audit.snapshot(serializer.instance)
            obj = serializer.save()
            audit.record("enterprise.update", obj, actor=self.request.user, before=before,
                         after=audit.snapshot(obj))

    def perform_destroy(self, instance):
        raise PermissionDenied("企业不能删除")


class SiteFilter(filters.FilterSet):
    jurisdiction = filters.CharFilter(method="in_jurisdiction", label="属地编码（含下级）")

    class Meta:
        model = Site
        fields = ["site_type", "fuel", "building", "enterprise", "crowded_place", "urban_village", "is_active"]

    def in_jurisdiction(self, queryset, name, value):
        j = Jurisdiction.objects.filter(Q(code=value) | Q(pk=value if value.isdigit() else None)).first()
        return queryset.filter(jurisdiction__path__startswith=j.path) if j else queryset.none()


class SiteViewSet(viewsets.ModelViewSet):
    serializer_class = s.SiteSerializer
    filterset_class = SiteFilter
    search_fields = ["name", "address", "contact_person"]
    ordering_fields = ["name", "id", "site_type"]

    def get_queryset(self):
        return Site.objects.filter(site_q(self.request.user)).prefetch_related("licences").order_by("id")

    def _check_write(self, serializer):
        user = self.request.user
        jurisdiction = serializer.validated_data.get("jurisdiction") or getattr(serializer.instance, "jurisdiction", None)
        if can_manage_master_data(user):
            return
        if not (user.role == Role.JURISDICTION and jurisdiction
                and jurisdiction.path.startswith(user.jurisdiction.path)):
            raise PermissionDenied("只能登记本属地范围内的监管对象")
        enterprise = serializer.validated_data.get("enterprise")
        unchanged = serializer.instance is not None and serializer.instance.enterprise_id == getattr(enterprise, "pk", None)
        if enterprise is not None and not unchanged and not may_link_enterprise(user, enterprise.jurisdiction.path):
            raise ValidationError({"enterprise": _t("只能关联本属地的企业；“%(name)s”属于%(area)s，跨属地的关联请由区专班办公室办理")
                                   % {"name": enterprise.name, "area": enterprise.jurisdiction.name}})

    def perform_create(self, serializer):
        self._check_write(serializer)
        with transaction.atomic():
            site = serializer.save()
            audit.record("site.create", site, actor=self.request.user, after=audit.snapshot(site))

    def perform_update(self, serializer):
        self._check_write(serializer)
        with transaction.atomic():
            before = audit.snapshot(serializer.instance)
            site = serializer.save()
            audit.record("site.update", site, actor=self.request.user, before=before, after=audit.snapshot(site))

    def perform_destroy(self, instance):
        raise PermissionDenied("监管对象不能删除，请将其标记为不在册")

    @extend_schema(responses=s.CheckItemSerializer(many=True))
    @action(detail=True)
    def checklist(self, request, pk=None):
        """The check items that apply to this site, by its type and attributes."""
        return Response(s.CheckItemSerializer(checklist_for(self.get_object()), many=True).data)


class CheckItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.CheckItemSerializer
    queryset = CheckItem.objects.filter(is_active=True).select_related("task").prefetch_related("lead_units",
                                                                                               "co_units")
    filterset_fields = ["severity", "disposition", "task__code", "code"]
    search_fields = ["text", "code", "clause"]
    pagination_class = None


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TaskSerializer
    queryset = Task.objects.prefetch_related("lead_units", "co_units")
    filterset_fields = ["section", "code"]
    pagination_class = None


class SupervisionOrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SupervisionOrderSerializer
    filterset_fields = ["state", "department", "jurisdiction", "task"]

    def get_queryset(self):
        user = self.request.user
        qs = SupervisionOrder.objects.prefetch_related("hazards").order_by("-issued_at")
        if not user.is_authenticated:  # schema generation
            return qs.none()
        if user.is_superuser or user.role == Role.OFFICE:
            return qs
        if user.role == Role.DEPARTMENT:
            return qs.filter(department_id=user.department_id)
        if user.role == Role.JURISDICTION:
            return qs.filter(jurisdiction__path__startswith=user.jurisdiction.path)
        return qs.none()

    @extend_schema(request=s.RespondSerializer, responses=s.SupervisionOrderSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """督办单位书面反馈."""
        order = self.get_object()
        data = s.RespondSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = campaign_services.respond(order, response=data.validated_data["response"], by=request.user)
        return Response(s.SupervisionOrderSerializer(order).data)


class AuditRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail; the office reads all of it."""
    serializer_class = s.AuditRecordSerializer
    permission_classes = [permissions.IsAuthenticated, IsOffice]
    queryset = AuditRecord.objects.order_by("-id")
    filterset_fields = ["object_type", "object_id", "action", "actor"]

