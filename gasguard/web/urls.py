from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .views import inspect, map

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export.xlsx", views.ledger_export, name="ledger_export"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard"),
    path("hazards/<int:pk>/<str:action>/", views.hazard_action, name="hazard_action"),
    path("inbox/", views.inbox, name="inbox"),
    path("sites/<int:pk>/inspect/", inspect.inspect, name="inspect"),
    path("map/", map.map_page, name="map"),
    path("map/points.json", map.map_points, name="map_points"),
    path("map/outlines.json", map.map_outlines, name="map_outlines"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
