"""The verbs of the ledger. Each one checks who may do it, validates, changes the hazard, writes the signed
timeline step and the audit record in one transaction. Nothing else saves a hazard."""
import hashlib
import random
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.inspections.models import Photo
from gasguard.org.choices import Role
from gasguard.org.roles import can_verify
from gasguard.utilities import clock, uploads

from . import tally
from .choices import OPEN_STATES, Action, LookBackResult, Source, State
from .models import Hazard, HazardEvent, LookBack

HAZARD_FIELDS_EXCLUDED = ("updated_at",)

# From which states each verb may be taken.
ALLOWED = {
    Action.START: {State.OPEN},
    Action.CONTROL: {State.OPEN, State.RECTIFYING, State.CONTROLLED},
    Action.SUBMIT: {State.RECTIFYING, State.CONTROLLED},
    Action.VERIFY_PASS: {State.SUBMITTED},
    Action.VERIFY_FAIL: {State.SUBMITTED},
    Action.REASSIGN: set(OPEN_STATES),
}


def today() -> date:
    return clock.today()


def leads(user, lead_unit) -> bool:
    """The lead unit's people (and the office, which leads the campaign) may grant a longer deadline."""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.role == Role.OFFICE
                or (lead_unit is not None and user.department_id == lead_unit.pk
                    and user.role in (Role.DEPARTMENT, Role.INSPECTOR)))


def default_period(item) -> int:
    """Days the check item gives for rectification (the setting's default for a hazard without an item)."""
    return item.deadline_days if item is not None else settings.HAZARD_DEFAULT_DEADLINE_DAYS


def check_deadline(deadline, field="deadline", *, by=None, lead_unit=None, item=None, found_on=None):
    """Not in the past, not more than HAZARD_MAX_DEADLINE_DAYS ahead, and past the item's default period (counted
    from the day the hazard was found) only when the lead unit sets it."""
    if deadline is None:
        raise ValidationError({field: _("请填写整改期限")})
    if deadline < today():
        raise ValidationError({field: _("整改期限 %(d)s 早于今天，不能设置已过去的日期") % {"d": f"{deadline:%Y-%m-%d}"}})
    latest = today() + timedelta(days=settings.HAZARD_MAX_DEADLINE_DAYS)
    if deadline > latest:
        raise ValidationError({field: _("整改期限 %(d)s 太远：最晚可设为 %(latest)s（%(n)d 天内）") % {
            "d": f"{deadline:%Y-%m-%d}", "latest": f"{latest:%Y-%m-%d}", "n": settings.HAZARD_MAX_DEADLINE_DAYS}})
    days = default_period(item)
    usual = (found_on or today()) + timedelta(days=days)
    if deadline > usual and not leads(by, lead_unit):
        raise ValidationError({field: _("整改期限 %(d)s 超出该隐患的默认整改期限（%(n)d 天，至 %(usual)s）；"
                                        "延期须由牵头单位%(lead)s确定") % {
            "d": f"{deadline:%Y-%m-%d}", "n": days, "usual": f"{usual:%Y-%m-%d}",
            "lead": f"“{lead_unit}”" if lead_unit is not None else ""}})


def _check_state(hazard: Hazard, action: Action):
    if hazard.state not in ALLOWED[action]:
        raise ValidationError({"state": _("隐患当前状态为“%(state)s”，不能执行“%(label)s”") % {
            "state": hazard.get_state_display(), "label": action.label}})


def _check_visible(hazard: Hazard, user):
    if not Hazard.objects.visible_to(user).filter(pk=hazard.pk).exists():
        raise PermissionDenied(_("无权处理该隐患"))


def _lock(hazard: Hazard) -> tuple[Hazard, dict]:
    """Re-read the hazard under a row lock, so two people acting at once cannot both move it."""
    locked = Hazard.objects.select_for_update().get(pk=hazard.pk)
    locked._tally_before = tally.contributions(locked)
    return locked, audit.snapshot(locked, exclude=HAZARD_FIELDS_EXCLUDED)


