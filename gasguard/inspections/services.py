"""Recording an inspection: the checklist for the site, item by item; every failure becomes a hazard."""
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.catalog.models import plain
from gasguard.catalog.services import checklist_for, route
from gasguard.hazards import services as hazards
from gasguard.hazards.choices import Source
from gasguard.org.choices import Role
from gasguard.org.models import Department
from gasguard.sites.models import Site
from gasguard.utilities import clock, uploads

from .models import Inspection, InspectionItem, InspectionKind, Result


@dataclass
class ItemAnswer:
    code: str
    result: str = ""
    measured_value: object = None
    note: str = ""
    photos: list = field(default_factory=list)


@transaction.atomic
def record_inspection(*, site, by, answers: list[ItemAnswer], signature: str, kind=InspectionKind.ROUTINE,
                      departments_present=(), inspected_at=None, lat=None, lon=None, note="",
                      responsible_person="", responsible_phone="", photos=(), signature_image=""):
    """Record an inspection of `site` by `by` and enter each failed item in the ledger.

    Every item of the site's checklist must be answered (pass, fail or not applicable); where a rule has a
    number, the measured value decides. The inspector signs with their own name. Returns (inspection, hazards).
    """
    if not Site.objects.visible_to(by).filter(pk=site.pk).exists():
        raise PermissionDenied(_("无权检查该对象"))
    if by.role == Role.ENTERPRISE and kind != InspectionKind.SELF:
        raise ValidationError({"kind": _("企业只能登记自查")})
    if by.role != Role.ENTERPRISE and kind == InspectionKind.SELF:
        raise ValidationError({"kind": _("“企业自查”只能由企业登记")})
    errors: dict[str, list[str]] = {}

    def err(key, msg):
        errors.setdefault(key, []).append(msg)

    if (signature or "").strip() != by.display_name:
        err("signature", _("签名须为检查人本人姓名“%(display_name)s”（谁检查、谁签名、谁负责）") % {"display_name": by.display_name})
    if signature_image and (not signature_image.startswith("data:image/png;base64,") or len(signature_image) > 300_000):
        err("signature_image", _("手写签名须为不超过200KB的PNG图像"))
    inspected_at = inspected_at or clock.now()
    if inspected_at > clock.now() + timedelta(minutes=5):
        err("inspected_at", _("检查时间不能晚于现在"))
    present = list(departments_present)
    if by.department_id and by.department not in present and kind == InspectionKind.JOINT:
        present.insert(0, by.department)
    if kind == InspectionKind.JOINT and len(present) < 2:
        err("departments_present", _("联合检查须列明至少两个参加单位"))
    # Every photo checked (and re-encoded) before anything is written: a refused file leaves nothing stored.
    try:
        photos = uploads.images(photos, "photos", _("现场照片"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    item_photos = {}
    for i, answer in enumerate(answers):
        try:
            item_photos[i] = uploads.images(answer.photos, f"items[{i}]",
                                            _("检查项“%(code)s”的照片") % {"code": answer.code})
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)

    checklist = {item.code: item for item in checklist_for(site)}
    seen = set()
    judged = []
    for i, answer in enumerate(answers):
        key = f"items[{i}]"
        item = checklist.get(answer.code)
        if item is None:
            err(key, _("检查项“%(code)s”不在该对象的检查表中") % {"code": answer.code})
            continue
        if answer.code in seen:
            err(key, _("检查项“%(code)s”重复填写") % {"code": answer.code})
            continue
        seen.add(answer.code)
        result, value = answer.result, answer.measured_value
        if value not in (None, ""):
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                err(key, _("检查项“%(code)s”的实测值“%(measured_value)s”不是数字") % {
                    "code": answer.code, "measured_value": answer.measured_value})
                continue
        else:
            value = None
        if item.has_measure and result != Result.NA:
            if value is None:
                err(key, _("检查项“%(code)s”须填写实测值（%(measure_label)s，单位%(measure_unit)s）") % {
                    "code": answer.code, "measure_label": item.measure_label, "measure_unit": item.measure_unit})
                continue
            result = Result.PASS if item.judge(value, site) else Result.FAIL  # the rule's number decides
        if result not in Result.values:
            err(key, _("检查项“%(code)s”的结果须为合格、不合格或不适用") % {"code": answer.code})
            continue
        judged.append((item, result, value, answer, item_photos.get(i, [])))
    missing = [code for code in checklist if code not in seen]
    if missing:
        err("items", _("检查表还有 %(count)s 项未填写：%(items)s%(more)s") % {
            "count": len(missing), "items": '、'.join(missing[:10]), "more": '…' if len(missing) > 10 else ''})
    failures = [j for j in judged if j[1] == Result.FAIL]
    person = (responsible_person or site.contact_person or "").strip()
    if failures and not person:
        err("responsible_person", _("发现隐患时须填写整治责任人"))
    if errors:
        raise ValidationError(errors)

    inspection = Inspection.objects.create(
        site=site, kind=kind, inspector=by, department=by.department, jurisdiction=by.jurisdiction,
        inspected_at=inspected_at, signature=signature.strip(), signature_image=signature_image, lat=lat, lon=lon,
        note=note,
        failed_count=len(failures))
    inspection.departments_present.set(present)
    for upload in photos:
        hazards.attach_photo(upload, by=by, inspection=inspection)
    found = []
    for item, result, value, answer, checked_photos in judged:
        row = InspectionItem.objects.create(inspection=inspection, item=item, result=result, measured_value=value,
                                            note=answer.note)
        for upload in checked_photos:
            hazards.attach_photo(upload, by=by, inspection=inspection, inspection_item=row)
        if result != Result.FAIL:
            continue
        lead, co = route(item, site)
        measured = f"（实测{item.measure_label}{plain(value)}{item.measure_unit}，要求{item.rule_text()}）" \
            if value is not None and item.has_measure else ""
        found.append(hazards.register(
            site=site, description=f"{item.text}{measured}{'：' + answer.note if answer.note else ''}",
            severity=item.severity, lead_unit=lead, co_units=co, responsible_person=person,
            responsible_phone=responsible_phone or site.contact_phone,
            deadline=clock.today() + timedelta(days=item.deadline_days), by=by,
            source=Source.SELF_INSPECTION if kind == InspectionKind.SELF else Source.INSPECTION,
            item=item, inspection=inspection, inspection_item=row, disposition=item.disposition,
            legal_basis=item.legal_basis))
    audit.record("inspection.sign", inspection, actor=by, after={
        **audit.snapshot(inspection),
        "items": {item.code: [result, str(value) if value is not None else None] for item, result, value, *_rest in judged},
        "hazards": [h.number for h in found]})
    return inspection, found


def departments_by_ids(ids) -> list[Department]:
    depts = list(Department.objects.filter(pk__in=ids))
    if len(depts) != len(set(ids)):
        raise ValidationError({"departments_present": _("参加单位中有不存在的单位")})
    return depts


@transaction.atomic
def add_photos(inspection: Inspection, *, by, photos, item_code: str = ""):
    """Photos taken during an inspection, added by the inspector who signed it (on the same day)."""
    if inspection.inspector_id != by.pk:
        raise PermissionDenied(_("只有签名的检查人可以补充本次检查的照片"))
    if timezone.localdate(inspection.inspected_at) != clock.today():
        raise ValidationError({"photos": _("只能在检查当天补充照片")})
    if not photos:
        raise ValidationError({"photos": _("请选择照片")})
    photos = uploads.images(photos, "photos", _("照片"))
    row = None
    if item_code:
        row = inspection.items.filter(item__code=item_code).first()
        if row is None:
            raise ValidationError({"item": _("本次检查没有检查项“%(item_code)s”") % {"item_code": item_code}})
    saved = [hazards.attach_photo(p, by=by, inspection=inspection, inspection_item=row) for p in photos]
    audit.record("inspection.photos", inspection, actor=by,
                 after={"photos": [p.sha256 for p in saved], "item": item_code or None})
    return saved
