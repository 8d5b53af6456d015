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


def hazard_q(user) -> Q:
    if not user.is_authenticated:
        return NOTHING
    if _is_all(user):
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(enterprise_id=user.enterprise_id) if user.enterprise_id else NOTHING
    if user.role == Role.JURISDICTION and user.jurisdiction_id:
        return _area(user, "jurisdiction__")
    if user.role == Role.DEPARTMENT and user.department_id:
        from gasguard.hazards.models import Hazard
        co = Hazard.co_units.through.objects.filter(department_id=user.department_id).values("hazard_id")
        # A subquery, not a join, so the list needs no DISTINCT.
        return Q(lead_unit_id=user.department_id) | Q(pk__in=co)
    if user.role == Role.INSPECTOR:
        # What is assigned to them: what they found, what they must rectify, what they verified.
        return Q(found_by=user) | Q(responsible_user=user) | Q(verified_by=user) | Q(rectified_by=user)
    return NOTHING


def inspection_q(user) -> Q:
    if not user.is_authenticated:
        return NOTHING
    if _is_all(user):
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(site__enterprise_id=user.enterprise_id) if user.enterprise_id else NOTHING
    if user.role == Role.JURISDICTION and user.jurisdiction_id:
        return _area(user, "site__jurisdiction__")
    if user.role == Role.DEPARTMENT and user.department_id:
        from gasguard.inspections.models import Inspection
        joint = Inspection.departments_present.through.objects.filter(
            department_id=user.department_id).values("inspection_id")
        return Q(department_id=user.department_id) | Q(pk__in=joint)
    if user.role == Role.INSPECTOR:
        return Q(inspector=user)
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
