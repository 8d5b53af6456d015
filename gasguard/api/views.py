"""REST API under /api/v1/. Every queryset is cut to the user's scope, so out-of-scope records answer 404."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _t
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from gasguard.audit import services as audit
from gasguard.audit.models import AuditRecord
from gasguard.campaign import services as campaign_services
from gasguard.campaign.models import SupervisionOrder, Task
from gasguard.catalog.models import CheckItem
from gasguard.catalog.services import checklist_for
from gasguard.hazards import services as hazard_services
from gasguard.hazards.choices import OPEN_STATES
from gasguard.hazards.models import Hazard, HazardEvent, LookBack
from gasguard.hazards.services import today
from gasguard.inspections import services as inspection_services
from gasguard.inspections.models import Inspection
from gasguard.org.choices import Role
from gasguard.org.models import Department, Enterprise, Jurisdiction
from gasguard.org.scope import (
    NOTHING,
    can_manage_master_data,
    hazard_q,
    inspection_q,
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


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_fields = ["site", "kind", "inspector", "department"]
    ordering_fields = ["inspected_at", "id"]

    def get_queryset(self):
        user = self.request.user
        # An inspection names only the hazards the user may see by themselves (a department's inspection may
        # find hazards another department leads).
        return (Inspection.objects.filter(inspection_q(user)).select_related("inspector")
                .prefetch_related("items__item", Prefetch("hazards", Hazard.objects.filter(hazard_q(user))),
                                  "departments_present")
                .order_by("-inspected_at"))

    def get_serializer_class(self):
        return s.InspectionCreateSerializer if self.action == "create" else s.InspectionSerializer

    @extend_schema(request=s.InspectionCreateSerializer, responses=s.InspectionSerializer)
    def create(self, request, *args, **kwargs):
        data = s.InspectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        site = get_object_or_404(Site.objects.filter(site_q(request.user)), pk=v["site"])
        answers = [inspection_services.ItemAnswer(code=a["item"], result=a.get("result", ""),
                                                  measured_value=a.get("measured_value"), note=a.get("note", ""))
                   for a in v["items"]]
        inspection, _ = inspection_services.record_inspection(
            site=site, by=request.user, answers=answers, signature=v["signature"], kind=v["kind"],
            departments_present=inspection_services.departments_by_ids(v["departments_present"]),
            inspected_at=v.get("inspected_at"), lat=v.get("lat"), lon=v.get("lon"), note=v["note"],
            responsible_person=v["responsible_person"], responsible_phone=v["responsible_phone"])
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(s.InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": s.InspectionPhotosSerializer}, responses=s.PhotoSerializer(many=True))
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        """补充本次检查的现场照片（检查人本人、检查当天）."""
        inspection = self.get_object()
        data = s.InspectionPhotosSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = inspection_services.add_photos(inspection, by=request.user, photos=data.validated_data["photos"],
                                               item_code=data.validated_data["item"])
        return Response(s.PhotoSerializer(saved, many=True).data, status=status.HTTP_201_CREATED)


class HazardFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=Hazard._meta.get_field("state").choices)
    overdue = filters.BooleanFilter(method="filter_overdue", label="是否逾期")
    jurisdiction = filters.CharFilter(method="in_jurisdiction", label="属地编码（含下级）")
    found_after = filters.DateFilter(field_name="found_at", lookup_expr="date__gte")
    found_before = filters.DateFilter(field_name="found_at", lookup_expr="date__lte")
    site_type = filters.CharFilter(field_name="site__site_type")
    unit = filters.NumberFilter(method="filter_unit", label="牵头或配合单位")

    class Meta:
        model = Hazard
        fields = ["severity", "source", "lead_unit", "site", "enterprise", "item", "rebound_of"]

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state__in=OPEN_STATES, deadline__lt=today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def in_jurisdiction(self, queryset, name, value):
        return SiteFilter.in_jurisdiction(self, queryset, name, value)

    def filter_unit(self, queryset, name, value):
        co = Hazard.co_units.through.objects.filter(department_id=value).values("hazard_id")
        return queryset.filter(Q(lead_unit_id=value) | Q(pk__in=co))


class HazardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = HazardFilter
    search_fields = ["number", "description", "site__name", "responsible_person"]
    ordering_fields = ["found_at", "deadline", "severity", "state", "id"]

    def get_queryset(self):
        qs = (Hazard.objects.filter(hazard_q(self.request.user)).select_related("lead_unit", "item")
              .prefetch_related("co_units").order_by("-found_at", "-id"))
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("events", HazardEvent.objects.select_related("actor")
                                              .prefetch_related("photos")))
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return s.HazardCreateSerializer
        return s.HazardDetailSerializer if self.action == "retrieve" else s.HazardSerializer

    def _detail(self, hazard, code=status.HTTP_200_OK):
        hazard = self.get_queryset().prefetch_related("events__actor", "events__photos").get(pk=hazard.pk)
        return Response(s.HazardDetailSerializer(hazard, context={"request": self.request}).data, status=code)

    @extend_schema(request=s.HazardCreateSerializer, responses=s.HazardDetailSerializer)
    def create(self, request, *args, **kwargs):
        """Register a hazard found outside a checklist (tip, alarm, walk-by); routed like a checklist failure."""
        from gasguard.catalog.services import route

        data = s.HazardCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if request.user.role == Role.ENTERPRISE:
            raise PermissionDenied("企业自查发现的隐患请通过自查登记")
        site = get_object_or_404(Site.objects.filter(site_q(request.user)), pk=v["site"])
        item = None
        if v.get("item"):
            item = CheckItem.objects.filter(code=v["item"]).first()
            if item is None:
                raise ValidationError({"item": f"检查项“{v['item']}”不存在"})
        if item is not None:
            lead, co = route(item, site)
        else:
            if not v.get("lead_unit"):
                raise ValidationError({"lead_unit": "未选择检查项时须指定牵头单位"})
            lead = get_object_or_404(Department, pk=v["lead_unit"])
            co = list(Department.objects.filter(pk__in=v["co_units"]))
        hazard = hazard_services.register(
            site=site, description=v["description"], severity=v.get("severity") or (item.severity if item else "general"),
            lead_unit=lead, co_units=co, responsible_person=v["responsible_person"],
            responsible_phone=v["responsible_phone"], deadline=v["deadline"], by=request.user, source=v["source"],
            item=item, disposition=item.disposition if item else "", legal_basis=item.legal_basis if item else "")
        return self._detail(hazard, status.HTTP_201_CREATED)

    def _transition(self, request, serializer_class, verb):
        hazard = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        hazard = verb(hazard, dict(data.validated_data))
        return self._detail(hazard)

    @extend_schema(request=s.NoteSerializer, responses=s.HazardDetailSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """开始整改 (open → rectifying)."""
        return self._transition(request, s.NoteSerializer, lambda h, v: hazard_services.start_rectification(
            h, by=request.user, note=v["note"]))

    @extend_schema(request=s.ControlSerializer, responses=s.HazardDetailSerializer)
    @action(detail=True, methods=["post"])
    def control(self, request, pk=None):
        """落实管控措施并重新确定期限 (→ controlled)."""
        return self._transition(request, s.ControlSerializer, lambda h, v: hazard_services.control(
            h, by=request.user, measures=v["measures"], deadline=v["deadline"]))

    @extend_schema(request={"multipart/form-data": s.SubmitSerializer}, responses=s.HazardDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """提交验收，附整改佐证 (→ submitted)."""
        return self._transition(request, s.SubmitSerializer, lambda h, v: hazard_services.submit(
            h, by=request.user, note=v["note"], photos=v["photos"]))

    @extend_schema(request={"multipart/form-data": s.VerifySerializer}, responses=s.HazardDetailSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """验收：通过则销号 (→ closed)，不通过则退回 (→ rectifying)."""
        return self._transition(request, s.VerifySerializer, lambda h, v: hazard_services.verify(
            h, by=request.user, passed=v["passed"], note=v["note"], photos=v["photos"]))

    @extend_schema(request=s.ReassignSerializer, responses=s.HazardDetailSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        """调整整治责任人."""
        return self._transition(request, s.ReassignSerializer, lambda h, v: hazard_services.reassign(
            h, by=request.user, responsible_person=v["responsible_person"],
            responsible_phone=v["responsible_phone"], note=v["note"]))


class LookBackViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.LookBackSerializer
    filterset_fields = ["month", "result", "hazard"]

    def get_queryset(self):
        visible = Hazard.objects.filter(hazard_q(self.request.user)).values("pk")
        return LookBack.objects.filter(hazard__in=visible).select_related("hazard").order_by("-drawn_at", "id")

    @extend_schema(request=s.LookBackRecordSerializer, responses=s.LookBackSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """记录回头看结果；反弹则重新登记隐患并关联原隐患."""
        lookback = self.get_object()
        data = s.LookBackRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lookback = hazard_services.record_lookback(lookback, by=request.user, **data.validated_data)
        return Response(s.LookBackSerializer(lookback).data)


class SupervisionOrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.SupervisionOrderSerializer
    filterset_fields = ["state", "department", "jurisdiction", "task"]

    def get_queryset(self):
        return (SupervisionOrder.objects.visible_to(self.request.user).prefetch_related("hazards")
                .order_by("-issued_at"))

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

