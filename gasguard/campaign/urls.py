from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="campaign"),
    path("my/<str:month>/", views.my_report, name="campaign_my_report"),
    path("reports/<int:pk>/", views.report_page, name="campaign_report"),
    path("reports/<int:pk>/v<int:number>/", views.version_page, name="campaign_report_version"),
    path("tasks/", views.tasks, name="campaign_tasks"),
    path("tasks/<int:pk>/", views.task_page, name="campaign_task"),
    path("supervision/", views.orders, name="campaign_orders"),
    path("supervision/<int:pk>/", views.order_page, name="campaign_order"),
    path("circulars/", views.circulars, name="campaign_circulars"),
    path("circulars/<int:pk>/", views.circular_page, name="campaign_circular"),
    path("admonitions/", views.admonitions, name="campaign_admonitions"),
]
