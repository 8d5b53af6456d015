"""Registered under /api/v1/ by one line in gasguard/api/urls.py (a router of its own: not listed at the API root)."""
from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("", include(router.urls)),
]
