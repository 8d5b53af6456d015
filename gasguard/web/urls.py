from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .views import map

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("inbox/", views.inbox, name="inbox"),
    path("map/", map.map_page, name="map"),
    path("map/points.json", map.map_points, name="map_points"),
    path("map/outlines.json", map.map_outlines, name="map_outlines"),
]
