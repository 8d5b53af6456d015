"""Filtering by place: a jurisdiction and everything below it, shared by the filtersets of every list."""
from .models import Jurisdiction


def find_jurisdiction(value) -> Jurisdiction | None:
    """The jurisdiction a filter names, by its code or else by its id."""
    return Jurisdiction.objects.filter(code=value).first() or (
        Jurisdiction.objects.filter(pk=int(value)).first() if str(value).isdigit() else None)


def jurisdiction_subtree(queryset, value, prefix="jurisdiction__"):
    """Filter to a jurisdiction and everything below it, given its code or id."""
    j = find_jurisdiction(value)
    if j is None:
        return queryset.none()
    # The subtree as a list of ids: PostgreSQL misjudges a prefix join (see hazards.filtersets.area_ids).
    return queryset.filter(**{f"{prefix[:-2]}_id__in": subtree_ids(j)})


def subtree_ids(jurisdiction) -> list[int]:
    return list(Jurisdiction.objects.filter(path__startswith=jurisdiction.path).values_list("pk", flat=True))
