"""Fillings, behind an allowing gate check, and the batches a station uploads after working offline."""
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.utilities import clock
from gasguard.utilities.uuid7 import uuid7

from .. import codes
from ..choices import POST_FILL_CHECKS, PRE_FILL_CHECKS, WorkerRole
from ..models import Filling, GateCheck, Worker
from ..scope import acts_for, is_office
from ._common import _positive, _when, setting
from .gate import gate_check


def _may_operate(by, station):
    if not (is_office(by) or (station.enterprise_id and acts_for(by, station.enterprise))):
        raise PermissionDenied(_("只能在本企业的充装站操作"))


def _checks(answers, expected: dict, field) -> dict:
    answers = answers or {}
    missing = [str(label) for key, label in expected.items() if key not in answers]
    unknown = [k for k in answers if k not in expected]
    if missing or unknown:
        raise ValidationError({field: _("须逐项填写：%(items)s") % {"items": "、".join(missing)} if missing
                               else _("未知检查项：%(items)s") % {"items": "、".join(unknown)}})
    return {k: bool(answers[k]) for k in expected}


@transaction.atomic
def record_filling(*, gate_check_id, code, station, operator, net_weight_kg, pre_checks, post_checks, by,
                   filled_at=None, client_id=None, offline=False) -> Filling:
    """Record a filling. It must follow an allowing gate check of the same cylinder at the same station, recent
    (CYLINDER_GATE_CHECK_VALID_MINUTES) and not used by another filling: a cylinder the gate refused cannot be
    recorded as filled. The operator holds a valid certificate; every pre-fill check passed; no overfilling."""
    _may_operate(by, station)
    filled_at = _when(filled_at, "filled_at")
    check = (GateCheck.objects.select_for_update(of=("self",)).select_related("cylinder")
             .filter(client_id=gate_check_id).first())
    code = codes.normalise(code)
    if check is None:
        raise ValidationError({"gate_check": _("没有这次充装前检查的记录：须先扫码检查，允许后方可充装")})
    if not check.allowed:
        raise ValidationError({"gate_check": _("该气瓶未通过充装前检查，不得充装：%(reasons)s") % {
            "reasons": "；".join(r["message"] for r in check.reasons)}})
    if check.code != code or check.station_id != station.pk:
        raise ValidationError({"gate_check": _("充装前检查的气瓶或充装站与本次充装不符")})
    window = timedelta(minutes=setting("CYLINDER_GATE_CHECK_VALID_MINUTES", 30))
    if not (check.checked_at <= filled_at <= check.checked_at + window):
        raise ValidationError({"gate_check": _("充装须在充装前检查后%(minutes)s分钟内进行，请重新扫码检查") % {
            "minutes": int(window.total_seconds() // 60)}})
    if Filling.objects.filter(gate_check=check).exists():
        raise ValidationError({"gate_check": _("这次充装前检查已用于另一次充装，请重新扫码检查")})
    cylinder = check.cylinder
    errors = {}
    if operator.enterprise_id != station.enterprise_id or operator.role != WorkerRole.FILLING_OPERATOR:
        errors["operator"] = _("充装人员须为本站的气瓶充装作业人员")
    elif not operator.certified_on(timezone.localdate(filled_at)):
        errors["operator"] = _("充装人员“%(operator)s”的作业人员证书已过期（%(date)s）") % {
            "operator": operator, "date": f"{operator.certificate_valid_until:%Y-%m-%d}"}
    weight = _positive(net_weight_kg)
    if weight is None:
        errors["net_weight_kg"] = _("充装净重须为大于0的数（kg），实际为“%(value)s”") % {"value": net_weight_kg}
    elif weight > cylinder.nominal_fill_kg:
        errors["net_weight_kg"] = _("充装净重 %(weight)s kg 超过公称充装量 %(nominal)s kg（严禁超装）") % {
            "weight": weight, "nominal": cylinder.nominal_fill_kg}
    try:
        pre = _checks(pre_checks, PRE_FILL_CHECKS, "pre_checks")
        failed = [str(PRE_FILL_CHECKS[k]) for k, ok in pre.items() if not ok]
        if failed:
            errors["pre_checks"] = _("充装前检查不合格，不得充装：%(items)s") % {"items": "、".join(failed)}
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        post = _checks(post_checks, POST_FILL_CHECKS, "post_checks")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    filling = Filling.objects.create(
        client_id=client_id or uuid7(), cylinder=cylinder, station=station, gate_check=check,
        operator=operator, filled_at=filled_at, net_weight_kg=weight, pre_checks=pre, post_checks=post,
        post_checks_passed=all(post.values()), offline=offline, by=by)
    audit.record("cylinders.fill", filling, actor=by, after=audit.snapshot(filling))
    return filling


@dataclass
class BatchResult:
    client_id: str
    kind: str
    outcome: str          # created, duplicate, rejected
    id: int | None = None
    allowed: bool | None = None
    errors: dict | None = None


def upload_offline_batch(*, station, records, by) -> list[BatchResult]:
    """Records a station made while offline, with their original times and their own ids (UUID). Gate checks go in
    first, then fillings, each in time order; a record whose id is already here adds nothing, so uploading a batch
    twice adds its records once. A rejected record does not stop the others. Results come in the batch's order."""
    _may_operate(by, station)
    max_age = timedelta(days=setting("CYLINDER_OFFLINE_MAX_AGE_DAYS", 30))
    order = {"gate_check": 0, "filling": 1}
    results = [BatchResult(client_id=str(r.get("client_id", "")), kind=r.get("type", ""), outcome="rejected")
               for r in records]

    def sort_key(i):
        r = records[i]
        return order.get(r.get("type"), 2), str(r.get("checked_at") or r.get("filled_at") or "")

    # The ids already here and the operators named, read once for the whole batch (two or three queries however
    # long it is), not once per record.
    ids = {}
    for index, record in enumerate(records):
        try:
            ids[index] = uuid.UUID(str(record.get("client_id")))
        except ValueError:
            pass
    models = {"gate_check": GateCheck, "filling": Filling}
    known = {kind: {} for kind in models}
    for kind, model in models.items():
        wanted = [ids[i] for i, r in enumerate(records) if r.get("type") == kind and i in ids]
        if wanted:
            fields = ("client_id", "pk", "station_id") + (("allowed",) if kind == "gate_check" else ())
            for client_id, *row in model.objects.filter(client_id__in=wanted).values_list(*fields):
                known[kind][client_id] = row
    operator_ids = {int(r["operator"]) for r in records  # (a bigint: a longer number names no one)
                    if r.get("type") == "filling" and str(r.get("operator")).isdigit() and len(str(r["operator"])) < 19}
    operators = Worker.objects.in_bulk(operator_ids) if operator_ids else {}

    for index in sorted(range(len(records)), key=sort_key):
        record, result = records[index], results[index]
        kind = result.kind
        client_id = ids.get(index)
        if client_id is None:
            result.errors = {"client_id": [_("每条记录须带终端生成的编号（UUID）")]}
            continue
        if kind not in models:
            result.errors = {"type": [_("记录类型须为 gate_check 或 filling")]}
            continue
        existing = known[kind].get(client_id)
        if existing is not None:
            pk, station_id, *allowed = existing
            if station_id != station.pk:
                result.errors = {"client_id": [_("该编号已被其他充装站的记录使用")]}
            else:
                result.outcome, result.id = "duplicate", pk
                result.allowed = allowed[0] if allowed else None
            continue
        try:
            with transaction.atomic():
                at = _when(record.get("checked_at" if kind == "gate_check" else "filled_at"), "time")
                if at < clock.now() - max_age:
                    raise ValidationError({"time": _("离线记录超过%(days)s天，不予补传") % {"days": max_age.days}})
                if kind == "gate_check":
                    row = gate_check(code=record.get("code", ""), station=station, by=by, checked_at=at,
                                     client_id=client_id, offline=True)
                    result.allowed = row.allowed
                else:
                    operator_id = record.get("operator")
                    operator = operators.get(int(operator_id)) if str(operator_id).isdigit() else None
                    if operator is None:
                        raise ValidationError({"operator": _("充装人员不存在")})
                    row = record_filling(
                        gate_check_id=record.get("gate_check"), code=record.get("code", ""), station=station,
                        operator=operator, net_weight_kg=record.get("net_weight_kg"),
                        pre_checks=record.get("pre_checks"), post_checks=record.get("post_checks"), by=by,
                        filled_at=at, client_id=client_id, offline=True)
            result.outcome, result.id = "created", row.pk
            # The same id twice in one batch: the second is a duplicate of the first.
            known[kind][client_id] = [row.pk, station.pk] + ([row.allowed] if kind == "gate_check" else [])
        except ValidationError as exc:
            result.errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        except IntegrityError:  # the same id arriving at the same moment from a second upload
            result.outcome = "duplicate"
    if any(r.outcome == "created" for r in results):
        with transaction.atomic():
            audit.record("cylinders.offline_upload", station, actor=by, object_type="sites.site",
                         extra={"created": [r.client_id for r in results if r.outcome == "created"],
                                "duplicates": sum(r.outcome == "duplicate" for r in results),
                                "rejected": sum(r.outcome == "rejected" for r in results)})
    return results
