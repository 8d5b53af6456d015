"""Real-name sales of filled cylinders: every reason to refuse one (the catering rules among them)."""
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.catalog.models import plain
from gasguard.hazards.choices import Source
from gasguard.hazards.models import Hazard
from gasguard.sites.choices import GAS_USING_TYPES, LicenceKind
from gasguard.sites.models import Site

from .. import codes
from ..choices import (
    BANNED_IN_CATERING,
    CATERING_SITE_TYPES,
    FIFTY_KG_MIN_FILL,
    FIFTY_KG_MODELS,
    CateringBan,
    SaleReason,
    Status,
    WorkerRole,
)
from ..models import Cylinder, CylinderReturn, Filling, Sale, SaleItem
from ..scope import acts_for
from ._common import Refused, _licence_problem, _licences, _reason, _when, setting


def overdue_delivery_hazards(*sites):
    """The delivery-check hazards past their deadline at any of `sites` (None ignored)."""
    ids = {site.pk for site in sites if site is not None}
    if not ids:
        return Hazard.objects.none()
    return Hazard.objects.overdue().filter(site_id__in=ids, source=Source.DELIVERY_CHECK)


def catering_ban() -> str:
    """The CYLINDER_CATERING_BAN setting, checked (a typo must not silently lift the ban)."""
    from django.core.exceptions import ImproperlyConfigured

    value = setting("CYLINDER_CATERING_BAN", CateringBan.ALL_50KG)
    if value not in CateringBan.values:
        raise ImproperlyConfigured(f"设置 CYLINDER_CATERING_BAN 的值“{value}”无效，应为 "
                                   f"{' 或 '.join(CateringBan.values)}")
    return value


def is_fifty_kg(cylinder) -> bool:
    """A 50 kg bottle: the YSP118 family, or any cylinder registered with a nominal fill of 49.5 kg or more."""
    return cylinder.model in FIFTY_KG_MODELS or (cylinder.nominal_fill_kg or 0) >= FIFTY_KG_MIN_FILL


def catering_refusal(cylinder, code, site, ban=None):
    """The reason a cylinder may not go to `site` (a restaurant or canteen), or None. The 气液双相 YSP118-II keeps its
    own reason under any setting; any other 50 kg bottle is refused under the plan's rule (二(一)2), the default."""
    if site is None or site.site_type not in CATERING_SITE_TYPES:
        return None
    place = site.get_site_type_display()
    if cylinder.model in BANNED_IN_CATERING:
        return _reason(SaleReason.DOUBLE_PHASE_TO_CATERING, _("%(code)s（%(model)s，%(place)s“%(site)s”；方案二（一）2、二（四）3）") % {
            "code": code, "model": cylinder.model, "place": place, "site": site.name})
    if (ban or catering_ban()) == CateringBan.ALL_50KG and is_fifty_kg(cylinder):
        return _reason(SaleReason.FIFTY_KG_TO_CATERING,
                       _("%(code)s（%(model)s，公称充装量%(fill)skg，%(place)s“%(site)s”）") % {
                           "code": code, "model": cylinder.model, "fill": plain(cylinder.nominal_fill_kg), "place": place,
                           "site": site.name})
    return None


def _worker_reason(worker, seller, roles, day, reason):
    if worker is None:
        return _reason(reason, _("未指定"))
    if worker.enterprise_id != seller.pk or worker.role not in roles:
        return _reason(reason, _("“%(worker)s”不是本企业的相应岗位人员") % {"worker": worker})
    if not worker.certified_on(day):
        return _reason(reason, _("“%(worker)s”的证书已于 %(date)s 过期") % {
            "worker": worker, "date": f"{worker.certificate_valid_until:%Y-%m-%d}"})
    return None


