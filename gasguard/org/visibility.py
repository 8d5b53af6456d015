"""What every app's visibility rule (`<Model>.objects.visible_to(user)`) says alike: nobody anonymous sees
anything, the office everything, an enterprise its own records, a jurisdiction its subtree. Each app adds its own
rule for departments and inspectors."""
from django.db.models import Q

from .choices import Role

NOTHING = Q(pk__in=[])


def common_rule(user, *, enterprise: str, area: str) -> Q | None:
    """The condition for `user` where their role alone decides it, else None (the app's own rule then applies).
    `enterprise` names the field holding the enterprise's id, `area` the path leading to the jurisdiction."""
    if not user.is_authenticated:
        return NOTHING
    if user.is_superuser or user.role == Role.OFFICE:
        return Q()
    if user.role == Role.ENTERPRISE:
        return Q(**{enterprise: user.enterprise_id}) if user.enterprise_id else NOTHING
    if user.role == Role.JURISDICTION and user.jurisdiction_id:
        return Q(**{f"{area}path__startswith": user.jurisdiction.path})
    return None
