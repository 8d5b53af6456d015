from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="imports"),
    path("template/<str:kind>.xlsx", views.template, name="imports_template"),
    path("upload/<str:kind>/", views.upload, name="imports_upload"),
    path("<int:pk>/", views.job_page, name="imports_job"),
    path("<int:pk>/status.json", views.job_status, name="imports_status"),
]
