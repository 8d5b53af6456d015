"""The verbs of the enterprise register. Each one checks who may do it, writes, and signs the audit record in one
transaction; the API and the imports call them, nothing else saves an enterprise."""
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gasguard.audit import services as audit

from .models import Enterprise
from .roles import can_manage_master_data


def _check_office(by):
    if not can_manage_master_data(by):
        raise PermissionDenied(_("仅区专班办公室可以维护基础数据"))


@transaction.atomic
def create_enterprise(*, by, **fields) -> Enterprise:
    """Register an enterprise (the office only) with already validated `fields`; audited as enterprise.create."""
    _check_office(by)
    enterprise = Enterprise.objects.create(**fields)
    audit.record("enterprise.create", enterprise, actor=by, after=audit.snapshot(enterprise))
    return enterprise


@transaction.atomic
def update_enterprise(enterprise: Enterprise, *, by, **fields) -> Enterprise:
    """Change the given fields of an enterprise (the office only); audited as enterprise.update, before and after."""
    _check_office(by)
    return audit.save_changes(enterprise, "enterprise.update", actor=by, **fields)


@transaction.atomic
def import_enterprises(rows: list[dict], *, by) -> list[Enterprise]:
    """Register many enterprises at once (the office only), each row already validated. The import that calls this
    signs the whole batch with one audit record of its own."""
    _check_office(by)
    return Enterprise.objects.bulk_create([Enterprise(**row) for row in rows])