def sale_reasons(*, seller, customer, cylinders_by_code, courier, safety_checker, day, site=None) -> list:
    """Every reason to refuse the sale (empty: allowed). `site` is the usage site named for this sale, if any; the
    catering rules apply when it, or the buyer's own registered site, is a restaurant or canteen (a catering
    business cannot lift the ban by naming another place), and an overdue delivery-check hazard at either stops
    the supply."""
    reasons = []
    if _licence_problem(_licences(LicenceKind.GAS_BUSINESS, enterprise=seller), day, True, True):
        reasons.append(_reason(SaleReason.NO_GAS_BUSINESS_LICENCE))
    catering_site = next((s for s in (site, customer.site) if s is not None and s.site_type in CATERING_SITE_TYPES),
                         None)
    ban = catering_ban()
    cylinders = [c for c in cylinders_by_code.values() if isinstance(c, Cylinder)]
    last_fill = dict(Filling.objects.filter(cylinder__in=cylinders).values("cylinder_id")
                     .annotate(at=Max("filled_at")).values_list("cylinder_id", "at"))
    last_sale = dict(SaleItem.objects.filter(cylinder__in=cylinders).values("cylinder_id")
                     .annotate(at=Max("sale__sold_at")).values_list("cylinder_id", "at"))
    returned = set(CylinderReturn.objects.filter(cylinder__in=cylinders).values_list("cylinder_id", "sale_id"))
    out = {c for c, s in SaleItem.objects.filter(cylinder__in=cylinders).values_list("cylinder_id", "sale_id")
           if (c, s) not in returned}
    for code, cylinder in cylinders_by_code.items():
        if cylinder == "invalid":
            reasons.append(_reason(SaleReason.INVALID_CODE, code))
            continue
        if cylinder is None:
            reasons.append(_reason(SaleReason.UNKNOWN_CODE, code))
            continue
        if cylinder.owner_id != seller.pk:
            reasons.append(_reason(SaleReason.NOT_SELLERS, code))
        if not cylinder.fit_on(day):
            reasons.append(_reason(SaleReason.CYLINDER_UNFIT, f"{code}（{Status(cylinder.effective_status(day)).label}）"))
        if cylinder.pk in out:
            reasons.append(_reason(SaleReason.ALREADY_OUT, code))
        elif cylinder.pk not in last_fill or (cylinder.pk in last_sale and last_fill[cylinder.pk] <= last_sale[cylinder.pk]):
            reasons.append(_reason(SaleReason.NOT_FILLED, code))
        catering = catering_refusal(cylinder, code, catering_site, ban)
        if catering:
            reasons.append(catering)
    overdue = list(overdue_delivery_hazards(site, customer.site).values_list("number", flat=True)[:5])
    if overdue:
        reasons.append(_reason(SaleReason.BUYER_OVERDUE_HAZARD, "、".join(overdue)))
    for worker, roles, reason in ((courier, {WorkerRole.DELIVERY}, SaleReason.COURIER_NOT_CERTIFIED),
                                  (safety_checker, {WorkerRole.DELIVERY, WorkerRole.SAFETY_CHECKER},
                                   SaleReason.CHECKER_NOT_CERTIFIED)):
        problem = _worker_reason(worker, seller, roles, day, reason)
        if problem:
            reasons.append(problem)
    return reasons


def _usage_site(site):
    """The usage site named for a sale: a registered gas-using place (a Site or its id), or None."""
    if site in (None, ""):
        return None
    if not isinstance(site, Site):
        site = Site.objects.select_related("jurisdiction").filter(pk=site if str(site).isdigit() else None).first()
        if site is None:
            raise ValidationError({"site": _("用气场所不存在（须先登记为监管对象）")})
    # The messages name the number, not the place: a seller may name any registered site, not browse them.
    if site.site_type not in GAS_USING_TYPES:
        raise ValidationError({"site": _("编号 %(number)s 的监管对象不是用气场所，请选择餐饮企业、单位食堂、居民用户等用气单位") % {
            "number": site.pk}})
    if not site.is_active:
        raise ValidationError({"site": _("编号 %(number)s 的用气场所已不在册") % {"number": site.pk}})
    return site


@transaction.atomic
def sell(*, seller, customer, codes_sold, courier, safety_checker, by, usage_address="", sold_at=None,
         site=None) -> Sale:
    """A real-name sale of filled cylinders to a registered buyer. Refused (Refused, with every reason) when the
    seller has no valid gas business licence, a cylinder is not fit or not filled, a 50 kg bottle (any, by default;
    CYLINDER_CATERING_BAN) would go to a restaurant or canteen, the buyer has a delivery-check hazard past its
    deadline, or the courier or safety checker has no valid training certificate.

    `site` names where the gas is used when it is not the buyer's own registered site — a person may run a small
    restaurant: the catering rules, the delivery's safety check, its hazards and the sale's area follow that site."""
    if not acts_for(by, seller):
        raise PermissionDenied(_("只能以本企业名义销售"))
    if customer.enterprise_id != seller.pk:
        raise ValidationError({"customer": _("用户须由本企业登记")})
    site = _usage_site(site)
    sold_at = _when(sold_at, "sold_at")
    wanted = list(dict.fromkeys(codes.normalise(c) for c in (codes_sold or []) if c))
    if not wanted:
        raise ValidationError({"codes": _("请扫描所售气瓶的编码")})
    valid = [c for c in wanted if codes.is_valid(c)]
    found = {c.code: c for c in Cylinder.objects.select_for_update().filter(code__in=valid)}
    by_code = {c: ("invalid" if c not in valid else found.get(c)) for c in wanted}
    reasons = sale_reasons(seller=seller, customer=customer, cylinders_by_code=by_code, courier=courier,
                           safety_checker=safety_checker, day=timezone.localdate(sold_at), site=site)
    if reasons:
        raise Refused(reasons)
    address = (usage_address or "").strip() or (site and (site.address or site.name)) or customer.address
    sale = Sale.objects.create(number=uuid.uuid4().hex[:20], seller=seller, customer=customer,
                               usage_address=address.strip()[:200], site=site,
                               jurisdiction=site.jurisdiction if site else customer.jurisdiction, sold_at=sold_at,
                               courier=courier, safety_checker=safety_checker, by=by)
    sale.number = f"XS{timezone.localdate(sold_at):%Y%m%d}{sale.pk:07d}"
    sale.save(update_fields=["number"])
    SaleItem.objects.bulk_create([SaleItem(sale=sale, cylinder=found[c]) for c in wanted])
    audit.record("cylinders.sell", sale, actor=by, after={**audit.snapshot(sale), "codes": wanted})
    return sale


def usage_site_of(sale):
    """Where a sale's gas is used, as far as known without creating anything: the site named for the sale, else the
    buyer's own site (None for a household not yet given one)."""
    return sale.site if sale.site_id else sale.customer.site