def _step(hazard: Hazard, before: dict | None, action: Action, by, *, note="", deadline=None, from_state="",
          photos=()) -> HazardEvent:
    # The dashboard's roll-up moves with the hazard, in this transaction (only for a hazard read under _lock or
    # just registered: those are the ones whose earlier contributions are known).
    tally_before = getattr(hazard, "_tally_before", None)
    if tally_before is not None:
        after = tally.contributions(hazard)
        tally.apply(tally_before, after)
        hazard._tally_before = after
    event = HazardEvent.objects.create(hazard=hazard, action=action, actor=by, from_state=from_state,
                                       to_state=hazard.state, note=note, deadline=deadline)
    for upload in photos:
        attach_photo(upload, by=by, hazard_event=event)
    audit.record(f"hazard.{action}", hazard, actor=by, before=before,
                 after=audit.snapshot(hazard, exclude=HAZARD_FIELDS_EXCLUDED),
                 extra={"event": event.pk, "note": note, "photos": event.photos.count()})
    return event


def attach_photo(upload, *, by, **owner):
    """Store an uploaded picture as evidence (re-encoded by us: uploads.image), with its SHA-256 so a swapped file
    can be told. Callers with several check them all first (uploads.images), so a refusal stores none."""
    upload = uploads.images([upload], "photos", _("照片"))[0]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Photo.objects.create(file=upload, sha256=digest.hexdigest(), uploaded_by=by, **owner)


@transaction.atomic
def register(*, site, description, severity, lead_unit, co_units=(), responsible_party="", responsible_person,
             deadline, by, source=Source.INSPECTION, item=None, inspection=None, inspection_item=None,
             disposition="", legal_basis="", responsible_phone="", responsible_user=None, rebound_of=None,
             note="") -> Hazard:
    """Enter a hazard in the ledger, open, with a named responsible person and a deadline not in the past."""
    errors = {}
    if not (description or "").strip():
        errors["description"] = _("请填写隐患描述")
    if not (responsible_person or "").strip():
        errors["responsible_person"] = _("请填写整治责任人（须具体到人）")
    try:
        check_deadline(deadline, by=by, lead_unit=lead_unit, item=item)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    hazard = Hazard.objects.create(
        number=uuid.uuid4().hex[:20], site=site, jurisdiction=site.jurisdiction, enterprise=site.enterprise,
        item=item, inspection=inspection, inspection_item=inspection_item, description=description.strip(),
        severity=severity, disposition=disposition, legal_basis=legal_basis, lead_unit=lead_unit,
        responsible_party=responsible_party or (site.enterprise.name if site.enterprise else site.name),
        responsible_person=responsible_person.strip(), responsible_phone=responsible_phone,
        responsible_user=responsible_user, deadline=deadline, source=source, found_by=by, rebound_of=rebound_of)
    hazard.number = f"YH{timezone.localdate(hazard.found_at):%Y%m}{hazard.pk:07d}"
    hazard.save(update_fields=["number"])
    hazard.co_units.set(co_units)
    hazard._tally_before = {}
    _step(hazard, None, Action.REGISTER, by, note=note or description, deadline=deadline)
    return hazard


@transaction.atomic
def start_rectification(hazard: Hazard, *, by, note="") -> Hazard:
    """立行立改: the responsible party starts fixing."""
    _check_visible(hazard, by)
    hazard, before = _lock(hazard)
    _check_state(hazard, Action.START)
    hazard.state = State.RECTIFYING
    hazard.save()
    _step(hazard, before, Action.START, by, note=note, from_state=State.OPEN)
    return hazard


