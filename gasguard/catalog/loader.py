"""The check items (gasguard/catalog/data/items.py), loaded after every migrate. Safe to run again: each item is
matched on its code and brought up to date."""
from decimal import Decimal

from django.db import transaction

from gasguard.org.reference import department_index, resolve_units

from .data.items import ITEMS
from .models import CheckItem


@transaction.atomic
def load_catalog():
    index = department_index()
    # An item names the plan's task it serves; campaign loads the tasks first (it comes before catalog in
    # INSTALLED_APPS, the order post_migrate is sent in) and is reached through the relation, not imported.
    tasks = {t.code: t for t in CheckItem.task.field.related_model.objects.all()}
    for order, row in enumerate(ITEMS, start=1):
        measure = row.get("measure") or {}
        lead_names = [n for n in row["lead"] if not n.startswith("@")]
        group = next((n[1:] for n in row["lead"] if n.startswith("@")), "")
        item, _ = CheckItem.objects.update_or_create(
            code=row["code"],
            defaults={
                "text": row["text"], "clause": row["clause"], "task": tasks.get(row.get("task")),
                "site_types": row["site_types"], "fuels": row.get("fuel", []), "buildings": row.get("building", []),
                "crowded_only": row.get("crowded_only", False), "legal_basis": row.get("legal_basis", ""),
                "lead_group": group, "territorial": row.get("territorial", True),
                "disposition": row["disposition"], "deadline_days": row["deadline_days"],
                "severity": row["severity"], "evidence_hint": row.get("evidence_hint", ""), "order": order,
                "measure_quantity": measure.get("quantity", ""), "measure_label": measure.get("label", ""),
                "measure_unit": measure.get("unit", ""), "measure_op": measure.get("op", ""),
                "measure_limit": Decimal(str(measure["limit"])) if measure else None,
                "exempt_if": measure.get("exempt_if", ""),
            })
        item.lead_units.set(resolve_units(lead_names, index))
        item.co_units.set(resolve_units(row.get("co", []), index))
