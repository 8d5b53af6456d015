"""/api/v1/cylinders/…"""
from django.urls import path, register_converter

from . import views


class CodeConverter:
    regex = r"[0-9A-Za-z\-]{1,40}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(CodeConverter, "cylcode")

urlpatterns = [
    path("", views.CylinderList.as_view(), name="api-cylinders"),
    path("signals/", views.cylinder_signals, name="api-cylinders-signals"),
    path("import/template.xlsx", views.import_template, name="api-cylinders-import-template"),
    path("workers/<int:pk>/deliveries/", views.worker_deliveries, name="api-cylinders-worker-deliveries"),
    path("import/", views.cylinder_import, name="api-cylinders-import"),
    path("ping/", views.ping, name="api-cylinders-ping"),
    path("ping-auth/", views.ping_auth, name="api-cylinders-ping-auth"),
    path("gate-check/", views.gate_check, name="api-cylinders-gate-check"),
    path("fillings/", views.FillingList.as_view(), name="api-cylinders-fillings"),
    path("offline-batch/", views.offline_batch, name="api-cylinders-offline-batch"),
    path("workers/", views.WorkerList.as_view(), name="api-cylinders-workers"),
    path("customers/", views.CustomerList.as_view(), name="api-cylinders-customers"),
    path("customers/<int:pk>/", views.customer_detail, name="api-cylinders-customer"),
    path("customers/<int:pk>/reveal-id/", views.customer_reveal_id, name="api-cylinders-customer-reveal"),
    path("customers/<int:pk>/reveal/", views.customer_reveal, name="api-cylinders-customer-reveal-field"),
    path("customers/<int:pk>/received/", views.customer_received, name="api-cylinders-customer-received"),
    path("sales/", views.SaleList.as_view(), name="api-cylinders-sales"),
    path("sales/<int:pk>/", views.sale_detail, name="api-cylinders-sale"),
    path("sales/<int:pk>/delivery/", views.sale_delivery, name="api-cylinders-sale-delivery"),
    path("deliveries/<int:pk>/notice.pdf", views.delivery_notice, name="api-cylinders-notice"),
    path("returns/", views.cylinder_return, name="api-cylinders-returns"),
    path("stations/<int:pk>/filled/", views.station_filled, name="api-cylinders-station-filled"),
    path("stations/<int:pk>/block/", views.station_block, name="api-cylinders-station-block"),
    path("stations/<int:pk>/unblock/", views.station_unblock, name="api-cylinders-station-unblock"),
    path("<cylcode:code>/", views.cylinder_detail, name="api-cylinder"),
    path("<cylcode:code>/trace/", views.cylinder_trace, name="api-cylinder-trace"),
    path("<cylcode:code>/status/", views.cylinder_status, name="api-cylinder-status"),
    path("<cylcode:code>/inspections/", views.cylinder_inspection, name="api-cylinder-inspection"),
]
