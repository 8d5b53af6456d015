"""The check catalog on the API, read-only: every signed-in user reads the same checklists."""
from rest_framework import viewsets

from ..models import CheckItem
from .serializers import CheckItemSerializer


class CheckItemViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CheckItemSerializer
    queryset = CheckItem.objects.filter(is_active=True).select_related("task").prefetch_related("lead_units",
                                                                                               "co_units")
    filterset_fields = ["severity", "disposition", "task__code", "code"]
    search_fields = ["text", "code", "clause"]
    pagination_class = None
