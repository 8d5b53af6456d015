"""The verbs of the site register. Each one checks who may do it (the office anywhere, a street or zone within its
own area, and a site is put under an enterprise of another area by the office only), writes, and signs the audit
record in one transaction; the API and the imports call them, nothing else saves a site."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.org.models import Enterprise
from gasguard.org.roles import may_link_enterprise, may_register_in

from .models import Site


def _check_area(by, jurisdiction):
    if not may_register_in(by, jurisdiction):
        raise PermissionDenied(_("只能登记本属地范围内的监管对象"))


def _check_link(by, enterprise: Enterprise | None):
    """A street or zone puts a site only under an enterprise of its own area."""
    if enterprise is not None and not may_link_enterprise(by, enterprise.jurisdiction.path):
        raise ValidationError({"enterprise": _("只能关联本属地的企业；“%(name)s”属于%(area)s，跨属地的关联请由区专班办公室办理")
                               % {"name": enterprise.name, "area": enterprise.jurisdiction.name}})


@transaction.atomic
def register_site(*, by, **fields) -> Site:
    """Register a site with already validated `fields` in an area `by` may register in, under an enterprise `by`
    may link it to; audited as site.create."""
    _check_area(by, fields.get("jurisdiction"))
    _check_link(by, fields.get("enterprise"))
    site = Site.objects.create(**fields)
    audit.record("site.create", site, actor=by, after=audit.snapshot(site))
    return site


@transaction.atomic
def update_site(site: Site, *, by, **fields) -> Site:
    """Change the given fields of a site, which stays (or is moved) in an area `by` may register in. Reassigning it
    to another enterprise follows the link rule; an existing link may stay as it is. Audited as site.update."""
    _check_area(by, fields.get("jurisdiction") or site.jurisdiction)
    if "enterprise" in fields:
        enterprise = fields["enterprise"]
        if getattr(enterprise, "pk", None) != site.enterprise_id:
            _check_link(by, enterprise)
    return audit.save_changes(site, "site.update", actor=by, **fields)


@transaction.atomic
def import_sites(rows: list[dict], *, by) -> list[Site]:
    """Register many sites at once, each row already validated (with `jurisdiction` and `enterprise_id`), under the
    same rules as register_site. The import that calls this signs the whole batch with one audit record."""
    for jurisdiction in {row["jurisdiction"].pk: row["jurisdiction"] for row in rows}.values():
        _check_area(by, jurisdiction)
    linked = {row.get("enterprise_id") for row in rows} - {None}
    for enterprise in Enterprise.objects.filter(pk__in=linked).select_related("jurisdiction"):
        _check_link(by, enterprise)
    return Site.objects.bulk_create([Site(**row) for row in rows])
