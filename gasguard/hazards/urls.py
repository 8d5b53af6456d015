"""The ledger's pages: the list and its export, each hazard's page with its steps, and the evidence photos."""
from django.urls import path

from .views import hazard, ledger, photos

urlpatterns = [
    path("ledger/", ledger.ledger, name="ledger"),
    path("ledger/export.xlsx", ledger.ledger_export, name="ledger_export"),
    path("hazards/<int:pk>/", hazard.hazard_detail, name="hazard"),
    path("hazards/<int:pk>/<str:action>/", hazard.hazard_action, name="hazard_action"),
    path("photos/<int:pk>/", photos.photo, name="photo"),
]
