"""The enterprise register's verbs (org.services): the office registers and changes enterprises, each change signed in
the audit trail with its before and after; anyone else is refused and nothing is written."""
import json

import pytest
from django.core.exceptions import PermissionDenied

from gasguard.audit.models import AuditRecord
from gasguard.org import services
from gasguard.org.models import Enterprise
from gasguard.testing import STREET_A, credit_code, jurisdiction


def fields():
    return {"name": "塘沽新开燃气公司", "credit_code": credit_code(), "kind": "user",
            "jurisdiction": jurisdiction(STREET_A)}


def test_the_office_registers_and_changes_an_enterprise_and_the_trail_keeps_both(personas):
    enterprise = services.create_enterprise(by=personas.office, **fields())
    services.update_enterprise(enterprise, by=personas.office, phone="022-66668888")
    create, update = AuditRecord.objects.filter(object_id=str(enterprise.pk),
                                                action__startswith="enterprise.").order_by("id")
    assert (create.action, update.action) == ("enterprise.create", "enterprise.update")
    assert update.actor == personas.office
    data = json.loads(update.data)
    assert (data["before"]["phone"], data["after"]["phone"]) == ("", "022-66668888")


@pytest.mark.parametrize("persona", ["street_a", "market", "inspector", "enterprise", "outsider"])
def test_nobody_else_registers_or_changes_one(personas, persona):
    user, enterprise = getattr(personas, persona), personas.site_a.enterprise
    counts = Enterprise.objects.count(), AuditRecord.objects.count()
    with pytest.raises(PermissionDenied):
        services.create_enterprise(by=user, **fields())
    with pytest.raises(PermissionDenied):
        services.update_enterprise(enterprise, by=user, phone="110")
    with pytest.raises(PermissionDenied):
        services.import_enterprises([fields()], by=user)
    assert (Enterprise.objects.count(), AuditRecord.objects.count()) == counts
    assert Enterprise.objects.get(pk=enterprise.pk).phone != "110"
