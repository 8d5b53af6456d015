"""Data scope: what each role may see (DESIGN.md, 'Who uses it'). Every list and lookup is filtered by these, so a
record out of scope is simply not found (404), on the API and the pages alike."""
from django.db.models import Q

from .choices import Role

NOTHING = Q(pk__in=[])


def _is_all(user) -> bool:
    return bool(user.is_superuser or user.role == Role.OFFICE)


def _area(user, prefix: str) -> Q:
    """Everything located in the user's jurisdiction subtree (`prefix` leads to the jurisdiction path)."""
    return Q(**{f"{prefix}path__startswith": user.jurisdiction.path})


def site_q(user) -> Q:
    if not user.is_authenticated:
        return NOTHING
    if _is_all(user):
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else NOTHING
    if user.jurisdiction_id and user.role in (Role.JURISDICTION, Role.INSPECTOR):
        return _area(user, "jurisdiction__")
    if user.department_id and user.role in (Role.DEPARTMENT, Role.INSPECTOR):
        # The site register is shared by all member departments: they inspect across the district.
        return Q()
    return NOTHING


def can_see_site(user, site) -> bool:
    from gasguard.sites.models import Site
    return Site.objects.filter(site_q(user), pk=site.pk).exists()


def can_verify(user) -> bool:
    """Enterprises fix their hazards; only the authorities may verify and close them."""
    return user.is_authenticated and (user.is_superuser or user.role in (
        Role.OFFICE, Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR))


def may_link_enterprise(user, enterprise_path: str) -> bool:
    """Whether `user` may put a site under the enterprise whose jurisdiction path is `enterprise_path`: the office
    anywhere; a street or zone only to an enterprise of its own area (a site is not handed across areas by one side)."""
    if can_manage_master_data(user):
        return True
    return bool(user.is_authenticated and user.role == Role.JURISDICTION and user.jurisdiction_id
                and enterprise_path.startswith(user.jurisdiction.path))


def can_manage_master_data(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.OFFICE)
