"""The registry: filling stations (blocks), cylinders (codes, status, periodic inspections), workers and customers."""
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.sites.choices import LicenceKind, SiteType
from gasguard.utilities import clock, pii
from gasguard.utilities.credit_code import credit_code_error, id_number_error

from .. import codes
from ..choices import NOMINAL_FILL_KG, CustomerKind, CylinderModel, Status, WorkerRole
from ..models import CodeCounter, Customer, Cylinder, PeriodicInspection, StationBlock, StatusChange, Worker
from ..scope import acts_for, is_inspection_agency, is_regulator
from ._common import _licence_problem, _licences, _positive, add_years, setting


def active_block(station):
    return StationBlock.objects.filter(station=station, lifted_at__isnull=True).first()


def _check_station(station):
    if station.site_type != SiteType.FILLING_STATION or not station.enterprise_id:
        raise ValidationError({"station": _("该对象不是已登记的液化石油气充装站（须有所属企业）")})


@transaction.atomic
def block_station(station, *, reason, by) -> StationBlock:
    """The regulator stops a station's filling: every gate check there is refused until the block is lifted."""
    if not is_regulator(by):
        raise PermissionDenied(_("只有专班办公室和成员单位可以锁定充装站"))
    _check_station(station)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请写明锁定原因")})
    block = active_block(station) or StationBlock.objects.create(station=station, reason=reason.strip(),
                                                                 blocked_by=by)
    audit.record("cylinders.station.block", block, actor=by, after=audit.snapshot(block))
    return block


@transaction.atomic
def lift_block(station, *, by) -> StationBlock | None:
    if not is_regulator(by):
        raise PermissionDenied(_("只有专班办公室和成员单位可以解除锁定"))
    block = active_block(station)
    if block is not None:
        before = audit.snapshot(block)
        block.lifted_at, block.lifted_by = clock.now(), by
        block.save()
        audit.record("cylinders.station.unblock", block, actor=by, before=before, after=audit.snapshot(block))
    return block


# --- cylinders ---------------------------------------------------------------------------------------------------

def _issue_code() -> str:
    counter = CodeCounter.objects.select_for_update().filter(pk=1).first()
    if counter is None:
        CodeCounter.objects.get_or_create(pk=1)
        counter = CodeCounter.objects.select_for_update().get(pk=1)
    while True:
        counter.last += 1
        code = codes.issue(counter.last)
        if not Cylinder.objects.filter(code=code).exists():
            counter.save(update_fields=["last"])
            return code


@transaction.atomic
def register_cylinder(*, owner, maker, maker_serial, manufactured_on, model, by, code=None, nominal_fill_kg=None,
                      last_inspected_on=None) -> Cylinder:
    """Register one cylinder to its one owner, a licensed filling enterprise. A code given (a label already on the
    cylinder) must carry its check character; without one the platform issues the next. A code, or a cylinder
    (maker + serial), already registered is refused, whoever the owner: one cylinder, one code, one owner."""
    if not acts_for(by, owner):
        raise PermissionDenied(_("只能为本企业登记气瓶"))
    errors = {}
    today = clock.today()
    if code:
        code = codes.normalise(code)
        problem = codes.code_error(code)
        if problem:
            errors["code"] = problem
        else:
            taken = Cylinder.objects.select_related("owner").filter(code=code).first()
            if taken:
                errors["code"] = _("编码 %(code)s 已登记给“%(owner)s”，一个编码只能登记一个产权单位（一瓶一码）") % {
                    "code": code, "owner": taken.owner}
    maker, maker_serial = (maker or "").strip(), (maker_serial or "").strip()
    if not maker or not maker_serial:
        errors["maker_serial"] = _("请填写制造单位和出厂编号")
    else:
        twin = Cylinder.objects.select_related("owner").filter(maker=maker, maker_serial=maker_serial).first()
        if twin:
            errors["maker_serial"] = _("该气瓶（%(maker)s %(serial)s）已登记，编码 %(code)s，产权单位“%(owner)s”，不得重复登记") % {
                "maker": maker, "serial": maker_serial, "code": twin.code, "owner": twin.owner}
    if model not in CylinderModel.values:
        errors["model"] = _("型号“%(model)s”不是GB 5842规定的型号") % {"model": model}
    if nominal_fill_kg not in (None, "") and _positive(nominal_fill_kg, limit=Decimal("99999.9")) is None:
        errors["nominal_fill_kg"] = _("公称充装量“%(value)s”须为大于0的数（kg）") % {"value": nominal_fill_kg}
    if not isinstance(manufactured_on, date) or manufactured_on > today:
        errors["manufactured_on"] = _("制造日期须为不晚于今天的日期")
    if _licence_problem(_licences(LicenceKind.FILLING, enterprise=owner), today, True, True):
        errors["owner"] = _("“%(owner)s”没有有效的气瓶充装许可证，不能作为气瓶产权单位登记") % {"owner": owner}
    if errors:
        raise ValidationError(errors)
    life_ends = add_years(manufactured_on, setting("CYLINDER_SERVICE_LIFE_YEARS", 8))
    if life_ends < today:
        raise ValidationError({"manufactured_on": _(
            "该气瓶已于 %(date)s 超过设计使用年限，应予报废，不得登记投用") % {"date": f"{life_ends:%Y-%m-%d}"}})
    period = setting("CYLINDER_INSPECTION_PERIOD_YEARS", 4)
    cylinder = Cylinder.objects.create(
        code=code or _issue_code(), maker=maker, maker_serial=maker_serial, manufactured_on=manufactured_on,
        model=model, nominal_fill_kg=_positive(nominal_fill_kg) or NOMINAL_FILL_KG[model],
        owner=owner, last_inspected_on=last_inspected_on,
        next_inspection_due=add_years(last_inspected_on or manufactured_on, period), service_life_ends=life_ends,
        registered_by=by)
    audit.record("cylinders.register", cylinder, actor=by, after=audit.snapshot(cylinder))
    return cylinder


