"""Filters of the ledger, shared by the API, the ledger page and its Excel export."""
from datetime import timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from gasguard.catalog.choices import Severity
from gasguard.org.choices import Role
from gasguard.org.filtersets import jurisdiction_subtree, subtree_ids
from gasguard.org.models import Department
from gasguard.sites.choices import SiteType
from gasguard.utilities.clock import local_midnight

from .choices import OPEN_STATES, Source, State
from .models import Hazard, today


def area_ids(user) -> list[int] | None:
    """For a jurisdiction (属地) user, the ids of the places in their area; else None.

    Hazard.visible_q says "the jurisdiction's path starts with the user's": PostgreSQL cannot estimate a prefix join, takes
    a street of 150,000 hazards for a handful, and plans a sort of all of them. The same rule said as a list of ids
    (the jurisdiction table is small) it estimates right. Mirrors the order of Hazard.visible_q's rules (test:
    test_a_streets_ledger_scope_said_as_ids_is_the_same_scope)."""
    if (user.is_authenticated and not user.is_superuser and user.role == Role.JURISDICTION
            and user.jurisdiction_id):
        return subtree_ids(user.jurisdiction)
    return None


def visible_q(user) -> Q:
    """Hazard.visible_q, with a jurisdiction user's area as ids (see area_ids)."""
    ids = area_ids(user)
    return Hazard.visible_q(user) if ids is None else Q(jurisdiction_id__in=ids)


SORTS = {
    "found": "found_at", "-found": "-found_at", "deadline": "deadline", "-deadline": "-deadline",
    "severity": "severity", "-severity": "-severity", "state": "state", "-state": "-state",
    "number": "number", "-number": "-number",
}


class HazardFilter(filters.FilterSet):
    # One `state IN (…)` (not an OR per state, which hides the (jurisdiction, state) index from the planner), and
    # no DISTINCT: a state is a column of the hazard, and DISTINCT would sort every matching row before paging.
    state = filters.MultipleChoiceFilter(choices=State.choices, label=_("状态"), method="filter_state", distinct=False)
    severity = filters.ChoiceFilter(choices=Severity.choices, label=_("等级"))
    source = filters.ChoiceFilter(choices=Source.choices, label=_("来源"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("是否逾期"))
    jurisdiction = filters.CharFilter(method="filter_jurisdiction", label=_("属地编码（含下级）"))
    unit = filters.ModelChoiceFilter(queryset=Department.objects.all(), method="filter_unit", label=_("牵头或配合单位"))
    site_type = filters.ChoiceFilter(field_name="site__site_type", choices=SiteType.choices, label=_("对象类型"))
    found_after = filters.DateFilter(method="filter_found_after", label=_("发现日期从"))
    found_before = filters.DateFilter(method="filter_found_before", label=_("发现日期至"))
    q = filters.CharFilter(method="filter_text", label=_("关键词"))

    class Meta:
        model = Hazard
        fields = ["state", "severity", "source", "lead_unit", "site", "enterprise", "item", "rebound_of"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(state__in=value) if value else queryset

    def filter_overdue(self, queryset, name, value):
        overdue = Q(state__in=OPEN_STATES, deadline__lt=today())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    # Local days as a range of the indexed column: a cast of found_at to a date would read every row.
    def filter_found_after(self, queryset, name, value):
        return queryset.filter(found_at__gte=local_midnight(value))

    def filter_found_before(self, queryset, name, value):
        return queryset.filter(found_at__lt=local_midnight(value + timedelta(days=1)))

    def filter_jurisdiction(self, queryset, name, value):
        return jurisdiction_subtree(queryset, value)

    @extend_schema_field({"type": "integer", "description": "牵头或配合单位"})  # a department's id in the schema
    def filter_unit(self, queryset, name, value):
        co = Hazard.co_units.through.objects.filter(department_id=value.pk).values("hazard_id")
        return queryset.filter(Q(lead_unit_id=value.pk) | Q(pk__in=co))

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(description__icontains=value)
                               | Q(site__name__icontains=value) | Q(responsible_person__icontains=value))
