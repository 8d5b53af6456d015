"""The site register on the API. The queryset is Site.objects.visible_to (out of scope: 404); sites are written
through sites.services, which holds who may register where."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from gasguard.catalog.api.serializers import CheckItemSerializer
from gasguard.catalog.services import checklist_for

from .. import services
from ..filtersets import SiteFilter
from ..models import Site
from .serializers import SiteSerializer


class SiteViewSet(viewsets.ModelViewSet):
    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    search_fields = ["name", "address", "contact_person"]
    ordering_fields = ["name", "id", "site_type"]

    def get_queryset(self):
        return Site.objects.visible_to(self.request.user).prefetch_related("licences").order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.register_site(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_site(serializer.instance, by=self.request.user,
                                                   **serializer.validated_data)

    def perform_destroy(self, instance):
        raise PermissionDenied(_("监管对象不能删除，请将其标记为不在册"))

    @extend_schema(responses=CheckItemSerializer(many=True))
    @action(detail=True)
    def checklist(self, request, pk=None):
        """The check items that apply to this site, by its type and attributes."""
        return Response(CheckItemSerializer(checklist_for(self.get_object()), many=True).data)
