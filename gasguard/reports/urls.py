from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="reports"),
    path("generate/", views.generate, name="reports_generate"),
    path("runs/<int:pk>/", views.run_page, name="report_run"),
    path("runs/<int:pk>/status.json", views.run_status, name="report_run_status"),
    path("runs/<int:pk>/<str:kind>/", views.run_file, name="report_run_file"),
    path("templates/default.docx", views.default_template, name="reports_default_template"),
    path("templates/upload/", views.upload_template, name="reports_upload_template"),
    path("templates/use-default/", views.use_default_template, name="reports_use_default_template"),
    path("trace/", views.trace_page, name="trace"),
    path("trace/export.xlsx", views.trace_export, name="trace_export"),
]
