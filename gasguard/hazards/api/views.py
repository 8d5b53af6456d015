"""The ledger under /api/v1/hazards/ and /api/v1/lookbacks/: cut to the user's scope (out of it: 404), filtered by
the ledger page's own filterset, changed only through hazards.services."""
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from gasguard.catalog.models import CheckItem
from gasguard.catalog.services import route
from gasguard.org.choices import Role
from gasguard.org.models import Department
from gasguard.sites.models import Site

from .. import services as hazard_services
from ..filtersets import HazardFilter
from ..models import Hazard, HazardEvent, LookBack
from . import serializers as s


class HazardViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = HazardFilter
    search_fields = ["number", "description", "site__name", "responsible_person"]
    ordering_fields = ["found_at", "deadline", "severity", "state", "id"]

    def get_queryset(self):
        qs = (Hazard.objects.visible_to(self.request.user).select_related("lead_unit", "item")
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
        data = s.HazardCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if request.user.role == Role.ENTERPRISE:
            raise PermissionDenied(_("企业自查发现的隐患请通过自查登记"))
        site = get_object_or_404(Site.objects.visible_to(request.user), pk=v["site"])
        item = None
        if v.get("item"):
            item = CheckItem.objects.filter(code=v["item"]).first()
            if item is None:
                raise ValidationError({"item": _("检查项“%(item)s”不存在") % {"item": v['item']}})
        if item is not None:
            lead, co = route(item, site)
        else:
            if not v.get("lead_unit"):
                raise ValidationError({"lead_unit": _("未选择检查项时须指定牵头单位")})
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
        visible = Hazard.objects.visible_to(self.request.user).values("pk")
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