def find(code: str) -> Cylinder:
    """The cylinder of a code; a code with a wrong check character is refused before any lookup."""
    code = codes.normalise(code)
    problem = codes.code_error(code)
    if problem:
        raise ValidationError({"code": problem})
    try:
        return Cylinder.objects.select_related("owner").get(code=code)
    except Cylinder.DoesNotExist:
        raise ValidationError({"code": _("编码 %(code)s 未登记") % {"code": code}})


@transaction.atomic
def change_status(cylinder, *, to_status, reason, by) -> Cylinder:
    """Scrap (the owner or a regulator; final: the code is retired and never issued again), seize or black-list
    (regulators), or put a seized or black-listed cylinder back in service (regulators)."""
    cylinder = Cylinder.objects.select_for_update().get(pk=cylinder.pk)
    if to_status not in (Status.SCRAPPED, Status.SEIZED, Status.BLACKLISTED, Status.IN_SERVICE):
        raise ValidationError({"status": _("不能直接设为该状态")})
    if to_status == Status.SCRAPPED:
        if not (is_regulator(by) or acts_for(by, cylinder.owner)):
            raise PermissionDenied(_("只有产权单位或监管部门可以报废气瓶"))
    elif not is_regulator(by):
        raise PermissionDenied(_("只有专班办公室和成员单位可以扣押、列入黑名单或解除"))
    return _set_status(cylinder, to_status=to_status, reason=reason, by=by)


