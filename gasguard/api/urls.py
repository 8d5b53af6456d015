from django.urls import include, path
from rest_framework.routers import DefaultRouter

from gasguard.catalog.api.views import CheckItemViewSet
from gasguard.hazards.api.views import HazardViewSet, LookBackViewSet
from gasguard.inspections.api.views import InspectionViewSet
from gasguard.org.api.views import DepartmentViewSet, EnterpriseViewSet, JurisdictionViewSet
from gasguard.sites.api.views import SiteViewSet

from . import views
from .auth import obtain_token

router = DefaultRouter()
router.register("jurisdictions", JurisdictionViewSet)
router.register("departments", DepartmentViewSet)
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("sites", SiteViewSet, basename="site")
router.register("catalog-items", CheckItemViewSet)
router.register("tasks", views.TaskViewSet)
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("hazards", HazardViewSet, basename="hazard")
router.register("lookbacks", LookBackViewSet, basename="lookback")
router.register("supervision-orders", views.SupervisionOrderViewSet, basename="supervisionorder")
router.register("audit-records", views.AuditRecordViewSet)

urlpatterns = [
    path("auth/token/", obtain_token, name="api-token"),
    path("cylinders/", include("gasguard.cylinders.api.urls")),
    path("", include(router.urls)),
    path("", include("gasguard.monitoring.api.urls")),
    path("", include("gasguard.notifications.api.urls")),
    path("", include("gasguard.reports.api")),
]
