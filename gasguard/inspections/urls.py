"""The inspection form of a site, and the evidence photos behind an access check."""
from django.urls import path

from .views import inspect, photos

urlpatterns = [
    path("sites/<int:pk>/inspect/", inspect.inspect, name="inspect"),
    path("photos/<int:pk>/", photos.photo, name="photo"),
]