@transaction.atomic
def control(hazard: Hazard, *, measures: str, deadline, by) -> Hazard:
    """When it cannot be fixed at once: record the control measures and a new deadline."""
    _check_visible(hazard, by)
    hazard, before = _lock(hazard)
    _check_state(hazard, Action.CONTROL)
    if not (measures or "").strip():
        raise ValidationError({"measures": _("请填写具体的管控措施")})
    check_deadline(deadline, by=by, lead_unit=hazard.lead_unit, item=hazard.item,
                    found_on=timezone.localdate(hazard.found_at))
    from_state = hazard.state
    hazard.state = State.CONTROLLED
    hazard.control_measures = measures.strip()
    hazard.deadline = deadline
    hazard.save()
    _step(hazard, before, Action.CONTROL, by, note=measures.strip(), deadline=deadline, from_state=from_state)
    return hazard


@transaction.atomic
def submit(hazard: Hazard, *, by, note: str, photos=()) -> Hazard:
    """Rectified: submit for verification with evidence (a description and at least one photo)."""
    _check_visible(hazard, by)
    hazard, before = _lock(hazard)
    _check_state(hazard, Action.SUBMIT)
    errors = {}
    if not (note or "").strip():
        errors["note"] = _("请说明整改情况")
    if not photos:
        errors["photos"] = _("提交验收须附整改后的照片等佐证材料")
    try:
        photos = uploads.images(photos, "photos", _("整改后照片"))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    from_state = hazard.state
    hazard.state = State.SUBMITTED
    hazard.rectified_by = by
    hazard.submitted_at = clock.now()
    hazard.save()
    _step(hazard, before, Action.SUBMIT, by, note=note.strip(), from_state=from_state, photos=photos)
    return hazard


@transaction.atomic
def verify(hazard: Hazard, *, by, passed: bool, note="", photos=()) -> Hazard:
    """Verification by someone other than the rectifier: close (销号), or send back for rectification."""
    _check_visible(hazard, by)
    if not can_verify(by):
        raise PermissionDenied(_("企业不能验收自己的隐患，须由监管部门或属地验收"))
    hazard, before = _lock(hazard)
    action = Action.VERIFY_PASS if passed else Action.VERIFY_FAIL
    _check_state(hazard, action)
    if by.pk in (hazard.rectified_by_id, hazard.responsible_user_id):
        raise ValidationError({"verified_by": _("验收人不能是整改人本人（谁整改、谁不验收）")})
    if not passed and not (note or "").strip():
        raise ValidationError({"note": _("验收不通过时须写明原因")})
    photos = uploads.images(photos, "photos", _("现场照片"))
    hazard.verified_by = by
    if passed:
        hazard.state = State.CLOSED
        hazard.closed_at = clock.now()
    else:
        hazard.state = State.RECTIFYING
    hazard.save()
    _step(hazard, before, action, by, note=note, from_state=State.SUBMITTED, photos=photos)
    return hazard


@transaction.atomic
def reassign(hazard: Hazard, *, by, responsible_person: str, responsible_phone="", responsible_user=None,
             note="") -> Hazard:
    """Name a different person responsible for the rectification."""
    _check_visible(hazard, by)
    hazard, before = _lock(hazard)
    _check_state(hazard, Action.REASSIGN)
    if not (responsible_person or "").strip():
        raise ValidationError({"responsible_person": _("请填写整治责任人")})
    hazard.responsible_person = responsible_person.strip()
    hazard.responsible_phone = responsible_phone
    hazard.responsible_user = responsible_user
    hazard.save()
    _step(hazard, before, Action.REASSIGN, by, note=note or responsible_person, from_state=hazard.state)
    return hazard


@transaction.atomic
def record_escalation(hazard: Hazard, order, *, by=None) -> HazardEvent:
    """The hazard's part of overdue escalation (campaign.services.escalate_overdue): the timeline step naming the
    supervision order issued for it."""
    locked, before = _lock(hazard)
    return _step(locked, before, Action.ESCALATE, by, note=f"逾期，已下发督办单 {order.number}",
                 from_state=locked.state)


