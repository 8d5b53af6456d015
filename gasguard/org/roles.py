"""What a user's role lets them do, whatever the record (DESIGN.md, 'Who uses it'), and the pieces each app's
`visible_to` rule is built from."""
from django.db.models import Q

from .choices import Role

NOTHING = Q(pk__in=[])


def sees_everything(user) -> bool:
    """The office (and a superuser) sees the whole district."""
    return bool(user.is_superuser or user.role == Role.OFFICE)


def area_q(user, prefix: str) -> Q:
    """Everything located in the user's jurisdiction subtree (`prefix` leads to the jurisdiction path)."""
    return Q(**{f"{prefix}path__startswith": user.jurisdiction.path})


def common_rule(user, *, enterprise: str, area: str) -> Q | None:
    """The condition for `user` where their role alone decides it, else None (the app's own rule then applies):
    nobody anonymous sees anything, the office everything, an enterprise its own records, a jurisdiction its subtree.
    `enterprise` names the field holding the enterprise's id, `area` the path leading to the jurisdiction."""
    if not user.is_authenticated:
        return NOTHING
    if sees_everything(user):
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(**{enterprise: user.enterprise_id}) if user.enterprise_id else NOTHING
    if user.role == Role.JURISDICTION and user.jurisdiction_id:
        return area_q(user, area)
    return None


def can_verify(user) -> bool:
    """Enterprises fix their hazards; only the authorities may verify and close them."""
    return user.is_authenticated and (user.is_superuser or user.role in (
        Role.OFFICE, Role.DEPARTMENT, Role.JURISDICTION, Role.INSPECTOR))


def can_manage_master_data(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role == Role.OFFICE)


def may_link_enterprise(user, enterprise_path: str) -> bool:
    """Whether `user` may put a site under the enterprise whose jurisdiction path is `enterprise_path`: the office
    anywhere; a street or zone only to an enterprise of its own area (a site is not handed across areas by one side)."""
    if can_manage_master_data(user):
        return True
    return bool(user.is_authenticated and user.role == Role.JURISDICTION and user.jurisdiction_id
                and enterprise_path.startswith(user.jurisdiction.path))


def may_register_in(user, jurisdiction) -> bool:
    """Whether `user` may register or edit a site located in `jurisdiction`: the office anywhere, a street or zone
    within its own area."""
    if can_manage_master_data(user):
        return True
    return bool(user.is_authenticated and user.role == Role.JURISDICTION and user.jurisdiction_id
                and jurisdiction is not None and jurisdiction.path.startswith(user.jurisdiction.path))
