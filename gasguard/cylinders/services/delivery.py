"""Deliveries with the safety check at the premises (its hazards and rectification notice), and returns."""
import hashlib
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.catalog.models import plain
from gasguard.hazards import services as hazard_services
from gasguard.hazards.choices import Source
from gasguard.org.models import Department
from gasguard.sites.choices import Fuel, SiteType
from gasguard.sites.models import Site
from gasguard.utilities import clock, uploads

from ..checklist import BY_KEY, points_for
from ..choices import CustomerKind
from ..models import CylinderReturn, Delivery, SaleItem
from ..scope import acts_for
from ._common import _when, setting
from .registry import find


def _customer_site(customer, by) -> Site:
    """The customer's site; a household without one gets a household site (hazards are kept per site)."""
    if customer.site_id:
        return customer.site
    site = Site.objects.create(
        name=f"居民用户 {customer.name_masked}（{customer.address[:60]}）", site_type=SiteType.HOUSEHOLD,
        jurisdiction=customer.jurisdiction, address=customer.address, fuel=Fuel.LPG,
        # The masked forms only: the customer (Customer.site) holds the data, reveal() shows it.
        contact_person=customer.name_masked, contact_phone=customer.phone_masked)
    customer.site = site
    customer.save(update_fields=["site"])
    audit.record("cylinders.customer.household_site", customer, actor=by, extra={"site": site.pk})
    return site


def _judge(point, value, site):
    """(passed or None for not applicable, the measured number or None)."""
    if point.unit:
        if value in (None, ""):
            raise ValidationError({point.key: _("须填写实测值（%(unit)s）") % {"unit": point.unit}})
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError({point.key: _("实测值“%(value)s”不是数字") % {"value": value}})
        if not number.is_finite() or number < 0:
            raise ValidationError({point.key: _("实测值“%(value)s”须为不小于0的数（%(unit)s）") % {
                "value": value, "unit": point.unit}})
        if point.key == "stored_kg" and site.has_cylinder_room:
            return True, number
        return number <= point.limit, number
    if value in ("na", None):
        return None, None
    if value in (True, "pass", "true", 1):
        return True, None
    if value in (False, "fail", "false", 0):
        return False, None
    raise ValidationError({point.key: _("结果须为 pass、fail 或 na")})


def _route(point, site):
    from gasguard.catalog.models import CheckItem
    from gasguard.catalog.services import route

    item = CheckItem.objects.filter(code=point.item_code).first() if point.item_code else None
    if item is not None and item.applies_to(site):
        lead, co = route(item, site)
        return item, lead, co
    # No catalog item for this place: the gas authority (the office's department) leads, the street follows.
    return None, Department.objects.get(is_office=True), []


