"""The verbs of the cylinder chain. Each checks who may do it, validates, writes its rows and the audit record in one
transaction. Nothing else writes these tables.

By sub-domain: registry (stations, cylinders, periodic inspections, workers, customers), gate (gate checks), filling
(fillings, offline batches), sales, delivery (deliveries with their safety check, hazards and notice; returns), pii
(reveal, key rotation); _common holds what they share. Callers use the package: `services.sell(...)`."""
from ._common import Refused, add_years
from .delivery import deliver, record_return
from .filling import BatchResult, record_filling, upload_offline_batch
from .gate import GateFacts, NoSuchStation, gate_check, gate_facts, gate_reasons
from .gate import _gate_insert_sql as _gate_insert_sql  # noqa: I001 (the gate's statement, for its tests; not interface)
from .pii import REVEALABLE, TooManyReveals, may_reveal, reveal, rotate_pii_keys
from .registry import (
    active_block,
    block_station,
    change_status,
    find,
    lift_block,
    record_periodic_inspection,
    register_customer,
    register_cylinder,
    register_worker,
)
from .sales import (
    catering_ban,
    catering_refusal,
    is_fifty_kg,
    overdue_delivery_hazards,
    sale_reasons,
    sell,
    usage_site_of,
)

__all__ = [
    # registry
    "active_block", "add_years", "block_station", "change_status", "find", "lift_block", "record_periodic_inspection",
    "register_customer", "register_cylinder", "register_worker",
    # gate
    "GateFacts", "NoSuchStation", "gate_check", "gate_facts", "gate_reasons",
    # filling
    "BatchResult", "record_filling", "upload_offline_batch",
    # sales
    "Refused", "catering_ban", "catering_refusal", "is_fifty_kg", "overdue_delivery_hazards", "sale_reasons", "sell",
    "usage_site_of",
    # delivery
    "deliver", "record_return",
    # pii
    "REVEALABLE", "TooManyReveals", "may_reveal", "reveal", "rotate_pii_keys",
]
