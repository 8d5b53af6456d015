from django.urls import path

from . import views

urlpatterns = [
    path("", views.sites, name="sites"),
    path("<int:pk>/", views.site_detail, name="site"),
]
