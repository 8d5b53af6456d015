"""The district's reference units and territory (gasguard/org/data/binhai.py), loaded after every migrate. Safe to
run again: each row is matched on its code and brought up to date."""
from django.db import transaction

from .data.binhai import DEPARTMENTS, JURISDICTIONS
from .models import Department, Jurisdiction


def department_index() -> dict[str, Department]:
    index = {}
    for dept in Department.objects.all():
        index[dept.name] = dept
        for alias in dept.aliases:
            index[alias] = dept
    return index


def resolve_units(names, index=None) -> list[Department]:
    """Department names as the plan writes them (aliases included) → departments, duplicates dropped."""
    index = index or department_index()
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
