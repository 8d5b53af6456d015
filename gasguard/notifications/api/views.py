"""GET /api/v1/notifications/: the outbox as each user may see it (Notification.objects.visible_to)."""
import django_filters
from rest_framework import viewsets

from ..models import Notification
from .serializers import NotificationSerializer


class NotificationFilter(django_filters.FilterSet):
    # `alarm` is the outbox row's subject when that is an alarm (Alarm.notifications' query name).
    alarm = django_filters.NumberFilter(field_name="alarm")

    class Meta:
        model = Notification
        fields = ["event", "channel"]


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """The user's in-app notifications (the office sees the whole outbox)."""

    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter

    def get_queryset(self):
        qs = Notification.objects.prefetch_related("subject")
        if getattr(self, "swagger_fake_view", False):
            return qs.none()
        return qs.visible_to(self.request.user)