@transaction.atomic
def deliver(*, sale, answers: dict, acknowledged_by: str, by, delivered_at=None, photos=()) -> Delivery:
    """Deliver a sale and record the safety check at the premises (随瓶安检). Every point of the site's checklist is
    answered; each failure becomes a hazard in the ledger (source: delivery check), routed as the catalog routes the
    matching item, and a written rectification notice (PDF) listing them is generated and kept with the delivery.
    The user acknowledges by name."""
    if not acts_for(by, sale.seller):
        raise PermissionDenied(_("只能登记本企业销售的配送"))
    if Delivery.objects.filter(sale=sale).exists():
        raise ValidationError({"sale": _("该销售已登记配送")})
    delivered_at = _when(delivered_at, "delivered_at")
    if delivered_at < sale.sold_at:
        raise ValidationError({"delivered_at": _("送达时间不能早于销售时间")})
    if not (acknowledged_by or "").strip():
        raise ValidationError({"acknowledged_by": _("须由用户签名确认安检结果")})
    customer = sale.customer
    site = sale.site if sale.site_id else _customer_site(customer, by)
    points = points_for(site)
    unknown = [k for k in (answers or {}) if k not in BY_KEY]
    missing = [str(p.text) for p in points if p.key not in (answers or {})]
    if unknown or missing:
        raise ValidationError({"answers": _("安检项须逐项填写：%(items)s") % {"items": "、".join(missing)} if missing
                               else _("未知安检项：%(items)s") % {"items": "、".join(unknown)}})
    judged = []
    for point in points:
        ok, number = _judge(point, answers[point.key], site)
        judged.append((point, ok, number))
    photos = uploads.images(photos, "photos", _("现场照片"))  # all checked before anything is written
    delivery = Delivery.objects.create(
        sale=sale, site=site, delivered_at=delivered_at, courier=sale.courier, safety_checker=sale.safety_checker,
        checklist={p.key: {"passed": ok, "value": str(n) if n is not None else None} for p, ok, n in judged},
        failed_count=sum(ok is False for _, ok, _ in judged), acknowledged_by=acknowledged_by.strip(), by=by)
    found = []
    # A resident is named by surname and masked phone (the customer record holds the rest; reveal() shows it).
    person = customer.name_masked if customer.kind == CustomerKind.PERSON else (site.contact_person or customer.name)
    for point, ok, number in judged:
        if ok is not False:
            continue
        item, lead, co = _route(point, site)
        measured = f"（实测{plain(number)}{point.unit}，要求不超过{plain(point.limit)}{point.unit}）" \
            if number is not None else ""
        days = item.deadline_days if item else setting("CYLINDER_DELIVERY_HAZARD_DAYS", 7)
        found.append(hazard_services.register(
            site=site, description=f"{point.failure}{measured}（随瓶安检，销售单{sale.number}）",
            severity=item.severity if item else "general", lead_unit=lead, co_units=co,
            responsible_party=customer.name_masked, responsible_person=person, responsible_phone=customer.phone_masked,
            deadline=clock.today() + timedelta(days=days), by=by, source=Source.DELIVERY_CHECK, item=item,
            disposition=item.disposition if item else "", legal_basis=item.legal_basis if item else point.legal_basis,
            # Who must call the user finds the number on the customer's page (reveal, with a reason).
            note=f"随瓶安检（{sale.seller}，安检人员{sale.safety_checker}）；用户联系电话：{customer.phone_masked}，"
                 f"完整号码在用户页（{reverse('cylinders_customer', args=[customer.pk])}）填写原因后查看"))
    delivery.photos.set([hazard_services.attach_photo(upload, by=by) for upload in photos])
    if found:
        from ..notice import rectification_notice

        pdf = rectification_notice(delivery, found)
        delivery.notice_sha256 = hashlib.sha256(pdf).hexdigest()
        delivery.notice.save(f"notice-{sale.number}.pdf", ContentFile(pdf), save=False)
        delivery.save(update_fields=["notice", "notice_sha256"])
        delivery.hazards.set(found)
    audit.record("cylinders.deliver", delivery, actor=by, after={
        # (the notice by name: audit.snapshot cannot read an empty file field)
        **audit.snapshot(delivery, exclude=("notice",)), "notice": delivery.notice.name or "",
        "hazards": [h.number for h in found]})
    return delivery


@transaction.atomic
def record_return(*, code, by, returned_at=None) -> CylinderReturn:
    """The empty cylinder scanned back from the user it was sold to."""
    cylinder = find(code)
    returned_at = _when(returned_at, "returned_at")
    item = (SaleItem.objects.select_related("sale", "sale__seller").filter(cylinder=cylinder)
            .exclude(sale_id__in=CylinderReturn.objects.filter(cylinder=cylinder).values("sale_id")).order_by("-sale__sold_at").first())
    if item is None:
        raise ValidationError({"code": _("该气瓶没有未回收的销售记录")})
    if not acts_for(by, item.sale.seller):
        raise PermissionDenied(_("只能回收本企业售出的气瓶"))
    if returned_at < item.sale.sold_at:
        raise ValidationError({"returned_at": _("回收时间不能早于销售时间")})
    row = CylinderReturn.objects.create(cylinder=cylinder, sale=item.sale, returned_at=returned_at, by=by)
    audit.record("cylinders.return", row, actor=by, after=audit.snapshot(row))
    return row
