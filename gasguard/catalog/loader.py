"""Load the reference data (units, jurisdictions, the plan's tasks, the check items). Safe to run again: each
row is matched on its code and brought up to date."""
from decimal import Decimal

from django.db import transaction

from gasguard.campaign.data.tasks import TASKS
from gasguard.campaign.models import Task, default_campaign_id
from gasguard.org.data.binhai import DEPARTMENTS, JURISDICTIONS
from gasguard.org.models import Department, Jurisdiction

from .data.items import ITEMS
from .models import CheckItem


def _department_index() -> dict[str, Department]:
    index = {}
    for dept in Department.objects.all():
        index[dept.name] = dept
        for alias in dept.aliases:
            index[alias] = dept
    return index


def resolve_units(names, index=None) -> list[Department]:
    """Department names as the plan writes them (aliases included) → departments, duplicates dropped."""
    index = index or _department_index()
    found = []
    for name in names:
        if name not in index:
            raise KeyError(f"未知的成员单位：{name}")
        if index[name] not in found:
            found.append(index[name])
    return found


@transaction.atomic
def load_org():
    by_code = {}
    for row in JURISDICTIONS:
        j, _ = Jurisdiction.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "short_name": row.get("short", ""), "level": row["level"],
                      "parent": by_code.get(row["parent"]), "lat": row.get("lat"), "lon": row.get("lon"),
                      "radius_km": row.get("radius_km", 2.0)})
        by_code[j.code] = j
    for row in DEPARTMENTS:
        d, _ = Department.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "aliases": row["aliases"], "group": row["group"],
                      "is_office": row["is_office"]})
        d.territory.set([by_code[c] for c in row["territory"]])


@transaction.atomic
def load_tasks():
    index = _department_index()
    for order, row in enumerate(TASKS, start=1):
        task, _ = Task.objects.update_or_create(
            campaign_id=default_campaign_id(), code=row["code"],
            defaults={"section": row["section"], "group": row["group"], "title": row["title"], "text": row["text"],
                      "zones": row["zones"], "streets": row["streets"], "others": row["others"], "order": order})
        task.lead_units.set(resolve_units(row["lead"], index))
        task.co_units.set(resolve_units(row["co"], index))


@transaction.atomic
def load_catalog():
    index = _department_index()
    tasks = {t.code: t for t in Task.objects.all()}
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


def load_reference():
    load_org()
    load_tasks()
    load_catalog()
