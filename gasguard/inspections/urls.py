"""The inspection form of a site (its evidence photos are served by hazards, which may judge both rules)."""
from django.urls import path

from .views import inspect

urlpatterns = [
    path("sites/<int:pk>/inspect/", inspect.inspect, name="inspect"),
]
