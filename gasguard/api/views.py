"""REST API under /api/v1/. Every queryset is cut to the user's scope, so out-of-scope records answer 404."""
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gasguard.audit.models import AuditRecord
from gasguard.campaign import services as campaign_services
from gasguard.campaign.models import SupervisionOrder, Task
from gasguard.org.permissions import IsOffice

from . import serializers as s


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = s.TaskSerializer
    queryset = Task.objects.prefetch_related("lead_units", "co_units")
    filterset_fields = ["section", "code"]
    pagination_class = None


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