def _set_status(cylinder, *, to_status, reason, by) -> Cylinder:
    # The checks of a status change once the caller's right to make it is settled (by change_status, or by a failed
    # periodic inspection, which scraps the cylinder on the agency's word).
    if cylinder.status == Status.SCRAPPED:
        raise ValidationError({"status": _("气瓶已报废，编码已注销，不能再变更")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请写明原因")})
    before = audit.snapshot(cylinder)
    change = StatusChange.objects.create(cylinder=cylinder, from_status=cylinder.status, to_status=to_status,
                                         reason=reason.strip(), by=by)
    cylinder.status = to_status
    if to_status == Status.SCRAPPED:
        cylinder.retired_at = change.at
    cylinder.save()
    audit.record(f"cylinders.status.{to_status}", cylinder, actor=by, before=before,
                 after=audit.snapshot(cylinder), extra={"reason": change.reason})
    return cylinder


@transaction.atomic
def record_periodic_inspection(cylinder, *, inspected_on, passed, by, report_number="",
                               extend_life=False) -> PeriodicInspection:
    """A periodic inspection, recorded by the inspection agency's own account (its name is the agency): passed sets
    the next date one period on (and, when asked, extends the service life to its maximum, which only a passed
    inspection may do); failed scraps the cylinder."""
    if not is_inspection_agency(by):
        raise PermissionDenied(_("定期检验只能由检验机构的账号登记"))
    agency = by.enterprise.name
    cylinder = Cylinder.objects.select_for_update().get(pk=cylinder.pk)
    if cylinder.status == Status.SCRAPPED:
        raise ValidationError({"cylinder": _("气瓶已报废")})
    if inspected_on > clock.today():
        raise ValidationError({"inspected_on": _("检验日期不能晚于今天")})
    if extend_life and not passed:
        raise ValidationError({"extend_life": _("只有定期检验合格的气瓶才能延长使用年限")})
    max_end = add_years(cylinder.manufactured_on, setting("CYLINDER_MAX_SERVICE_LIFE_YEARS", 12))
    if extend_life and inspected_on > max_end:
        raise ValidationError({"extend_life": _("已超过最长使用年限，不能延长")})
    before = audit.snapshot(cylinder)
    row = PeriodicInspection.objects.create(cylinder=cylinder, inspected_on=inspected_on, passed=passed,
                                            agency=agency, report_number=report_number, extended_life=extend_life,
                                            by=by)
    if passed:
        cylinder.last_inspected_on = inspected_on
        cylinder.next_inspection_due = add_years(inspected_on, setting("CYLINDER_INSPECTION_PERIOD_YEARS", 4))
        if extend_life:
            cylinder.service_life_ends, cylinder.life_extended = max_end, True
        cylinder.save()
    audit.record("cylinders.periodic_inspection", cylinder, actor=by, before=before,
                 after=audit.snapshot(cylinder), extra={"inspection": audit.snapshot(row)})
    if not passed:
        _set_status(cylinder, to_status=Status.SCRAPPED, reason=f"定期检验不合格（{agency} {report_number}）".strip(),
                      by=by)
    return row


# --- workers, customers -----------------------------------------------------------------------------------------

@transaction.atomic
def register_worker(*, enterprise, name, role, certificate_number, certificate_valid_until, by, user=None) -> Worker:
    if not acts_for(by, enterprise):
        raise PermissionDenied(_("只能登记本企业的人员"))
    if role not in WorkerRole.values:
        raise ValidationError({"role": _("岗位不正确")})
    if not (name or "").strip() or not (certificate_number or "").strip():
        raise ValidationError({"certificate_number": _("请填写姓名和证书编号")})
    worker = Worker.objects.create(enterprise=enterprise, name=name.strip(), role=role,
                                   certificate_number=certificate_number.strip(),
                                   certificate_valid_until=certificate_valid_until, user=user)
    audit.record("cylinders.worker.register", worker, actor=by, after=audit.snapshot(worker))
    return worker


def _customer_snapshot(customer):
    """The customer as the audit chain keeps it: the masked forms only (the record is never rewritten, so it must not
    hold what the customer may later have erased); the row's id says who it is."""
    data = audit.snapshot(customer, exclude=("id_number_encrypted", "id_number_hash", "phone_encrypted", "phone_hash"))
    data["name"] = customer.name_masked
    return data


@transaction.atomic
def register_customer(*, enterprise, kind, name, phone, address, by, jurisdiction=None, id_number="",
                      credit_code="", site=None) -> Customer:
    """Register a buyer by real name: a person with a resident ID number (GB 11643 check digit) or a business with
    its credit code (and, for catering, its site). The ID number is stored encrypted and shown masked. Registering
    the same person or business again returns the one already registered."""
    if not acts_for(by, enterprise):
        raise PermissionDenied(_("只能为本企业登记用户"))
    errors = {}
    name, phone, address = (name or "").strip(), (phone or "").strip(), (address or "").strip()
    if not name:
        errors["name"] = _("请填写姓名或单位名称")
    if not phone:
        errors["phone"] = _("请填写联系电话")
    if site is not None:
        jurisdiction = site.jurisdiction
        address = address or site.address or site.name
    if jurisdiction is None:
        errors["jurisdiction"] = _("请选择用气地址所在属地（或用气场所）")
    if not address:
        errors["address"] = _("请填写用气地址")
    id_number = (id_number or "").strip().upper()
    credit_code = (credit_code or "").strip().upper()
    if kind == CustomerKind.PERSON:
        problem = id_number_error(id_number)
        if problem:
            errors["id_number"] = problem
    elif kind == CustomerKind.BUSINESS:
        problem = credit_code_error(credit_code)
        if problem:
            errors["credit_code"] = problem
        if site is None:
            errors["site"] = _("单位用户须选择其用气场所（餐饮企业、单位食堂等须先登记为监管对象）")
    else:
        errors["kind"] = _("用户类型须为个人或单位")
    if errors:
        raise ValidationError(errors)
    digest = pii.lookup_hash(id_number) if id_number else ""
    existing = Customer.objects.filter(enterprise=enterprise).filter(
        Q(id_number_hash__in=pii.lookup_hashes(id_number)) if digest else Q(credit_code=credit_code)).first()
    if existing:
        return existing
    customer = Customer.objects.create(
        enterprise=enterprise, kind=kind, name=name, phone_encrypted=pii.encrypt(phone),
        phone_hash=pii.lookup_hash(phone), phone_masked=pii.mask_phone(phone),
        id_number_encrypted=pii.encrypt(id_number) if id_number else "", id_number_hash=digest,
        id_number_masked=pii.mask_id_number(id_number) if id_number else "", credit_code=credit_code, site=site,
        jurisdiction=jurisdiction, address=address, registered_by=by)
    audit.record("cylinders.customer.register", customer, actor=by, after=_customer_snapshot(customer))
    return customer
