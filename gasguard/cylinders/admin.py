"""Read-only views for the staff: every change goes through cylinders.services (and so into the audit trail).
ID numbers appear masked only."""
from django.contrib import admin

from gasguard.utilities.admin import ReadOnlyAdmin

from .models import Customer, Cylinder, Delivery, Filling, GateCheck, Sale, StationBlock, Worker


@admin.register(Cylinder)
class CylinderAdmin(ReadOnlyAdmin):
    list_display = ["code", "model", "owner", "next_inspection_due", "service_life_ends", "status"]
    list_filter = ["status", "model"]
    search_fields = ["code", "maker_serial"]
    list_select_related = ["owner"]


@admin.register(GateCheck)
class GateCheckAdmin(ReadOnlyAdmin):
    list_display = ["checked_at", "station", "code", "allowed", "reason_codes", "offline"]
    list_filter = ["allowed", "offline"]
    search_fields = ["code"]
    list_select_related = ["station"]


@admin.register(Filling)
class FillingAdmin(ReadOnlyAdmin):
    list_display = ["filled_at", "station", "cylinder", "operator", "net_weight_kg", "offline"]
    list_select_related = ["station", "cylinder", "operator"]


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "phone_masked", "id_number_masked", "enterprise", "jurisdiction"]
    exclude = ["id_number_encrypted", "id_number_hash", "phone_encrypted", "phone_hash"]
    list_select_related = ["enterprise", "jurisdiction"]


@admin.register(Sale)
class SaleAdmin(ReadOnlyAdmin):
    list_display = ["number", "sold_at", "seller", "customer"]
    list_select_related = ["seller", "customer"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["sale", "delivered_at", "failed_count", "acknowledged_by"]


@admin.register(Worker)
class WorkerAdmin(ReadOnlyAdmin):
    list_display = ["name", "role", "enterprise", "certificate_number", "certificate_valid_until"]
    list_filter = ["role"]


@admin.register(StationBlock)
class StationBlockAdmin(ReadOnlyAdmin):
    list_display = ["station", "reason", "blocked_at", "lifted_at"]
