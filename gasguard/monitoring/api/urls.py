"""Registered under /api/v1/ by one line in gasguard/api/urls.py."""
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import stream, views

router = SimpleRouter()
router.register("devices", views.DeviceViewSet, basename="device")
router.register("alarms", views.AlarmViewSet, basename="alarm")
router.register("alarm-rules", views.AlarmRuleViewSet)
router.register("dead-letters", views.DeadLetterViewSet)

urlpatterns = [
    path("readings/", views.ReadingsView.as_view(), name="readings"),
    path("alarm-stream/", stream.AlarmStreamView.as_view(), name="alarm-stream"),
    path("", include(router.urls)),
]
