"""Supervision of units by the task force office."""
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from gasguard.audit import services as audit
from gasguard.utilities import clock

from .models import SupervisionOrder


@transaction.atomic
def issue_supervision_order(*, reason, deadline, by=None, department=None, jurisdiction=None, task=None,
                            hazards=(), trigger_key=None):
    """Issue a 督办单. With a `trigger_key` already used, nothing is issued and None is returned."""
    if trigger_key and SupervisionOrder.objects.filter(trigger_key=trigger_key).exists():
        return None
    try:
        with transaction.atomic():
            order = SupervisionOrder.objects.create(
                number=f"DB-TMP-{uuid.uuid4().hex}", department=department,
                jurisdiction=jurisdiction, task=task, reason=reason, deadline=deadline, issued_by=by,
                trigger_key=trigger_key)
    except IntegrityError:  # another worker issued it in the meantime
        return None
    order.number = f"DB{timezone.localdate(order.issued_at):%Y%m}{order.pk:05d}"
    order.save(update_fields=["number"])
    order.hazards.set(hazards)
    audit.record("supervision.issue", order, actor=by, after=audit.snapshot(order))
    return order


@transaction.atomic
def respond(order: SupervisionOrder, *, response: str, by) -> SupervisionOrder:
    """The unit's written response to a supervision order."""
    from django.core.exceptions import ValidationError

    if not (response or "").strip():
        raise ValidationError({"response": "请填写书面反馈"})
    before = audit.snapshot(order)
    order.response = response.strip()
    order.responded_at = clock.now()
    order.state = SupervisionOrder.State.ANSWERED
    order.save()
    audit.record("supervision.respond", order, actor=by, before=before, after=audit.snapshot(order))
    return order
