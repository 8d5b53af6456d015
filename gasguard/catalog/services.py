"""Checklists for a site and the routing of a failed item to its lead and co-units."""
from django.core.exceptions import ImproperlyConfigured
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from gasguard.org.models import Department

from .models import CheckItem


def checklist_for(site) -> list[CheckItem]:
    """The active items that apply to `site`, by its type and attributes, in catalog order."""
    items = [item for item in CheckItem.objects.filter(is_active=True) if item.applies_to(site)]
    prefetch_related_objects(items, "lead_units", "co_units")  # only for the items that apply
    return items


def unit_for_territory(group: str, jurisdiction) -> Department:
    """Among parallel units (e.g. the five fire brigades), the one whose territory most closely holds the place."""
    best, best_depth = None, -1
    for dept in Department.objects.filter(group=group).prefetch_related("territory"):
        for area in dept.territory.all():
            if jurisdiction.path.startswith(area.path) and area.path.count("/") > best_depth:
                best, best_depth = dept, area.path.count("/")
    if best is None:
        raise ImproperlyConfigured(_("没有单位组“%(group)s”覆盖属地“%(jurisdiction)s”，请在成员单位中设置负责区域") % {
            "group": group, "jurisdiction": jurisdiction})
    return best


def route(item: CheckItem, site) -> tuple[Department, list[Department]]:
    """The lead unit and co-units for a failure of `item` at `site`, as the plan assigns them."""
    leads = list(item.lead_units.all())
    if item.lead_group:
        leads.insert(0, unit_for_territory(item.lead_group, site.jurisdiction))
    if not leads:
        leads = [Department.objects.get(is_office=True)]
    lead, *other_leads = leads
    co = other_leads + [d for d in item.co_units.all() if d.pk != lead.pk and d not in other_leads]
    return lead, co
