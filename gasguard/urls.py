from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("gasguard.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (?script): no inline script for the CSP to refuse.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("imports/", include("gasguard.imports.urls")),
    path("cylinders/", include("gasguard.cylinders.urls")),
    path("campaign/", include("gasguard.campaign.urls")),
    path("reports/", include("gasguard.reports.urls")),
    path("monitoring/", include("gasguard.monitoring.web")),
    path("", include("gasguard.hazards.urls")),
    path("", include("gasguard.inspections.urls")),
    path("sites/", include("gasguard.sites.urls")),
    path("", include("gasguard.web.urls")),
]
