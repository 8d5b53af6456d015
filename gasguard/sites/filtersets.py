"""The one filterset of the site register, used by its page and its API alike."""
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from gasguard.org.filtersets import jurisdiction_subtree

from .models import Site


class SiteFilter(filters.FilterSet):
    jurisdiction = filters.CharFilter(method="in_jurisdiction", label=_("属地编码（含下级）"))
    q = filters.CharFilter(method="filter_text", label=_("关键词（名称、地址、负责人）"))

    class Meta:
        model = Site
        fields = ["site_type", "fuel", "building", "enterprise", "crowded_place", "urban_village", "is_active"]

    def in_jurisdiction(self, queryset, name, value):
        return jurisdiction_subtree(queryset, value)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value)
                               | Q(contact_person__icontains=value))
