"""Buyers' ID and phone numbers: revealed whole with a reason, re-encrypted under a new key."""
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gasguard.audit import services as audit
from gasguard.org.choices import Role
from gasguard.utilities import clock, pii

from ..models import Customer
from ..scope import acts_for, area_path, customer_q, is_office
from ._common import setting


class TooManyReveals(Exception):
    """The user has revealed PII_REVEALS_PER_HOUR values in the last hour (HTTP 429)."""


REVEALABLE = ("id_number", "phone")


def may_reveal(user, customer, field) -> bool:
    """Who may see a customer's value whole: the ID number, the office only; the phone, those who must call the
    customer — the seller (its own users), the street or zone of the customer's area, the office."""
    if not Customer.objects.filter(customer_q(user), pk=customer.pk).exists():
        return False
    if field == "id_number" or is_office(user):
        return is_office(user)
    if user.role == Role.ENTERPRISE:
        return acts_for(user, customer.enterprise)
    return area_path(user) is not None


@transaction.atomic
def reveal(customer, field, reason, *, by) -> str:
    """A customer's ID number or phone number whole, for a user whose scope and role allow it, with a reason; at
    most PII_REVEALS_PER_HOUR values per user in any hour (TooManyReveals). Each reveal is an audit record with the
    reason and the masked value, never the value itself."""
    if field not in REVEALABLE:
        raise ValidationError({"field": _("须为 id_number（身份证号码）或 phone（联系电话）")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写查看原因")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("查看原因不能超过200字")})
    if not may_reveal(by, customer, field):
        raise PermissionDenied(_("只有区专班办公室可以查看完整身份证号码") if field == "id_number"
                               else _("只有销售企业、所在属地和区专班办公室可以查看完整联系电话"))
    limit = setting("PII_REVEALS_PER_HOUR", 20)
    since = clock.now() - timedelta(hours=1)
    if audit.AuditRecord.objects.filter(actor=by, action="cylinders.customer.reveal", at__gte=since).count() >= limit:
        raise TooManyReveals(_("一小时内查看个人信息已达 %(limit)s 次上限，请稍后再试") % {"limit": limit})
    masked = customer.id_number_masked if field == "id_number" else customer.phone_masked
    audit.record("cylinders.customer.reveal", customer, actor=by,
                 extra={"field": field, "reason": reason, "masked": masked})
    return customer.id_number() if field == "id_number" else customer.phone_number()


@transaction.atomic
def rotate_pii_keys(*, batch_size=1000) -> int:
    """Every encrypted value (utilities.pii's registry: buyers' ID numbers and phones) re-encrypted under the newest
    of PII_KEYS with its lookup hash: all or nothing (a value no key opens is a ValidationError naming its row).
    Returns the values rewritten."""
    done = pii.rotate(batch_size=batch_size)
    audit.record("cylinders.pii.rotate", object_type="cylinders.customer", extra={"rows": sum(done.values()), **done})
    return sum(done.values())
