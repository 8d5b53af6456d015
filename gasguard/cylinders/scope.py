"""Who sees which cylinders, customers, sales and station records (DESIGN.md 'Who uses it'). Out of scope is not
found (404). An enterprise sees its own; the office and the member departments (the regulators) see all; a street
or zone sees what was sold or delivered in its area, and the stations in it."""
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from gasguard.org.choices import Role
from gasguard.org.roles import NOTHING

# What stands in for a nested record (an event, a hazard, a buyer) out of the user's scope.
OTHER_AREA = _("其他辖区的记录")


def _all(user) -> bool:
    return bool(user.is_superuser or user.role == Role.OFFICE
                or (user.department_id and user.role in (Role.DEPARTMENT, Role.INSPECTOR)))


def area_path(user):
    """A street's or zone's jurisdiction path (its area's prefix), else None."""
    if user.jurisdiction_id and user.role in (Role.JURISDICTION, Role.INSPECTOR):
        return user.jurisdiction.path
    return None


def _scope(user, *, own: str, area: str) -> Q:
    if not user.is_authenticated:
        return NOTHING
    if _all(user):
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(**{own: user.enterprise_id}) if user.enterprise_id else NOTHING
    path = area_path(user)
    return Q(**{f"{area}path__startswith": path}) if path else NOTHING


def sees_record(user, enterprise_id, path) -> bool:
    """_scope()'s rule for one row already loaded: its enterprise and its area's path (the trace's events)."""
    if not user.is_authenticated:
        return False
    if _all(user):
        return True
    if user.role == Role.ENTERPRISE:
        return bool(user.enterprise_id) and enterprise_id == user.enterprise_id
    area = area_path(user)
    return bool(area and path and path.startswith(area))


def sees_all_cylinders(user) -> bool:
    """The office and the member departments: every cylinder (cylinder_q() is Q())."""
    return bool(user.is_authenticated and _all(user))


def cylinder_q(user) -> Q:
    if not user.is_authenticated:
        return NOTHING
    if _all(user):
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(owner_id=user.enterprise_id) if user.enterprise_id else NOTHING
    path = area_path(user)
    if not path:
        return NOTHING
    from .models import SaleItem
    # A subquery, not a join: the list needs no DISTINCT.
    return Q(pk__in=SaleItem.objects.filter(sale__jurisdiction__path__startswith=path).values("cylinder_id"))


def customer_q(user) -> Q:
    return _scope(user, own="enterprise_id", area="jurisdiction__")


def sale_q(user) -> Q:
    return _scope(user, own="seller_id", area="jurisdiction__")


def with_customer_in_scope(sales, user):
    """Sales annotated with customer_in_scope: whether the user may see the buyer by itself (a sale in a street's
    area may be to a buyer of another street)."""
    from .models import Customer
    return sales.annotate(customer_in_scope=Exists(Customer.objects.filter(customer_q(user), pk=OuterRef("customer_id"))))


def station_record_q(user) -> Q:
    """Gate checks and fillings: the station's enterprise, or the station's area."""
    return _scope(user, own="station__enterprise_id", area="station__jurisdiction__")


def sees_notice(user, delivery) -> bool:
    """A delivery's rectification notice names its hazards: the seller who issued it reads it; anyone else who sees
    the sale reads it only if each hazard it names is in their scope (Hazard.objects.visible_to)."""
    from gasguard.hazards.models import Hazard

    if user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id == delivery.sale.seller_id:
        return True
    return not delivery.hazards.exclude(pk__in=Hazard.objects.visible_to(user).values("pk")).exists()


def is_office(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.OFFICE)


def is_regulator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in (Role.OFFICE, Role.DEPARTMENT))


def is_inspection_agency(user) -> bool:
    """An inspection agency's account: the only one that records periodic inspections (TSG 23), so an owner can
    never pass its own cylinder."""
    from gasguard.org.choices import EnterpriseKind

    return bool(user.is_authenticated and user.role == Role.AGENCY and user.enterprise_id
                and user.enterprise.kind == EnterpriseKind.INSPECTION_AGENCY)


def acts_for(user, enterprise) -> bool:
    """The enterprise's own users (or the office) may act in its name."""
    if is_office(user):
        return True
    return user.is_authenticated and user.role == Role.ENTERPRISE and user.enterprise_id == enterprise.pk