@transaction.atomic
def draw_lookback_sample(month: str, *, rate: float | None = None, minimum: int | None = None, by=None,
                         seed: int | None = None) -> list[LookBack]:
    """Each month, draw a sample of hazards closed before the month began for a re-check (回头看).
    Drawing the same month again returns the sample already drawn."""
    existing = list(LookBack.objects.filter(month=month).select_related("hazard"))
    if existing:
        return existing
    year, mon = (int(x) for x in month.split("-"))
    start = timezone.make_aware(timezone.datetime(year, mon, 1))
    already = LookBack.objects.values("hazard_id")
    pool = list(Hazard.objects.filter(state=State.CLOSED, closed_at__lt=start).exclude(pk__in=already)
                .values_list("pk", flat=True).order_by("pk"))
    rate = settings.LOOKBACK_SAMPLE_RATE if rate is None else rate
    minimum = settings.LOOKBACK_MIN_SAMPLE if minimum is None else minimum
    size = min(len(pool), max(minimum, round(len(pool) * rate)))
    chosen = random.Random(seed if seed is not None else month).sample(pool, size)
    rows = LookBack.objects.bulk_create([LookBack(hazard_id=pk, month=month) for pk in sorted(chosen)])
    audit.record("lookback.draw", object_type="hazards.lookback", object_id=month, actor=by,
                 after={"month": month, "hazards": sorted(chosen)})
    return rows


@transaction.atomic
def record_lookback(lookback: LookBack, *, by, rebound: bool, note="", deadline=None) -> LookBack:
    """Record the re-check. A rebound enters a new hazard in the ledger, linked to the first."""
    _check_visible(lookback.hazard, by)
    if not can_verify(by):
        raise PermissionDenied(_("回头看须由监管部门或属地开展"))
    lookback = LookBack.objects.select_for_update().select_related("hazard").get(pk=lookback.pk)
    if lookback.result != LookBackResult.PENDING:
        raise ValidationError({"result": _("该回头看已记录结果")})
    if rebound and not (note or "").strip():
        raise ValidationError({"note": _("反弹时须描述复查发现的问题")})
    original = lookback.hazard
    lookback.result = LookBackResult.REBOUND if rebound else LookBackResult.CONFIRMED
    lookback.checked_by = by
    lookback.checked_at = clock.now()
    lookback.note = note
    if rebound:
        days = original.item.deadline_days if original.item else 15
        lookback.rebound_hazard = register(
            site=original.site, description=f"回头看发现反弹：{note.strip()}（原隐患 {original.number}）",
            severity=original.severity, lead_unit=original.lead_unit, co_units=list(original.co_units.all()),
            responsible_party=original.responsible_party, responsible_person=original.responsible_person,
            responsible_phone=original.responsible_phone, responsible_user=original.responsible_user,
            deadline=deadline or today() + timedelta(days=days), by=by, source=Source.LOOKBACK,
            item=original.item, disposition=original.disposition, legal_basis=original.legal_basis,
            rebound_of=original)
    lookback.save()
    before = audit.snapshot(original, exclude=HAZARD_FIELDS_EXCLUDED)
    _step(original, before, Action.LOOKBACK_REBOUND if rebound else Action.LOOKBACK_OK, by, note=note,
          from_state=original.state)
    return lookback


def allowed_actions(hazard: Hazard, user) -> list[Action]:
    """The steps `user` may take on `hazard` now: what the hazard page offers. Mirrors the checks of the verbs."""
    if not Hazard.objects.visible_to(user).filter(pk=hazard.pk).exists():
        return []
    actions = [a for a in (Action.START, Action.CONTROL, Action.SUBMIT, Action.REASSIGN)
               if hazard.state in ALLOWED[a]]
    if (hazard.state == State.SUBMITTED and can_verify(user)
            and user.pk not in (hazard.rectified_by_id, hazard.responsible_user_id)):
        actions += [Action.VERIFY_PASS, Action.VERIFY_FAIL]
    return actions
