"""Data scope: what each role may see (DESIGN.md, 'Who uses it'). Every list and lookup is filtered by these, so a
record out of scope is simply not found (404), on the API and the pages alike."""
from django.db.models import Q

from .choices import Role
from .roles import NOTHING, area_q, sees_everything

# The pieces now live in org.roles; kept under these names for the rules still written here.
_is_all = sees_everything
_area = area_q


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
