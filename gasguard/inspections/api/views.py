"""Inspections under /api/v1/inspections/: cut to the user's scope (out of it: 404); recorded through
inspections.services."""
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gasguard.sites.models import Site

from .. import services as inspection_services
from ..models import Inspection
from . import serializers as s


class InspectionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    filterset_fields = ["site", "kind", "inspector", "department"]
    ordering_fields = ["inspected_at", "id"]

    def get_queryset(self):
        user = self.request.user
        # An inspection names only the hazards the user may see by themselves (a department's inspection may
        # find hazards another department leads); hazards, a layer above, reached through the relation it declares.
        hazards = Inspection.hazards.rel.related_model.objects.visible_to(user)
        return (Inspection.objects.visible_to(user).select_related("inspector")
                .prefetch_related("items__item", Prefetch("hazards", hazards), "departments_present")
                .order_by("-inspected_at"))

    def get_serializer_class(self):
        return s.InspectionCreateSerializer if self.action == "create" else s.InspectionSerializer

    @extend_schema(request=s.InspectionCreateSerializer, responses=s.InspectionSerializer)
    def create(self, request, *args, **kwargs):
        data = s.InspectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        site = get_object_or_404(Site.objects.visible_to(request.user), pk=v["site"])
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
