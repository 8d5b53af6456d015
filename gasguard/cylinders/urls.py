from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="cylinders"),
    path("gate/", views.gate, name="cylinders_gate"),
    path("periodic-inspection/", views.periodic_inspection, name="cylinders_periodic_inspection"),
    path("labels.pdf", views.labels, name="cylinders_labels"),
    path("scan/<str:code>/", views.scan, name="cylinders_scan"),  # labels printed before the token: fitness only
    path("scan/<str:code>/<str:token>/", views.scan, name="cylinders_scan_token"),
    path("customers/<int:pk>/", views.customer_page, name="cylinders_customer"),
    path("sell/", views.sell, name="cylinders_sell"),
    path("signals/", views.signals_page, name="cylinders_signals"),
    path("reminders/", views.reminders_page, name="cylinders_reminders"),
    path("sales/<int:pk>/deliver/", views.deliver, name="cylinders_deliver"),
    path("stations/<int:pk>/", views.station_page, name="cylinders_station"),
    path("<str:code>/", views.cylinder_page, name="cylinders_cylinder"),
]
